"""The asker's own role guide is there to choose from, even when policies outrank it."""

from __future__ import annotations

from bot.answering.service import own_guide_hits
from ingest.models import Hit
from tests.fakes import chunk


def hit(path: str, doc_type: str, roles: list[str]) -> Hit:
    return Hit(chunk=chunk(path, "Limits", "text", doc_type=doc_type, roles=roles), score=0.1)


def test_only_the_role_s_own_guide_is_added_from_deeper_hits() -> None:
    deeper = [
        hit("en/policies/refunds.md", "policy", ["store-staff", "customer-support", "sales"]),
        hit("en/roles/customer-support.md", "role-guide", ["customer-support"]),
        hit("en/roles/store-staff.md", "role-guide", ["store-staff"]),
        hit("en/roles/store-staff.md", "role-guide", ["store-staff"]),
        hit("en/roles/store-staff.md", "role-guide", ["store-staff"]),
    ]
    added = own_guide_hits(deeper, "store-staff")
    assert [h.chunk.path for h in added] == ["en/roles/store-staff.md"] * 2
    assert own_guide_hits(deeper, None) == []
