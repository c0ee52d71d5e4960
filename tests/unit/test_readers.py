"""Reader audience tokens: roles, leads, managers, user groups (cached, failing closed)."""

from __future__ import annotations

from bot.answering.readers import CHANNEL, ReaderPolicy, ReaderResolver
from ingest.audience import visible


class Groups:
    def __init__(self, members: dict[str, frozenset[str]]) -> None:
        self.data = members
        self.calls = 0
        self.down = False

    def members(self, group_id: str) -> frozenset[str]:
        self.calls += 1
        if self.down:
            raise ConnectionError("slack is down")
        return self.data.get(group_id, frozenset())


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


POLICY = ReaderPolicy(
    leads=frozenset({"ULEAD"}), managers=frozenset({"UMGR"}), manager_group="SMANAGERS"
)


def test_tokens_from_role_lead_manager_and_groups() -> None:
    groups = Groups({"SMANAGERS": frozenset({"UGRP"}), "SHR0001": frozenset({"UHR"})})
    resolver = ReaderResolver(POLICY, groups)
    assert resolver.reader("UX", "Store Staff") == {"store-staff"}
    assert resolver.reader("ULEAD", None) == {"leads"}
    assert resolver.reader("UMGR", "sales") == {"sales", "managers"}
    assert resolver.reader("UGRP", None) == {"managers"}
    assert resolver.reader("UPM", "people-manager") == {"people-manager", "managers"}
    assert resolver.reader("UHR", None, ["SHR0001"]) == {"SHR0001"}
    assert visible("managers", resolver.reader("UGRP", None))
    assert not visible("managers", resolver.reader("UX", "store-staff"))
    assert not visible("managers", CHANNEL) and visible("", CHANNEL)


def test_membership_is_cached_then_refreshed_and_fails_closed() -> None:
    groups = Groups({"SMANAGERS": frozenset({"UGRP"})})
    clock = Clock()
    resolver = ReaderResolver(POLICY, groups, ttl_seconds=300, retry_seconds=30, clock=clock)
    assert resolver.is_manager("UGRP")
    assert resolver.is_manager("UGRP") and groups.calls == 1  # cached
    clock.now = 301
    groups.down = True
    assert not resolver.is_manager("UGRP")  # unreadable: closed
    assert groups.calls == 2
    clock.now = 320
    groups.down = False
    assert not resolver.is_manager("UGRP") and groups.calls == 2  # retried only after 30 s
    clock.now = 332
    assert resolver.is_manager("UGRP") and groups.calls == 3
    assert ReaderResolver(POLICY).reader("UGRP", None) == frozenset()  # no directory: closed
