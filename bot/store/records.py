"""What the question log hands out: plain pydantic models, never ORM rows."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class QuestionRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: str
    channel_id: str | None
    thread_ts: str | None
    question: str
    answer: str
    answered: bool
    language: str
    role: str | None
    sources: list[str]
    confidence: float
    created_at: dt.datetime


class Gap(BaseModel):
    """Unanswered questions that normalise to the same text."""

    question: str  # the latest wording
    count: int
    last_asked: dt.datetime
    languages: list[str]


class FeedbackItem(BaseModel):
    question_id: int
    question: str
    answer: str
    user_id: str
    created_at: dt.datetime  # when the vote was last cast
    comment: str | None


class QuestionStats(BaseModel):
    questions: int
    answered: int
    helpful: int
    not_helpful: int


class UnknownQuestionError(LookupError):
    """Feedback for a question id the store never logged."""
