"""Split documents into chunks that follow Markdown headings and keep sentences whole.

Why not langchain's MarkdownHeaderTextSplitter: it merges lines and loses list structure, and
it knows nothing of Japanese sentence ends. This module is small and does exactly that.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.models import Chunk, Document

#: Bump when chunking changes, so every chunk id changes and the index re-embeds.
CHUNKER_VERSION = "2"

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# A sentence ends at Japanese 。！？ (closing brackets stay with it), or at English . ! ? (closing
# quotes stay with it) when whitespace and the start of a new sentence follow.
_SENTENCE_END = re.compile(
    r"[。！？]+[」』）)\"”’]*"
    r"|[.!?]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9¥$£€「『])"
    r"|(?<=[\u3040-\u30ff\u4e00-\u9fff])[!?]+"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•・]|\d+[.)])\s+")


@dataclass(frozen=True)
class ChunkingOptions:
    """Sizes are in approximate model tokens: an English word ~1.3, a Japanese character ~1."""

    max_tokens: int = 200
    overlap_tokens: int = 30


def estimate_tokens(text: str) -> int:
    cjk = len(_CJK.findall(text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    return cjk + int(words * 1.3) + 1


def split_sentences(text: str) -> list[str]:
    """Sentences of one block of text, English and Japanese alike, never cut mid-sentence."""
    text = text.strip()
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append(text[start : match.end()])
        start = match.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


@dataclass
class _Section:
    path: list[str]
    lines: list[str]


def _sections(doc: Document) -> Iterator[_Section]:
    stack: list[tuple[int, str]] = []
    current = _Section(path=[], lines=[])
    in_fence = False
    for line in doc.text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match is None:
            current.lines.append(line)
            continue
        yield current
        level, heading = len(match.group(1)), match.group(2).strip()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        # The document title is already the chunk's title; repeating it as a section is noise.
        path = [h for lvl, h in stack if not (lvl == 1 and h == doc.title)]
        current = _Section(path=path, lines=[])
    yield current


_SENTENCE_PUNCTUATION = (".", "!", "?", "。", "！", "？", ":", "：", ",", "、", ";", ")", "）")


def is_title_line(line: str) -> bool:
    """A short line with no sentence punctuation at its end, as plain-text headings are."""
    return len(line) <= 60 and len(line.split()) <= 8 and not line.endswith(_SENTENCE_PUNCTUATION)


def _units(lines: list[str]) -> list[str]:
    """Blocks split into sentence units; list items and table rows stay one unit each."""
    units: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            units.extend(split_sentences(" ".join(paragraph)))
            paragraph.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
        elif _LIST_ITEM.match(line) or line.startswith("|") or line.startswith(">"):
            flush()
            units.extend(split_sentences(line) if estimate_tokens(line) > 80 else [line])
        elif not paragraph and is_title_line(line):
            units.append(line)  # a plain-text heading must not run into its first sentence
        else:
            paragraph.append(line)
    flush()
    return units


def _join(units: list[str]) -> str:
    text = ""
    previous = ""
    for unit in units:
        if not text:
            text = unit
        elif _LIST_ITEM.match(unit) or unit.startswith(("|", ">")) or is_title_line(previous):
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


def chunk_document(doc: Document, options: ChunkingOptions | None = None) -> list[Chunk]:
    opts = options or ChunkingOptions()
    chunks: list[Chunk] = []
    for section in _sections(doc):
        units = _units(section.lines)
        if not units:
            continue
        for text in _pack(units, opts):
            position = len(chunks)
            chunks.append(
                Chunk(
                    id=chunk_id(doc.path, doc.content_hash, position),
                    path=doc.path,
                    title=doc.title,
                    section=" > ".join(section.path),
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
