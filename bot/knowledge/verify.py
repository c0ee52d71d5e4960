""" "Still correct": a person vouches for a document, and its front matter says so.

`review_by` moves forward by the document's review interval: its own `review_every` (days, or
"N days|weeks|months|years"), else the gap it had between `verified_at` (or `updated`) and
`review_by`, else the default from settings. `verified_by` and `verified_at` record who and
when. Everything else in the file stays byte for byte; the change is committed if the
knowledge folder is a git repository.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.frontmatter import read_keys, update_front_matter
from bot.knowledge.history import Author, commit_paths

FRONT_MATTER_SUFFIXES = (".md", ".markdown")
_EVERY = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


class VerifyError(ValueError):
    """A document that cannot be verified (unknown, outside the folder, not Markdown)."""


@dataclass(frozen=True)
class Verified:
    path: str
    review_by: dt.date
    verified_at: dt.datetime
    commit: str | None  # the git commit, when the knowledge folder is a repository


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def review_interval(keys: Mapping[str, object], default_days: int) -> dt.timedelta:
    """How far `review_by` moves when the document is verified."""
    every = keys.get("review_every")
    if isinstance(every, int) and every > 0:
        return dt.timedelta(days=every)
    match = _EVERY.match(str(every)) if isinstance(every, str) else None
    if match:
        return dt.timedelta(days=int(match.group(1)) * _UNIT_DAYS[match.group(2).lower()])
    review_by = _date(keys.get("review_by"))
    since = _date(keys.get("verified_at")) or _date(keys.get("updated"))
    if review_by and since and review_by > since:
        return review_by - since
    return dt.timedelta(days=default_days)


def document_file(knowledge_dir: Path, path: str) -> Path:
    """The file of a document path (relative to the knowledge folder), checked."""
    root = knowledge_dir.resolve()
    file = (root / path).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        raise VerifyError(f"There is no document {path} in the knowledge folder.")
    if file.suffix.lower() not in FRONT_MATTER_SUFFIXES:
        raise VerifyError(f"{path} is not a Markdown file, so it has no front matter to update.")
    return file


def verify_document(
    knowledge_dir: Path,
    path: str,
    *,
    verifier: Author,
    now: dt.datetime,
    default_days: int,
) -> Verified:
    """Mark `path` as still correct: front matter updated in place, committed if git."""
    file = document_file(knowledge_dir, path)
    keys = read_keys(file.read_text(encoding="utf-8"))
    review_by = now.date() + review_interval(keys, default_days)
    verified_at = now.astimezone(dt.UTC).replace(microsecond=0)
    update_front_matter(
        file, {"review_by": review_by, "verified_by": verifier.name, "verified_at": verified_at}
    )
    message = f"Verify {path}: still correct (next review {review_by.isoformat()})"
    commit = commit_paths(knowledge_dir, [file], message, verifier)
    return Verified(path=path, review_by=review_by, verified_at=verified_at, commit=commit)
