"""The bot's durable state: one store per concern, all on one shared database.

- `events`: exactly-once claims on Slack deliveries and scheduled jobs;
- `roles`: the role each user set;
- `questions`: the question log, feedback on answers, and the reports drawn from them;
- `kudos`: customer praise and its outbox of owed posts;
- `upkeep`: snoozed documents, captured answers awaiting approval, gaps closed by them;
- `lessons`: weekly lesson subscriptions and answers (the history and the leads' stats).

`Store` is the one object a process opens: it owns the `Database`, is the event, role and
question store (its bases), and holds the kudos store as `kudos` (its own domain, whose
methods would collide), the upkeep store as `upkeep` and the lesson store as `lessons`.
Callers depend on the protocols in `bot.store.protocols`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine

from bot.store.database import Database
from bot.store.events import EventStore
from bot.store.kudos import KudosStore
from bot.store.lessons import LessonAnswer, LessonStore, MissedFact, RoleLessonStats
from bot.store.models import normalise_question, utcnow
from bot.store.questions import QuestionStore
from bot.store.records import (
    FeedbackItem,
    Gap,
    QuestionRecord,
    QuestionStats,
    UnknownQuestionError,
)
from bot.store.roles import RoleStore
from bot.store.upkeep import UpkeepStore

__all__ = [
    "Database",
    "EventStore",
    "FeedbackItem",
    "Gap",
    "KudosStore",
    "LessonAnswer",
    "LessonStore",
    "MissedFact",
    "QuestionRecord",
    "QuestionStats",
    "QuestionStore",
    "RoleLessonStats",
    "RoleStore",
    "Store",
    "UnknownQuestionError",
    "UpkeepStore",
    "normalise_question",
]


class Store(EventStore, RoleStore, QuestionStore):
    """One per process, shared by all threads."""

    def __init__(
        self, url: str, *, echo: bool = False, clock: Callable[[], dt.datetime] = utcnow
    ) -> None:
        self.database = Database(url, echo=echo, clock=clock)
        # Every concern store works on `_db`; here they all share this one.
        self._db = self.database
        self.kudos = KudosStore(self.database)
        self.upkeep = UpkeepStore(self.database)
        self.lessons = LessonStore(self.database)

    @classmethod
    def for_data_dir(cls, data_dir: Path, url: str | None = None) -> Store:
        return cls(url or f"sqlite:///{Path(data_dir) / 'cx.db'}")

    @property
    def url(self) -> str:
        return self.database.url

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for fault tests and maintenance scripts)."""
        return self.database.engine

    def create_all(self) -> None:
        self.database.create_all()

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
