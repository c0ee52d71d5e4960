"""Weekly lessons' durable state: who subscribed (a person or a channel) and every answer,
which is both the spaced-repetition history (`bot.lessons.AnswerHistory`) and what CX leads
see per role (how many answered, the share right, the facts most often missed).

New tables only, so an existing database gains them with `create_all`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.lessons.models import AnswerRecord
from bot.store.database import Database, affected, aware
from bot.store.models import LessonAnswerRow, LessonSubscriptionRow

SubscriberKind = Literal["user", "channel"]


class LessonAnswer(BaseModel):
    """One answer to a lesson as it was sent (`round`: the ISO week, "2025-W07")."""

    user_id: str
    lesson_key: str
    round: str
    role: str
    language: str
    source_path: str
    fact: str  # the correct option's text
    correct: bool
    channel_id: str | None = None
    when: dt.datetime


class MissedFact(BaseModel):
    fact: str
    path: str
    lesson_key: str
    misses: int


class RoleLessonStats(BaseModel):
    """What the leads see for one role."""

    role: str
    people: int  # distinct people who answered
    answers: int
    right: int
    missed: list[MissedFact] = Field(default_factory=list)  # most often missed first

    @property
    def share_right(self) -> float:
        return self.right / self.answers if self.answers else 0.0


def _record(row: LessonAnswerRow) -> AnswerRecord:
    return AnswerRecord(lesson_key=row.lesson_key, correct=row.correct, when=row.answered_at)


class LessonStore:
    """Subscriptions and answers; also `AnswerHistory` for the people who answer."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # -- subscriptions ---------------------------------------------------------------------------

    def subscribe(self, target: str, *, kind: SubscriberKind, active: bool) -> None:
        """Turn the weekly lesson on or off for a person or a channel."""
        now = self._db.now()

        def upsert(s: Session) -> None:
            changed = s.execute(
                update(LessonSubscriptionRow)
                .where(LessonSubscriptionRow.target == target)
                .values(kind=kind, active=active, updated_at=now)
            )
            if affected(changed) == 0:
                s.add(
                    LessonSubscriptionRow(target=target, kind=kind, active=active, updated_at=now)
                )

        self._db.retry_on_conflict(upsert)

    def is_subscribed(self, target: str) -> bool:
        with self._db.session() as s:
            row = s.get(LessonSubscriptionRow, target)
            return bool(row is not None and row.active)

    def subscribers(self, kind: SubscriberKind) -> list[str]:
        with self._db.session() as s:
            rows = s.scalars(
                select(LessonSubscriptionRow.target)
                .where(LessonSubscriptionRow.kind == kind, LessonSubscriptionRow.active.is_(True))
                .order_by(LessonSubscriptionRow.target)
            )
            return list(rows)

    # -- answers ---------------------------------------------------------------------------------

    def record_answer(self, answer: LessonAnswer) -> bool:
        """Keep the answer; False when this person already answered this lesson this round
        (a second click, or the same click delivered to two processes)."""
        row = LessonAnswerRow(
            user_id=answer.user_id,
            lesson_key=answer.lesson_key,
            round=answer.round,
            role=answer.role,
            language=answer.language,
            source_path=answer.source_path,
            fact=answer.fact,
            correct=answer.correct,
            channel_id=answer.channel_id,
            answered_at=aware(answer.when, "when"),
        )
        try:
            with self._db.session() as s, s.begin():
                s.add(row)
        except IntegrityError:
            return False
        return True

    def record(self, user: str, lesson_key: str, correct: bool, when: dt.datetime) -> None:
        """`AnswerHistory.record`: an answer outside any round (each call is kept)."""
        self.record_answer(
            LessonAnswer(
                user_id=user,
                lesson_key=lesson_key,
                round=aware(when, "when").isoformat(),
                role="",
                language="",
                source_path=lesson_key.partition("#")[0],
                fact="",
                correct=correct,
                when=when,
            )
        )

    def history(self, user: str) -> list[AnswerRecord]:
        """`AnswerHistory.history`: the person's answers, oldest first."""
        with self._db.session() as s:
            rows = s.scalars(
                select(LessonAnswerRow)
                .where(LessonAnswerRow.user_id == user)
                .order_by(LessonAnswerRow.answered_at)
            )
            return [_record(row) for row in rows]

    def channel_history(self, channel: str) -> ChannelHistory:
        """The answers everyone gave in a channel, as one history: the channel's next lesson
        favours what its people missed."""
        return ChannelHistory(self, channel)

    def answers_in(self, channel: str) -> list[AnswerRecord]:
        with self._db.session() as s:
            rows = s.scalars(
                select(LessonAnswerRow)
                .where(LessonAnswerRow.channel_id == channel)
                .order_by(LessonAnswerRow.answered_at)
            )
            return [_record(row) for row in rows]

    # -- for leads -------------------------------------------------------------------------------

    def role_stats(
        self, *, since: dt.datetime | None = None, missed_limit: int = 3
    ) -> list[RoleLessonStats]:
        """Per role (most answers first): people, answers, right answers, and the facts
        most often missed with their document."""
        query = select(LessonAnswerRow).where(LessonAnswerRow.role != "")
        if since is not None:
            query = query.where(LessonAnswerRow.answered_at >= aware(since, "since"))
        people: dict[str, set[str]] = defaultdict(set)
        totals: Counter[str] = Counter()
        right: Counter[str] = Counter()
        misses: dict[str, Counter[tuple[str, str, str]]] = defaultdict(Counter)
        with self._db.session() as s:
            for row in s.scalars(query):
                people[row.role].add(row.user_id)
                totals[row.role] += 1
                if row.correct:
                    right[row.role] += 1
                else:
                    misses[row.role][(row.lesson_key, row.fact, row.source_path)] += 1
        stats = []
        for role, count in totals.most_common():
            top = sorted(misses[role].items(), key=lambda item: (-item[1], item[0]))
            missed = [
                MissedFact(fact=fact, path=path, lesson_key=key, misses=n)
                for (key, fact, path), n in top[:missed_limit]
            ]
            stats.append(
                RoleLessonStats(
                    role=role,
                    people=len(people[role]),
                    answers=count,
                    right=right[role],
                    missed=missed,
                )
            )
        return stats


class ChannelHistory:
    """`AnswerHistory` over a channel's answers (read only: answers are recorded per person)."""

    def __init__(self, store: LessonStore, channel: str) -> None:
        self._store = store
        self._channel = channel

    def record(self, user: str, lesson_key: str, correct: bool, when: dt.datetime) -> None:
        self._store.record(user, lesson_key, correct, when)

    def history(self, user: str) -> list[AnswerRecord]:
        return self._store.answers_in(self._channel)
