"""`cxbot eval`: retrieval quality of dense, BM25 and fused rankings side by side.

Two kinds of dataset: the project's golden JSONL over the knowledge folder (questions in both
languages, some that the knowledge cannot answer), and JSQuAD (each paragraph one document).
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console

from bot.answering.service import AnsweringService
from bot.settings import Settings
from ingest.embeddings import Embedder, Vectors
from ingest.index import KnowledgeIndex
from ingest.models import Document, DocumentMeta
from ingest.search import Mode

MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")
MODE_LABELS = {"dense": "dense", "lexical": "BM25", "hybrid": "fused"}


class GoldenQuestion(BaseModel):
    question: str
    language: str
    expected: list[str]
    answerable: bool = True
    role: str | None = None


class CachingEmbedder:
    """Embeds each distinct question once although three rankings are evaluated, and each
    distinct passage once although several indexes of the same files are built."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self._cache: dict[str, Any] = {}
        self._passages: dict[str, Any] = {}

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._passages]
        if missing:
            for text, vector in zip(missing, self._inner.embed_passages(missing), strict=True):
                self._passages[text] = vector
        if not texts:
            return self._inner.embed_passages(texts)
        return np.stack([self._passages[t] for t in texts])

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self._inner.embed_queries(missing), strict=True):
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts])


@dataclass
class Tally:
    total: int = 0
    hit1: int = 0
    hitk: int = 0
    rr: float = 0.0

    def add(self, ranked: Sequence[str], expected: set[str], k: int) -> None:
        self.total += 1
        rank = next((i for i, p in enumerate(ranked[:10], start=1) if p in expected), None)
        if rank is not None:
            self.rr += 1 / rank
            self.hit1 += rank == 1
            self.hitk += rank <= k

    def as_dict(self, k: int) -> dict[str, float | int]:
        n = max(self.total, 1)
        return {
            "questions": self.total,
            "hit@1": round(self.hit1 / n, 4),
            f"hit@{k}": round(self.hitk / n, 4),
            "mrr@10": round(self.rr / n, 4),
        }


def distinct_paths(paths: Iterable[str], limit: int = 10) -> list[str]:
    """Documents in the order of their best chunk: the ranking every system is judged on."""
    return list(dict.fromkeys(paths))[:limit]


def ranked_paths(index: KnowledgeIndex, question: str, mode: Mode, role: str | None) -> list[str]:
    hits = index.search(question, k=30, role=role, mode=mode)
    return distinct_paths(h.chunk.path for h in hits)


def read_golden(path: Path) -> list[GoldenQuestion]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(GoldenQuestion.model_validate_json(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from exc
    return items


def evaluate_golden(
    index: KnowledgeIndex, service: AnsweringService, questions: Iterable[GoldenQuestion], k: int
) -> dict[str, Any]:
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    answered: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"yes": [0, 0], "no": [0, 0]})
    misses: list[dict[str, Any]] = []
    for item in questions:
        if item.answerable:
            for mode in MODES:
                ranked = ranked_paths(index, item.question, mode, item.role)
                for language in (item.language, "all"):
                    tallies[(mode, language)].add(ranked, set(item.expected), k)
                if mode == "hybrid" and not set(ranked[:k]) & set(item.expected):
                    misses.append(
                        {"question": item.question, "expected": item.expected, "got": ranked[:k]}
                    )
        answer = service.answer(item.question, role=item.role)
        bucket = answered[item.language]["yes" if item.answerable else "no"]
        bucket[0] += answer.answered == item.answerable
        bucket[1] += 1
        if answer.answered != item.answerable:
            misses.append(
                {
                    "question": item.question,
                    "answered": answer.answered,
                    "confidence": answer.confidence,
                }
            )
    return {
        "kind": "golden",
        "k": k,
        "retrieval": {
            f"{MODE_LABELS[m]}/{lang}": t.as_dict(k) for (m, lang), t in sorted(tallies.items())
        },
        "answered": {
            lang: {
                "answerable_answered": round(b["yes"][0] / max(b["yes"][1], 1), 4),
                "answerable": b["yes"][1],
                "unanswerable_declined": round(b["no"][0] / max(b["no"][1], 1), 4),
                "unanswerable": b["no"][1],
            }
            for lang, b in sorted(answered.items())
        },
        "misses": misses,
    }


