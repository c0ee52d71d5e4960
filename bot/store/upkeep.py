"""Knowledge upkeep's durable state: snoozed documents, captured answers waiting for
approval, and questions a captured answer now covers (gaps closed).

New tables only, so an existing database gains them with `create_all`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.knowledge.capture import CapturedAnswer
from bot.knowledge.ports import DraftRecord, DraftStatus
from bot.store.database import Database, affected, aware
from bot.store.models import (
    DraftRow,
    FeedbackRow,
    QuestionRow,
    ResolvedGapRow,
    SnoozeRow,
    normalise_question,
)
from bot.store.questions import QuestionStore
from bot.store.records import Gap


def _record(row: DraftRow) -> DraftRecord:
    return DraftRecord(
        id=row.id,
        draft=CapturedAnswer.model_validate(json.loads(row.content)),
        status=row.status,  # type: ignore[arg-type]
        submitted_by=row.submitted_by,
        asker_id=row.asker_id,
        channel_id=row.channel_id,
        thread_ts=row.thread_ts,
        path=row.path,
    )


class UpkeepStore:
    """Snoozes, drafts and closed gaps (`bot.knowledge.ports`), plus the signals knowledge
    health reads (👎 per document, unanswered questions)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # -- snoozes -------------------------------------------------------------------------------

    def snooze(self, path: str, *, user_id: str, until: dt.datetime) -> None:
        until = aware(until, "until")

        def upsert(s: Session) -> None:
            changed = s.execute(
                update(SnoozeRow).where(SnoozeRow.path == path).values(user_id=user_id, until=until)
            )
            if affected(changed) == 0:
                s.add(SnoozeRow(path=path, user_id=user_id, until=until))

        self._db.retry_on_conflict(upsert)

    def snoozed(self, *, now: dt.datetime) -> set[str]:
        now = aware(now, "now")
        with self._db.session() as s:
            return set(s.scalars(select(SnoozeRow.path).where(SnoozeRow.until > now)))

    # -- captured answers ------------------------------------------------------------------------

    def add_draft(
        self,
        draft: CapturedAnswer,
        *,
        submitted_by: str,
        asker_id: str | None,
        channel_id: str | None,
        thread_ts: str | None,
    ) -> int:
        row = DraftRow(
            content=draft.model_dump_json(),
            status="pending",
            submitted_by=submitted_by,
            asker_id=asker_id,
            channel_id=channel_id,
            thread_ts=thread_ts,
            created_at=self._db.now(),
        )
        with self._db.session() as s, s.begin():
            s.add(row)
            s.flush()
            return row.id

    def get_draft(self, draft_id: int) -> DraftRecord | None:
        with self._db.session() as s:
            row = s.get(DraftRow, draft_id)
            return _record(row) if row is not None else None

    def edit_draft(self, draft_id: int, draft: CapturedAnswer) -> bool:
        with self._db.session() as s, s.begin():
            changed = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status == "pending")
                .values(content=draft.model_dump_json())
            )
            return affected(changed) == 1

    def decide_draft(self, draft_id: int, status: DraftStatus) -> bool:
        """Pending -> `status` in one conditional UPDATE: exactly one caller wins."""
        with self._db.session() as s, s.begin():
            changed = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status == "pending")
                .values(status=status, decided_at=self._db.now())
            )
            return affected(changed) == 1

    def set_draft_path(self, draft_id: int, path: str) -> None:
        with self._db.session() as s, s.begin():
            s.execute(update(DraftRow).where(DraftRow.id == draft_id).values(path=path))

    # -- gaps and votes ---------------------------------------------------------------------------

    def resolve_gap(self, question: str, *, path: str) -> int:
        """Questions asked this way count as answered from now on; returns how many were
        waiting."""
        key = normalise_question(question)
        now = self._db.now()

        def upsert(s: Session) -> int:
            changed = s.execute(
                update(ResolvedGapRow)
                .where(ResolvedGapRow.question_key == key)
                .values(path=path, resolved_at=now)
            )
            if affected(changed) == 0:
                s.add(ResolvedGapRow(question_key=key, path=path, resolved_at=now))
            waiting = s.scalars(
                select(QuestionRow.id).where(
                    QuestionRow.question_key == key, QuestionRow.answered.is_(False)
                )
            )
            return len(list(waiting))

        return self._db.retry_on_conflict(upsert)

    def resolved_keys(self) -> Mapping[str, dt.datetime]:
        with self._db.session() as s:
            rows = s.execute(select(ResolvedGapRow.question_key, ResolvedGapRow.resolved_at))
            return {key: at for key, at in rows}

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> list[Gap]:
        """Unanswered questions (`QuestionStore.top_gaps`), for knowledge health."""
        return QuestionStore(self._db).top_gaps(since=since, limit=limit)

    def downvotes_by_document(self, *, since: dt.datetime) -> Mapping[str, int]:
        """👎 answers (votes cast or changed since `since`) per document they cited."""
        since = aware(since, "since")
        counts: Counter[str] = Counter()
        with self._db.session() as s:
            rows = s.execute(
                select(QuestionRow.sources)
                .join(FeedbackRow, FeedbackRow.question_id == QuestionRow.id)
                .where(FeedbackRow.helpful.is_(False), FeedbackRow.updated_at >= since)
            )
            for (sources,) in rows:
                counts.update(dict.fromkeys(sources or [], 1))
        return counts
