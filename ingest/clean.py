"""Remove web-page clutter from text that CX leads copied out of a browser.

The rules live in `ingest.clean_rules`, one small named function each, and run until nothing
changes, which makes the cleaner idempotent. Normalising (line endings, invisible characters,
full-width ASCII) happens once, first.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.clean_layout import promote_page_title
from ingest.clean_rules import RULES

__all__ = ["clean_web_text"]


def clean_web_text(text: str) -> str:
    """Return `text` without web clutter, with tidy whitespace; safe to call again on it."""
    current = _collapse(_normalise(text).split("\n"))
    for _ in range(50):  # each changing pass removes or promotes a line, so this converges
        lines = current.split("\n")
        for rule in RULES:
            lines = rule(lines)
        cleaned = _collapse(lines)
        if cleaned == current:
            break
        current = cleaned
    # Once the page is clean, its first title is the page's title (a no-op when it has one).
    return _collapse(promote_page_title(current.split("\n")))


# --- normalising -----------------------------------------------------------------------------

_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200d\u2060\ufeff]"
)
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Full-width letters, digits and symbols become ASCII, but the punctuation Japanese prose is
# written with (！？（）：；，．～) stays as the author typed it.
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\uffe0-\uffe6]")
_KEEP_FULL_WIDTH = frozenset("！？（）：；，．～")
_HALF_WIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")


def _nfkc(match: re.Match[str]) -> str:
    found = match.group()
    return found if found in _KEEP_FULL_WIDTH else unicodedata.normalize("NFKC", found)


def _normalise(text: str) -> str:
    text = _INVISIBLE.sub("", _BREAKS.sub("\n", text))
    text = _SPACES.sub(" ", text)
    text = _FULL_WIDTH.sub(_nfkc, text)
    return _HALF_WIDTH_KANA.sub(_nfkc, text)


def _collapse(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
