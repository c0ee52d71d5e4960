"""The structure of a document: sections (by heading) made of blocks (paragraphs, lists,
tables, quotes), and sentences that stay whole.

Answers quote the knowledge in whole units: a complete sentence, a list with its lead-in, a
table read as a table. The chunker packs these units for retrieval; the index keeps the
blocks of every section so an answer can show the part of a section that answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from ingest.models import Document

BlockKind = Literal["paragraph", "list", "table", "quote", "heading"]

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Japanese bullets (・) and • are often written with no space before the text.
LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]\s+|[•・]\s*|(\d+)[.)]\s+|([①-⑳])\s*)(?=\S)")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# Sentence ends. Japanese: 。！？ (with the closing brackets after them). English: . ! ? (with
# closing quotes or brackets) when whitespace and the start of a new sentence follow.
_SENTENCE_END = re.compile(
    r"[。！？]+[」』）)\"”’]*"
    r"|[.!?]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9¥$£€「『*])"
    r"|(?<=[\u3040-\u30ff\u4e00-\u9fff])[!?]+"
)
_ABBREVIATION = re.compile(r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|St|No|Nos|vs|etc|approx|e\.g|i\.e)$", re.I)
_OPENERS = "「『（(【“"
_CLOSERS = "」』）)】”"
# A Japanese sentence that introduces what follows: 「次のとおりです。」「以下の3つです。」
_JA_LEAD = re.compile(r"(次の|以下の?|つぎの)(とおり|通り|[0-9０-９一二三四五六七八九十]+つ)")

# A closing bracket may end a heading ("Standard credits (no approval needed)").
_SENTENCE_PUNCTUATION = (".", "!", "?", "。", "！", "？", ":", "：", ",", "、", ";")


def is_title_line(line: str) -> bool:
    """A short line with no sentence punctuation at its end, as plain-text headings are."""
    return len(line) <= 60 and len(line.split()) <= 8 and not line.endswith(_SENTENCE_PUNCTUATION)


def _depth_changes(text: str) -> list[int]:
    """Bracket depth after each character (quotes and parentheses, both scripts)."""
    depth = 0
    out: list[int] = []
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS and depth > 0:
            depth -= 1
        out.append(depth)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences of one block of text, English and Japanese alike, never cut mid-sentence.

    A sentence end inside 「」『』（） or parentheses does not end the sentence: the quoted
    mantra 「毎日を、わが家のように。」 stays inside the sentence that quotes it."""
    text = text.strip()
    if not text:
        return []
    depth = _depth_changes(text)
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        inside = match.start() > 0 and depth[match.start() - 1] > 0
        if depth[end - 1] > 0 or (inside and end < len(text)):
            # A quote's own 。 (「毎日を、わが家のように。」とは…) ends the quote, not the
            # sentence that quotes it.
            continue
        if text[match.start()] == "." and _ABBREVIATION.search(text[start : match.start()]):
            continue
        sentences.append(text[start:end])
        start = end
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


def join_lines(first: str, second: str) -> str:
    """Join hard-wrapped lines: a space between words, none between Japanese characters."""
    if not first:
        return second
    # Near Japanese on either side the break was only a wrap ("内線3" / "300）").
    if _CJK.search(first[-2:]) or _CJK.search(second[:2]):
        return first + second
    return f"{first} {second}"


class Block(BaseModel):
    """One unit of a section's text.

    paragraph: `lines` are its sentences. list: `lines` are the items (markers removed; a
    nested item starts with two spaces), `ordered` for numbered steps. table: `rows` of
    cells, the first row the header. quote: `lines` are its sentences. heading: a plain-text
    heading inside a section (`lines[0]`). `lead` is the sentence that introduces a list or
    table ("Needs approval:", 「次のとおりです。」)."""

    kind: BlockKind
    lines: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    lead: str = ""
    ordered: bool = False

    def text(self) -> str:
        """The block as plain lines (what the chunker indexes)."""
        if self.kind == "table":
            # Indexed as the Markdown table it was (header included: it names the columns);
            # readers get rows with their header names (`table_row_text`).
            lines = ["| " + " | ".join(row) + " |" for row in self.rows]
        elif self.kind == "list":
            lines = [f"- {item}" for item in self.lines]
        elif self.kind == "quote":
            lines = [f"> {' '.join(self.lines)}"]
        else:
            lines = list(self.lines)
        return "\n".join([self.lead, *lines] if self.lead else lines)


class Section(BaseModel):
    """A heading's text as blocks; `heading` is the heading path ("Refunds > Limits")."""

    heading: str
    blocks: list[Block] = Field(default_factory=list)


