"""What lessons and role cards need from the outside, as small protocols.

`ingest.index.KnowledgeIndex` satisfies `LessonIndex`; the answer history is a table the
store keeps (`bot.store`), and `MemoryHistory` stands in for it in tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

from bot.lessons.models import AnswerRecord
from ingest.models import Chunk
from ingest.state import IndexedFile
from ingest.structure import Section


class LessonIndex(Protocol):
    """The read side of the knowledge index that lessons and role cards use."""

    def files(self) -> Mapping[str, IndexedFile]:
        """Every indexed document, by path."""
        ...

    def sections(self, path: str) -> list[Section]:
        """A document's sections as blocks (empty if unknown)."""
        ...

    def translation(self, path: str, language: str) -> str | None:
        """The indexed document that translates `path` into `language`, if any."""
        ...

    def known_roles(self) -> set[str]:
        """Every role named in the knowledge's front matter."""
        ...

    def chunk_ids(self, path: str) -> list[str]:
        """A document's chunks, in document order (their `roles` are the document's)."""
        ...

    def chunk(self, chunk_id: str) -> Chunk | None: ...


class AnswerHistory(Protocol):
    """Who answered which lesson, when, and whether they were right."""

    def record(self, user: str, lesson_key: str, correct: bool, when: dt.datetime) -> None:
        """Keep one answer (several answers to the same lesson are all kept)."""
        ...

    def history(self, user: str) -> list[AnswerRecord]:
        """The person's answers, oldest first."""
        ...


class MemoryHistory:
    """`AnswerHistory` in memory: for tests and the preview, never for the bot."""

    def __init__(self) -> None:
        self._answers: dict[str, list[AnswerRecord]] = {}

    def record(self, user: str, lesson_key: str, correct: bool, when: dt.datetime) -> None:
        self._answers.setdefault(user, []).append(
            AnswerRecord(lesson_key=lesson_key, correct=correct, when=when)
        )

    def history(self, user: str) -> list[AnswerRecord]:
        return sorted(self._answers.get(user, []), key=lambda r: r.when)
