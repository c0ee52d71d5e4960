"""What the bot needs from the knowledge index, as a seam (house style: small protocols).

`ingest.index.KnowledgeIndex` is the real one; Slack listeners, App Home and the kudos domain
take this protocol, so they never reach into the index's internals and tests can pass a fake.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

from ingest.audience import Audience
from ingest.index import IndexStatus
from ingest.models import Chunk, Hit
from ingest.search import Mode
from ingest.state import IndexedFile
from ingest.structure import Section


class KnowledgeBase(Protocol):
    def search(
        self,
        query: str,
        *,
        k: int = 5,
        role: str | None = None,
        mode: Mode = "hybrid",
        audience: Audience = None,
    ) -> list[Hit]: ...

    def known_roles(self) -> set[str]:
        """Every role named in the knowledge's front matter."""
        ...

    def files(self) -> Mapping[str, IndexedFile]:
        """Every indexed document, by path."""
        ...

    def file(self, path: str) -> IndexedFile | None: ...

    def chunk(self, chunk_id: str) -> Chunk | None: ...

    def chunk_ids(self, path: str) -> list[str]:
        """A document's chunks, in document order."""
        ...

    def sections(self, path: str) -> list[Section]:
        """A document's sections as blocks (empty if unknown): role cards and lessons."""
        ...

    def translation(self, path: str, language: str) -> str | None:
        """The indexed document that translates `path` into `language`, if any."""
        ...

    def status(self, today: dt.date | None = None) -> IndexStatus:
        """Health: counts, last sync, unreadable files, documents past their review date."""
        ...

    def generation(self) -> str | None:
        """The index generation being served (None before the first sync)."""
        ...

    def trusts_language(self, language: str) -> bool:
        """Whether the embedding model understands `language` (else only words count)."""
        ...

    def lexical_scores(self, query: str, ids: Sequence[str]) -> dict[str, float]:
        """BM25 score of each given chunk for the query."""
        ...

    def similarity(self, query: str, ids: Sequence[str]) -> dict[str, float]:
        """Cosine similarity of the query to each given chunk that has a stored vector."""
        ...
