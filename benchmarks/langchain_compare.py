"""Retrieval quality and per-question latency: CX Assistant against the LangChain tutorial RAG.

    .venv/bin/python -m benchmarks.langchain_compare [--quick] [--out benchmarks/results]

Both systems, in the same run, over the same documents and questions, judged by the same code
(`bot.evaluation.retrieval`: its dataset loaders, its indexes and its `Tally`):
- ours: `KnowledgeIndex` hybrid search (dense + BM25, fused), built as `cxbot eval` builds it;
- LangChain: `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`, an
  in-memory `langchain_chroma.Chroma` with the same embedding model, `similarity_search`.
A hit is the expected document path (golden) or paragraph id (JSQuAD) among the distinct
documents of the ranked chunks; LangChain chunks carry the path in their metadata.
Latency is per question, wall clock, including embedding the question (no cache).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings

from benchmarks.machine import describe
from bot.evaluation.retrieval import (
    Tally,
    distinct_paths,
    golden_index,
    jsquad_documents,
    jsquad_index,
    ranked_paths,
    read_golden,
)
from bot.settings import Settings
from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex, iter_knowledge_files
from ingest.loaders import load_document
from ingest.models import Document

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "eval" / "golden.jsonl"
KNOWLEDGE = ROOT / "knowledge"
JSQUAD = Path("/work/shared/datasets/jsquad/valid-v1.3.json")
#: `quick`: the first N JSQuAD questions over the whole corpus, as `cxbot eval --limit N`.
QUICK_JSQUAD_QUESTIONS = 300
#: The tutorial returns 4 chunks; 10 are fetched to judge hit@5 and MRR@10.
TUTORIAL_K = 4
FETCH_K = 10
KS = (4, 5)
SYSTEMS = ("cx-assistant", "langchain")
#: The issue's bar: our p50 and p95 at most this many times LangChain's.
MAX_SLOWDOWN = 2.0


@dataclass(frozen=True)
class Question:
    text: str
    expected: frozenset[str]
    language: str
    role: str | None = None


@dataclass
class SystemResult:
    build_seconds: float
    tallies: dict[int, dict[str, Tally]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    def add(self, ranked: Sequence[str], question: Question) -> None:
        for k in KS:
            by_language = self.tallies.setdefault(k, {})
            for language in (question.language, "all"):
                by_language.setdefault(language, Tally()).add(ranked, set(question.expected), k)

    def as_dict(self) -> dict[str, Any]:
        latencies_ms = np.asarray(self.latencies) * 1000
        quality = {
            language: {
                "questions": tally.total,
                "hit@4": self.tallies[4][language].as_dict(4)["hit@4"],
                "hit@5": tally.as_dict(5)["hit@5"],
                "mrr@10": tally.as_dict(5)["mrr@10"],
            }
            for language, tally in sorted(self.tallies.get(5, {}).items())
        }
        return {
            **quality.get("all", {}),
            "by_language": quality,
            "p50_ms": round(float(np.percentile(latencies_ms, 50)), 2),
            "p95_ms": round(float(np.percentile(latencies_ms, 95)), 2),
            "p99_ms": round(float(np.percentile(latencies_ms, 99)), 2),
            "mean_ms": round(float(latencies_ms.mean()), 2),
            "build_seconds": round(self.build_seconds, 2),
        }


class LangChainEmbeddings(Embeddings):
    """Our embedder as a LangChain `Embeddings`, so both systems use one and the same model."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._embedder.embed_passages(texts)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_queries([text])[0]]


def page_text(document: Document) -> str:
    """The text the tutorial's loader would see: with the title, as the source file has it."""
    head = document.text.lstrip()[: len(document.title) + 4]
    if not document.title or document.title in head:
        return document.text
    return f"{document.title}\n\n{document.text}"


