"""Knowledge-file loaders: one function per format, picked by file suffix.

A loader only turns a file into text plus whatever metadata the format carries; everything that
is the same for every format (hashing, the relative path, title and language fallbacks, turning
any failure into a `LoadError`) lives in `load_document`, so a new format is one small module
with a `@register(".ext")` function.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ingest.language import detect_language
from ingest.models import DocType, Document, DocumentMeta, LoadError


class Parsed(BaseModel):
    """What a loader found in one file, before the shared fallbacks are applied."""

    model_config = ConfigDict(frozen=True)

    text: str
    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    title: str | None = None  # from the format itself (PDF info, Word core properties, <title>)


Loader = Callable[[Path], Parsed]

_REGISTRY: dict[str, Loader] = {}


def register(*suffixes: str) -> Callable[[Loader], Loader]:
    """Register a loader for the given suffixes (".md" or "md"; case does not matter)."""
    if not suffixes:
        raise ValueError("register() needs at least one suffix")
    keys = [_suffix_key(s) for s in suffixes]

    def decorator(loader: Loader) -> Loader:
        for key in keys:
            _REGISTRY[key] = loader
        return loader

    return decorator


def loader_for(path: Path) -> Loader | None:
    return _REGISTRY.get(path.suffix.lower())


def supported_suffixes() -> frozenset[str]:
    return frozenset(_REGISTRY)


def load_document(path: Path, root: Path) -> Document:
    """Load one knowledge file; every failure becomes a `LoadError` the sync can report."""
    loader = loader_for(path)
    if loader is None:
        shown = path.suffix or "(no suffix)"
        allowed = ", ".join(sorted(supported_suffixes()))
        raise LoadError(f"unsupported file type {shown}; supported: {allowed}")
    relative = _relative_posix(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise LoadError("file is empty")
    try:
        parsed = loader(path)
    except LoadError:
        raise
    except Exception as exc:
        # Parsers for binary formats raise all sorts of things on damaged files; one bad file
        # must be reported, never stop the sync.
        raise LoadError(f"could not read {path.suffix.lower()} file: {_describe(exc)}") from exc
    text = parsed.text.strip()
    if not text:
        raise LoadError("document has no text")
    meta = parsed.meta
    title = _first_text(meta.title, parsed.title, first_heading(text)) or readable_stem(path)
    if meta.type is DocType.other:
        meta = meta.model_copy(update={"type": guess_type(relative, title)})
    language = _normalise_language(meta.language) or detect_language(text)
    return Document(
        path=relative,
        title=title,
        text=text,
        meta=meta,
        language=language,
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


# A file with no front matter says what it is in its path or title: customer stories are
# examples, not rules, and the composer weighs them so (`bot.answering.compose`).
_TYPE_WORDS: tuple[tuple[DocType, re.Pattern[str]], ...] = (
    (
        DocType.highlight,
        re.compile(
            r"feedback|highlight|testimonial|praise|kudos|shout-?outs?|voices?\b|customer stor"
            r"|お客さまの声|お客様の声|感謝の声|お礼の声|称賛",
            re.IGNORECASE,
        ),
    ),
    (DocType.playbook, re.compile(r"playbook|プレイブック", re.IGNORECASE)),
    (DocType.faq, re.compile(r"\bfaq\b|よくある(?:ご)?質問", re.IGNORECASE)),
    (DocType.policy, re.compile(r"polic(?:y|ies)|規程|規定|ポリシー", re.IGNORECASE)),
)


def guess_type(relative: str, title: str) -> DocType:
    """The kind of document a file without front matter is, from its path and title."""
    for doc_type, pattern in _TYPE_WORDS:
        if pattern.search(relative) or pattern.search(title):
            return doc_type
    return DocType.other


_ATX_H1 = re.compile(r"^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^=+[ \t]*$")


def first_heading(text: str) -> str | None:
    """The first level-1 Markdown heading (ATX `# T` or setext `T` over `===`), if any."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = _ATX_H1.match(line)
        if match:
            return match.group(1).strip() or None
        if i > 0 and _SETEXT_H1.match(line) and lines[i - 1].strip():
            return lines[i - 1].strip()
    return None


def readable_stem(path: Path) -> str:
    """'return-policy_v2.md' -> 'Return policy v2': the last resort, so still readable."""
    words = re.sub(r"[-_\s]+", " ", path.stem).strip()
    if not words:
        return path.name
    if words == words.lower():
        words = words[0].upper() + words[1:]
    return words


def _first_text(*candidates: str | None) -> str | None:
    for candidate in candidates:
        if candidate and candidate.strip():
            return " ".join(candidate.split())
    return None


def _normalise_language(value: str | None) -> str | None:
    # Retrieval compares primary tags ("ja"), so "ja-JP" or "JA" must not become a new language.
    if not value or not value.strip():
        return None
    return re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0] or None


def _relative_posix(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as exc:
        raise LoadError(f"{path} is outside the knowledge folder {root}") from exc


def _suffix_key(suffix: str) -> str:
    suffix = suffix.strip().lower()
    if not suffix or suffix == ".":
        raise ValueError(f"invalid suffix: {suffix!r}")
    return suffix if suffix.startswith(".") else f".{suffix}"


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# Imported last because each module uses `register` and `Parsed` defined above; importing the
# package is what makes the built-in formats available.
from ingest.loaders import csv, docx, html, markdown, pdf, text  # noqa: E402

__all__ = [
    "Loader",
    "Parsed",
    "csv",
    "docx",
    "first_heading",
    "html",
    "load_document",
    "loader_for",
    "markdown",
    "pdf",
    "readable_stem",
    "register",
    "supported_suffixes",
    "text",
]
