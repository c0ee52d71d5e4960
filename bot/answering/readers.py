"""Who is asking, as audience tokens: what restricted documents they may read.

A reader holds their role, `leads` if they are a CX lead (`CX_LEADS`), `managers` if they are
in `CX_KUDOS_MANAGERS`, in the `CX_KUDOS_MANAGER_GROUP` user group or have the people-manager
role, and the Slack user groups named in the knowledge's audiences that they belong to.
Group membership is looked up through a small `GroupMembers` port, cached for a short time,
and fails closed: when it cannot be read, the reader holds no group (and is no manager by
group) until it can.

A channel reads as nobody in particular (`CHANNEL`): all-staff documents only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ingest.audience import token

log = logging.getLogger(__name__)

#: What a shared channel may read: documents for all staff.
CHANNEL: frozenset[str] = frozenset()
PEOPLE_MANAGER_ROLE = "people-manager"
LEADS = "leads"
MANAGERS = "managers"


class GroupMembers(Protocol):
    """Members of one Slack user group (`usergroups.users.list`); raises when unreadable."""

    def members(self, group_id: str) -> frozenset[str]: ...


@dataclass
class ReaderPolicy:
    leads: frozenset[str] = frozenset()
    managers: frozenset[str] = frozenset()
    manager_group: str | None = None
    manager_role: str = PEOPLE_MANAGER_ROLE


@dataclass
class ReaderResolver:
    """Audience tokens of a user, with group membership cached for `ttl_seconds`."""

    policy: ReaderPolicy
    groups: GroupMembers | None = None
    ttl_seconds: float = 300.0
    retry_seconds: float = 30.0  # after a failed lookup: fail closed, then ask again soon
    clock: Callable[[], float] = time.monotonic
    _cache: dict[str, tuple[float, frozenset[str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _members(self, group_id: str) -> frozenset[str]:
        now = self.clock()
        with self._lock:
            cached = self._cache.get(group_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        if self.groups is None:
            return frozenset()
        try:
            members, until = self.groups.members(group_id), now + self.ttl_seconds
        except Exception:  # a missing scope, Slack down: nobody is in the group for now
            log.warning("Could not read user group %s; treating it as empty", group_id)
            members, until = frozenset(), now + self.retry_seconds
        with self._lock:
            self._cache[group_id] = (until, members)
        return members

    def is_manager(self, user_id: str, role: str | None = None) -> bool:
        policy = self.policy
        if user_id in policy.managers or (role and token(role) == token(policy.manager_role)):
            return True
        return bool(policy.manager_group) and user_id in self._members(policy.manager_group or "")

    def is_lead(self, user_id: str) -> bool:
        return user_id in self.policy.leads

    def reader(
        self, user_id: str, role: str | None, groups_in_use: Iterable[str] = ()
    ) -> frozenset[str]:
        """The tokens `user_id` holds. `groups_in_use`: the user group IDs any document's
        audience names (only those are looked up)."""
        tokens: set[str] = {token(role)} if role else set()
        if self.is_lead(user_id):
            tokens.add(LEADS)
        if self.is_manager(user_id, role):
            tokens.add(MANAGERS)
        tokens.update(g for g in sorted(set(groups_in_use)) if user_id in self._members(g))
        return frozenset(tokens)
