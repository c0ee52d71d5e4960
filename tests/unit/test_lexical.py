"""The BM25 index: scores as bm25s computes them, and incremental generations that score
exactly as a full rebuild does."""

from __future__ import annotations

import math
import random

import bm25s
import numpy as np
import pytest

from ingest.lexical import LexicalIndex

VOCAB = [f"w{i}" for i in range(80)]


def random_terms(rng: random.Random) -> list[str]:
    # Skewed vocabulary (a few very common terms, many rare ones) and some empty chunks.
    return [rng.choice(VOCAB[: rng.randint(3, 80)]) for _ in range(rng.randint(0, 40))]


def all_scores(index: LexicalIndex, ids: list[str], query: list[str]) -> dict[str, float]:
    scores = index.scores(query)
    return {cid: scores.get(cid) for cid in ids}


QUERIES = [["w0"], ["w1", "w2", "w2"], ["w40", "w79", "unseen"], ["unseen"], VOCAB[:12]]


def test_scores_match_bm25s() -> None:
    rng = random.Random(7)
    corpus = {f"c{i}": random_terms(rng) for i in range(300)}
    ids = list(corpus)
    index = LexicalIndex(ids, [corpus[c] for c in ids])
    reference = bm25s.BM25()  # Lucene's k1 1.5, b 0.75: ours for English
    reference.index([corpus[c] for c in ids], show_progress=False)
    for query in QUERIES:
        expected = np.asarray(reference.get_scores(query), dtype=np.float64)
        ours = np.array([index.scores(query).get(c) for c in ids])
        # bm25s stores float32 products; ours are float64 from the same integers.
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


def test_japanese_chunks_use_their_own_parameters() -> None:
    rng = random.Random(5)
    corpus = {f"c{i}": random_terms(rng) for i in range(200)}
    ids = list(corpus)
    japanese = LexicalIndex(ids, [corpus[c] for c in ids], dict.fromkeys(ids, "ja"))
    reference = bm25s.BM25(k1=0.9, b=0.25)
    reference.index([corpus[c] for c in ids], show_progress=False)
    for query in QUERIES:
        expected = np.asarray(reference.get_scores(query), dtype=np.float64)
        ours = np.array([japanese.scores(query).get(c) for c in ids])
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
    # In a mixed index each language is normalised by its own average length.
    english = {f"e{i}": [*random_terms(rng), *random_terms(rng)] for i in range(100)}
    mixed = japanese.updated([], english, dict.fromkeys(english, "en"))
    np.testing.assert_allclose(mixed._norm[: len(ids)], japanese._norm[: len(ids)])


def test_incremental_generations_score_exactly_as_a_rebuild() -> None:
    rng = random.Random(11)
    live: dict[str, list[str]] = {}
    index = LexicalIndex()
    serial = 0
    for _ in range(40):
        removed = rng.sample(sorted(live), k=min(len(live), rng.randint(0, 25)))
        added: dict[str, list[str]] = {}
        for _ in range(rng.randint(0, 30)):
            added[f"c{serial}"] = random_terms(rng)
            serial += 1
        if live and rng.random() < 0.3:  # a changed chunk that keeps its id
            added[rng.choice(sorted(live))] = random_terms(rng)
        index = index.updated(removed, added)
        for cid in removed:
            live.pop(cid)
        live.update(added)

        ids = sorted(live)
        rebuilt = LexicalIndex(ids, [live[c] for c in ids])
        assert len(index) == len(rebuilt) == len(live)
        assert sorted(index.ids) == ids
        for query in QUERIES:
            assert all_scores(index, ids, query) == all_scores(rebuilt, ids, query)
            ours = index.scores(query).top(10)
            theirs = rebuilt.scores(query).top(10)
            assert [s for _, s in ours] == [s for _, s in theirs]
        for term in (*VOCAB[:5], "unseen"):
            assert index.idf(term) == rebuilt.idf(term)


def test_an_old_generation_is_untouched_by_the_next() -> None:
    first = LexicalIndex(["a", "b"], [["refund", "limit"], ["delivery", "late"]])
    before = first.scores(["refund", "delivery"]).top(5)
    second = first.updated(["a"], {"c": ["refund", "refund", "store"]})
    assert first.scores(["refund", "delivery"]).top(5) == before
    assert [cid for cid, _ in second.scores(["refund"]).top(5)] == ["c"]
    assert "a" in first and "a" not in second


def test_empty_index_and_removing_everything() -> None:
    empty = LexicalIndex()
    assert len(empty) == 0 and empty.scores(["refund"]).top(5) == []
    assert empty.scores(["refund"]).get("missing") == 0.0
    assert empty.idf("refund") == pytest.approx(math.log(1 + 1.5 / 0.5))  # n counts as 1
    index = LexicalIndex(["a", "b"], [["refund"], ["refund", "store"]])
    gone = index.updated(["a", "b", "never-there"], {})
    assert len(gone) == 0 and gone.scores(["refund"]).top(5) == []
    assert gone.idf("refund") == empty.idf("refund")
    again = gone.updated([], {"c": ["store"]})
    assert again.scores(["store"]).top(5)[0][0] == "c"
    assert again.scores([]).top(5) == []


def test_unseen_terms_score_nothing_and_weigh_most() -> None:
    index = LexicalIndex(["a", "b", "c"], [["refund", "store"], ["refund"], ["store", "late"]])
    assert index.scores(["nothing", "here"]).top(5) == []
    assert index.idf("nothing") > index.idf("late") > index.idf("refund")
    assert index.contains_terms("a", ["refund", "late", "nothing"]) == {"refund"}
    assert index.contains_terms("missing", ["refund"]) == set()


def test_compaction_keeps_scores() -> None:
    ids = [f"c{i}" for i in range(3000)]
    rng = random.Random(3)
    terms = {cid: random_terms(rng) for cid in ids}
    index = LexicalIndex(ids, [terms[c] for c in ids])
    kept = ids[2500:]
    shrunk = index.updated(ids[:2500], {})  # more than half the slots empty: compacted
    rebuilt = LexicalIndex(kept, [terms[c] for c in kept])
    for query in QUERIES:
        assert all_scores(shrunk, kept, query) == all_scores(rebuilt, kept, query)
