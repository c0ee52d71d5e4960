"""Plain-text layout read as the structure it shows: tables typed with tabs, aligned spaces or
bars become Markdown tables; symbol bullets (◆ ● ▪) become list items and symbol titles
(■ 目的, 【運用】) headings; Japanese numbering (１．, （1）, ①) becomes numbered steps.

Pages copied out of a browser or an intranet keep their layout only as whitespace and
symbols. Without these rules an approval table is one run-on paragraph ("金額 決裁者 備考
5,000円以下 担当者本人…") and a heading joins the text below it, so an answer can neither
show the row that answers nor the steps in order. Each rule leaves Markdown it produced
alone, so running the cleaner again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.clean_patterns import HEADING, LIST_ITEM, words

# A cell boundary: a tab, two or more spaces, or a space between Japanese characters
# (Japanese prose has none; a full-width space there was typed to line columns up).
_CJK_CHAR = r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef）」』】]"
_GAP = re.compile(rf"\t+|\s{{2,}}|(?<={_CJK_CHAR}) (?=[\u3040-\u30ff\u3400-\u9fff（「『【])")
_RULE_CELLS = re.compile(r"^[-=+_:|\s]{3,}$")
_SENTENCE_END = re.compile(r"[.!?。！？]$")
_DIGIT = re.compile(r"\d")
_MAX_HEADER_WORDS = 4
_CJK_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")

# Symbols that open a bullet or a title in Japanese (and some English) web text.
_SYMBOL = re.compile(r"^(\s*)([◆◇●○■□▪▫▶►▸➤✓✔★☆◎◯♦])\s*(?=\S)")
_MAJOR = "■□"
_BRACKET_TITLE = re.compile(r"^\s*【([^】]{1,40})】\s*$")
# 「１．目的」「1.目的」 (full-width digits are folded before the rules run, 「．」 is kept) and
# 「（1）」「(1)」「1）」: numbered items, but not 「1.5万円」.
_JA_NUMBER = re.compile(r"^(\s*)(?:[(（](\d{1,2})[)）]|(\d{1,2})[.．)）](?!\d))\s*(?=\S)")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def convert_text_tables(lines: list[str]) -> list[str]:
    """Runs of rows typed with tabs, aligned spaces or bars become a Markdown table (a list of
    "label: value" items when the first row is data, not a header)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            out.append(lines[i])
            i += 1
            continue
        end = i
        while end < len(lines) and lines[end].strip():
            end += 1
        out.extend(_table_or_lines(lines[i:end]))
        i = end
    return out


def _table_or_lines(block: list[str]) -> list[str]:
    """A block of non-blank lines: tables found in it rendered, other lines kept."""
    out: list[str] = []
    i = 0
    while i < len(block):
        rows, used = _rows_at(block, i)
        if rows is None:
            out.append(block[i])
            i += 1
            continue
        # A rule under the first row ("------  -----") says it is the header.
        ruled = used > 1 and bool(_RULE_CELLS.match(block[i + 1].strip()))
        out.extend(_render(rows, ruled=ruled))
        i += used
    return out


def _rows_at(block: list[str], start: int) -> tuple[list[list[str]] | None, int]:
    """The table starting at `start`, with how many lines it used, or (None, 0). Of the ways
    to read it (bars, tabs or gaps on every line, aligned columns with wrapped cells), the
    one that reads the most lines wins."""
    if _is_markdown(block[start].strip()):
        return None, 0
    best: tuple[list[list[str]] | None, int] = (None, 0)
    for split in (_bar_cells, _gap_cells):
        rows: list[list[str]] = []
        end = start
        while end < len(block):
            if rows and _RULE_CELLS.match(block[end].strip()):
                end += 1  # the rule under a header row ("------  -----")
                continue
            cells = split(block[end])
            if cells is None or (rows and len(cells) != len(rows[0])):
                break
            rows.append(cells)
            end += 1
        if len(rows) >= 2 and _plausible(rows) and end - start > best[1]:
            best = (rows, end - start)
    aligned = _aligned_rows(block[start:])
    if aligned is not None and aligned[1] > best[1]:
        best = aligned
    return best