class LangChainRAG:
    """The tutorial pipeline: split, embed into Chroma (in memory), `similarity_search`."""

    def __init__(self, documents: Sequence[Document], embedder: Embedder) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks = splitter.split_documents(
            [
                LCDocument(page_content=page_text(d), metadata={"path": d.path, "title": d.title})
                for d in documents
            ]
        )
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(
            collection_name=f"lc-compare-{uuid.uuid4().hex[:12]}",
            embedding_function=LangChainEmbeddings(embedder),
            client=client,
        )
        self.store.add_documents(chunks)
        self.chunks = len(chunks)

    def ranked_paths(self, question: str, k: int = FETCH_K) -> list[str]:
        return distinct_paths(d.metadata["path"] for d in self.store.similarity_search(question, k))

    def close(self) -> None:
        self.store.delete_collection()


def compare(
    questions: Sequence[Question],
    ours: Callable[[Question], list[str]],
    theirs: Callable[[Question], list[str]],
    *,
    build_seconds: dict[str, float],
) -> dict[str, SystemResult]:
    """Ask every question of both systems, alternating which goes first so that neither
    always pays for a cold cache or a busy neighbour."""
    results = {name: SystemResult(build_seconds[name]) for name in SYSTEMS}
    askers = dict(zip(SYSTEMS, (ours, theirs), strict=True))
    for number, question in enumerate(questions):
        order = SYSTEMS if number % 2 == 0 else SYSTEMS[::-1]
        for name in order:
            started = time.perf_counter()
            ranked = askers[name](question)
            results[name].latencies.append(time.perf_counter() - started)
            results[name].add(ranked, question)
    return results


def _versus(
    index: KnowledgeIndex,
    documents: Sequence[Document],
    questions: Sequence[Question],
    our_build: float,
    extra: dict[str, Any],
) -> dict[str, Any]:
    started = time.perf_counter()
    rag = LangChainRAG(documents, index.embedder)
    lc_build = time.perf_counter() - started
    try:
        # Warm both (model, Chroma segments, tokenizer) so no question pays a one-off load.
        index.search("warm up", k=5)
        rag.ranked_paths("warm up")
        results = compare(
            questions,
            lambda q: ranked_paths(index, q.text, "hybrid", q.role),
            lambda q: rag.ranked_paths(q.text),
            build_seconds={"cx-assistant": our_build, "langchain": lc_build},
        )
    finally:
        rag.close()
    systems = {name: result.as_dict() for name, result in results.items()}
    systems["cx-assistant"]["chunks"] = index.state.chunk_count
    systems["langchain"]["chunks"] = rag.chunks
    return {**extra, "questions": len(questions), "systems": systems, **_verdict(systems)}


