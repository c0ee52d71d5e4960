"""The bot's tables (SQLAlchemy ORM), kept portable between SQLite and PostgreSQL.

Only `bot.store` should import this module; everything it hands out is a pydantic model.
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
        if not isinstance(value, dt.datetime):
            # Aggregates such as MAX() over SQLite text can come back unparsed.
            value = dt.datetime.fromisoformat(str(value))
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


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
