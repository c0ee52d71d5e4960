"""The one database every store of the bot shares: engine, sessions, clock and schema.

Every call opens its own session and transaction, so nothing is held between calls; SQLite is
the default and any SQLAlchemy URL (PostgreSQL for several bot processes) works through the
same code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.store.models import Base, utcnow

# Long enough to ride out another process's write transaction, short enough to surface a
# stuck writer instead of hanging a Slack handler forever.
_SQLITE_BUSY_TIMEOUT_S = 15.0
# Update-then-insert loses a race only to a concurrent first insert; one retry then updates.
_UPSERT_ATTEMPTS = 3
# Key of the PostgreSQL advisory lock that serialises table creation between processes.
_SCHEMA_LOCK = 0x43580001

_T = TypeVar("_T")


def affected(result: Result[Any]) -> int:
    """Rows changed by an UPDATE or DELETE (the typed `Result` hides the cursor's count)."""
    return int(cast(CursorResult[Any], result).rowcount)


def aware(value: dt.datetime, name: str) -> dt.datetime:
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


class Database:
    """One per process, shared by all threads and all stores."""

    def __init__(
        self, url: str, *, echo: bool = False, clock: Callable[[], dt.datetime] = utcnow
    ) -> None:
        self.url = url
        # A seam for tests and reports: every timestamp the stores write comes from here.
        self._clock = clock
        self._engine, memory = _make_engine(url, echo=echo)
        # Rows are turned into pydantic models before the session closes; no lazy reloads.
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        # A single shared in-memory connection cannot hold two transactions at once.
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.RLock() if memory else contextlib.nullcontext()
        )

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for fault tests and maintenance scripts)."""
        return self._engine

    def now(self) -> dt.datetime:
        return aware(self._clock(), "clock()")

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self._lock, self._sessions() as session:
            yield session

    def retry_on_conflict(self, work: Callable[[Session], _T]) -> _T:
        """Run `work` in a fresh transaction, again if a concurrent insert won the race."""
        for attempt in range(_UPSERT_ATTEMPTS):
            try:
                with self.session() as s, s.begin():
                    return work(s)
            except IntegrityError:
                if attempt == _UPSERT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

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
