"""The seams callers depend on: one small `Protocol` per concern (house style, DESIGN.md).

`bot.store.Store` satisfies all of them (as do the single-concern stores each theirs), and a
test can pass any object with these methods. Kudos have their port in the kudos domain
(`bot.kudos.ports.KudosRecords`); `Wins` is the read side that indexing and export need.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.kudos.models import Kudos
    from bot.store.records import FeedbackItem, Gap, QuestionRecord, QuestionStats


class EventClaims(Protocol):
    """Exactly-once handling of Slack deliveries and scheduled jobs, across processes."""

    def claim_event(self, event_id: str, *, kind: str = "event") -> bool: ...

    def release_event(self, event_id: str, *, kind: str = "event") -> None: ...


class Roles(Protocol):
    """The role each user chose for themselves with `/cx role`."""

    def get_role(self, user_id: str) -> str | None: ...

    def set_role(self, user_id: str, role: str | None) -> None: ...


class QuestionLog(Protocol):
    """Questions asked, the answers given, and the votes on them."""

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
    ) -> int: ...

    def get_question(self, question_id: int) -> QuestionRecord | None: ...

    def record_feedback(
        self, *, question_id: int, user_id: str, helpful: bool, comment: str | None = None
    ) -> None: ...


class QuestionReports(Protocol):
    """What the log tells CX leads: gaps in the knowledge, disliked answers, totals."""

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> list[Gap]: ...

    def negative_feedback(self, *, since: dt.datetime, limit: int = 10) -> list[FeedbackItem]: ...

    def stats(self, *, since: dt.datetime) -> QuestionStats: ...


class Wins(Protocol):
    """Celebrated kudos, newest first (indexed as highlights, exported, summed up weekly)."""

    def wins(
        self,
        *,
        since: dt.datetime | None = None,
        limit: int = 100,
        statuses: tuple[str, ...] = ("broadcast",),
    ) -> list[Kudos]: ...
