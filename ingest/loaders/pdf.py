"""PDF files through pypdf (text layer only: scanned pages need OCR before they are useful)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.loaders import Parsed, register
from ingest.models import DocumentMeta, LoadError

if TYPE_CHECKING:
    from pypdf import PdfReader

_BLANK_RUNS = re.compile(r"\n{3,}")


@register(".pdf")
def load_pdf(path: Path) -> Parsed:
    # Imported here so that importing the loaders (every CLI start) does not pay for pypdf.
    from pypdf import PdfReader as Reader
    from pypdf.errors import PdfReadError

    try:
        reader = Reader(path)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as exc:
        raise LoadError(f"not a readable PDF (damaged or not a PDF): {exc}") from exc
    if reader.is_encrypted:
        _unlock(reader)
    pages: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append(page.extract_text() or "")
        except Exception as exc:  # pypdf raises many kinds on damaged content streams
            raise LoadError(f"cannot extract text from page {number}: {exc}") from exc
    text = _tidy("\n\n".join(pages))
    if not text:
        raise LoadError(
            "PDF has no extractable text; it may be a scanned image (run OCR on it and save again)"
        )
    info = _info(reader)
    return Parsed(text=text, meta=DocumentMeta(owner=info.get("author")), title=info.get("title"))


def _unlock(reader: PdfReader) -> None:
    from pypdf import PasswordType

    # Many "protected" PDFs only restrict printing/editing and open with an empty password.
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # e.g. AES without the optional cryptography package
        raise LoadError(f"PDF is encrypted and cannot be opened: {exc}") from exc
    if opened == PasswordType.NOT_DECRYPTED:
        raise LoadError("PDF is password-protected; save an unprotected copy")


def _info(reader: PdfReader) -> dict[str, str]:
    try:
        metadata = reader.metadata
    except Exception:  # a broken info dictionary must not cost us the text
        return {}
    found: dict[str, str] = {}
    if metadata is not None:
        for key, value in (("title", metadata.title), ("author", metadata.author)):
            if isinstance(value, str) and value.strip():
                found[key] = " ".join(value.split())
    return found


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
