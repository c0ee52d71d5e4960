"""What the kudos domain needs from the outside, as small protocols: where kudos are posted
(Slack, in `bot.slack.kudos_poster`), who people are, and where kudos are stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from bot.kudos.models import Kudos


class Poster(Protocol):
    """Posting kudos where people see them. Each call raises when the platform fails."""

    def celebrate(self, channel: str, kudos: Kudos, *, nominator: str | None = None) -> str:
        """Post a broadcast kudos as a celebration; returns the message's id (Slack's ts)."""
        ...

    def nominate(self, channel: str, kudos: Kudos) -> str:
        """Post a nomination for a manager to approve or decline; returns the message's id."""
        ...

    def tell_nominator(self, nominator: str, kudos: Kudos, *, approved: bool) -> None:
        """A direct message to whoever nominated, once a manager decided."""
        ...

    def tell_recipient(self, recipient: str, kudos: Kudos) -> None:
        """A direct message to a celebrated person with the customer's words."""
        ...


class Directory(Protocol):
    """Who people are. Each call may raise; the domain treats a failure as "unknown"."""

    def locale(self, user: str) -> str | None:
        """The person's locale ("ja-JP", "en-US"), if known."""
        ...

    def group_members(self, group: str) -> frozenset[str]:
        """The members of a user group (the kudos managers' group)."""
        ...


class KudosRecords(Protocol):
    """Durable kudos with an outbox of owed posts (`bot.kudos.store.KudosStore`)."""

    def add(self, kudos: Kudos) -> tuple[Kudos, bool]: ...

    def get(self, kudos_id: int) -> Kudos | None: ...

    def transition(self, kudos_id: int, *, from_status: str, to_status: str) -> bool: ...

    def claim_post(self, kudos_id: int) -> str | None: ...

    def release(self, kudos_id: int, claim: str) -> None: ...

    def mark_posted(
        self, kudos_id: int, *, channel: str, ts: str, claim: str | None = None
    ) -> None: ...

    def unposted(self) -> list[Kudos]: ...

    def received(self, user_id: str, *, limit: int = 5) -> list[Kudos]: ...

    def wins(
        self,
        *,
        since: dt.datetime | None = None,
        limit: int = 100,
        statuses: tuple[str, ...] = ("broadcast",),
    ) -> list[Kudos]: ...


@dataclass(frozen=True)
class KudosPolicy:
    """Where kudos go and who may broadcast them (from `Settings`)."""

    wins_channel: str | None = None
    review_channel: str | None = None
    managers: frozenset[str] = frozenset()
    manager_group: str | None = None
    # Seconds a user group's membership is trusted before it is read again.
    group_refresh_seconds: float = 300.0
