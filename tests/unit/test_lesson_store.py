"""The lesson store on SQLite: subscriptions, answers recorded once per round, the history
spaced repetition reads, and the leads' numbers per role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.lessons import AnswerHistory
from bot.store import LessonAnswer, Store

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'cx.db'}") as opened:
        opened.create_all()
        yield opened


def answer(user: str, key: str, *, correct: bool, role: str = "store-staff", **extra: object):
    values: dict[str, object] = {
        "user_id": user,
        "lesson_key": key,
        "round": "2026-W10",
        "role": role,
        "language": "en",
        "source_path": key.partition("#")[0],
        "fact": f"fact of {key}",
        "correct": correct,
        "when": T0,
    }
    return LessonAnswer.model_validate(values | extra)


def test_subscriptions_turn_on_and_off(store: Store) -> None:
    lessons = store.lessons
    assert not lessons.is_subscribed("U1")
    lessons.subscribe("U1", kind="user", active=True)
    lessons.subscribe("U2", kind="user", active=True)
    lessons.subscribe("C1", kind="channel", active=True)
    lessons.subscribe("U2", kind="user", active=False)
    assert lessons.is_subscribed("U1") and not lessons.is_subscribed("U2")
    assert lessons.subscribers("user") == ["U1"]
    assert lessons.subscribers("channel") == ["C1"]


def test_an_answer_is_recorded_once_per_round(store: Store) -> None:
    lessons = store.lessons
    assert lessons.record_answer(answer("U1", "en/a.md#1", correct=False))
    assert not lessons.record_answer(answer("U1", "en/a.md#1", correct=True))  # second click
    later = T0 + dt.timedelta(days=14)
    assert lessons.record_answer(
        answer("U1", "en/a.md#1", correct=True, round="2026-W12", when=later)
    )
    history = lessons.history("U1")
    assert [(r.lesson_key, r.correct) for r in history] == [
        ("en/a.md#1", False),
        ("en/a.md#1", True),
    ]
    assert history[0].when == T0


def test_the_store_is_an_answer_history(store: Store) -> None:
    history: AnswerHistory = store.lessons
    history.record("U1", "en/a.md#1", True, T0)
    history.record("U1", "en/a.md#1", False, T0 + dt.timedelta(days=1))
    assert [r.correct for r in history.history("U1")] == [True, False]


def test_a_channels_history_is_everyone_who_answered_there(store: Store) -> None:
    lessons = store.lessons
    lessons.record_answer(answer("U1", "en/a.md#1", correct=False, channel_id="C1"))
    lessons.record_answer(answer("U2", "en/a.md#2", correct=True, channel_id="C1"))
    lessons.record_answer(answer("U3", "en/a.md#3", correct=True))  # a DM lesson
    keys = [r.lesson_key for r in lessons.channel_history("C1").history("anyone")]
    assert keys == ["en/a.md#1", "en/a.md#2"]


def test_leads_see_people_share_right_and_the_facts_most_missed(store: Store) -> None:
    lessons = store.lessons
    lessons.record_answer(answer("U1", "en/a.md#1", correct=False))
    lessons.record_answer(answer("U2", "en/a.md#1", correct=False))
    lessons.record_answer(answer("U2", "en/b.md#2", correct=False))
    lessons.record_answer(answer("U3", "en/b.md#3", correct=True))
    lessons.record_answer(answer("U4", "en/w.md#4", correct=True, role="warehouse"))
    store_staff, warehouse = lessons.role_stats()
    assert (store_staff.role, store_staff.people, store_staff.answers) == ("store-staff", 3, 4)
    assert store_staff.share_right == 0.25
    assert [(m.lesson_key, m.misses, m.path) for m in store_staff.missed] == [
        ("en/a.md#1", 2, "en/a.md"),
        ("en/b.md#2", 1, "en/b.md"),
    ]
    assert (warehouse.role, warehouse.share_right, warehouse.missed) == ("warehouse", 1.0, [])
    assert lessons.role_stats(since=T0 + dt.timedelta(days=1)) == []