def jsquad_documents(path: Path) -> tuple[list[Document], list[tuple[str, str]]]:
    """Each paragraph one document; returns the documents and (question, paragraph path)."""
    import hashlib

    data = json.loads(path.read_text(encoding="utf-8"))
    documents: list[Document] = []
    questions: list[tuple[str, str]] = []
    for a, article in enumerate(data["data"]):
        for p, paragraph in enumerate(article["paragraphs"]):
            context: str = paragraph["context"]
            title, _, body = context.partition(" [SEP] ")
            doc_path = f"jsquad/{a:03d}-{p:03d}.txt"
            documents.append(
                Document(
                    path=doc_path,
                    title=title.strip() or article.get("title", ""),
                    text=body.strip() or context,
                    meta=DocumentMeta(language="ja"),
                    language="ja",
                    content_hash=hashlib.sha256(context.encode()).hexdigest(),
                )
            )
            questions.extend((qa["question"], doc_path) for qa in paragraph["qas"])
    return documents, questions


def jsquad_index(
    settings: Settings, data_dir: Path, embedder: Embedder, model: str | None = None
) -> KnowledgeIndex:
    """The (empty) index JSQuAD paragraphs are judged on: no glossary, the model's languages.
    `model`: the model setting the embedder stands for (the fallback's, after a fallback)."""
    return KnowledgeIndex(
        data_dir=data_dir,
        embedder=embedder,
        client=_client(data_dir),
        dense_languages=settings.dense_languages(model),
    )


def golden_index(settings: Settings) -> KnowledgeIndex:
    """The index the golden set is judged on: the app's own wiring, synced from the folder."""
    from bot.wiring import build_index

    index = build_index(settings)
    index.sync_folder(settings.knowledge_dir)
    return index


def evaluate_jsquad(
    settings: Settings, path: Path, k: int, limit: int | None, log: Console
) -> dict[str, Any]:
    from bot.wiring import build_embedder, embedder_model

    documents, questions = jsquad_documents(path)
    if limit:
        questions = questions[:limit]
    inner = build_embedder(settings)
    embedder = CachingEmbedder(inner)
    with tempfile.TemporaryDirectory(prefix="cx-jsquad-") as tmp:
        index = jsquad_index(settings, Path(tmp), embedder, embedder_model(settings, inner))
        log.print(f"Indexing {len(documents)} JSQuAD paragraphs…")
        index.sync_documents(documents)
        log.print(f"Asking {len(questions)} questions in three rankings…")
        embedder.embed_queries([q for q, _ in questions])
        tallies = {mode: Tally() for mode in MODES}
        for question, expected in questions:
            for mode in MODES:
                tallies[mode].add(ranked_paths(index, question, mode, None), {expected}, k)
    return {
        "kind": "jsquad",
        "k": k,
        "documents": len(documents),
        "retrieval": {f"{MODE_LABELS[m]}/ja": t.as_dict(k) for m, t in tallies.items()},
    }


def path_language(path: str) -> str | None:
    """The language a knowledge path is filed under (`en/...`, `ja/...`), if any."""
    head = path.split("/", 1)[0]
    return head if head in {"en", "ja"} else None


def is_crosslingual(questions: Sequence[GoldenQuestion]) -> bool:
    """Every question expects documents filed under the other language's folder."""
    answerable = [q for q in questions if q.answerable and q.expected]
    return bool(answerable) and all(
        all(path_language(p) not in (None, q.language) for p in q.expected) for q in answerable
    )


