"""Kudos are stored before anything is posted, so nothing is lost on the way.

`posted_ts` doubles as an outbox, written in the same transaction as the kudos: "pending"
(to be posted), "claim:<unix time>" (one process is posting it now; a claim older than
`CLAIM_EXPIRES` was abandoned by a crash and may be taken over), else the posted message's ts.
A claim is taken with a compare-and-swap UPDATE, so of two processes retrying the same win
(a start-up retry and a timer, or two bot processes) exactly one posts it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.kudos.models import Kudos
from bot.store.database import Database, affected
from bot.store.models import KudosRow

PENDING = "pending"
_CLAIM = "claim:"
CLAIM_EXPIRES = dt.timedelta(minutes=5)
# Statuses whose kudos is posted somewhere: the wins channel, or the review channel.
_POSTED_STATUSES = ("broadcast", "nominated")


def _due(row: KudosRow, now: dt.datetime) -> bool:
    """Whether this kudos still has to be posted, and nobody is posting it now."""
    marker = row.posted_ts
    if marker is None:
        # Rows from before the outbox: broadcasts were retried, nominations never were.
        return row.status == "broadcast"
    if marker == PENDING:
        return True
    if marker.startswith(_CLAIM):
        claimed = float(marker.removeprefix(_CLAIM))
        return now.timestamp() - claimed > CLAIM_EXPIRES.total_seconds()
    return False


def _to_model(row: KudosRow) -> Kudos:
    return Kudos(
        id=row.id,
        recipients=list(row.recipients or []),
        recipient_names=list(row.recipient_names or []),
        quote=row.quote,
        touchpoint=row.touchpoint,
        value=row.value,
        source=row.source,
        sender=row.sender,
        language=row.language,
        status=row.status,  # type: ignore[arg-type]
        origin=row.origin,  # type: ignore[arg-type]
        dedupe_key=row.dedupe_key,
        created_at=row.created_at,
    )


class KudosStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, kudos: Kudos) -> tuple[Kudos, bool]:
        """Store a kudos; returns (the stored kudos, whether it is new). A kudos whose
        dedupe key is already stored returns the existing one, unchanged."""
        values: dict[str, Any] = kudos.model_dump(exclude={"id", "created_at"})
        try:
            with self._db.session() as s, s.begin():
                row = KudosRow(
                    **values,
                    created_at=kudos.created_at or self._db.now(),
                    posted_ts=PENDING if kudos.status in _POSTED_STATUSES else None,
                )
                s.add(row)
                s.flush()
                return _to_model(row), True
        except IntegrityError:
            existing = self.by_key(kudos.dedupe_key or "")
            if existing is None:
                raise
            return existing, False

    def by_key(self, key: str) -> Kudos | None:
        with self._db.session() as s:
            row = s.scalar(select(KudosRow).where(KudosRow.dedupe_key == key))
            return _to_model(row) if row else None

    def get(self, kudos_id: int) -> Kudos | None:
        with self._db.session() as s:
            row = s.get(KudosRow, kudos_id)
            return _to_model(row) if row else None

    def transition(self, kudos_id: int, *, from_status: str, to_status: str) -> bool:
        """Move a kudos on only if it is still where we think: one conditional UPDATE, so of
        two managers clicking Approve at once exactly one broadcasts it."""
        values: dict[str, Any] = {"status": to_status}
        if to_status in _POSTED_STATUSES:
            # Approved: the celebration is owed now (the review post is done with).
            values |= {"posted_ts": PENDING, "posted_channel": None}
        with self._db.session() as s, s.begin():
            result = s.execute(
                update(KudosRow)
                .where(KudosRow.id == kudos_id, KudosRow.status == from_status)
                .values(**values)
            )
            return affected(result) == 1

    def claim_post(self, kudos_id: int) -> str | None:
        """Take the right to post this kudos: the claim token, or None when it is posted
        already or another process is posting it."""
        now = self._db.now()
        with self._db.session() as s, s.begin():
            row = s.get(KudosRow, kudos_id)
            if row is None or not _due(row, now):
                return None
            seen = row.posted_ts
            token = f"{_CLAIM}{now.timestamp():.6f}"
            result = s.execute(
                update(KudosRow)
                .where(
                    KudosRow.id == kudos_id,
                    KudosRow.posted_ts.is_(None) if seen is None else KudosRow.posted_ts == seen,
                )
                .values(posted_ts=token)
                .execution_options(synchronize_session=False)
            )
            return token if affected(result) == 1 else None

    def release(self, kudos_id: int, claim: str) -> None:
        """The post failed: back into the outbox for the next retry."""
        with self._db.session() as s, s.begin():
            s.execute(
                update(KudosRow)
                .where(KudosRow.id == kudos_id, KudosRow.posted_ts == claim)
                .values(posted_ts=PENDING)
            )

    def mark_posted(
        self, kudos_id: int, *, channel: str, ts: str, claim: str | None = None
    ) -> None:
        """Record the posted message; with `claim`, only if that claim still holds (an
        approval while the nomination was being posted has queued the celebration since)."""
        query = update(KudosRow).where(KudosRow.id == kudos_id)
        if claim is not None:
            query = query.where(KudosRow.posted_ts == claim)
        with self._db.session() as s, s.begin():
            s.execute(query.values(posted_channel=channel, posted_ts=ts))

    def unposted(self) -> list[Kudos]:
        """Wins and nominations whose post is owed (Slack was down), oldest first."""
        now = self._db.now()
        with self._db.session() as s:
            rows = s.scalars(
                select(KudosRow)
                .where(
                    KudosRow.status.in_(_POSTED_STATUSES),
                    or_(
                        KudosRow.posted_ts.is_(None),
                        KudosRow.posted_ts == PENDING,
                        KudosRow.posted_ts.startswith(_CLAIM),
                    ),
                )
                .order_by(KudosRow.id)
            )
            return [_to_model(r) for r in rows if _due(r, now)]

    def unposted_broadcasts(self) -> list[Kudos]:
        """Broadcast wins whose post never went through."""
        return [k for k in self.unposted() if k.status == "broadcast"]

    def received(self, user_id: str, *, limit: int = 5) -> list[Kudos]:
        """Wins that name this user, newest first."""
        return [k for k in self.wins(limit=500) if user_id in k.recipients][:limit]

    def wins(
        self,
        *,
        since: dt.datetime | None = None,
        limit: int = 100,
        statuses: tuple[str, ...] = ("broadcast",),
    ) -> list[Kudos]:
        """Broadcast wins, newest first ("queued" adds imported survey praise)."""
        with self._db.session() as s:
            query = select(KudosRow).where(KudosRow.status.in_(statuses))
            if since is not None:
                query = query.where(KudosRow.created_at >= since)
            rows = s.scalars(query.order_by(KudosRow.created_at.desc()).limit(limit))
            return [_to_model(r) for r in rows]
