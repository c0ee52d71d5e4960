"""What knowledge upkeep needs from the database (implemented in `bot.store.upkeep`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol

from pydantic import BaseModel

from bot.knowledge.capture import CapturedAnswer

DraftStatus = Literal["pending", "approved", "declined"]


class DraftRecord(BaseModel):
    """A captured answer waiting for (or past) its owner's or a lead's decision."""

    id: int
    draft: CapturedAnswer
    status: DraftStatus
    submitted_by: str  # Slack user ID of the person who captured it
    asker_id: str | None  # who asked the question first, told when it is approved
    channel_id: str | None
    thread_ts: str | None
    path: str | None = None  # the knowledge file written on approval


class Snoozes(Protocol):
    def snooze(self, path: str, *, user_id: str, until: dt.datetime) -> None: ...

    def snoozed(self, *, now: dt.datetime) -> set[str]:
        """Paths snoozed until after `now`."""
        ...


class Drafts(Protocol):
    def add_draft(
        self,
        draft: CapturedAnswer,
        *,
        submitted_by: str,
        asker_id: str | None,
        channel_id: str | None,
        thread_ts: str | None,
    ) -> int: ...

    def get_draft(self, draft_id: int) -> DraftRecord | None: ...

    def edit_draft(self, draft_id: int, draft: CapturedAnswer) -> bool:
        """Replace a pending draft's content; False when it is no longer pending."""
        ...

    def decide_draft(self, draft_id: int, status: DraftStatus) -> bool:
        """Pending -> `status`, atomically: True for exactly one caller."""
        ...

    def set_draft_path(self, draft_id: int, path: str) -> None: ...
