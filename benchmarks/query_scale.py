"""Query latency and memory as the knowledge grows: 1k, 10k and 100k chunks.

    .venv/bin/python -m benchmarks.query_scale [--sizes 1000,10000,100000] [--data-dir DIR]

One index (the real pipeline: sentence-transformers embeddings, embedded Chroma, BM25 with
Sudachi) is grown through the sizes, so no chunk is embedded twice; at each size the fixed
English and Japanese questions of `benchmarks.corpus` are timed through retrieval
(`KnowledgeIndex.search`) and through the whole extractive answer (`AnsweringService.answer`
with no chat model). `--data-dir` keeps the index between runs, to re-measure after a code
change without embedding again.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import psutil

from benchmarks.corpus import Question, chunk_count, documents, questions
from benchmarks.machine import describe
from benchmarks.proxy_embedder import ProxyPassageEmbedder
from bot.answering.service import AnsweringService
from bot.settings import Settings
from bot.wiring import build_answering
from ingest.bundled_e5 import BundledE5Embedder
from ingest.embeddings import Embedder
from ingest.glossary import DEFAULT_GLOSSARY, Glossary
from ingest.index import KnowledgeIndex
from ingest.models import Hit
from ingest.vectors import make_client

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
T = TypeVar("T")
TARGETS = {"retrieval_p95_ms": 100.0, "answer_p95_ms": 200.0}


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 100 samples is a real sample)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _latencies(
    run_one: Callable[[Question], T], qs: Sequence[Question], repeats: int
) -> tuple[dict[str, float], list[T]]:
    """Percentiles over every call, and the results of the first round."""
    seconds: list[float] = []
    results: list[T] = []
    for round_ in range(repeats):
        for question in qs:
            started = time.perf_counter()
            result = run_one(question)
            seconds.append(time.perf_counter() - started)
            if round_ == 0:
                results.append(result)
    stats = {
        "p50_ms": round(percentile(seconds, 50) * 1000, 1),
        "p95_ms": round(percentile(seconds, 95) * 1000, 1),
        "p99_ms": round(percentile(seconds, 99) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }
    return stats, results


def _rss_mib() -> float:
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _topic_hit_at_5(qs: Sequence[Question], results: Sequence[list[Hit]]) -> float:
    """A sanity check that speed did not cost relevance: share of questions whose top 5 hold
    a passage of the right topic and language."""
    found = sum(
        1
        for question, hits in zip(qs, results, strict=True)
        if any(h.chunk.path.startswith(f"{question.language}/{question.topic}/") for h in hits)
    )
    return round(found / len(qs), 3)


def build_index(data_dir: Path, embedder: Embedder) -> KnowledgeIndex:
    return KnowledgeIndex(
        data_dir=data_dir,
        embedder=embedder,
        client=make_client(data_dir=data_dir),
        dense_languages=None,  # the multilingual default
        glossary=Glossary.load(DEFAULT_GLOSSARY),
    )


def run(
    *,
    sizes: Sequence[int] = (1000, 10000, 100000),
    out_dir: Path | None = None,
    data_dir: Path | None = None,
    repeats: int = 2,
    question_limit: int | None = None,
    profile: bool = False,
    torch_threads: int | None = None,
    passages: Literal["real", "proxy"] = "real",
) -> dict[str, Any]:
    """Grow one index through `sizes` (chunks) and measure at each; returns the result and
    writes `query_scale.json` and `.md` under `out_dir` when given.

    `torch_threads`: threads for the embedding model (None: one per core); the bot answers
    on one (CX_EMBEDDING_THREADS=0), which is faster for single questions on a busy machine.
    `passages="proxy"`: index with stand-in passage vectors (see `benchmarks.proxy_embedder`);
    questions and answers still use the real model."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    keep = data_dir is not None
    folder = data_dir or Path(tempfile.mkdtemp(prefix="cx-bench-scale-"))
    qs = questions()[: question_limit or None]
    model = BundledE5Embedder(threads=torch_threads)
    model.warm_up()
    proxy = ProxyPassageEmbedder(model) if passages == "proxy" else None
    embedder: Embedder = proxy or model
    index = build_index(folder, embedder)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, knowledge_dir=folder / "knowledge", data_dir=folder
    )
    answering: AnsweringService = build_answering(settings, index)
    rows: list[dict[str, Any]] = []
    profile_text = ""
    try:
        for size in sorted(sizes):
            started = time.perf_counter()
            if proxy:
                proxy.indexing = True
            report = index.sync_documents(list(documents(size)))
            build_seconds = time.perf_counter() - started
            if proxy:
                proxy.indexing = False
            # Warm up: the first query pays for lazy loads (Sudachi dictionary, HNSW pages).
            index.search("warm up refund")
            answering.answer("返金の上限は？")
            gc.collect()
            rss = _rss_mib()
            retrieval, hits = _latencies(lambda q: index.search(q.text, k=5), qs, repeats)
            profiler = cProfile.Profile() if profile and size == max(sizes) else None
            if profiler:
                profiler.enable()
            answer, answers = _latencies(lambda q: answering.answer(q.text), qs, repeats)
            if profiler:
                profiler.disable()
                buffer = io.StringIO()
                stats = pstats.Stats(profiler, stream=buffer)
                stats.sort_stats("cumulative").print_stats(45)
                stats.sort_stats("tottime").print_stats(25)
                profile_text = buffer.getvalue()
            answered = sum(1 for a in answers if a.answered)
            rows.append(
                {
                    "chunks": report.chunks_total,
                    "chunks_embedded": report.chunks_embedded,
                    "build_seconds": round(build_seconds, 1),
                    "rss_mib": rss,
                    "peak_rss_mib": _peak_rss_mib(),
                    "retrieval": retrieval,
                    "answer": answer,
                    "answered_share": round(answered / len(qs), 3),
                    "topic_hit_at_5": _topic_hit_at_5(qs, hits),
                }
            )
            print(_row_line(rows[-1]), flush=True)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    result: dict[str, Any] = {
        "benchmark": "query_scale",
        "machine": describe(),
        "questions": len(qs),
        "repeats": repeats,
        "torch_threads": torch_threads or "default",
        "passage_vectors": passages,
        "targets": TARGETS,
        "sizes": rows,
    }
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "query_scale.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        (out_dir / "query_scale.md").write_text(markdown(result), encoding="utf-8")
        if profile_text:
            (out_dir / "query_scale_profile.txt").write_text(profile_text, encoding="utf-8")
    return result


