"""The role each user set with `/cx role`."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.store.database import Database, affected
from bot.store.models import RoleRow


class RoleStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    def get_role(self, user_id: str) -> str | None:
        with self._db.session() as s:
            return s.scalar(select(RoleRow.role).where(RoleRow.user_id == user_id))

    def set_role(self, user_id: str, role: str | None) -> None:
        """Set the user's role; None forgets it."""
        if role is None:
            with self._db.session() as s, s.begin():
                s.execute(delete(RoleRow).where(RoleRow.user_id == user_id))
            return

        def upsert(s: Session) -> None:
            now = self._db.now()
            result = s.execute(
                update(RoleRow).where(RoleRow.user_id == user_id).values(role=role, updated_at=now)
            )
            if affected(result) == 0:
                s.add(RoleRow(user_id=user_id, role=role, updated_at=now))

        self._db.retry_on_conflict(upsert)
