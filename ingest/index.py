"""The knowledge index: one object to sync a folder into and search from."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from chromadb.api import ClientAPI
from pydantic import BaseModel

from ingest.audience import Audience
from ingest.chunking import CHUNKER_VERSION, ChunkingOptions
from ingest.embeddings import Embedder
from ingest.glossary import Glossary
from ingest.lexical import LexicalIndex
from ingest.loaders import load_document, supported_suffixes
from ingest.models import Chunk, Document, DocumentMeta, Hit, LoadError, LoadProblem
from ingest.search import FusionOptions, HybridSearcher, Mode
from ingest.state import IndexedFile, IndexState, StateStore
from ingest.structure import Section
from ingest.sync import Progress, SyncReport, plan_and_apply
from ingest.tokenize import tokenize
from ingest.vectors import VectorStore, collection_name

log = logging.getLogger(__name__)


class SyncBusyError(RuntimeError):
    """Another ingest holds the lock; only one may write the index at a time."""


class IndexStatus(BaseModel):
    documents: int
    chunks: int
    last_sync: dt.datetime | None
    embedding_model: str
    collection: str
    generation: str | None
    problems: list[LoadProblem]
    overdue: list[str]  # documents past their review date


def iter_knowledge_files(root: Path) -> Iterator[Path]:
    """Supported files under the folder, skipping hidden files and folders, and the top-level
    `lessons/` (quiz files: their wrong options must never come back as answers)."""
    suffixes = supported_suffixes()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or relative.parts[0] == "lessons":
            continue
        if path.is_file() and path.suffix.lower() in suffixes:
            yield path


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class KnowledgeIndex:
    def __init__(
        self,
        *,
        data_dir: Path,
        embedder: Embedder,
        client: ClientAPI,
        dense_languages: frozenset[str] | None = None,
        chunking: ChunkingOptions | None = None,
        fusion: FusionOptions | None = None,
        query_prefix: str = "",
        passage_prefix: str = "",
        glossary: Glossary | None = None,
    ) -> None:
        """`dense_languages`: languages the embedding model understands (None: all of them)."""
        self.data_dir = data_dir
        self.embedder = embedder
        self.dense_languages = dense_languages
        self.chunking = chunking
        self.fusion = fusion
        self.glossary = glossary
        name = collection_name(embedder.name, query_prefix, passage_prefix)
        self.store = StateStore(data_dir / "index" / name)
        self.vectors = VectorStore(client, name, embedder)
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._searcher: HybridSearcher | None = None

    # -- reading -------------------------------------------------------------------------

    def trusts_language(self, language: str) -> bool:
        return self.dense_languages is None or language in self.dense_languages

    def searcher(self) -> HybridSearcher:
        """The searcher of the current generation, reloaded when another process synced."""
        generation = self.store.current_generation()
        if self._searcher is not None and generation == self._generation:
            return self._searcher
        with self._lock:
            if self._searcher is None or generation != self._generation:
                if self._searcher is not None:
                    self.vectors.refresh()  # another process synced: read its vectors too
                state = self.store.load()
                self._install(state, generation)
        assert self._searcher is not None
        return self._searcher

    def _install(self, state: IndexState, generation: str | None) -> None:
        previous = self._searcher
        if previous is None:
            ids = list(state.chunks)
            lexical = LexicalIndex(
                ids,
                [state.chunks[i].terms for i in ids],
                {i: state.chunks[i].chunk.language for i in ids},
            )
        else:
            # Derive from the last generation: cost in proportion to what the sync changed.
            old = previous.state.chunks
            added = {
                cid: item.terms
                for cid, item in state.chunks.items()
                if cid not in old or (old[cid] is not item and old[cid].terms != item.terms)
            }
            lexical = previous.lexical.updated(
                [cid for cid in old if cid not in state.chunks],
                added,
                {cid: state.chunks[cid].chunk.language for cid in added},
            )
        self._searcher = HybridSearcher(
            state,
            lexical,
            self.vectors,
            self.embedder,
            trusts_language=self.trusts_language,
            options=self.fusion,
            glossary=self.glossary,
        )
        self._generation = generation

    def warm_up(self) -> None:
        """Pay every first-use cost now (model, tokenizers, stored state, BM25), at start-up,
        so the first question is as fast as the hundredth."""
        self.embedder.embed_queries(["warm up"])
        tokenize("warm up 返品の準備")
        if self.store.current_generation() is not None:
            self.search("warm up", k=1)
            self.search("返品の準備", k=1)

    def _current_state(self) -> IndexState:
        """The current generation, from memory when this process already holds it."""
        searcher = self._searcher
        generation = self.store.current_generation()
        if searcher is not None and generation is not None and generation == self._generation:
            return searcher.state
        if searcher is not None:
            self.vectors.refresh()  # another process synced since: write on top of its vectors
        return self.store.load()

    def idf(self, term: str) -> float:
        return self.searcher().lexical.idf(term)

    def query_terms(self, query: str) -> list[str]:
        return self.searcher().query_terms(query)

    def sections(self, path: str) -> list[Section]:
        """An indexed document's sections, as blocks (empty if unknown)."""
        return self.searcher().state.sections.get(path) or []

    def says_otherwise(self, term: str, terms: list[str], text_terms: set[str]) -> bool:
        """Whether a text says a question's term in other words (per the glossary)."""
        glossary = self.searcher().glossary
        return glossary is not None and glossary.synonyms_covered(term, terms, text_terms)

    def file(self, path: str) -> IndexedFile | None:
        return self.searcher().state.files.get(path)

    def files(self) -> Mapping[str, IndexedFile]:
        """Every indexed document, by path (relative to the knowledge folder)."""
        return self.searcher().state.files

    def chunk(self, chunk_id: str) -> Chunk | None:
        item = self.searcher().state.chunks.get(chunk_id)
        return item.chunk if item is not None else None

    def chunk_ids(self, path: str) -> list[str]:
        """The ids of a document's chunks, in document order."""
        indexed = self.file(path)
        return list(indexed.chunk_ids) if indexed is not None else []

    def known_roles(self) -> set[str]:
        """Every role named in the knowledge's front matter."""
        roles: set[str] = set()
        for item in self.searcher().state.chunks.values():
            roles.update(item.chunk.roles)
        return roles

    def generation(self) -> str | None:
        """The name of the index generation on disk (None before the first sync)."""
        return self.store.current_generation()

    def lexical_scores(self, query: str, ids: Sequence[str]) -> dict[str, float]:
        """The BM25 score of each given chunk for the query's words."""
        scores = self.searcher().lexical.scores(tokenize(query))
        return {cid: scores.get(cid) for cid in ids}

    def similarity(self, query: str, ids: Sequence[str]) -> dict[str, float]:
        """The cosine similarity of the query to each given chunk (chunks with no stored
        vector are left out)."""
        vector = self.embedder.embed_queries([query])[0]
        return {cid: float(v @ vector) for cid, v in self.vectors.vectors(ids).items()}

    def translation(self, path: str, language: str) -> str | None:
        """The indexed document that translates `path` into `language`, if any."""
        return self.searcher().translations.get((path, language))

    @property
    def state(self) -> IndexState:
        return self.searcher().state

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        role: str | None = None,
        mode: Mode = "hybrid",
        audience: Audience = None,
    ) -> list[Hit]:
        return self.searcher().search(query, k=k, role=role, mode=mode, audience=audience)

    def status(self, today: dt.date | None = None) -> IndexStatus:
        state = self.state
        today = today or dt.date.today()
        overdue = sorted(
            f.path for f in state.files.values() if f.review_by is not None and f.review_by < today
        )
        return IndexStatus(
            documents=len(state.files),
            chunks=state.chunk_count,
            last_sync=state.synced_at,
            embedding_model=state.embedding_model or self.embedder.name,
            collection=self.vectors.name,
            generation=self.store.current_generation(),
            problems=state.problems,
            overdue=overdue,
        )

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def _sync_lock(self) -> Iterator[None]:
        # flock is released by the kernel when the holder dies, so a crash never wedges ingest.
        self.store.root.mkdir(parents=True, exist_ok=True)
        with (self.store.root / "sync.lock").open("a+") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise SyncBusyError(
                    "Another ingest is running; try again when it finishes."
                ) from exc
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def sync_folder(
        self,
        root: Path,
        *,
        progress: Progress | None = None,
        extra: Sequence[Document] = (),
    ) -> SyncReport:
        """Load every supported file (skipping unchanged ones unread) and sync the index.

        `extra`: documents that live elsewhere (the bot's broadcast wins) and are indexed
        with the folder; like files, one left out of a later sync is removed."""
        if not root.is_dir():
            raise FileNotFoundError(f"Knowledge folder not found: {root}")
        with self._sync_lock():
            old = self._current_state()
            documents: list[Document] = []
            problems: list[LoadProblem] = []
            unchanged: list[Document] = []
            rechunk = old.chunker_version != CHUNKER_VERSION  # every file is read again
            for path in iter_knowledge_files(root):
                relative = path.relative_to(root).as_posix()
                previous = old.files.get(relative)
                try:
                    if (
                        previous is not None
                        and not rechunk
                        and _file_hash(path) == previous.content_hash
                    ):
                        unchanged.append(_placeholder(previous.path, previous.content_hash))
                        continue
                    documents.append(load_document(path, root))
                except LoadError as exc:
                    problems.append(LoadProblem(path=relative, reason=exc.reason, line=exc.line))
                except OSError as exc:
                    problems.append(LoadProblem(path=relative, reason=f"cannot read: {exc}"))
            return self._apply(old, [*unchanged, *documents, *extra], problems, progress)

    def sync_documents(
        self,
        documents: Sequence[Document],
        problems: Sequence[LoadProblem] = (),
        *,
        progress: Progress | None = None,
    ) -> SyncReport:
        """Sync an explicit set of documents (the whole knowledge: missing paths are deleted)."""
        with self._sync_lock():
            return self._apply(self._current_state(), documents, problems, progress)

    def other_models(self) -> list[str]:
        """Embedding models of other indexes under the data folder (a changed model setting
        leaves the previous model's index behind; the two are never mixed)."""
        names: list[str] = []
        for pointer in sorted((self.data_dir / "index").glob("*/CURRENT")):
            if pointer.parent == self.store.root:
                continue
            try:
                header = StateStore(pointer.parent).header()
            except (OSError, ValueError):
                continue
            if header is not None:
                names.append(header.embedding_model)
        return [n for n in dict.fromkeys(names) if n and n != self.embedder.name]

    def _apply(
        self,
        old: IndexState,
        documents: Sequence[Document],
        problems: Sequence[LoadProblem],
        progress: Progress | None,
    ) -> SyncReport:
        replaced = self.other_models() if not old.files else []
        if replaced:
            log.warning(
                "The embedding model changed (the index was built with %s, now %s): every "
                "document is embedded again with the new model.",
                ", ".join(replaced),
                self.embedder.name,
            )
        marker = self.store.root / "SYNC_IN_PROGRESS"
        interrupted = marker.exists()
        marker.write_text(str(os.getpid()), encoding="utf-8")
        new, report, stale = plan_and_apply(
            old,
            documents,
            problems,
            vectors=self.vectors,
            embedder=self.embedder,
            chunking=self.chunking,
            keep_paths=frozenset(p.path for p in problems),
            progress=progress,
            cleanup_orphans=interrupted,
        )
        if (
            report.changed_anything
            or interrupted
            or old.problems != new.problems
            or old.tokenizer_version != new.tokenizer_version
            or old.chunker_version != new.chunker_version
            or not old.files
        ):
            generation = self.store.save(new)
            with self._lock:
                self._install(new, generation)
            self.vectors.delete(stale)
        marker.unlink(missing_ok=True)
        report.replaced_models = replaced
        return report


def _placeholder(path: str, content_hash: str) -> Document:
    """Stands for an unchanged file: the sync only compares its hash and keeps its chunks."""
    return Document(
        path=path, title="", text="", meta=DocumentMeta(), language="", content_hash=content_hash
    )
