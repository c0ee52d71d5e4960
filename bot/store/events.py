"""Claims on Slack deliveries (and scheduled jobs), so each is handled exactly once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database, affected
from bot.store.models import EventRow


class EventStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    def claim_event(self, event_id: str, *, kind: str = "event") -> bool:
        """True for the first claim of (kind, event_id) ever, in any process; False after.

        The insert itself is the check: a read-then-insert would let two processes both see
        "not yet handled" and both answer a Slack retry.
        """
        if not event_id:
            raise ValueError("event_id must not be empty")
        try:
            with self._db.session() as s, s.begin():
                s.add(EventRow(kind=kind, event_id=event_id, created_at=self._db.now()))
        except IntegrityError:
            return False
        return True

    def purge_events(self, older_than: dt.timedelta, *, kind: str = "event") -> int:
        """Forget claims of Slack deliveries (`kind`) older than `older_than`; Slack stops
        retrying after minutes. Claims of other kinds (a welcome, a weekly nudge) are kept:
        forgetting them would send them again."""
        cutoff = self._db.now() - older_than
        with self._db.session() as s, s.begin():
            result = s.execute(
                delete(EventRow).where(EventRow.created_at < cutoff, EventRow.kind == kind)
            )
            return affected(result)

    def release_event(self, event_id: str, *, kind: str = "event") -> None:
        """Give a claim back when the work it guarded failed, so a later attempt may do it."""
        with self._db.session() as s, s.begin():
            s.execute(delete(EventRow).where(EventRow.kind == kind, EventRow.event_id == event_id))
