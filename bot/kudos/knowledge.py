"""Wins become knowledge: each broadcast win is indexed as a feedback highlight, and
`cxbot wins export` writes them as Markdown highlights for CX leads to curate."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from bot.kudos.models import Kudos
from bot.kudos.store import KudosStore
from ingest.index import KnowledgeIndex
from ingest.models import DocType, Document, DocumentMeta
from ingest.sync import SyncReport

WINS_PREFIX = "wins/"


def _title(kudos: Kudos) -> str:
    where = f" ({kudos.touchpoint})" if kudos.touchpoint else ""
    if kudos.language == "ja":
        return f"お客さまの声{where}: {kudos.value or 'CXの成果'}"
    return f"Customer praise{where}: {kudos.value or 'a CX win'}"


def _summary(kudos: Kudos) -> str:
    """What this highlight is, in words people search with ("examples of great service")."""
    if kudos.language == "ja":
        where = f"{kudos.touchpoint}での" if kudos.touchpoint else ""
        return (
            f"{where}素晴らしいサービスの実例です。お客さまご本人の言葉でいただいた感謝の声です。"
        )
    where = f" at {kudos.touchpoint}" if kudos.touchpoint else ""
    return (
        f"A real example of great customer service{where}, in the customer's own words of thanks."
    )


def win_markdown(kudos: Kudos, names: dict[str, str] | None = None) -> str:
    """A highlight in the knowledge folder's own format (front matter + Markdown)."""
    names = names or {}
    people = [names.get(r, r) for r in kudos.recipients] + kudos.recipient_names
    date = kudos.created_at.date().isoformat() if kudos.created_at else ""
    lines = [
        "---",
        f'title: "{_title(kudos)}"',
        "type: highlight",
        f"language: {kudos.language}",
        f"updated: {date}" if date else "",
        f"tags: [win, {kudos.touchpoint or 'customer'}]",
        "---",
        f"# {_title(kudos)}",
        "",
        _summary(kudos),
        "",
        "> " + kudos.quote.replace("\n", "\n> "),
        "",
        f"- Recognised: {', '.join(people) or 'our team'}",
        f"- Touchpoint: {kudos.touchpoint}" if kudos.touchpoint else "",
        f"- CX value: {kudos.value}" if kudos.value else "",
        f"- Source: {kudos.source}" if kudos.source else "",
        f"- Date: {date}" if date else "",
    ]
    return "\n".join(line for line in lines if line != "") + "\n"


def win_document(kudos: Kudos) -> Document:
    text = win_markdown(kudos).split("---\n", 2)[-1]
    return Document(
        path=f"{WINS_PREFIX}{kudos.id}.md",
        title=_title(kudos),
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


_EXPORTED = re.compile(r"-(\d+)\.md$")


def win_documents(kudos_store: KudosStore, folder: Path | None = None) -> list[Document]:
    """Broadcast wins as documents, except those already exported into the folder (the
    exported file is indexed instead, so a win never shows up twice)."""
    exported: set[int] = set()
    if folder is not None:
        for path in (folder / "highlights" / "wins").glob("*.md"):
            match = _EXPORTED.search(path.name)
            if match:
                exported.add(int(match.group(1)))
    return [win_document(k) for k in kudos_store.wins(limit=100_000) if k.id not in exported]


def sync_knowledge(
    index: KnowledgeIndex, folder: Path, kudos_store: KudosStore | None, **kwargs: object
) -> SyncReport:
    """The one way the bot syncs: the knowledge folder plus the broadcast wins."""
    extra: Sequence[Document] = win_documents(kudos_store, folder) if kudos_store else ()
    return index.sync_folder(folder, extra=extra, **kwargs)  # type: ignore[arg-type]


def export_wins(kudos_store: KudosStore, folder: Path) -> list[Path]:
    """Write every broadcast win as `highlights/wins/<date>-<id>.md`; unchanged files are not
    rewritten, so re-exporting is a no-op for the index."""
    target = folder / "highlights" / "wins"
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kudos in kudos_store.wins(limit=100_000):
        date = kudos.created_at.date().isoformat() if kudos.created_at else "undated"
        path = target / f"{date}-{kudos.id}.md"
        text = win_markdown(kudos)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
