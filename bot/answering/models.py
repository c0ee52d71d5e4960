"""What the answering pipeline returns: shared by the CLI, the terminal chat and Slack."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class Source(BaseModel):
    path: str
    title: str
    section: str
    score: float
    snippet: str
    owner: str | None = None
    updated: dt.date | None = None
    review_by: dt.date | None = None


class Turn(BaseModel):
    """One earlier message of a conversation (a Slack thread, the terminal chat)."""

    role: Literal["user", "assistant"]
    text: str


class Answer(BaseModel):
    answer: str
    answered: bool
    sources: list[Source] = Field(default_factory=list)
    language: str
    confidence: float = 0.0
    mode: Literal["extractive", "llm", "not_found"] = "extractive"
    role: str | None = None
    # Said to the asker when a service was down and the answer was made without it.
    note: str | None = None

    def to_json_dict(self) -> dict[str, object]:
        """The `cxbot ask --json` contract (DESIGN.md), plus a few extra fields."""
        return self.model_dump(mode="json")