def _is_markdown(line: str) -> bool:
    return bool(line.startswith(("|", ">")) or HEADING.match(line) or LIST_ITEM.match(line))


def _bar_cells(line: str) -> list[str] | None:
    """ "場面 | 避けたい対応 | 望ましい対応": bars between cells, none at the ends."""
    stripped = line.strip()
    if "|" not in stripped or stripped.startswith("|") or _is_markdown(stripped):
        return None
    cells = [c.strip() for c in stripped.split("|")]
    return cells if all(cells) else None


def _gap_cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if _is_markdown(stripped):
        return None
    cells = [c for c in _GAP.split(stripped) if c]
    return cells if len(cells) >= 2 else None


def _plausible(rows: list[list[str]]) -> bool:
    """Not prose that happens to hold double spaces: a table's first column is labels, which
    do not all end a sentence."""
    return not all(_SENTENCE_END.search(row[0]) for row in rows)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _segments(line: str) -> list[tuple[int, str]]:
    """(display column, text) of each run of text separated by two or more spaces."""
    segments: list[tuple[int, str]] = []
    position = 0
    for part in re.split(r"(\s{2,}|\t)", line.rstrip()):
        if part and not part.isspace():
            if part.startswith(" "):
                position += len(part) - len(part.lstrip(" "))
                part = part.lstrip(" ")
            segments.append((position, part))
        position += _width(part)
    return segments


def _aligned_rows(block: list[str]) -> tuple[list[list[str]], int] | None:
    """Columns aligned with spaces whose long cells wrap onto indented lines:

    P1      Over 10,000 customers affected, OR any loss of       every 60 minutes
            emergency calls (911) in an area
    """
    if len(block) < 2 or any(_CJK_WIDE.search(line) for line in block):
        # Japanese is aligned with full-width spaces, which read back one column wide: its
        # columns are found by the gaps alone.
        return None
    segments = [_segments(line) for line in block]
    if len(segments[0]) < 2:
        return None  # a table's first line is a row of cells, not a title over it
    left = segments[0][0][0]
    # A column starts where cells of more than one row start (a wrapped line's words only
    # continue a cell, wherever they begin).
    starts = [pos for segs in segments if segs and segs[0][0] == left for pos, _ in segs]
    columns = sorted({p for p in starts if starts.count(p) > 1})
    if len(columns) < 2 or columns[0] != left:
        return None
    rows: list[list[str]] = []
    used = 0
    for line, segs in zip(block, segments, strict=True):
        if rows and _RULE_CELLS.match(line.strip()):
            used += 1
            continue
        if not segs or segs[0][0] < left:
            break
        cells: dict[int, str] = {}
        for pos, text in segs:
            # A cell a little off its column (a long label pushed it right) is in the
            # column it starts under.
            column = max(c for c, start in enumerate(columns) if start <= pos)
            cells[column] = f"{cells.get(column, '')} {text}".strip()
        if segs[0][0] == left and len(segs) < 2:
            break  # a line of its own after the table (a note, the next paragraph)
        if segs[0][0] == left:
            rows.append([cells.get(c, "") for c in range(len(columns))])
        elif rows and min(cells) > 0:  # a wrapped cell: its words join the cell above
            for c, text in cells.items():
                rows[-1][c] = f"{rows[-1][c]} {text}".strip()
        else:
            break
        used += 1
    full = [r for r in rows if sum(1 for c in r if c) >= 2]
    if len(full) < 2 or not _plausible(rows):
        return None
    return rows, used


def _has_header(rows: list[list[str]]) -> bool:
    """Column names over data: short words with no figures, shorter than the rows below."""
    if not _is_header(rows[0]):
        return False
    if not all(_is_header(row) for row in rows[1:]):
        return True
    body = sum(_width("".join(row)) for row in rows[1:]) / (len(rows) - 1)
    return _width("".join(rows[0])) < 0.6 * body


def _is_header(row: list[str]) -> bool:
    return all(
        cell
        and not _DIGIT.search(cell)
        and not re.search(r"[.,;:。、；：#@$¥€£%]", cell)
        and len(cell.split()) <= _MAX_HEADER_WORDS
        and len(cell) <= 24
        for cell in row
    )


