"""What every Slack listener needs, built once by `build_app` and shared.

Everything in it is a seam: the index, the answerer and the store are protocols, so a
listener can be called alone in a unit test with fakes (see tests/unit/test_slack_*.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from slack_sdk import WebClient

from bot.answering.models import Answer, Turn
from bot.answering.readers import GroupMembers, ReaderPolicy, ReaderResolver
from bot.answering.roles import canonical_role, role_from_title
from bot.answering.stream import AnswerStream
from bot.knowledge.service import KnowledgeUpkeep
from bot.knowledge_base import KnowledgeBase
from bot.kudos.service import KudosService
from bot.lessons.models import AnswerRecord
from bot.lessons.ports import AnswerHistory
from bot.settings import Settings
from bot.slack.visitors import People
from bot.store import FeedbackItem, Gap, LessonAnswer, RoleLessonStats
from bot.store.protocols import EventClaims, QuestionLog, Roles
from ingest.audience import Audience
from ingest.sync import SyncReport

log = logging.getLogger(__name__)


class Answerer(Protocol):
    """The answering pipeline (`bot.answering.service.AnsweringService`)."""

    @property
    def can_stream(self) -> bool: ...

    def answer(
        self,
        question: str,
        *,
        role: str | None = None,
        history: Sequence[Turn] = (),
        use_chat: bool = True,
        audience: Audience = None,
    ) -> Answer: ...

    def stream(
        self,
        question: str,
        *,
        role: str | None = None,
        history: Sequence[Turn] = (),
        audience: Audience = None,
    ) -> AnswerStream | None: ...


class SlackStore(EventClaims, Roles, QuestionLog, Protocol):
    """What the Slack edge reads and writes in the bot's database (`bot.store.Store`)."""

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> list[Gap]: ...

    def negative_feedback(self, *, since: dt.datetime, limit: int = 10) -> list[FeedbackItem]: ...


class LessonRecords(Protocol):
    """Weekly lessons in the bot's database (`bot.store.LessonStore`)."""

    def subscribe(self, target: str, *, kind: Literal["user", "channel"], active: bool) -> None: ...

    def is_subscribed(self, target: str) -> bool: ...

    def subscribers(self, kind: Literal["user", "channel"]) -> list[str]: ...

    def record_answer(self, answer: LessonAnswer) -> bool: ...

    def record(self, user: str, lesson_key: str, correct: bool, when: dt.datetime) -> None: ...

    def history(self, user: str) -> list[AnswerRecord]: ...

    def channel_history(self, channel: str) -> AnswerHistory: ...

    def role_stats(
        self, *, since: dt.datetime | None = None, missed_limit: int = 3
    ) -> list[RoleLessonStats]: ...


@dataclass
class ResolvedRole:
    role: str | None
    source: str | None  # "set" (by /cx role), "title" (guessed from the Slack profile), None


@dataclass
class SlackContext:
    settings: Settings
    index: KnowledgeBase
    answerer: Answerer
    store: SlackStore
    kudos: KudosService
    # Sync the knowledge folder (and the broadcast wins) into the index: `/cx reindex`.
    sync: Callable[[], SyncReport]
    # Knowledge upkeep (health, nudges, verification, captured answers); None: not wired.
    upkeep: KnowledgeUpkeep | None = None
    # Slack user groups, for audiences that name them; None: nobody is in any group.
    groups: GroupMembers | None = None
    # Weekly lesson subscriptions and answers; None: lessons are not wired.
    lessons: LessonRecords | None = None
    # `users.info`, cached: titles for roles, teams and guest flags (bot.slack.visitors).
    people: People = field(init=False)
    # Who may read which restricted documents (bot.answering.readers).
    readers: ReaderResolver = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.people = People(ttl_seconds=settings.profile_cache_seconds)
        policy = ReaderPolicy(
            leads=settings.lead_ids(),
            managers=settings.kudos_manager_ids(),
            manager_group=settings.kudos_manager_group,
        )
        self.readers = ReaderResolver(
            policy, groups=self.groups, ttl_seconds=settings.group_cache_seconds
        )

    def today(self) -> dt.date:
        return dt.datetime.now(dt.UTC).date()

    def is_lead(self, user_id: str) -> bool:
        return user_id in self.settings.lead_ids()

    def known_roles(self) -> set[str]:
        return self.index.known_roles()

    def _title(self, client: WebClient, user_id: str) -> str:
        record = self.people.user(client, user_id) or {}
        return str((record.get("profile") or {}).get("title") or "")

    def resolve_role(self, client: WebClient, user_id: str) -> ResolvedRole:
        stored = self.store.get_role(user_id)
        if stored:
            return ResolvedRole(stored, "set")
        guessed = role_from_title(self._title(client, user_id), self.settings.title_roles())
        if guessed:
            return ResolvedRole(canonical_role(guessed, self.known_roles()), "title")
        return ResolvedRole(None, None)