_HEADER = (
    "| chunks | build s | embedded | RSS MiB | retrieval p50/p95/p99 ms "
    "| answer p50/p95/p99 ms | answered | topic hit@5 |"
)


def _row_line(row: dict[str, Any]) -> str:
    r, a = row["retrieval"], row["answer"]
    return (
        f"| {row['chunks']:,} | {row['build_seconds']} | {row['chunks_embedded']:,} "
        f"| {row['rss_mib']} | {r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} "
        f"| {a['p50_ms']} / {a['p95_ms']} / {a['p99_ms']} | {row['answered_share']} "
        f"| {row['topic_hit_at_5']} |"
    )


def markdown(result: dict[str, Any]) -> str:
    machine = result["machine"]
    lines = [
        "# Query latency and memory at scale",
        "",
        f"{result['questions']} questions (half English, half Japanese) x {result['repeats']} "
        f"repeats per size, after a warm-up query; embedding threads: {result['torch_threads']}. "
        "Retrieval: `KnowledgeIndex.search` (embed, dense + BM25, fuse). "
        "Answer: `AnsweringService.answer` with no chat model "
        "(extractive). RSS: the whole process after loading. Build: the sync that grew the "
        "index to this size (embedding only the new chunks). "
        f"Passage vectors: {result['passage_vectors']}"
        + (
            " (stand-in vectors while indexing, real model for questions and answers: "
            "latency is real, topic hit@5 reflects the lexical side only)."
            if result["passage_vectors"] == "proxy"
            else "."
        ),
        "",
        f"Targets at 100k chunks: retrieval p95 < {TARGETS['retrieval_p95_ms']:.0f} ms, "
        f"answer p95 < {TARGETS['answer_p95_ms']:.0f} ms.",
        "",
        _HEADER,
        "| " + " | ".join(["---"] * 8) + " |",
        *(_row_line(row) for row in result["sizes"]),
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}; "
        + ", ".join(f"{k} {v}" for k, v in machine["libraries"].items()),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--torch-threads", type=int, default=None)
    parser.add_argument("--passages", choices=["real", "proxy"], default="real")
    args = parser.parse_args()
    sizes = [chunk_count(int(s)) for s in args.sizes.split(",") if s.strip()]
    print(_HEADER, flush=True)
    run(
        sizes=sizes,
        out_dir=args.out,
        data_dir=args.data_dir,
        repeats=args.repeats,
        profile=args.profile,
        torch_threads=args.torch_threads,
        passages=args.passages,
    )


if __name__ == "__main__":
    main()
