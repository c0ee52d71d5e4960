"""The data a lesson and a role card carry across module boundaries (plain models: the CLI
prints them as JSON, Slack renders them as Block Kit elsewhere)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Literal

from pydantic import BaseModel, Field

# What a generated lesson asks for; hand-written lessons are their own kind.
FactKind = Literal["money", "percent", "time", "channel", "contact", "hand-written"]


class LessonSource(BaseModel):
    """Where the correct answer is written: a document and its section heading path."""

    path: str
    section: str


class Lesson(BaseModel):
    """One short situation with a three-option question.

    `answer` is the text of the correct option and appears verbatim in the source section;
    the wrong options are facts of the same kind from elsewhere in the knowledge. `key` names
    the fact for spaced repetition (stable across weeks and option orders)."""

    question: str
    options: list[str] = Field(min_length=3, max_length=3)
    answer: str
    source: LessonSource
    language: str
    key: str
    kind: FactKind

    def public(self) -> dict[str, object]:
        """The contract of `cxbot lessons preview --json` (DESIGN.md): exactly these keys."""
        return self.model_dump(include={"question", "options", "answer", "source", "language"})

    def shuffled(self, seed: str) -> Lesson:
        """The same lesson with its options in an order fixed by `seed` (user and week)."""
        options = list(self.options)
        digest = hashlib.sha256(f"{seed}|{self.key}".encode()).digest()
        random.Random(digest).shuffle(options)
        return self.model_copy(update={"options": options})


def fact_key(path: str, section: str, kind: str, value: str) -> str:
    """A readable, stable name for a fact: its document, then a digest of where and what
    (the lead's view links a missed fact to its document by the part before `#`)."""
    digest = hashlib.sha1(f"{section}|{kind}|{value}".encode()).hexdigest()[:10]
    return f"{path}#{digest}"


class LessonProblem(BaseModel):
    """A hand-written lesson that cannot be used, and why (reported, never fatal)."""

    path: str
    reason: str

    def describe(self) -> str:
        return f"{self.path}: {self.reason}"


class AnswerRecord(BaseModel):
    """One answer a person gave to a lesson."""

    lesson_key: str
    correct: bool
    when: dt.datetime


class CardLine(BaseModel):
    """One line of a role card, quoted from the knowledge, with where it is written.

    `label` names what the line is about when the knowledge does ("Over ¥50,000", a
    situation's heading); renderers show it in bold before the text."""

    text: str
    label: str = ""
    source: LessonSource


class RoleCard(BaseModel):
    """What a person in a role needs on one card, in one language, every line sourced.

    `mantra`: the company's mantra (the vision). `meaning`: what it means for this role.
    `decide_alone`: what they may decide without approval, with the limits. `ask`: who to
    ask when it is over their limit. `situations`: the two or three most common ones."""

    role: str
    language: str
    title: str
    mantra: CardLine | None = None
    meaning: list[CardLine] = Field(default_factory=list)
    decide_alone: list[CardLine] = Field(default_factory=list)
    ask: list[CardLine] = Field(default_factory=list)
    situations: list[CardLine] = Field(default_factory=list)
