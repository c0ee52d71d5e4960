"""What the bot indexes: the knowledge folder plus every broadcast win as a highlight.

The one way the bot syncs (CLI, start-up, `/cx reindex`, a new win), so a win never drops out
of the index because some path forgot it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.kudos.highlights import exported_ids, win_markdown, win_title
from bot.kudos.models import Kudos
from ingest.index import KnowledgeIndex
from ingest.models import DocType, Document, DocumentMeta
from ingest.sync import Progress, SyncReport

if TYPE_CHECKING:
    from bot.store.protocols import Wins

#: Indexed wins live under this path, apart from the knowledge folder's own files.
WINS_PREFIX = "wins/"


def win_document(kudos: Kudos) -> Document:
    text = win_markdown(kudos).split("---\n", 2)[-1]
    return Document(
        path=f"{WINS_PREFIX}{kudos.id}.md",
        title=win_title(kudos),
        text=text,
        meta=DocumentMeta(
            type=DocType.highlight,
            language=kudos.language,
            tags=["win"],
            updated=kudos.created_at.date() if kudos.created_at else None,
        ),
        language=kudos.language,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def win_documents(wins: Wins, folder: Path | None = None) -> list[Document]:
    """Broadcast wins as documents, except those already exported into the folder (the
    exported file is indexed instead, so a win never shows up twice)."""
    exported = exported_ids(folder) if folder is not None else set()
    return [win_document(k) for k in wins.wins(limit=100_000) if k.id not in exported]


def sync_knowledge(
    index: KnowledgeIndex,
    folder: Path,
    wins: Wins | None,
    *,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync the knowledge folder and the broadcast wins into the index."""
    extra: Sequence[Document] = win_documents(wins, folder) if wins is not None else ()
    return index.sync_folder(folder, extra=extra, progress=progress)
