"""Answers captured from Slack threads, written into the knowledge folder once approved.

A person answered in a thread what the bot could not; *Add to knowledge* turns that into a
draft (question, answer, title, language, roles, audience, owner), personal data redacted as
kudos are. When the owner or a lead approves it, it becomes a Markdown file with full front
matter under `<language>/answers/`, committed if the folder is in git, then indexed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from pathlib import Path

from pydantic import BaseModel, Field

from bot.knowledge.frontmatter import set_keys, write_atomically
from bot.knowledge.history import Author, commit_paths
from bot.kudos.redact import redact

ANSWERS_FOLDER = "answers"
_TITLE_MAX = 80


class CapturedAnswer(BaseModel):
    """What the *Add to knowledge* modal holds (all editable before submitting)."""

    question: str
    answer: str
    title: str
    language: str = "en"
    roles: list[str] = Field(default_factory=list)
    audience: list[str] = Field(default_factory=list)
    owner: str | None = None

    def redacted(self) -> CapturedAnswer:
        """The same draft with e-mail addresses, phone and card numbers taken out."""
        return self.model_copy(
            update={
                "question": redact(self.question),
                "answer": redact(self.answer),
                "title": redact(self.title),
            }
        )


def default_title(question: str) -> str:
    """A title from the question: its first line, without a mention, trimmed."""
    text = re.sub(r"<[@#!][^>]*>", "", question).strip().splitlines()
    first = text[0].strip() if text else ""
    return first if len(first) <= _TITLE_MAX else first[: _TITLE_MAX - 1].rstrip() + "…"


def slug(title: str, *, fallback: str) -> str:
    """A file name from the title ("Gift card refunds?" -> "gift-card-refunds"); titles with
    no ASCII words (Japanese) use `fallback`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    return "-".join(words)[:60].strip("-") or fallback


def answer_path(knowledge_dir: Path, draft: CapturedAnswer, *, now: dt.datetime) -> str:
    """A new path for the draft under `<language>/answers/`, never overwriting a file."""
    digest = hashlib.sha256(f"{draft.question}\n{now.isoformat()}".encode()).hexdigest()[:6]
    name = slug(draft.title, fallback=f"answer-{now:%Y%m%d}-{digest}")
    folder = f"{draft.language}/{ANSWERS_FOLDER}"
    path = f"{folder}/{name}.md"
    number = 2
    while (knowledge_dir / path).exists():
        path = f"{folder}/{name}-{number}.md"
        number += 1
    return path


def render(draft: CapturedAnswer, *, today: dt.date, review_days: int, approver: str) -> str:
    """The Markdown file: front matter every reader of the index understands, then the
    question as the heading and the answer as its text."""
    question = " ".join(draft.question.split())
    body = f"# {draft.title}\n\n## {question}\n\n{draft.answer.strip()}\n"
    keys: dict[str, str | dt.date] = {"title": draft.title, "type": "faq"}
    keys["language"] = draft.language
    for name, items in (("roles", draft.roles), ("audience", draft.audience)):
        names = [item for item in items if re.fullmatch(r"[\w-]+", item)]
        if names:
            keys[name] = "[" + ", ".join(names) + "]"
    if draft.owner:
        keys["owner"] = draft.owner
    keys |= {
        "updated": today,
        "review_by": today + dt.timedelta(days=review_days),
        "verified_by": approver,
        "source": "answered in Slack, approved by " + approver,
    }
    text = set_keys(body, {k: v for k, v in keys.items() if k not in ("roles", "audience")})
    # Lists are written as YAML flow lists (set_keys quotes strings with brackets).
    lists = "".join(f"{k}: {keys[k]}\n" for k in ("roles", "audience") if k in keys)
    return text.replace("\n---\n", "\n" + lists + "---\n", 1) if lists else text


def write_answer(
    knowledge_dir: Path,
    draft: CapturedAnswer,
    *,
    approver: Author,
    now: dt.datetime,
    review_days: int,
) -> tuple[str, str | None]:
    """Write the approved answer as a new file; returns its path and the git commit (if any)."""
    path = answer_path(knowledge_dir, draft, now=now)
    file = knowledge_dir / path
    file.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(
        file, render(draft, today=now.date(), review_days=review_days, approver=approver.name)
    )
    message = f"Add {path}: an answer from Slack, approved by {approver.name}"
    return path, commit_paths(knowledge_dir, [file], message, approver)
