"""The scale benchmark's corpus and measurement on a tiny size, so the code cannot rot."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import corpus
from benchmarks.query_scale import run
from ingest.chunking import chunk_document, estimate_tokens


def test_corpus_is_deterministic_bilingual_and_exactly_sized() -> None:
    docs = list(corpus.documents(200))
    assert [d.text for d in docs] == [d.text for d in corpus.documents(200)]
    # A smaller corpus is a prefix of a larger one: growing an index never re-embeds.
    assert [d.content_hash for d in corpus.documents(100)] == [d.content_hash for d in docs[:20]]
    chunks = [c for d in docs for c in chunk_document(d)]
    assert len(chunks) == corpus.chunk_count(200) == 200
    assert {c.language for c in chunks} == {"en", "ja"}
    # Languages alternate by document and section counts cycle over five: 200 splits evenly.
    assert sum(c.language == "ja" for c in chunks) == 100
    assert all(30 <= estimate_tokens(c.text) <= 160 for c in chunks)
    assert len({c.text for c in chunks}) > 0.95 * len(chunks)  # chunks differ
    qs = corpus.questions()
    assert len(qs) == 100 and {q.language for q in qs} == {"en", "ja"}
    assert {q.topic for q in qs} <= set(corpus.TOPIC_KEYS)


def test_measurement_runs_end_to_end_on_a_tiny_index(tmp_path: Path) -> None:
    # Stand-in passage vectors keep this fast on a busy machine; questions and answers still
    # go through the real model, and the real-vector path is the same code with another embedder.
    result = run(
        sizes=(50, 100),
        out_dir=tmp_path,
        repeats=1,
        question_limit=8,
        torch_threads=1,
        passages="proxy",
    )
    rows = result["sizes"]
    assert [r["chunks"] for r in rows] == [50, 100]
    assert rows[0]["chunks_embedded"] == 50 and rows[1]["chunks_embedded"] == 50
    for row in rows:
        for side in ("retrieval", "answer"):
            stats = row[side]
            assert 0 < stats["p50_ms"] <= stats["p95_ms"] <= stats["p99_ms"] <= stats["max_ms"]
        assert row["rss_mib"] > 0 and row["build_seconds"] >= 0
        assert row["topic_hit_at_5"] >= 0.75  # the questions do match the generated content
        assert row["answered_share"] > 0.5
    saved = json.loads((tmp_path / "query_scale.json").read_text(encoding="utf-8"))
    assert saved["sizes"] == rows and "cpu" in saved["machine"]
    assert "| 100 |" in (tmp_path / "query_scale.md").read_text(encoding="utf-8")
