"""Reading the knowledge for lessons and role cards: which documents concern a role, in which
language, and their text as whole units (a sentence, a list item, a table row) with the kind
of section each comes from."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from bot.lessons.ports import LessonIndex
from ingest.structure import Block, Section, plain_inline

SectionKind = Literal["mantra", "decide", "approval", "ask", "situation", "other"]

# Section headings, English and Japanese, by what they hold. Role guides share one outline;
# a heading nobody recognises is simply "other".
_MANTRA = re.compile(r"mantra|マントラ", re.IGNORECASE)
_DECIDE = re.compile(
    r"decide alone|can decide|remedy limits|authority|ひとりで決め|決めてよい|対応権限|権限",
    re.IGNORECASE,
)
_ASK = re.compile(r"who to ask|^contacts?$|相談先", re.IGNORECASE)
_SITUATIONS = re.compile(r"common situations|^situations$|よくある場面", re.IGNORECASE)
# "Needs approval:" and 「承認が必要なもの：」 introduce who decides above one's limit.
APPROVAL_LEAD = re.compile(r"needs approval|requires approval|承認が必要", re.IGNORECASE)
# Documents a lesson may take its correct answer from (besides the role's own guide).
SHARED_TYPES = frozenset({"policy", "playbook"})
# Documents whose facts may serve as wrong options: rules and guides, not customer stories.
POOL_TYPES = frozenset({"role-guide", "policy", "playbook", "faq", "vision", "other"})


@dataclass(frozen=True)
class Doc:
    path: str
    title: str
    language: str
    doc_type: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Unit:
    """One whole unit of a section: `text` without Markdown, `raw` as written."""

    doc: Doc
    section: str  # the heading path, as the index names it
    kind: SectionKind
    situation: str  # the situation's heading, under "Common situations"
    block: str  # paragraph, list, table, quote
    text: str  # a list item with its lead when it needs one ("Needs approval: Over ¥50,000…")
    raw: str  # the item alone, as written
    lead: str = ""  # the lead `text` starts with


def document(index: LessonIndex, path: str) -> Doc | None:
    info = index.files().get(path)
    if info is None:
        return None
    ids = index.chunk_ids(path)
    chunk = index.chunk(ids[0]) if ids else None
    roles = tuple(chunk.roles) if chunk is not None else ()
    return Doc(path, info.title, info.language, info.doc_type, roles)


def public_documents(index: LessonIndex, language: str) -> list[Doc]:
    """Documents every member of staff may read, in one language, by path."""
    docs = []
    for path, info in sorted(index.files().items()):
        if info.language == language and not info.audience:
            doc = document(index, path)
            if doc is not None:
                docs.append(doc)
    return docs


def role_guide(index: LessonIndex, role: str, language: str) -> Doc | None:
    """The role's guide in `language` (written in it, or a translation), else in any."""
    guides = [
        doc
        for path in sorted(index.files())
        if index.files()[path].doc_type == "role-guide"
        and (doc := document(index, path)) is not None
        and role in doc.roles
    ]
    for doc in guides:
        if doc.language == language:
            return doc
    for doc in guides:
        translated = index.translation(doc.path, language)
        if translated is not None:
            return document(index, translated)
    return guides[0] if guides else None  # untranslated: the guide as it is written


def lesson_documents(index: LessonIndex, role: str, language: str) -> list[Doc]:
    """Where a role's lessons come from: its guide first, then the playbooks and policies
    written for it (public ones only), all in `language`."""
    guide = role_guide(index, role, language)
    shared = [
        doc
        for doc in public_documents(index, language)
        if doc.doc_type in SHARED_TYPES and role in doc.roles
    ]
    return ([guide] if guide is not None and guide.language == language else []) + shared


def heading_parts(section: str) -> list[str]:
    return [part.strip() for part in section.split(" > ") if part.strip()]


def section_kind(section: str) -> SectionKind:
    parts = heading_parts(section)
    if len(parts) >= 2 and _SITUATIONS.search(parts[-2]):
        return "situation"
    last = parts[-1] if parts else ""
    for kind, pattern in (("mantra", _MANTRA), ("decide", _DECIDE), ("ask", _ASK)):
        if pattern.search(last):
            return kind  # type: ignore[return-value]
    return "other"


def situation_of(section: str) -> str:
    parts = heading_parts(section)
    return parts[-1] if section_kind(section) == "situation" else ""


def units(index: LessonIndex, doc: Doc) -> Iterator[Unit]:
    """Every unit of a document, in document order."""
    for section in index.sections(doc.path):
        yield from section_units(doc, section)


def section_units(doc: Doc, section: Section) -> Iterator[Unit]:
    kind = section_kind(section.heading)
    situation = situation_of(section.heading)
    for block in section.blocks:
        approval = kind == "decide" and bool(APPROVAL_LEAD.search(block.lead))
        for lead, raw in block_units(block, doc.language):
            # "Needs approval: …" and the sentences after it in its paragraph.
            opens = kind == "decide" and APPROVAL_LEAD.match(plain_inline(raw)) is not None
            approval = approval or opens
            unit_kind: SectionKind = "approval" if approval else kind
            joiner = "" if not lead or doc.language == "ja" else " "
            text = plain_inline(f"{lead}{joiner}{raw}").strip()
            if text:
                yield Unit(doc, section.heading, unit_kind, situation, block.kind, text, raw, lead)


def block_units(block: Block, language: str) -> list[tuple[str, str]]:
    """(lead, text) of each unit of a block; the lead is "" unless the unit needs it."""
    if block.kind == "table":
        return [("", row) for row in table_units(block.rows, "：" if language == "ja" else ": ")]
    if block.kind == "heading":
        return []
    lines = [line.strip().rstrip(";；") for line in block.lines]
    if block.kind != "list" or not block.lead:
        return [("", line) for line in lines]
    # "Examples within your authority:" makes "giving a ¥1,000 gift voucher…" a sentence, and
    # "Needs approval:" says what the item is about.
    lead = block.lead.strip()
    keep = language == "ja" or APPROVAL_LEAD.search(lead)
    return [(lead if keep or plain_inline(line)[:1].islower() else "", line) for line in lines]


def table_units(rows: list[list[str]], colon: str) -> list[str]:
    """A two-column row reads as "Store staff: up to ¥5,000"; a wider one gives one unit per
    cell, named by its row and column ("Store staff — Their own limit: ¥5,000")."""
    if len(rows) < 2:
        return []
    header = rows[0]
    out = []
    for row in rows[1:]:
        cells = [cell for cell in row if cell]
        if len(cells) <= 2 or len(row) != len(header):
            out.append(f"{cells[0]}{colon}{' — '.join(cells[1:])}" if len(cells) > 1 else "")
            continue
        for name, cell in zip(header[1:], row[1:], strict=True):
            if cell:
                out.append(f"{row[0]} — {name}{colon}{cell}" if name else f"{row[0]}{colon}{cell}")
    return [text for text in out if text]


def section_text(sections: list[Section], heading: str) -> str | None:
    """A section's whole text (as indexed, and without Markdown), or None if there is none."""
    for section in sections:
        if section.heading == heading:
            raw = "\n".join(block.text() for block in section.blocks)
            return raw + "\n" + plain_inline(raw)
    return None


def display_name(doc: Doc) -> str:
    """A guide's title without its "Role guide:" prefix: "Store staff", 「店舗スタッフ」."""
    title = re.split(r"[:：]", doc.title, maxsplit=1)
    return title[-1].strip()
