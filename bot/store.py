"""The bot's durable state: event dedupe, roles, the question log, feedback and gap reports.

One `Store` per process, shared by all threads. Every call opens its own session and
transaction, so nothing is held between calls; SQLite is the default and any SQLAlchemy URL
(PostgreSQL for several bot processes) works through the same code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, case, create_engine, delete, event, func, select, text, update
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.store_models import (
    Base,
    EventRow,
    FeedbackRow,
    QuestionRow,
    RoleRow,
    normalise_question,
    utcnow,
)

__all__ = [
    "FeedbackItem",
    "Gap",
    "QuestionRecord",
    "QuestionStats",
    "Store",
    "UnknownQuestionError",
    "normalise_question",
]

# Long enough to ride out another process's write transaction, short enough to surface a
# stuck writer instead of hanging a Slack handler forever.
_SQLITE_BUSY_TIMEOUT_S = 15.0
# Update-then-insert loses a race only to a concurrent first insert; one retry then updates.
_UPSERT_ATTEMPTS = 3
# Key of the PostgreSQL advisory lock that serialises table creation between processes.
_SCHEMA_LOCK = 0x43580001

_T = TypeVar("_T")


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


def _affected(result: Result[Any]) -> int:
    """Rows changed by an UPDATE or DELETE (the typed `Result` hides the cursor's count)."""
    return int(cast(CursorResult[Any], result).rowcount)


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got {value!r}")
    return value.astimezone(dt.UTC)


def _sqlite_on_connect(*, wal: bool) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            # Busy timeout before WAL: switching the journal mode itself needs the lock.
            cursor.execute(f"PRAGMA busy_timeout = {int(_SQLITE_BUSY_TIMEOUT_S * 1000)}")
            if wal:
                # Readers no longer block the writer, which several threads rely on.
                cursor.execute("PRAGMA journal_mode = WAL")
            # SQLite ignores foreign keys unless asked; PostgreSQL always enforces them.
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    return on_connect


def _make_engine(url: str, *, echo: bool) -> tuple[Engine, bool]:
    """The engine, and whether it is an in-memory SQLite database (one shared connection)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Server connections die behind load balancers and restarts; ping before reuse.
        return create_engine(parsed, echo=echo, pool_pre_ping=True), False
    database = parsed.database or ""
    memory = database in ("", ":memory:") or "mode=memory" in database
    connect_args: dict[str, Any] = {"check_same_thread": False}
    if memory:
        # Every new connection would see a new empty database, so all threads share one.
        engine = create_engine(parsed, echo=echo, poolclass=StaticPool, connect_args=connect_args)
    else:
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        connect_args["timeout"] = _SQLITE_BUSY_TIMEOUT_S
        engine = create_engine(parsed, echo=echo, connect_args=connect_args)
    event.listen(engine, "connect", _sqlite_on_connect(wal=not memory))
    return engine, memory


class Store:
    def __init__(
        self, url: str, *, echo: bool = False, clock: Callable[[], dt.datetime] = utcnow
    ) -> None:
        self.url = url
        # A seam for tests and reports: every timestamp the store writes comes from here.
        self._clock = clock
        self._engine, memory = _make_engine(url, echo=echo)
        # Rows are turned into pydantic models before the session closes; no lazy reloads.
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        # A single shared in-memory connection cannot hold two transactions at once.
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.RLock() if memory else contextlib.nullcontext()
        )

    def _now(self) -> dt.datetime:
        return _aware(self._clock(), "clock()")

    @classmethod
    def for_data_dir(cls, data_dir: Path, url: str | None = None) -> Store:
        return cls(url or f"sqlite:///{Path(data_dir) / 'cx.db'}")

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for fault tests and maintenance scripts)."""
        return self._engine

    def create_all(self) -> None:
        with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Several workers start at once on a fresh database; without the lock two of
                # them both see "no table" and the second CREATE fails. DDL is transactional
                # here, so the waiting ones then find the tables made.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
            Base.metadata.create_all(conn)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def session(self) -> contextlib.AbstractContextManager[Session]:
        """A session on the same database, for other stores of the bot (kudos)."""
        return self._session()

    def now(self) -> dt.datetime:
        return self._now()

    @contextlib.contextmanager
    def _session(self) -> Iterator[Session]:
        with self._lock, self._sessions() as session:
            yield session

    def _retry_on_conflict(self, work: Callable[[Session], _T]) -> _T:
        """Run `work` in a fresh transaction, again if a concurrent insert won the race."""
        for attempt in range(_UPSERT_ATTEMPTS):
            try:
                with self._session() as s, s.begin():
                    return work(s)
            except IntegrityError:
                if attempt == _UPSERT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    # Events -----------------------------------------------------------------------------

    def claim_event(self, event_id: str, *, kind: str = "event") -> bool:
        """True for the first claim of (kind, event_id) ever, in any process; False after.

        The insert itself is the check: a read-then-insert would let two processes both see
        "not yet handled" and both answer a Slack retry.
        """
        if not event_id:
            raise ValueError("event_id must not be empty")
        try:
            with self._session() as s, s.begin():
                s.add(EventRow(kind=kind, event_id=event_id, created_at=self._now()))
        except IntegrityError:
            return False
        return True

    def purge_events(self, older_than: dt.timedelta) -> int:
        """Forget claims older than `older_than`; Slack stops retrying after minutes."""
        cutoff = self._now() - older_than
        with self._session() as s, s.begin():
            result = s.execute(delete(EventRow).where(EventRow.created_at < cutoff))
            return _affected(result)

    # Roles ------------------------------------------------------------------------------

    def set_role(self, user_id: str, role: str | None) -> None:
        if role is None:
            with self._session() as s, s.begin():
                s.execute(delete(RoleRow).where(RoleRow.user_id == user_id))
            return

        def upsert(s: Session) -> None:
            now = self._now()
            result = s.execute(
                update(RoleRow).where(RoleRow.user_id == user_id).values(role=role, updated_at=now)
            )
            if _affected(result) == 0:
                s.add(RoleRow(user_id=user_id, role=role, updated_at=now))

        self._retry_on_conflict(upsert)

    def get_role(self, user_id: str) -> str | None:
        with self._session() as s:
            return s.scalar(select(RoleRow.role).where(RoleRow.user_id == user_id))

    # Questions and feedback -------------------------------------------------------------

    def log_question(
        self,
        *,
        user_id: str,
        channel_id: str | None,
        question: str,
        answer: str,
        answered: bool,
        language: str,
        role: str | None,
        sources: list[str],
        confidence: float,
        thread_ts: str | None = None,
    ) -> int:
        row = QuestionRow(
            user_id=user_id,
            channel_id=channel_id,
            thread_ts=thread_ts,
            question=question,
            question_key=normalise_question(question),
            answer=answer,
            answered=answered,
            language=language,
            role=role,
            sources=list(sources),
            confidence=float(confidence),
            created_at=self._now(),
        )
        with self._session() as s, s.begin():
            s.add(row)
            s.flush()
            return row.id

    def get_question(self, question_id: int) -> QuestionRecord | None:
        with self._session() as s:
            row = s.get(QuestionRow, question_id)
            return None if row is None else QuestionRecord.model_validate(row)

    def record_feedback(
        self, *, question_id: int, user_id: str, helpful: bool, comment: str | None = None
    ) -> None:
        """Record a 👍/👎; the same user clicking again changes their vote, not the count."""

        def upsert(s: Session) -> None:
            if s.get(QuestionRow, question_id) is None:
                raise UnknownQuestionError(f"no question with id {question_id}")
            now = self._now()
            result = s.execute(
                update(FeedbackRow)
                .where(FeedbackRow.question_id == question_id, FeedbackRow.user_id == user_id)
                .values(helpful=helpful, comment=comment, updated_at=now)
            )
            if _affected(result) == 0:
                s.add(
                    FeedbackRow(
                        question_id=question_id,
                        user_id=user_id,
                        helpful=helpful,
                        comment=comment,
                        created_at=now,
                        updated_at=now,
                    )
                )

        self._retry_on_conflict(upsert)

    # Reports ----------------------------------------------------------------------------

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> list[Gap]:
        """Unanswered questions since `since`, grouped by normalised text, most asked first."""
        since = _aware(since, "since")
        unanswered = (QuestionRow.answered.is_(False), QuestionRow.created_at >= since)
        key = QuestionRow.question_key
        asked = func.count().label("asked")
        last_asked = func.max(QuestionRow.created_at).label("last_asked")
        with self._session() as s:
            groups = s.execute(
                select(key, asked, last_asked)
                .where(*unanswered)
                .group_by(key)
                .order_by(asked.desc(), last_asked.desc(), key)
                .limit(limit)
            ).all()
            if not groups:
                return []
            wording: dict[str, str] = {}
            languages: dict[str, set[str]] = {}
            rows = s.execute(
                select(key, QuestionRow.question, QuestionRow.language)
                .where(*unanswered, key.in_([g.question_key for g in groups]))
                .order_by(QuestionRow.created_at.desc(), QuestionRow.id.desc())
            )
            for group_key, question, language in rows:
                wording.setdefault(group_key, question)
                languages.setdefault(group_key, set()).add(language)
        return [
            Gap(
                question=wording[g.question_key],
                count=g.asked,
                last_asked=g.last_asked,
                languages=sorted(languages[g.question_key]),
            )
            for g in groups
        ]

    def negative_feedback(self, *, since: dt.datetime, limit: int = 10) -> list[FeedbackItem]:
        """👎 votes cast (or changed to 👎) since `since`, newest first."""
        since = _aware(since, "since")
        with self._session() as s:
            rows = s.execute(
                select(FeedbackRow, QuestionRow)
                .join(QuestionRow, FeedbackRow.question_id == QuestionRow.id)
                .where(FeedbackRow.helpful.is_(False), FeedbackRow.updated_at >= since)
                .order_by(FeedbackRow.updated_at.desc(), QuestionRow.id.desc())
                .limit(limit)
            ).all()
            return [
                FeedbackItem(
                    question_id=question.id,
                    question=question.question,
                    answer=question.answer,
                    user_id=vote.user_id,
                    created_at=vote.updated_at,
                    comment=vote.comment,
                )
                for vote, question in rows
            ]

    def stats(self, *, since: dt.datetime) -> QuestionStats:
        """Questions asked since `since`, and votes cast since then."""
        since = _aware(since, "since")
        answered = func.sum(case((QuestionRow.answered.is_(True), 1), else_=0))
        helpful = func.sum(case((FeedbackRow.helpful.is_(True), 1), else_=0))
        with self._session() as s:
            questions = s.execute(
                select(func.count(), answered).where(QuestionRow.created_at >= since)
            ).one()
            votes = s.execute(
                select(func.count(), helpful).where(FeedbackRow.updated_at >= since)
            ).one()
        # SUM over no rows is NULL, not 0.
        helpful_votes = int(votes[1] or 0)
        return QuestionStats(
            questions=int(questions[0]),
            answered=int(questions[1] or 0),
            helpful=helpful_votes,
            not_helpful=int(votes[0]) - helpful_votes,
        )