def one_language_folder(source: Path, target: Path, language: str) -> int:
    """Copy the knowledge files written in `language` (as the loader decides) to `target`;
    the other language's copies are left out, so a question can only find its answer across
    languages. Returns the number of files copied."""
    import shutil

    from ingest.index import iter_knowledge_files
    from ingest.loaders import load_document
    from ingest.models import LoadError

    copied = 0
    for path in iter_knowledge_files(source):
        try:
            document = load_document(path, source)
        except LoadError:
            continue
        if document.language == language:
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            copied += 1
    return copied


def evaluate_crosslingual(
    settings: Settings, questions: Sequence[GoldenQuestion], k: int, log: Console
) -> dict[str, Any]:
    """Questions in one language over an index of the other language's documents only."""
    from bot.wiring import build_embedder, embedder_model

    inner = build_embedder(settings)
    embedder = CachingEmbedder(inner)
    languages = settings.dense_languages(embedder_model(settings, inner))
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    misses: list[dict[str, Any]] = []
    directions = sorted({(q.language, path_language(q.expected[0]) or "") for q in questions})
    for asked, written in directions:
        direction = f"{asked}->{written}"
        with tempfile.TemporaryDirectory(prefix="cx-xling-") as tmp:
            folder = Path(tmp) / "knowledge"
            files = one_language_folder(settings.knowledge_dir, folder, written)
            log.print(f"{direction}: indexing the {files} {written} files only…")
            index = KnowledgeIndex(
                data_dir=Path(tmp) / "data",
                embedder=embedder,
                client=_client(Path(tmp) / "data"),
                dense_languages=languages,
            )
            index.sync_folder(folder)
            for item in questions:
                if (item.language, path_language(item.expected[0]) or "") != (asked, written):
                    continue
                for mode in MODES:
                    ranked = ranked_paths(index, item.question, mode, item.role)
                    tallies[(mode, direction)].add(ranked, set(item.expected), k)
                    if mode == "hybrid" and not set(ranked[:k]) & set(item.expected):
                        misses.append(
                            {"question": item.question, "expected": item.expected, "got": ranked}
                        )
    return {
        "kind": "crosslingual",
        "k": k,
        "retrieval": {
            f"{MODE_LABELS[m]}/{d}": t.as_dict(k) for (m, d), t in sorted(tallies.items())
        },
        "misses": misses,
    }


def _client(data_dir: Path) -> Any:
    from ingest.vectors import make_client

    return make_client(data_dir=data_dir)


def evaluate_dataset(
    settings: Settings, dataset: Path, *, k: int, limit: int | None, log: Console
) -> dict[str, Any]:
    if dataset.suffix == ".json":
        return evaluate_jsquad(settings, dataset, k, limit, log)
    from bot.wiring import build_answering

    questions = read_golden(dataset)[:limit] if limit else read_golden(dataset)
    if is_crosslingual(questions):
        return evaluate_crosslingual(settings, questions, k, log)
    index = golden_index(settings)
    service = build_answering(settings, index)
    return evaluate_golden(index, service, questions, k)


def format_table(report: dict[str, Any]) -> str:
    k = report["k"]
    lines = [f"{'ranking':<16}{'questions':>10}{'hit@1':>9}{f'hit@{k}':>9}{'MRR@10':>9}"]
    for name, row in report["retrieval"].items():
        lines.append(
            f"{name:<16}{row['questions']:>10}{row['hit@1']:>9.3f}{row[f'hit@{k}']:>9.3f}"
            f"{row['mrr@10']:>9.3f}"
        )
    for language, row in report.get("answered", {}).items():
        lines.append(
            f"answered/{language}: {row['answerable_answered']:.1%} of {row['answerable']} "
            f"answerable answered, {row['unanswerable_declined']:.1%} of {row['unanswerable']} "
            "unanswerable declined"
        )
    return "\n".join(lines)
