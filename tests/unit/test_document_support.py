"""A document that answers in several places outranks one lucky passage."""

from __future__ import annotations

from ingest.search import with_document_support

PATHS = {"a1": "a.md", "a2": "a.md", "b1": "b.md", "c1": "c.md"}


def ranked(fused: list[tuple[float, str]], share: float) -> list[str]:
    supported = with_document_support(fused, PATHS.__getitem__, share)
    return [cid for _, cid in sorted(supported, reverse=True)]


def test_a_document_with_two_good_passages_beats_one_slightly_better_passage() -> None:
    fused = [(1.00, "b1"), (0.95, "a1"), (0.60, "a2"), (0.10, "c1")]
    assert ranked(fused, 0.0)[0] == "b1"
    assert ranked(fused, 0.3)[:2] == ["a1", "b1"]


def test_each_passage_gets_the_best_other_passage_of_its_document() -> None:
    fused = [(0.9, "a1"), (0.5, "a2"), (0.4, "b1")]
    supported = with_document_support(fused, PATHS.__getitem__, 0.5)
    scores = {cid: score for score, cid in supported}
    assert scores == {"a1": 0.9 + 0.25, "a2": 0.5 + 0.45, "b1": 0.4}


def test_no_share_changes_nothing() -> None:
    fused = [(0.9, "a1"), (0.5, "b1")]
    assert with_document_support(fused, PATHS.__getitem__, 0.0) == fused


def test_support_only_where_it_applies() -> None:
    fused = [(1.00, "b1"), (0.95, "a1"), (0.60, "a2")]
    supported = with_document_support(fused, PATHS.__getitem__, 0.3, applies=lambda c: c == "b1")
    assert supported == fused  # b.md has no other passage; a.md's are not supported
