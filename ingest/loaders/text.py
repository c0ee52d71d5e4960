"""Plain-text files, and the byte decoding every text-based format shares."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ingest.clean import clean_web_text
from ingest.loaders import Parsed, register
from ingest.models import DocumentMeta, LoadError

# Japanese files saved by Windows tools are often Shift_JIS (cp932 is Microsoft's superset).
_LEGACY_JAPANESE = ("cp932", "shift_jis")
# Any Japanese prose has kana; requiring them stops cp932, which accepts most byte soup, from
# "decoding" a Latin-1 file into plausible-looking kanji.
_KANA = re.compile(r"[\u3041-\u30ff]")


def decode_text(raw: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Shift_JIS."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError("file starts with a UTF-16 marker but is not valid UTF-16") from exc
    try:
        return raw.decode("utf-8-sig")  # plain UTF-8 too; the BOM is only dropped when present
    except UnicodeDecodeError:
        pass
    for encoding in _LEGACY_JAPANESE:
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _KANA.search(decoded):
            return decoded
    line = _first_bad_line(raw)
    raise LoadError(
        "cannot decode text: not UTF-8 or Shift_JIS (cp932); save the file as UTF-8", line=line
    )


def read_text(path: Path) -> str:
    """Read and decode a text file with newlines normalised to LF."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    return decode_text(raw).replace("\r\n", "\n").replace("\r", "\n")


@register(".txt")
def load_text(path: Path) -> Parsed:
    # Plain text in a CX folder is usually copied from a web page, so the clutter goes first.
    return Parsed(text=clean_web_text(read_text(path)), meta=DocumentMeta())


def _first_bad_line(raw: bytes) -> int | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1
    return None
