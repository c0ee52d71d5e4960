"""The LangChain comparison benchmark, end to end on a tiny corpus (both datasets, both systems)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.langchain_compare import LangChainEmbeddings, page_text, run
from ingest.embeddings import Embedder
from ingest.models import Document, DocumentMeta

GOLDEN = [
    {
        "question": "How much can store staff refund without approval?",
        "language": "en",
        "expected": ["en/refunds.md"],
    },
    {
        "question": "Can I authorise a free re-delivery of a missing item from the warehouse?",
        "language": "en",
        "expected": ["en/warehouse.md"],
        "role": "warehouse",
    },
    {
        "question": "店舗スタッフは承認なしでいくらまで返金できますか？",
        "language": "ja",
        "expected": ["ja/refunds.md"],
    },
    {
        "question": "What is the parking policy?",
        "language": "en",
        "expected": [],
        "answerable": False,
    },
]

PARAGRAPHS = [
    (
        "富士山",
        "富士山は静岡県と山梨県にまたがる活火山で、標高は3776メートルである。",
        "富士山の標高は何メートルですか？",
    ),
    (
        "琵琶湖",
        "琵琶湖は滋賀県にある日本最大の湖で、京都や大阪の水源でもある。",
        "日本最大の湖はどこにありますか？",
    ),
    (
        "寿司",
        "寿司は酢飯に魚介類などを組み合わせた日本の料理である。",
        "寿司は何に魚介類を組み合わせた料理ですか？",
    ),
]

JSQUAD = {
    "data": [
        {
            "title": title,
            "paragraphs": [
                {"context": f"{title} [SEP] {body}", "qas": [{"id": title, "question": question}]}
            ],
        }
        for title, body, question in PARAGRAPHS
    ]
}


def test_both_systems_judged_alike_on_both_datasets(knowledge: Path, tmp_path: Path) -> None:
    golden = tmp_path / "golden.jsonl"
    golden.write_text("\n".join(json.dumps(q) for q in GOLDEN) + "\n", encoding="utf-8")
    jsquad = tmp_path / "jsquad.json"
    jsquad.write_text(json.dumps(JSQUAD, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "results"

    result = run(quick=True, out_dir=out, knowledge_dir=knowledge, golden=golden, jsquad=jsquad)

    by_name = {d["dataset"]: d for d in result["datasets"]}
    assert set(by_name) == {"golden", "jsquad"}
    gold = by_name["golden"]
    assert gold["questions"] == 3  # the unanswerable one is not a retrieval question
    for system in ("cx-assistant", "langchain"):
        row = gold["systems"][system]
        assert row["questions"] == 3
        assert row["hit@5"] == 1.0
        # Plain English questions, each answered by one document: both rank it first.
        assert row["by_language"]["en"]["mrr@10"] == 1.0
        assert row["by_language"]["en"]["hit@4"] == 1.0
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
        assert row["build_seconds"] > 0 and row["chunks"] > 0
    # BM25 with a Japanese tokenizer finds the Japanese policy first.
    assert gold["systems"]["cx-assistant"]["by_language"]["ja"]["mrr@10"] == 1.0
    assert gold["p50_ratio"] > 0 and isinstance(gold["quality_ahead"], bool)

    squad = by_name["jsquad"]
    assert squad["documents"] == 3 and squad["questions"] == 3
    assert squad["systems"]["cx-assistant"]["mrr@10"] == 1.0
    assert squad["systems"]["langchain"]["hit@5"] == 1.0  # three paragraphs: all returned

    saved = json.loads((out / "langchain_compare.json").read_text(encoding="utf-8"))
    assert saved["datasets"][0]["systems"]["langchain"]["hit@5"] == 1.0
    assert "cpu" in saved["machine"]
    table = (out / "langchain_compare.md").read_text(encoding="utf-8")
    assert "| golden | cx-assistant | 3 |" in table and "| jsquad | langchain | 3 |" in table


def test_adapter_embeds_like_the_embedder(real_embedder: Embedder) -> None:
    adapter = LangChainEmbeddings(real_embedder)
    documents = adapter.embed_documents(["refunds up to 5,000 yen", "packing boxes"])
    query = adapter.embed_query("refunds up to 5,000 yen")
    assert len(documents) == 2 and len(query) == real_embedder.dimension
    own_passage = real_embedder.embed_passages(["refunds up to 5,000 yen"])[0]
    own_query = real_embedder.embed_queries(["refunds up to 5,000 yen"])[0]
    assert max(abs(a - float(b)) for a, b in zip(documents[0], own_passage, strict=True)) < 1e-6
    assert max(abs(a - float(b)) for a, b in zip(query, own_query, strict=True)) < 1e-6


def test_page_text_keeps_the_title_once() -> None:
    meta = DocumentMeta(language="ja")
    with_title = Document(
        path="a.md",
        title="Refunds",
        text="# Refunds\n\nbody",
        meta=meta,
        language="en",
        content_hash="x",
    )
    without = Document(
        path="b.txt",
        title="富士山",
        text="標高は3776メートル",
        meta=meta,
        language="ja",
        content_hash="y",
    )
    assert page_text(with_title) == "# Refunds\n\nbody"
    assert page_text(without) == "富士山\n\n標高は3776メートル"
