"""CSV files (FAQ sheets, feedback exports): each row becomes one self-describing paragraph.

"Question: ...; Answer: ..." keeps the column names next to the values, so a retrieved row
still makes sense on its own.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ingest.loaders import Parsed, register
from ingest.loaders.text import read_text
from ingest.models import DocumentMeta, LoadError

_DELIMITERS = ",;\t"


@register(".csv")
def load_csv(path: Path) -> Parsed:
    text = read_text(path)
    if "\x00" in text:
        raise LoadError("CSV contains NUL bytes; is it really a text file?")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)  # blank lines before the header row
        if header is None:
            raise LoadError("CSV has no header row")
        names = [cell.strip() or f"Column {n}" for n, cell in enumerate(header, start=1)]
        paragraphs = [_row_text(names, row, reader.line_num) for row in reader]
    except csv.Error as exc:
        raise LoadError(f"malformed CSV: {exc}", line=reader.line_num or None) from exc
    return Parsed(text="\n\n".join(p for p in paragraphs if p), meta=DocumentMeta())


def _row_text(names: list[str], row: list[str], line: int) -> str:
    if len(row) > len(names) and any(cell.strip() for cell in row[len(names) :]):
        raise LoadError(
            f"row has {len(row)} values but the header has {len(names)} columns "
            "(an unquoted comma inside a value?)",
            line=line,
        )
    pairs = []
    for name, value in zip(names, row, strict=False):
        value = " ".join(value.split())  # values may span lines inside quotes
        if value:
            pairs.append(f"{name}: {value}")
    return "; ".join(pairs)


def _delimiter(text: str) -> str:
    # Excel in some locales writes ';', exports are often tab-separated. Only the delimiter is
    # taken from the sniffer: its quoting guesses are wrong often enough to break good files.
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","
