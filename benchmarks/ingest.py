"""Ingest speed: the whole pipeline against the embedding model's raw throughput, the no-op
re-sync of a 1,000-file folder, and how fast one edited file shows up in answers with --watch.

    .venv/bin/python -m benchmarks.ingest [--files 1000]

The corpus is the knowledge folder's own paragraphs (English and Japanese), spread over
`--files` Markdown files, so chunk sizes and languages are those of real CX documents.
Reference in the same run: the embedding model encoding exactly the chunks the pipeline
embeds, in one call with the same batch size (the physical limit on this machine).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.machine import describe
from benchmarks.report import write_result
from ingest.bundled_e5 import BundledE5Embedder
from ingest.chunking import chunk_document, embedding_text
from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex, iter_knowledge_files
from ingest.loaders import load_document
from ingest.vectors import make_client

ROOT = Path(__file__).resolve().parent.parent


def _paragraphs(knowledge: Path) -> list[tuple[str, str]]:
    """(language, paragraph) pairs from the knowledge folder's documents."""
    pool: list[tuple[str, str]] = []
    for path in iter_knowledge_files(knowledge):
        doc = load_document(path, knowledge)
        for block in re.split(r"\n\s*\n", doc.text):
            block = block.strip()
            if len(block) >= 40 and not block.startswith("#"):
                pool.append((doc.language, block))
    return pool


def make_corpus(folder: Path, files: int, *, seed: int = 7) -> None:
    """`files` Markdown files, each a titled note of 2-4 real paragraphs in one language."""
    pool = _paragraphs(ROOT / "knowledge")
    by_language: dict[str, list[str]] = {}
    for language, text in pool:
        by_language.setdefault(language, []).append(text)
    rng = random.Random(seed)
    languages = sorted(by_language)
    for i in range(files):
        language = languages[i % len(languages)]
        picked = rng.sample(by_language[language], k=min(len(by_language[language]), 3))
        title = f"Note {i:04d}" if language == "en" else f"メモ {i:04d}"
        sections = "\n\n".join(f"## Part {n + 1}\n\n{text}" for n, text in enumerate(picked))
        body = (
            f"---\ntitle: {title}\nlanguage: {language}\ntype: playbook\n---\n\n"
            f"# {title}\n\n{sections}\n\nReference {i:04d}.\n"
        )
        path = folder / language / f"{i // 100:02d}" / f"note-{i:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")


def _index(data_dir: Path, embedder: Embedder) -> KnowledgeIndex:
    return KnowledgeIndex(
        data_dir=data_dir,
        embedder=embedder,
        client=make_client(data_dir=data_dir),
        dense_languages=getattr(embedder, "languages", None),
    )


def _chunk_texts(folder: Path) -> list[str]:
    texts: list[str] = []
    for path in iter_knowledge_files(folder):
        texts.extend(embedding_text(c) for c in chunk_document(load_document(path, folder)))
    return texts


def measure_throughput(folder: Path, embedder: Embedder, data_dir: Path) -> dict[str, Any]:
    """Pipeline chunks/s (load, chunk, tokenise, embed, store, BM25) over raw model chunks/s.

    The raw reference embeds half the chunks before the pipeline and the other half after,
    so drift in a shared machine's speed during the run does not favour either side (and the
    reference costs one pass, not two: the multilingual model is the slow part)."""
    texts = _chunk_texts(folder)
    embedder.embed_passages(texts[:64])  # warm the model's kernels for both sides

    def raw(part: list[str]) -> float:
        started = time.perf_counter()
        for start in range(0, len(part), 128):  # the pipeline's batch size
            embedder.embed_passages(part[start : start + 128])
        return time.perf_counter() - started

    raw_before = raw(texts[0::2])
    index = _index(data_dir, embedder)
    started = time.perf_counter()
    report = index.sync_folder(folder)
    index.search("refund")  # the searcher (BM25) is part of what an ingest must deliver
    pipeline = time.perf_counter() - started
    raw_after = raw(texts[1::2])
    raw_seconds = raw_before + raw_after
    chunks = report.chunks_total
    return {
        "files": len(list(iter_knowledge_files(folder))),
        "chunks": chunks,
        "pipeline_seconds": round(pipeline, 2),
        "pipeline_chunks_per_s": round(chunks / pipeline, 1),
        "raw_model_seconds": round(raw_seconds, 2),
        "raw_model_chunks_per_s": round(len(texts) / raw_seconds, 1),
        "pipeline_over_raw": round((chunks / pipeline) / (len(texts) / raw_seconds), 3),
    }


