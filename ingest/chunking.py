"""Split documents into chunks that follow Markdown headings and keep sentences whole.

Why not langchain's MarkdownHeaderTextSplitter: it merges lines and loses list structure, and
it knows nothing of Japanese sentence ends. The structure (sections, blocks, sentences) comes
from `ingest.structure`; this module packs it into chunks of bounded size with overlap.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.audience import key as audience_key
from ingest.audience import parse as parse_audience
from ingest.models import Chunk, Document
from ingest.structure import (
    LIST_ITEM,
    Block,
    Section,
    document_sections,
    is_title_line,
    split_sentences,
)

#: Bump when chunking changes, so every chunk id changes and the index re-embeds.
CHUNKER_VERSION = "11"

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class ChunkingOptions:
    """Sizes are in approximate model tokens: an English word ~1.3, a Japanese character ~1."""

    max_tokens: int = 200
    overlap_tokens: int = 30


def estimate_tokens(text: str) -> int:
    cjk = len(_CJK.findall(text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    return cjk + int(words * 1.3) + 1


def _units(blocks: list[Block]) -> list[str]:
    """Blocks as units to pack: sentences, headings, a lead-in, list items and table rows
    one unit each (a very long item is split into its sentences)."""
    units: list[str] = []
    for block in blocks:
        if block.kind in ("paragraph", "heading"):
            units.extend(block.lines)
            continue
        if block.lead:
            units.append(block.lead)
        for line in block.text().splitlines()[1 if block.lead else 0 :]:
            units.extend(split_sentences(line) if estimate_tokens(line) > 80 else [line])
    return units


def _join(units: list[str]) -> str:
    text = ""
    previous = ""
    for unit in units:
        if not text:
            text = unit
        elif LIST_ITEM.match(unit) or unit.startswith(("|", ">")) or is_title_line(previous):
            text += "\n" + unit
        elif _CJK.search(text[-1:]) or text.endswith(("。", "！", "？")):
            text += unit
        else:
            text += " " + unit
        previous = unit
    return text


def _pack(units: list[str], options: ChunkingOptions) -> list[str]:
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for unit in units:
        cost = estimate_tokens(unit)
        if current and size + cost > options.max_tokens:
            chunks.append(current)
            # Carry the last sentences over so a thought split across chunks is found from both.
            overlap: list[str] = []
            carried = 0
            for previous in reversed(current):
                carried += estimate_tokens(previous)
                if carried > options.overlap_tokens:
                    break
                overlap.insert(0, previous)
            current, size = overlap, sum(estimate_tokens(u) for u in overlap)
        current.append(unit)
        size += cost
    if current:
        chunks.append(current)
    return [_join(c) for c in chunks]


def chunk_id(path: str, content_hash: str, position: int) -> str:
    raw = f"{CHUNKER_VERSION}\0{path}\0{content_hash}\0{position}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def chunk_document(
    doc: Document,
    options: ChunkingOptions | None = None,
    sections: list[Section] | None = None,
) -> list[Chunk]:
    """`sections`: the document's sections when the caller already has them."""
    opts = options or ChunkingOptions()
    audience = audience_key(parse_audience(doc.meta.audience))
    chunks: list[Chunk] = []
    for index, section in enumerate(sections or document_sections(doc)):
        units = _units(section.blocks)
        if not units:
            continue
        for text in _pack(units, opts):
            position = len(chunks)
            chunks.append(
                Chunk(
                    id=chunk_id(doc.path, doc.content_hash, position),
                    path=doc.path,
                    title=doc.title,
                    section=section.heading,
                    section_index=index,
                    audience=audience,
                    text=text,
                    language=doc.language,
                    position=position,
                    doc_type=doc.meta.type.value,
                    roles=list(doc.meta.roles),
                    owner=doc.meta.owner,
                    updated=doc.meta.updated,
                    review_by=doc.meta.review_by,
                )
            )
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded and indexed: the heading context makes short passages findable."""
    heading = chunk.title if not chunk.section else f"{chunk.title} > {chunk.section}"
    return f"{heading}\n{chunk.text}"
