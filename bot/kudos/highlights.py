"""Wins as knowledge: each broadcast win written as a feedback highlight in the knowledge
folder's own format, and `cxbot wins export` writing them for CX leads to curate."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from bot.kudos.models import Kudos

if TYPE_CHECKING:
    from bot.store.protocols import Wins

#: Where exported wins go, inside the knowledge folder.
EXPORT_FOLDER = Path("highlights") / "wins"
_EXPORTED = re.compile(r"-(\d+)\.md$")


def win_title(kudos: Kudos) -> str:
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
        f'title: "{win_title(kudos)}"',
        "type: highlight",
        f"language: {kudos.language}",
        f"updated: {date}" if date else "",
        f"tags: [win, {kudos.touchpoint or 'customer'}]",
        "---",
        f"# {win_title(kudos)}",
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


def exported_ids(folder: Path) -> set[int]:
    """The ids of the wins already exported into the knowledge folder."""
    found: set[int] = set()
    for path in (folder / EXPORT_FOLDER).glob("*.md"):
        match = _EXPORTED.search(path.name)
        if match:
            found.add(int(match.group(1)))
    return found


def export_wins(wins: Wins, folder: Path) -> list[Path]:
    """Write every broadcast win as `highlights/wins/<date>-<id>.md`; unchanged files are not
    rewritten, so re-exporting is a no-op for the index."""
    target = folder / EXPORT_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kudos in wins.wins(limit=100_000):
        date = kudos.created_at.date().isoformat() if kudos.created_at else "undated"
        path = target / f"{date}-{kudos.id}.md"
        text = win_markdown(kudos)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
