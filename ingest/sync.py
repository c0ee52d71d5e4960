"""Incremental sync of documents into the index, by content hash.

Order matters for safety: new vectors are written first (under new ids), then the new
generation is switched in atomically, and only then are stale vectors deleted. A crash at any
point leaves the previous generation complete; leftovers are cleaned up by the next sync, and
vectors a crashed sync already wrote are reused rather than embedded again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from ingest.audience import key as audience_key
from ingest.audience import parse as parse_audience
from ingest.chunking import CHUNKER_VERSION, ChunkingOptions, chunk_document, embedding_text
from ingest.embeddings import Embedder
from ingest.models import Chunk, Document, LoadProblem
from ingest.state import IndexedChunk, IndexedFile, IndexState
from ingest.structure import document_sections
from ingest.tokenize import TOKENIZER_VERSION, tokenize
from ingest.vectors import VectorStore

#: progress(done, total, what): called while embedding so the CLI can draw a progress bar.
Progress = Callable[[int, int, str], None]

_EMBED_BATCH = 128


class SyncReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    deleted: list[str] = Field(default_factory=list)
    unchanged: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_total: int = 0
    problems: list[LoadProblem] = Field(default_factory=list)
    seconds: float = 0.0
    #: Models of earlier indexes when this sync re-embedded everything for a new model.
    replaced_models: list[str] = Field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.deleted)


def _metadata(chunk: Chunk) -> dict[str, str | int | float | bool]:
    return {
        "path": chunk.path,
        "title": chunk.title,
        "section": chunk.section,
        "language": chunk.language,
        "position": chunk.position,
        "doc_type": chunk.doc_type,
        "roles": ",".join(chunk.roles),
        "audience": chunk.audience,
    }


def _indexed_file(
    doc: Document, chunk_ids: list[str], previous: IndexedFile | None, synced_at: dt.datetime
) -> IndexedFile:
    text_hash = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    same = previous is not None and previous.text_hash == text_hash
    return IndexedFile(
        path=doc.path,
        title=doc.title,
        content_hash=doc.content_hash,
        chunk_ids=chunk_ids,
        language=doc.language,
        doc_type=doc.meta.type.value,
        owner=doc.meta.owner,
        updated=doc.meta.updated,
        review_by=doc.meta.review_by,
        translation_of=doc.meta.translation_of,
        audience=audience_key(parse_audience(doc.meta.audience)),
        # One time per sync: copies changed together are not "newer" than each other.
        changed_at=previous.changed_at if same and previous else synced_at,
        text_hash=text_hash,
    )


def plan_and_apply(
    old: IndexState,
    documents: Sequence[Document],
    problems: Sequence[LoadProblem],
    *,
    vectors: VectorStore,
    embedder: Embedder,
    chunking: ChunkingOptions | None = None,
    keep_paths: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    cleanup_orphans: bool = False,
) -> tuple[IndexState, SyncReport, set[str]]:
    """Build the next state. Returns it, the report, and vector ids to delete after the switch.

    `keep_paths`: files that failed to load this time; their last good version stays indexed
    so a typo in one file never makes its knowledge vanish.
    """
    started = time.perf_counter()
    report = SyncReport(problems=list(problems))
    new = IndexState(
        embedding_model=embedder.name,
        collection=vectors.name,
        tokenizer_version=TOKENIZER_VERSION,
        chunker_version=CHUNKER_VERSION,
        problems=list(problems),
    )
    pending = _plan(old, new, documents, report, chunking=chunking, keep_paths=keep_paths)
    _embed_pending(pending, new, report, vectors=vectors, embedder=embedder, progress=progress)
    report.chunks_total = len(new.chunks)
    stale = set(old.chunks) - set(new.chunks)
    if cleanup_orphans:
        stale |= vectors.all_ids() - set(new.chunks)
    new.synced_at = dt.datetime.now(dt.UTC) if report.changed_anything else old.synced_at
    new.synced_at = new.synced_at or dt.datetime.now(dt.UTC)
    report.seconds = time.perf_counter() - started
    return new, report, stale


def _plan(
    old: IndexState,
    new: IndexState,
    documents: Sequence[Document],
    report: SyncReport,
    *,
    chunking: ChunkingOptions | None,
    keep_paths: frozenset[str],
) -> list[Chunk]:
    """Fill `new` with what stays and return the chunks that need embedding."""
    retokenize = old.tokenizer_version != TOKENIZER_VERSION
    # A new chunker (new structure, new chunk ids) re-chunks every file, changed or not.
    rechunk = old.chunker_version != CHUNKER_VERSION
    pending: list[Chunk] = []
    seen: set[str] = set()
    synced_at = dt.datetime.now(dt.UTC)
    for doc in documents:
        seen.add(doc.path)
        previous = old.files.get(doc.path)
        if previous is not None and previous.content_hash == doc.content_hash and not rechunk:
            report.unchanged += 1
            _keep_file(previous, old, new, retokenize)
            continue
        (report.changed if previous is not None else report.added).append(doc.path)
        sections = document_sections(doc)
        chunks = chunk_document(doc, chunking, sections)
        new.files[doc.path] = _indexed_file(doc, [c.id for c in chunks], previous, synced_at)
        new.sections[doc.path] = sections
        pending.extend(chunks)
    for path, previous in old.files.items():
        if path in seen:
            continue
        if path in keep_paths:
            _keep_file(previous, old, new, retokenize)
        else:
            report.deleted.append(path)
    return pending


def _keep_file(previous: IndexedFile, old: IndexState, new: IndexState, retokenize: bool) -> None:
    new.files[previous.path] = previous
    _keep_chunks(previous.chunk_ids, old, new, retokenize)
    new.sections[previous.path] = old.sections.get(previous.path, [])


def _keep_chunks(ids: list[str], old: IndexState, new: IndexState, retokenize: bool) -> None:
    """Carry unchanged chunks over; their vectors stay, their terms are redone if the
    tokenizer changed since they were indexed."""
    for cid in ids:
        item = old.chunks[cid]
        if retokenize:
            item = IndexedChunk(chunk=item.chunk, terms=tokenize(embedding_text(item.chunk)))
        new.chunks[cid] = item


def _embed_pending(
    pending: list[Chunk],
    new: IndexState,
    report: SyncReport,
    *,
    vectors: VectorStore,
    embedder: Embedder,
    progress: Progress | None,
) -> None:
    texts = {c.id: embedding_text(c) for c in pending}
    already = vectors.existing([c.id for c in pending]) if pending else set()
    todo = [c for c in pending if c.id not in already]
    report.chunks_reused += len(pending) - len(todo)
    for chunk in pending:
        new.chunks[chunk.id] = IndexedChunk(chunk=chunk, terms=tokenize(texts[chunk.id]))
    if progress:
        progress(0, len(todo), "embedding")
    for start in range(0, len(todo), _EMBED_BATCH):
        batch = todo[start : start + _EMBED_BATCH]
        batch_texts = [texts[c.id] for c in batch]
        vectors.add(
            [c.id for c in batch],
            embedder.embed_passages(batch_texts),
            batch_texts,
            [_metadata(c) for c in batch],
        )
        report.chunks_embedded += len(batch)
        if progress:
            progress(report.chunks_embedded, len(todo), "embedding")
