"""Spaced repetition: which lesson a person gets next.

A fact answered wrongly comes back first (the oldest miss first); then facts never asked, in
the order the knowledge ranks them; then facts answered rightly, once their interval has
passed (two weeks after the first right answer, four after two in a row, and so on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.lessons.models import AnswerRecord, Lesson

_FIRST_INTERVAL = dt.timedelta(weeks=2)
_LONGEST_INTERVAL = dt.timedelta(weeks=26)


@dataclass
class _Progress:
    last: dt.datetime
    correct: bool
    streak: int  # right answers in a row, the latest last


def progress(records: Sequence[AnswerRecord]) -> dict[str, _Progress]:
    """Each lesson's latest answer and how many right answers in a row led up to it."""
    state: dict[str, _Progress] = {}
    for record in sorted(records, key=lambda r: r.when):
        before = state.get(record.lesson_key)
        streak = (before.streak + 1 if before else 1) if record.correct else 0
        state[record.lesson_key] = _Progress(record.when, record.correct, streak)
    return state


def interval(streak: int) -> dt.timedelta:
    weeks: int = 2 ** max(streak - 1, 0)
    return min(_FIRST_INTERVAL * weeks, _LONGEST_INTERVAL)


def pick(candidates: Sequence[Lesson], records: Sequence[AnswerRecord], now: dt.datetime) -> Lesson:
    """The next lesson among `candidates` (best first), given a person's answers."""
    if not candidates:
        raise ValueError("no lessons to pick from")
    state = progress(records)
    missed = [c for c in candidates if c.key in state and not state[c.key].correct]
    if missed:
        return min(missed, key=lambda c: state[c.key].last)
    unseen = [c for c in candidates if c.key not in state]
    if unseen:
        return unseen[0]
    due = [c for c in candidates if now - state[c.key].last >= interval(state[c.key].streak)]
    if due:
        return max(due, key=lambda c: now - state[c.key].last - interval(state[c.key].streak))
    return min(candidates, key=lambda c: state[c.key].last)


def week_seed(user: str, now: dt.datetime) -> str:
    """Options are shuffled per person and ISO week: stable within a week, fresh the next."""
    year, week, _ = now.isocalendar()
    return f"{user}|{year}-W{week:02d}"
