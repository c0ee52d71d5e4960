"""The lesson entry points: the next lesson for a person, and the preview the CLI prints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.lessons.generate import generated_lessons
from bot.lessons.handwritten import HandWritten
from bot.lessons.models import Lesson
from bot.lessons.ports import AnswerHistory, LessonIndex, MemoryHistory
from bot.lessons.repetition import pick, week_seed

LANGUAGES = ("en", "ja")


class UnknownRoleError(LookupError):
    """The role is named nowhere in the knowledge."""

    def __init__(self, role: str, known: set[str]) -> None:
        super().__init__(f"Unknown role {role!r}; the knowledge names: {', '.join(sorted(known))}")
        self.role = role
        self.known = known


class NoLessonError(LookupError):
    """The knowledge yields no lesson for the role in the language."""


def lessons_for(
    index: LessonIndex,
    role: str,
    language: str,
    *,
    hand_written: Sequence[HandWritten] = (),
) -> list[Lesson]:
    """Every lesson for a role in a language, best first: hand-written ones (a lead chose
    them), then those generated from the knowledge."""
    known = index.known_roles()
    if role not in known:
        raise UnknownRoleError(role, known)
    chosen = [h.lesson for h in hand_written if h.fits(role, language)]
    keys = {lesson.key for lesson in chosen}
    generated = [g for g in generated_lessons(index, role, language) if g.key not in keys]
    return chosen + generated


def next_lesson(
    index: LessonIndex,
    role: str,
    language: str,
    *,
    user: str,
    history: AnswerHistory,
    hand_written: Sequence[HandWritten] = (),
    now: dt.datetime | None = None,
) -> Lesson:
    """The lesson a person gets next: what they missed first (spaced repetition), options
    shuffled for them and the week."""
    now = now or dt.datetime.now(dt.UTC)
    candidates = lessons_for(index, role, language, hand_written=hand_written)
    if not candidates:
        raise NoLessonError(f"The knowledge has no lesson for {role} in {language}.")
    lesson = pick(candidates, history.history(user), now)
    return lesson.shuffled(week_seed(user, now))


def preview(
    index: LessonIndex,
    role: str,
    language: str = "en",
    *,
    hand_written: Sequence[HandWritten] = (),
    now: dt.datetime | None = None,
) -> Lesson:
    """The lesson a newcomer in the role would get next (`cxbot lessons preview`)."""
    return next_lesson(
        index,
        role,
        language,
        user="preview",
        history=MemoryHistory(),
        hand_written=hand_written,
        now=now,
    )
