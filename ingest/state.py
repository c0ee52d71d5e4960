"""The index's bookkeeping: which files are indexed, their chunks and lexical terms.

Each sync writes a complete new *generation* folder and then switches the `CURRENT` pointer with
an atomic rename. A reader therefore sees either the old generation or the new one, never a
half-written mix, and a sync that dies half-way leaves the previous generation answering.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path

from pydantic import BaseModel, Field

from ingest.models import Chunk, LoadProblem
from ingest.structure import Section

STATE_VERSION = 1


class IndexedChunk(BaseModel):
    chunk: Chunk
    terms: list[str]  # lexical terms of the heading and text, tokenised once at ingest


class IndexedFile(BaseModel):
    path: str
    title: str
    content_hash: str
    chunk_ids: list[str]
    language: str
    doc_type: str
    owner: str | None = None
    updated: dt.date | None = None
    review_by: dt.date | None = None
    translation_of: str | None = None
    audience: str = ""  # audience key (`ingest.audience`); "" = all staff
    # When this file's text (front matter aside: a verification is not an edit) last
    # changed, as seen by a sync (None: before the field existed), and that text's hash.
    # Translation lag compares it with the other language's copy.
    changed_at: dt.datetime | None = None
    text_hash: str = ""


class FileSections(BaseModel):
    path: str
    sections: list[Section]


class IndexState(BaseModel):
    version: int = STATE_VERSION
    embedding_model: str = ""
    collection: str = ""
    tokenizer_version: int = 1  # states written before the field existed
    chunker_version: str = "2"  # likewise
    synced_at: dt.datetime | None = None
    files: dict[str, IndexedFile] = Field(default_factory=dict)
    problems: list[LoadProblem] = Field(default_factory=list)
    # Chunks are stored apart from this header (chunks.jsonl) and attached after loading.
    chunks: dict[str, IndexedChunk] = Field(default_factory=dict, exclude=True)
    # Each file's sections as blocks (sections.jsonl), for answers that quote whole units.
    sections: dict[str, list[Section]] = Field(default_factory=dict, exclude=True)

    @property
    def chunk_count(self) -> int:
        return len(self.chunks)


def _fsync_write(path: Path, data: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class StateStore:
    """Generations of `IndexState` under one folder, switched atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pointer = root / "CURRENT"

    def current_generation(self) -> str | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def header(self) -> IndexState | None:
        """The current generation's header (model, files) without its chunks; None if empty."""
        name = self.current_generation()
        if name is None:
            return None
        return IndexState.model_validate_json((self.root / name / "state.json").read_text("utf-8"))

    def load(self) -> IndexState:
        name = self.current_generation()
        if name is None:
            return IndexState()
        folder = self.root / name
        state = IndexState.model_validate_json((folder / "state.json").read_text("utf-8"))
        chunks: dict[str, IndexedChunk] = {}
        with (folder / "chunks.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                item = IndexedChunk.model_validate_json(line)
                chunks[item.chunk.id] = item
        state.chunks = chunks
        sections_file = folder / "sections.jsonl"
        if sections_file.exists():  # generations written before sections were kept have none
            with sections_file.open(encoding="utf-8") as handle:
                for line in handle:
                    entry = FileSections.model_validate_json(line)
                    state.sections[entry.path] = entry.sections
        return state

    def save(self, state: IndexState) -> str:
        """Write a new generation and make it current; returns its name."""
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        name = f"gen-{stamp}-{uuid.uuid4().hex[:8]}"
        folder = self.root / name
        tmp = self.root / f".{name}.tmp"
        tmp.mkdir()
        lines = "".join(item.model_dump_json() + "\n" for item in state.chunks.values())
        _fsync_write(tmp / "chunks.jsonl", lines)
        _fsync_write(
            tmp / "sections.jsonl",
            "".join(
                FileSections(path=path, sections=sections).model_dump_json() + "\n"
                for path, sections in state.sections.items()
            ),
        )
        _fsync_write(tmp / "state.json", state.model_dump_json(indent=1))
        tmp.rename(folder)
        pointer_tmp = self.root / f".CURRENT.{name}.tmp"
        _fsync_write(pointer_tmp, name)
        os.replace(pointer_tmp, self.pointer)
        self._prune(keep={name})
        return name

    def _prune(self, keep: set[str]) -> None:
        # Keep the previous generation too: a reader may be loading it right now.
        generations = sorted(p for p in self.root.glob("gen-*") if p.is_dir())
        survivors = {p.name for p in generations[-2:]} | keep
        for folder in generations:
            if folder.name not in survivors:
                shutil.rmtree(folder, ignore_errors=True)
        for leftover in self.root.glob(".gen-*.tmp"):
            shutil.rmtree(leftover, ignore_errors=True)

    def describe(self) -> dict[str, object]:
        return {"root": str(self.root), "generation": self.current_generation()}


def dump_problems(problems: list[LoadProblem]) -> str:
    return json.dumps([p.model_dump() for p in problems], ensure_ascii=False)