def table_row_text(header: list[str], row: list[str]) -> str:
    """A table row readable without the table: "Store staff: refund up to ¥5,000" for two
    columns; with more, the other cells named by their header ("Refund: What it is: …;
    When to use it: …")."""
    cells = [c for c in row if c]
    if not cells:
        return ""
    if len(row) <= 2 or len(header) != len(row):
        return cells[0] + (": " + " — ".join(cells[1:]) if len(cells) > 1 else "")
    named = [f"{h}: {c}" if h else c for h, c in zip(header[1:], row[1:], strict=True) if c]
    return f"{row[0]}: " + "; ".join(named) if named else row[0]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


@dataclass
class _Builder:
    """Accumulates the blocks of one section, line by line."""

    blocks: list[Block]
    paragraph: str = ""
    current: Block | None = None
    indent: int = 0

    def flush_paragraph(self) -> None:
        if self.paragraph.strip():
            self.blocks.append(Block(kind="paragraph", lines=split_sentences(self.paragraph)))
        self.paragraph = ""

    def close(self) -> None:
        self.flush_paragraph()
        if self.current is not None:
            self.blocks.append(self.current)
        self.current = None

    def open(self, block: Block) -> None:
        self.flush_paragraph()
        lead = _take_lead(self.blocks) if self.current is None else ""
        if self.current is not None:
            self.blocks.append(self.current)
        block.lead = lead
        self.current = block


def _take_lead(blocks: list[Block]) -> str:
    """The sentence just before a list or table that introduces it, moved into its lead."""
    if not blocks:
        return ""
    last = blocks[-1]
    if last.kind == "heading":
        blocks.pop()
        return last.lines[0]
    if last.kind != "paragraph" or not last.lines:
        return ""
    sentence = last.lines[-1]
    if sentence.rstrip("*_ ").endswith((":", "：")) or _JA_LEAD.search(sentence):
        last.lines.pop()
        if not last.lines:
            blocks.pop()
        return sentence
    return ""


def parse_blocks(lines: list[str]) -> list[Block]:
    """Blocks of a section's lines (Markdown or plain text with hard wraps)."""
    builder = _Builder(blocks=[])
    previous_blank = True
    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            builder.flush_paragraph()
            if builder.current is not None and builder.current.kind in ("quote", "table"):
                builder.close()
            previous_blank = True
            continue
        _feed(builder, line, stripped, previous_blank)
        previous_blank = False
    builder.close()
    return _merge_false_headings([b for b in builder.blocks if b.lines or b.rows])


def _merge_false_headings(blocks: list[Block]) -> list[Block]:
    """A short first line of a hard-wrapped paragraph looks like a plain-text heading; when
    the text after it continues the sentence (starts in lower case), it was not one."""
    merged: list[Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == "heading"
            and block.kind == "paragraph"
            and block.lines[0][:1].islower()
        ):
            text = join_lines(previous.lines[0], " ".join(block.lines))
            merged[-1] = Block(kind="paragraph", lines=split_sentences(text))
            continue
        merged.append(block)
    return merged


def _feed(builder: _Builder, line: str, stripped: str, previous_blank: bool) -> None:
    current = builder.current
    item = LIST_ITEM.match(line)
    if stripped.startswith("|"):
        if _TABLE_RULE.match(stripped):
            return
        if current is None or current.kind != "table":
            builder.open(Block(kind="table"))
        assert builder.current is not None
        builder.current.rows.append(_cells(stripped))
    elif item:
        ordered = bool(item.group(2) or item.group(3))
        text = line[item.end() :].strip()
        if current is None or current.kind != "list":
            builder.open(Block(kind="list", ordered=ordered))
            builder.indent = len(item.group(1))
        assert builder.current is not None
        nested = len(item.group(1)) > builder.indent
        builder.current.lines.append(("  " if nested else "") + text)
    elif stripped.startswith(">"):
        text = stripped.lstrip(">").strip()
        if current is None or current.kind != "quote":
            builder.open(Block(kind="quote"))
            builder.current.lines.append(text)  # type: ignore[union-attr]
        else:
            current.lines[-1] = join_lines(current.lines[-1], text)
    elif current is not None and current.kind == "list" and not previous_blank:
        current.lines[-1] = join_lines(current.lines[-1], stripped)  # a wrapped item
    else:
        if current is not None:
            builder.close()
        if previous_blank and not builder.paragraph and is_title_line(stripped):
            builder.blocks.append(Block(kind="heading", lines=[stripped]))
            return
        builder.paragraph = join_lines(builder.paragraph, stripped)


def finish_quotes(blocks: list[Block]) -> list[Block]:
    """Quotes are kept as sentences like paragraphs (a hard-wrapped quote reads whole)."""
    for block in blocks:
        if block.kind == "quote":
            block.lines = split_sentences(" ".join(block.lines))
    return blocks