_CELL_BULLET = re.compile(r"^(?:[-*•・]\s*)")


def _render(rows: list[list[str]], *, ruled: bool = False) -> list[str]:
    rows = [[_CELL_BULLET.sub("", cell) for cell in row] for row in rows]
    if ruled or _has_header(rows):
        header, *body = rows
        return [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
            *("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in body),
        ]
    if len(rows[0]) == 2:
        # Label and value ("#outage-updates   The only official source…").
        return [f"- {label.rstrip(':：')}: {value}" for label, value in rows]
    header = [f"({n})" for n in range(1, len(rows[0]) + 1)]
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def convert_symbol_lines(lines: list[str]) -> list[str]:
    """ "■ 目的" or 【運用】 standing alone becomes a heading; "◆ 品物は…" a list item;
    「（1）受付」「１．目的」「②」 numbered items."""
    out: list[str] = []
    for i, line in enumerate(lines):
        before = lines[i - 1].strip() if i else ""
        after = lines[i + 1].strip() if i + 1 < len(lines) else ""
        bracket = _BRACKET_TITLE.match(line)
        if bracket and after:
            out.append(f"## {bracket.group(1).strip()}")
            continue
        symbol = _SYMBOL.match(line)
        if symbol:
            text = line[symbol.end() :].strip()
            mark = symbol.group(2)
            in_list = before.startswith(mark) or after.startswith(mark)
            if (after or mark in _MAJOR) and _is_title(text) and not in_list:
                # ■ titles a section; ◆ ● and the rest title a part of one.
                out.append(f"{'##' if mark in _MAJOR else '###'} {text}")
            else:
                out.append(f"{symbol.group(1)}- {text}")
            continue
        number = _JA_NUMBER.match(line)
        if number and not _is_markdown(line.strip()):
            n = number.group(2) or number.group(3)
            text = line[number.end() :].strip()
            if not before and after and _is_title(text) and not _JA_NUMBER.match(after):
                out.append(f"## {n}. {text}")
            else:
                out.append(f"{number.group(1)}{n}. {text}")
            continue
        if line.strip()[:1] in _CIRCLED and len(line.strip()) > 1:
            indent = line[: len(line) - len(line.lstrip())]
            stripped = line.strip()
            out.append(f"{indent}{_CIRCLED.index(stripped[0]) + 1}. {stripped[1:].strip()}")
            continue
        out.append(line)
    return out


def _is_title(text: str) -> bool:
    return len(text) <= 40 and not re.search(r"[.!?。！？:：、,]$", text)


_MIN_PAGE_LINES = 10
_MIN_TITLE_CHARS = 5  # "対応" left over from a wrapped breadcrumb is no title
_MAX_TITLE_CHARS = 90
_H1 = re.compile(r"^#\s+\S")
_H2 = re.compile(r"^##\s+(\S.*)$")


def promote_page_title(lines: list[str]) -> list[str]:
    """A page with no top heading gets its first title as one: "■お詫び・返金・補償の基準" or
    "Handling Billing Disputes" at the top names the page (the chunks' title, embedded with
    every passage), where a file name ("owabi-hosho-kijun") does not. Only whole pages (a
    snippet's first line is not a title), and a site name over the page's own heading
    ("Brightline Hub" over "## Complaint handling") is passed over."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) < _MIN_PAGE_LINES or any(_H1.match(line) for line in lines):
        return lines
    for n, i in enumerate(content[:3]):
        stripped = lines[i].strip()
        heading = _H2.match(stripped)
        if heading:
            return [*lines[:i], f"# {heading.group(1)}", *lines[i + 1 :]]
        after = lines[content[n + 1]].strip()
        if words(stripped) <= 2 and (_H2.match(after) or _is_title(after)):
            continue  # the site's name over the page's own title
        if (
            _MIN_TITLE_CHARS <= len(stripped) <= _MAX_TITLE_CHARS
            and not re.search(r"[.!?。！？:：、,]$|[|>·]", stripped)
            and not _is_markdown(stripped)
        ):
            return [*lines[:i], f"# {stripped}", *lines[i + 1 :]]
    return lines
