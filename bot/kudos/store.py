"""Kudos are stored before anything is posted, so nothing is lost on the way.

Tables live in the bot's database (same `Base` metadata), through the bot's `Store`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.kudos.models import Kudos
from bot.store import Store
from bot.store_models import Base, JSONList, UTCDateTime


class KudosRow(Base):
    __tablename__ = "cx_kudos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipients: Mapped[list[str]] = mapped_column(JSONList, default=list)
    recipient_names: Mapped[list[str]] = mapped_column(JSONList, default=list)
    quote: Mapped[str] = mapped_column(Text)
    touchpoint: Mapped[str | None] = mapped_column(String(32), nullable=True)
    value: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    sender: Mapped[str | None] = mapped_column(String(32), nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), index=True)
    origin: Mapped[str] = mapped_column(String(16), default="slack")
    # Unique: a double-clicked submit or a re-imported survey row cannot create a second win.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    posted_channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    posted_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)


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
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, kudos: Kudos) -> tuple[Kudos, bool]:
        """Store a kudos; returns (the stored kudos, whether it is new). A kudos whose
        dedupe key is already stored returns the existing one, unchanged."""
        values: dict[str, Any] = kudos.model_dump(exclude={"id", "created_at"})
        try:
            with self.store.session() as s, s.begin():
                row = KudosRow(**values, created_at=kudos.created_at or self.store.now())
                s.add(row)
                s.flush()
                return _to_model(row), True
        except IntegrityError:
            existing = self.by_key(kudos.dedupe_key or "")
            if existing is None:
                raise
            return existing, False

    def by_key(self, key: str) -> Kudos | None:
        with self.store.session() as s:
            row = s.scalar(select(KudosRow).where(KudosRow.dedupe_key == key))
            return _to_model(row) if row else None

    def get(self, kudos_id: int) -> Kudos | None:
        with self.store.session() as s:
            row = s.get(KudosRow, kudos_id)
            return _to_model(row) if row else None

    def transition(self, kudos_id: int, *, from_status: str, to_status: str) -> bool:
        """Move a kudos on only if it is still where we think: one conditional UPDATE, so of
        two managers clicking Approve at once exactly one broadcasts it."""
        with self.store.session() as s, s.begin():
            result = s.execute(
                update(KudosRow)
                .where(KudosRow.id == kudos_id, KudosRow.status == from_status)
                .values(status=to_status)
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    def mark_posted(self, kudos_id: int, *, channel: str, ts: str) -> None:
        with self.store.session() as s, s.begin():
            row = s.get(KudosRow, kudos_id)
            if row is not None:
                row.posted_channel, row.posted_ts = channel, ts

    def unposted_broadcasts(self) -> list[Kudos]:
        """Broadcast wins whose post never went through (retried on the next start)."""
        with self.store.session() as s:
            rows = s.scalars(
                select(KudosRow).where(KudosRow.status == "broadcast", KudosRow.posted_ts.is_(None))
            )
            return [_to_model(r) for r in rows]

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
        with self.store.session() as s:
            query = select(KudosRow).where(KudosRow.status.in_(statuses))
            if since is not None:
                query = query.where(KudosRow.created_at >= since)
            rows = s.scalars(query.order_by(KudosRow.created_at.desc()).limit(limit))
            return [_to_model(r) for r in rows]