def measure_resync(
    folder: Path, embedder: Embedder, data_dir: Path, *, repeats: int = 5
) -> dict[str, Any]:
    """No-op re-syncs of the folder (already indexed in `data_dir`) and one changed file."""
    index = _index(data_dir, embedder)
    index.sync_folder(folder)
    noop: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        report = index.sync_folder(folder)
        noop.append(time.perf_counter() - started)
        assert not report.changed_anything, "the folder did not change"
    # A new index object has no state in memory: it reads the generation from disk.
    started = time.perf_counter()
    _index(data_dir, embedder).sync_folder(folder)
    cold_noop = time.perf_counter() - started

    files = sorted(folder.rglob("*.md"))
    target = files[len(files) // 2]
    one_file: list[float] = []
    for n in range(repeats):
        target.write_text(target.read_text(encoding="utf-8") + f"\nEdit {n}.\n", "utf-8")
        started = time.perf_counter()
        index.sync_folder(folder)
        one_file.append(time.perf_counter() - started)
    return {
        "noop_resync_median_s": round(statistics.median(noop), 3),
        "noop_resync_max_s": round(max(noop), 3),
        "noop_resync_cold_state_s": round(cold_noop, 3),
        "one_file_sync_median_s": round(statistics.median(one_file), 3),
    }


def _environment(folder: Path, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CX_KNOWLEDGE_DIR": str(folder),
        "CX_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
    }


def measure_cli_noop(folder: Path, data_dir: Path, *, repeats: int = 3) -> dict[str, Any]:
    """`cxbot ingest` on an unchanged folder as a whole command (start-up included), against
    the same interpreter starting and importing nothing (the floor for any command)."""
    env = _environment(folder, data_dir)
    command = [sys.executable, "-m", "bot.cli", "ingest", "--json"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # settle any change

    def timed(args: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)
        return time.perf_counter() - started

    cli = statistics.median(timed(command) for _ in range(repeats))
    bare = statistics.median(timed([sys.executable, "-c", "pass"]) for _ in range(repeats))
    return {"noop_cli_command_s": round(cli, 3), "python_start_s": round(bare, 3)}


def _watch_round_trip(folder: Path, reader: KnowledgeIndex, n: int) -> float:
    """Seconds from saving a file to a search in another process finding its new words, with
    the real `cxbot ingest --watch` running (as a CX lead and the bot would have them)."""
    target = sorted(folder.rglob("*.md"))[n]
    marker = f"zebracorn{n}quokka"
    started = time.perf_counter()
    target.write_text(target.read_text(encoding="utf-8") + f"\nThe {marker} rule.\n", "utf-8")
    deadline = started + 60
    while time.perf_counter() < deadline:
        hits = reader.search(marker, k=1)
        if hits and hits[0].chunk.path.endswith(target.name):
            return time.perf_counter() - started
        time.sleep(0.02)
    raise TimeoutError("the edited file never became searchable")


def measure_watch(
    folder: Path, embedder: Embedder, data_dir: Path, *, repeats: int = 5
) -> dict[str, Any]:
    """The real `cxbot ingest --watch` in its own process, a reading index in this one."""
    watcher = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ingest", "--watch"],
        env=_environment(folder, data_dir),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert watcher.stderr is not None
        for line in watcher.stderr:  # its first (no-op) sync, then the watcher starts
            if line.startswith("Watching"):
                break
        time.sleep(1.0)  # the observer starts just after the line (not part of the figure)
        reader = _index(data_dir, embedder)
        reader.warm_up()
        seconds = [_watch_round_trip(folder, reader, n) for n in range(repeats)]
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
    return {
        "watch_visible_median_s": round(statistics.median(seconds), 3),
        "watch_visible_max_s": round(max(seconds), 3),
    }


def run(*, files: int = 1000, out_dir: Path | None = None) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="cx-bench-corpus-"))
    data_dir = Path(tempfile.mkdtemp(prefix="cx-bench-ingest-"))
    try:
        make_corpus(folder, files)
        embedder = BundledE5Embedder()  # the default model, every core (as cxbot ingest)
        embedder.warm_up()
        result: dict[str, Any] = {"benchmark": "ingest", "machine": describe()}
        # One index throughout: built once by the timed pipeline, then re-synced and watched.
        result["throughput"] = measure_throughput(folder, embedder, data_dir)
        result["resync"] = measure_resync(folder, embedder, data_dir)
        result["resync"].update(measure_watch(folder, embedder, data_dir))
        result["resync"].update(measure_cli_noop(folder, data_dir))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(data_dir, ignore_errors=True)
    write_result("ingest", result, out_dir)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = run(files=args.files, out_dir=args.out)
    for section in ("throughput", "resync"):
        for key, value in result[section].items():
            print(f"{section:>10}  {key:<28} {value}")


if __name__ == "__main__":
    main()