def _verdict(systems: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ours, theirs = systems["cx-assistant"], systems["langchain"]
    ratios = {
        f"{p}_ratio": round(ours[f"{p}_ms"] / max(theirs[f"{p}_ms"], 1e-9), 2)
        for p in ("p50", "p95", "p99")
    }
    ahead = all(ours[m] >= theirs[m] for m in ("hit@4", "hit@5", "mrr@10"))
    fast_enough = ratios["p50_ratio"] <= MAX_SLOWDOWN and ratios["p95_ratio"] <= MAX_SLOWDOWN
    return {**ratios, "quality_ahead": ahead, "latency_within_2x": fast_enough}


def compare_golden(settings: Settings, golden: Path) -> dict[str, Any]:
    """The golden set over the knowledge folder (answerable questions only, as `cxbot eval`)."""
    questions = [
        Question(q.question, frozenset(q.expected), q.language, q.role)
        for q in read_golden(golden)
        if q.answerable
    ]
    started = time.perf_counter()
    index = golden_index(settings)
    our_build = time.perf_counter() - started
    # The tutorial's side loads the same files with the same loaders (timed as its build).
    started = time.perf_counter()
    root = settings.knowledge_dir
    documents = [load_document(path, root) for path in iter_knowledge_files(root)]
    load_seconds = time.perf_counter() - started
    result = _versus(
        index,
        documents,
        questions,
        our_build,
        {"dataset": "golden", "documents": len(documents)},
    )
    result["systems"]["langchain"]["build_seconds"] = round(
        result["systems"]["langchain"]["build_seconds"] + load_seconds, 2
    )
    return result


def compare_jsquad(
    settings: Settings, path: Path, embedder: Embedder, data_dir: Path, limit: int | None
) -> dict[str, Any]:
    """JSQuAD: each paragraph one document, questions judged by their paragraph."""
    documents, pairs = jsquad_documents(path)
    questions = [Question(q, frozenset({p}), "ja") for q, p in (pairs[:limit] if limit else pairs)]
    started = time.perf_counter()
    index = jsquad_index(settings, data_dir, embedder)
    index.sync_documents(documents)
    our_build = time.perf_counter() - started
    return _versus(
        index,
        documents,
        questions,
        our_build,
        {"dataset": "jsquad", "documents": len(documents), "subset": bool(limit)},
    )


def run(
    *,
    quick: bool = False,
    out_dir: Path | None = None,
    knowledge_dir: Path = KNOWLEDGE,
    golden: Path = GOLDEN,
    jsquad: Path | None = JSQUAD,
) -> dict[str, Any]:
    """Both datasets, both systems; writes `langchain_compare.json` and `.md` to `out_dir`."""
    from bot.wiring import build_embedder

    datasets: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="cx-bench-lc-") as tmp:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, knowledge_dir=knowledge_dir, data_dir=Path(tmp) / "golden"
        )
        datasets.append(compare_golden(settings, golden))
        if jsquad is not None and jsquad.exists():
            limit = QUICK_JSQUAD_QUESTIONS if quick else None
            embedder = build_embedder(settings)
            datasets.append(compare_jsquad(settings, jsquad, embedder, Path(tmp) / "jsquad", limit))
    result: dict[str, Any] = {
        "benchmark": "langchain_compare",
        "machine": describe(),
        "quick": quick,
        "langchain": {
            "splitter": "RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)",
            "store": "langchain_chroma.Chroma, in-memory (EphemeralClient)",
            "search": f"similarity_search(k={FETCH_K}); the tutorial returns k={TUTORIAL_K}",
        },
        "datasets": datasets,
        "targets_met": all(d["quality_ahead"] and d["latency_within_2x"] for d in datasets),
    }
    out = out_dir or ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "langchain_compare.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (out / "langchain_compare.md").write_text(markdown(result), encoding="utf-8")
    return result


COLUMNS = ("hit@4", "hit@5", "mrr@10", "p50_ms", "p95_ms", "p99_ms", "build_seconds")


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    rows = []
    for dataset in result["datasets"]:
        for name, row in dataset["systems"].items():
            rows.append(
                [dataset["dataset"], name, str(row["questions"])]
                + [
                    f"{row[c]:.3f}" if c.startswith(("hit", "mrr")) else f"{row[c]:.1f}"
                    for c in COLUMNS
                ]
            )
    return rows


HEADER = [
    "dataset",
    "system",
    "questions",
    "hit@4",
    "hit@5",
    "MRR@10",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "build s",
]


def _ratios(result: dict[str, Any]) -> list[str]:
    return [
        f"{d['dataset']}: ours/LangChain latency p50 x{d['p50_ratio']}, p95 x{d['p95_ratio']}, "
        f"p99 x{d['p99_ratio']}; quality ahead: {d['quality_ahead']}; "
        f"within {MAX_SLOWDOWN:g}x: {d['latency_within_2x']}"
        for d in result["datasets"]
    ]


def markdown(result: dict[str, Any]) -> str:
    machine = result["machine"]
    lines = [
        "# CX Assistant retrieval vs the LangChain tutorial RAG",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}. Quick: {result['quick']}.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        *("| " + " | ".join(row) + " |" for row in table_rows(result)),
        "",
        *(f"- {line}" for line in _ratios(result)),
        f"- LangChain: {result['langchain']['splitter']}; {result['langchain']['store']}; "
        f"{result['langchain']['search']}.",
        "",
    ]
    return "\n".join(lines)


def format_table(result: dict[str, Any]) -> str:
    widths = [8, 14, 10, 7, 7, 8, 9, 9, 9, 9]
    lines = [
        "".join(
            h.rjust(w) if i > 1 else h.ljust(w)
            for i, (h, w) in enumerate(zip(HEADER, widths, strict=True))
        )
    ]
    for row in table_rows(result):
        lines.append(
            "".join(
                c.rjust(w) if i > 1 else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join([*lines, *_ratios(result)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="JSQuAD: the first 300 questions")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    result = run(quick=args.quick, out_dir=args.out)
    print(format_table(result))


if __name__ == "__main__":
    main()
