"""The bot's tables (SQLAlchemy ORM), kept portable between SQLite and PostgreSQL.

Only `bot.store` should import this module; everything the stores hand out is a pydantic
model. Every table is declared here, so `create_all` makes all of them whichever stores a
process uses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

_WHITESPACE = re.compile(r"\s+")
# After NFKC the full-width ？ and ！ are plain ? and !, so one ASCII set covers both widths.
_TRAILING_PUNCT = "?!.。 "


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def normalise_question(text: str) -> str:
    """The grouping key for knowledge gaps: one key for the same question asked differently.

    NFKC first so that full-width Latin letters and punctuation (common in Japanese input)
    fold onto their ASCII forms before casefolding.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WHITESPACE.sub(" ", folded).strip().rstrip(_TRAILING_PUNCT)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database.

    SQLite has no time zone type and PostgreSQL's `timestamptz` comes back in the session's
    zone, so storing naive UTC is the one form that reads back the same on both.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            # A naive value would be read as local time by some callers and UTC by others.
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        # Aggregates such as MAX() over SQLite text can come back unparsed.
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


class JSONList(TypeDecorator[list[str]]):
    """A list of strings as JSON text: portable, and readable in any SQL client."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        return json.dumps(list(value or []), ensure_ascii=False)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str]:
        if not value:
            return []
        return [str(item) for item in json.loads(value)]


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    """A Slack delivery already handled; the primary key is what makes claiming atomic."""

    __tablename__ = "cx_events"

    # Kind first: ids from different sources (events, actions, commands) never collide.
    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class RoleRow(Base):
    __tablename__ = "cx_roles"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class QuestionRow(Base):
    __tablename__ = "cx_questions"
    __table_args__ = (
        # Gap reports scan unanswered questions in a time window, grouped by key.
        Index("ix_cx_questions_gaps", "answered", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str | None] = mapped_column(String(64))
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    # Computed in Python: SQL lower() differs between databases and misses Unicode casefolding.
    question_key: Mapped[str] = mapped_column(Text, index=True)
    answer: Mapped[str] = mapped_column(Text)
    answered: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(64))
    sources: Mapped[list[str]] = mapped_column(JSONList())
    confidence: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class FeedbackRow(Base):
    """One vote per (question, user): the composite key turns a second click into an update."""

    __tablename__ = "cx_feedback"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("cx_questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Reports go by when the vote was last cast, so a changed vote counts as recent.
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class KudosRow(Base):
    """A kudos; `posted_ts` doubles as its outbox marker (see `bot.store.kudos`)."""

    __tablename__ = "cx_kudos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipients: Mapped[list[str]] = mapped_column(JSONList, default=list)
    recipient_names: Mapped[list[str]] = mapped_column(JSONList, default=list)
    quote: Mapped[str] = mapped_column(Text)
    touchpoint: Mapped[str | None] = mapped_column(String(32), nullable=True)
    value: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    sender: Mapped[str | None] = mapped_column(String(32), nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), index=True)
    origin: Mapped[str] = mapped_column(String(16), default="slack")
    # Unique: a double-clicked submit or a re-imported survey row cannot create a second win.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    posted_channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    posted_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)


class SnoozeRow(Base):
    __tablename__ = "cx_snoozes"

    path: Mapped[str] = mapped_column(String(512), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class DraftRow(Base):
    __tablename__ = "cx_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content: Mapped[str] = mapped_column(Text)  # the CapturedAnswer as JSON
    status: Mapped[str] = mapped_column(String(16), index=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    asker_id: Mapped[str | None] = mapped_column(String(64))
    channel_id: Mapped[str | None] = mapped_column(String(64))
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ResolvedGapRow(Base):
    """A question (normalised) that the knowledge covers since `resolved_at`."""

    __tablename__ = "cx_resolved_gaps"

    question_key: Mapped[str] = mapped_column(Text, primary_key=True)
    path: Mapped[str] = mapped_column(String(512))
    resolved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LessonSubscriptionRow(Base):
    """Who gets the weekly lesson: a person (a DM) or a channel (one post for everyone)."""

    __tablename__ = "cx_lesson_subscriptions"

    target: Mapped[str] = mapped_column(String(64), primary_key=True)  # user or channel ID
    kind: Mapped[str] = mapped_column(String(16))  # "user" or "channel"
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LessonAnswerRow(Base):
    """One person's answer to one lesson as sent in one round (an ISO week): the unique key
    turns a second click on the same message into nothing, while the same fact asked again
    in a later week is a new answer."""

    __tablename__ = "cx_lesson_answers"
    __table_args__ = (Index("ix_cx_lesson_answers_role", "role", "answered_at"),)

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lesson_key: Mapped[str] = mapped_column(String(512), primary_key=True)
    round: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    source_path: Mapped[str] = mapped_column(String(512))
    fact: Mapped[str] = mapped_column(Text)  # the correct option's text
    correct: Mapped[bool] = mapped_column(Boolean)
    channel_id: Mapped[str | None] = mapped_column(String(64))  # None: a DM lesson
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
