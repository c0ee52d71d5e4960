"""Data that crosses module boundaries inside the knowledge pipeline."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class DocType(StrEnum):
    vision = "vision"
    role_guide = "role-guide"
    playbook = "playbook"
    policy = "policy"
    highlight = "highlight"
    faq = "faq"
    other = "other"


class DocumentMeta(BaseModel):
    """Front matter of a knowledge file (every field optional; loaders fill what they can)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    title: str | None = None
    type: DocType = DocType.other
    roles: list[str] = Field(default_factory=list)
    language: str | None = None
    owner: str | None = None
    updated: dt.date | None = None
    review_by: dt.date | None = None
    tags: list[str] = Field(default_factory=list)
    # The path (relative to the knowledge folder) of the document this one translates; EN/JA
    # pairs are otherwise the same path under en/ and ja/.
    translation_of: str | None = None
    # Who may read it: role names, `managers`, `leads`, Slack user group IDs; empty = all staff.
    audience: list[str] = Field(default_factory=list)


class Document(BaseModel):
    """One knowledge file after loading: plain text (Markdown headings kept) plus metadata."""

    path: str  # relative to the knowledge folder, POSIX separators
    title: str
    text: str
    meta: DocumentMeta
    language: str  # "en", "ja", ... (front matter wins over detection)
    content_hash: str  # sha256 of the raw file bytes


class Chunk(BaseModel):
    """A retrievable piece of a document."""

    id: str
    path: str
    title: str
    section: str  # heading path, e.g. "Refunds > Limits"; "" for the top of a document
    section_index: int = 0  # which of the document's sections (`ingest.structure`)
    audience: str = ""  # the document's audience key (`ingest.audience`); "" = all staff
    text: str
    language: str
    position: int  # order within the document
    doc_type: str = DocType.other.value
    roles: list[str] = Field(default_factory=list)
    owner: str | None = None
    updated: dt.date | None = None
    review_by: dt.date | None = None


class LoadProblem(BaseModel):
    """A file that could not be loaded: reported to the user, never fatal for the sync."""

    path: str
    reason: str
    line: int | None = None

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


class LoadError(Exception):
    """Raised by a loader for a file it cannot read; carries the line where known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class Hit(BaseModel):
    """One retrieved chunk with the evidence behind its rank."""

    chunk: Chunk
    score: float  # fused score in [0, 1 + role boost]
    dense: float | None = None  # cosine similarity of the question and the chunk
    lexical: float = 0.0  # raw BM25 score
    coverage: float = 0.0  # IDF-weighted share of the question's terms found in the chunk
