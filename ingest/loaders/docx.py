"""Word (.docx) files through python-docx, keeping headings so the chunker can find sections."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.loaders import Parsed, register
from ingest.models import DocumentMeta, LoadError

if TYPE_CHECKING:
    from docx.styles.style import ParagraphStyle
    from docx.table import Table
    from docx.text.paragraph import Paragraph

# Style names differ by the Word language the file was made in and by the tool (Word, Google
# Docs, LibreOffice), so both the name and the outline level are looked at.
_HEADING_NAME = re.compile(
    r"^(?:heading|見出し|überschrift|titre|título|titolo|kop|rubrik|overskrift)\s*(\d)$",
    re.IGNORECASE,
)
_TITLE_NAMES = frozenset({"title", "表題", "タイトル", "titel", "titre", "título", "titolo"})
_LIST_NAME = re.compile(r"^(?:list|箇条書き|リスト)", re.IGNORECASE)


@register(".docx")
def load_docx(path: Path) -> Parsed:
    # Imported here so that importing the loaders does not pay for python-docx and lxml.
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(f"not a readable Word document (damaged or not .docx): {exc}") from exc
    blocks: list[str] = []
    for item in document.iter_inner_content():
        block = _table_text(item) if isinstance(item, Table) else _paragraph_text(item)
        if block:
            blocks.append(block)
    properties = document.core_properties
    title = (properties.title or "").strip() or None
    owner = (properties.author or "").strip() or None
    return Parsed(text="\n\n".join(blocks), meta=DocumentMeta(owner=owner), title=title)


def _paragraph_text(paragraph: Paragraph) -> str:
    text = " ".join(paragraph.text.split())
    if not text:
        return ""
    level = _heading_level(paragraph)
    if level:
        return f"{'#' * level} {text}"
    if _is_list_item(paragraph):
        return f"- {text}"
    return text


def _table_text(table: Table) -> str:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; show it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def _heading_level(paragraph: Paragraph) -> int | None:
    style = paragraph.style
    name = (style.name or "").strip() if style is not None else ""
    match = _HEADING_NAME.match(name)
    if match and 1 <= int(match.group(1)) <= 9:
        return min(int(match.group(1)), 6)
    if name.lower() in _TITLE_NAMES:
        return 1
    level = _outline_level(paragraph._p) if paragraph._p is not None else None
    if level is None and style is not None:
        level = _style_outline_level(style)
    return min(level + 1, 6) if level is not None and level < 9 else None


def _outline_level(element: object) -> int | None:
    xpath = getattr(element, "xpath", None)
    if xpath is None:
        return None
    values = xpath("./w:pPr/w:outlineLvl/@w:val")
    try:
        return int(values[0]) if values else None
    except (TypeError, ValueError):
        return None


def _style_outline_level(style: ParagraphStyle) -> int | None:
    current: ParagraphStyle | None = style
    for _ in range(10):  # base-style chains are short; the bound guards against cycles
        if current is None:
            return None
        level = _outline_level(current.element)
        if level is not None:
            return level
        current = current.base_style
    return None


def _is_list_item(paragraph: Paragraph) -> bool:
    style = paragraph.style
    if style is not None and style.name and _LIST_NAME.match(style.name):
        return True
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.numPr is not None