@dataclass
class _RawSection:
    path: list[str]
    lines: list[str]
    plain: bool = False  # under a plain-text heading


# A FAQ's question line ("Q. How long…?", 「Q：配送料は？」) and the answer marker after it.
_QUESTION_MARK = re.compile(r"^\s*(?:Q\d*|質問|問)\s*\d*\s*[.:：)．）]\s*", re.IGNORECASE)
_ANSWER_MARK = re.compile(r"^(\s*)(?:A\d*|回答|答え?)\s*\d*\s*[.:：)．）]\s*", re.IGNORECASE)
# "Last updated: 3 March 2026", "Tel: 0800…": a label and its value, not a heading.
_LABEL = re.compile(r"^[^:：]{1,30}[:：]\s*\S")
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
_PLAIN_LEVEL = 7  # below every Markdown heading: a plain heading nests under the last one


def _plain_heading(lines: list[str], i: int) -> str | None:
    """A plain-text heading (a .txt or a page copied from a browser has no `#`): a title
    line or a lone question line ("How long does delivery take?", "Q. 配送料は？") after a
    blank line, followed by the text it heads. The question is the section's heading, so an
    answer quotes the text under it rather than repeating the question."""
    stripped = lines[i].strip()
    if not stripped or (i > 0 and lines[i - 1].strip()):
        return None
    if LIST_ITEM.match(stripped) or stripped.startswith(("|", ">", "#")):
        return None
    following = next((line.strip() for line in lines[i + 1 :] if line.strip()), "")
    if not following or following[:1].islower():
        return None  # the last line, or the first line of a hard-wrapped sentence
    lone = i + 1 >= len(lines) or not lines[i + 1].strip() or stripped.endswith(("?", "？"))
    question = bool(_QUESTION_MARK.match(stripped)) or (
        stripped.endswith(("?", "？")) and lone and _SENTENCE_END.search(stripped[:-1]) is None
    )
    if question and len(stripped) <= 150:
        return _QUESTION_MARK.sub("", stripped)
    # "Domestic abuse: Safe Connections" over indented text heads it; elsewhere a label and
    # its value ("Owner: CX Office") is content.
    below = next((line for line in lines[i + 1 :] if line.strip()), "")
    indented = len(below) - len(below.lstrip()) > len(lines[i]) - len(lines[i].lstrip())
    if (
        is_title_line(stripped)
        and not _ANSWER_MARK.match(stripped)
        and (indented or not _LABEL.match(stripped))
    ):
        return stripped
    return None


def _without_answer_marks(lines: list[str]) -> list[str]:
    """ "A. Yes, within 7 days." under a question heading reads "Yes, within 7 days."."""
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return lines
    return [*lines[:first], _ANSWER_MARK.sub(r"\1", lines[first]), *lines[first + 1 :]]


def raw_sections(doc: Document) -> Iterator[_RawSection]:
    """A document's lines grouped under their heading path (fenced code is not a heading);
    plain-text headings (`_plain_heading`) start sections too, under the Markdown ones."""
    stack: list[tuple[int, str]] = []
    current = _RawSection(path=[], lines=[])
    in_fence = False
    lines = doc.text.splitlines()
    # A Markdown file says where its headings are; a short line of its own there is content
    # (a mantra, a bold phrase).
    markdown = doc.path.lower().endswith(_MARKDOWN_SUFFIXES)
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        plain = None if in_fence or match or markdown else _plain_heading(lines, i)
        if match is None and plain is None:
            current.lines.append(line)
            continue
        yield current
        if match is not None:
            level, heading = len(match.group(1)), match.group(2).strip()
        else:
            level, heading = _PLAIN_LEVEL, plain or ""
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        # The document title is already the chunk's title; repeating it as a section is noise.
        path = [h for lvl, h in stack if not (lvl == 1 and h == doc.title)]
        current = _RawSection(path=path, lines=[], plain=plain is not None)
    yield current


def document_sections(doc: Document) -> list[Section]:
    """Every section that has text, in document order."""
    sections: list[Section] = []
    for raw in raw_sections(doc):
        lines = _without_answer_marks(raw.lines) if raw.plain else raw.lines
        blocks = finish_quotes(parse_blocks(lines))
        if blocks:
            sections.append(Section(heading=" > ".join(raw.path), blocks=blocks))
    return sections


_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\((https?://[^\s()]+)\)")


def plain_inline(text: str) -> str:
    """Text without inline Markdown: **bold**, *italic*, `code`, [links](url) -> "links (url)"."""
    text = _LINK.sub(r"\1 (\2)", text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ITALIC.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    return text.replace("**", "")
