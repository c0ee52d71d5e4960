"""The bot's storage against real SQLite files: dedupe, roles, the question log and reports."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store, UnknownQuestionError, normalise_question
from tests.servers import Backend

START = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
JST = dt.timezone(dt.timedelta(hours=9))


class Clock:
    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def db_url(tmp_path: Path, backend: Backend) -> str:
    """A SQLite file, or this test's own PostgreSQL database in the run on real servers."""
    return backend.store_url(tmp_path / "data")


@pytest.fixture()
def store(db_url: str, clock: Clock) -> Iterator[Store]:
    s = Store(db_url, clock=clock)
    s.create_all()
    yield s
    s.close()


def log(store: Store, question: str, *, answered: bool = False, **overrides: Any) -> int:
    fields: dict[str, Any] = {
        "user_id": "U1",
        "channel_id": "D1",
        "question": question,
        "answer": "Here is what our CX knowledge says." if answered else "I don't know yet.",
        "answered": answered,
        "language": "en",
        "role": None,
        "sources": ["en/playbooks/upset-customer.md"] if answered else [],
        "confidence": 0.8 if answered else 0.1,
    }
    fields.update(overrides)
    return store.log_question(**fields)


# Setup --------------------------------------------------------------------------------


def test_for_data_dir_creates_the_folder_and_uses_wal(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    with Store.for_data_dir(data_dir) as store:
        store.create_all()
        store.create_all()  # idempotent
        assert store.claim_event("Ev1")
    db = data_dir / "cx.db"
    assert db.is_file()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_for_data_dir_prefers_an_explicit_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    store = Store.for_data_dir(tmp_path / "data", url)
    assert store.url == url
    store.close()


def test_in_memory_database_works_for_quick_use() -> None:
    with Store("sqlite://") as store:
        store.create_all()
        assert store.claim_event("Ev1")
        assert not store.claim_event("Ev1")


# Events -------------------------------------------------------------------------------


def test_claim_event_only_the_first_time(store: Store) -> None:
    assert store.claim_event("Ev1")
    assert not store.claim_event("Ev1")
    assert store.claim_event("Ev2")
    # Kinds are namespaces: an action id never collides with an event id.
    assert store.claim_event("Ev1", kind="action")
    assert not store.claim_event("Ev1", kind="action")


def test_claim_event_survives_a_restart(db_url: str) -> None:
    first = Store(db_url)
    first.create_all()
    assert first.claim_event("Ev1")
    first.close()

    second = Store(db_url)
    second.create_all()
    assert not second.claim_event("Ev1")
    assert second.claim_event("Ev2")
    second.close()


def test_claim_event_rejects_an_empty_id(store: Store) -> None:
    with pytest.raises(ValueError):
        store.claim_event("")


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-thread"])
def test_concurrent_claims_yield_exactly_one_winner(
    store: Store, db_url: str, shared: bool
) -> None:
    threads = 8
    barrier = threading.Barrier(threads)
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def claim() -> None:
        own = None if shared else Store(db_url)
        try:
            barrier.wait(timeout=10)
            won = (own or store).claim_event("EvRace")
            with lock:
                results.append(won)
        except BaseException as exc:  # reported below, not lost in the thread
            with lock:
                errors.append(exc)
        finally:
            if own is not None:
                own.close()

    workers = [threading.Thread(target=claim) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert not errors
    assert sorted(results) == [False] * (threads - 1) + [True]


def test_purge_events_forgets_old_claims_only(store: Store, clock: Clock) -> None:
    assert store.claim_event("old")
    clock.advance(hours=2)
    assert store.claim_event("new")
    clock.advance(minutes=30)

    assert store.purge_events(dt.timedelta(hours=1)) == 1
    assert store.purge_events(dt.timedelta(hours=1)) == 0
    assert not store.claim_event("new")
    assert store.claim_event("old")  # forgotten, so claimable again


def test_purge_keeps_claims_that_must_never_repeat(store: Store, clock: Clock) -> None:
    """A welcome (or a weekly nudge) claimed long ago must not be sent again."""
    assert store.claim_event("welcome:U1", kind="welcome")
    clock.advance(hours=400)
    assert store.purge_events(dt.timedelta(days=7)) == 0
    assert not store.claim_event("welcome:U1", kind="welcome")


def test_a_released_claim_can_be_claimed_again(store: Store) -> None:
    assert store.claim_event("welcome:U2", kind="welcome")
    store.release_event("welcome:U2", kind="welcome")  # the DM failed
    assert store.claim_event("welcome:U2", kind="welcome")
    assert not store.claim_event("welcome:U2", kind="welcome")


# Roles --------------------------------------------------------------------------------


def test_roles_set_get_and_clear(store: Store) -> None:
    assert store.get_role("U1") is None
    store.set_role("U1", "warehouse")
    store.set_role("U2", "customer-support")
    assert store.get_role("U1") == "warehouse"

    store.set_role("U1", "store-staff")
    assert store.get_role("U1") == "store-staff"

    store.set_role("U1", None)
    assert store.get_role("U1") is None
    assert store.get_role("U2") == "customer-support"
    store.set_role("U-unknown", None)  # clearing nothing is fine


# Questions and feedback ---------------------------------------------------------------


def test_log_and_get_question_round_trip(store: Store, clock: Clock) -> None:
    clock.now = dt.datetime(2026, 5, 1, 18, 30, tzinfo=JST)
    qid = log(
        store,
        "倉庫での返品はどうすればいい？",
        answered=True,
        language="ja",
        role="warehouse",
        sources=["ja/roles/warehouse.md", "ja/policies/refunds.md"],
        thread_ts="1714550000.000100",
    )
    record = store.get_question(qid)
    assert record is not None
    assert record.id == qid
    assert record.question == "倉庫での返品はどうすればいい？"
    assert record.answered and record.language == "ja" and record.role == "warehouse"
    assert record.sources == ["ja/roles/warehouse.md", "ja/policies/refunds.md"]
    assert record.thread_ts == "1714550000.000100"
    assert record.confidence == pytest.approx(0.8)
    assert record.created_at == dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)
    assert record.created_at.utcoffset() == dt.timedelta(0)

    assert store.get_question(qid + 1000) is None


def test_feedback_is_one_vote_per_user_and_a_second_click_updates_it(store: Store) -> None:
    qid = log(store, "Can I refund without approval?", answered=True)

    store.record_feedback(question_id=qid, user_id="U1", helpful=True)
    store.record_feedback(question_id=qid, user_id="U2", helpful=True)
    assert store.stats(since=START).model_dump() == {
        "questions": 1,
        "answered": 1,
        "helpful": 2,
        "not_helpful": 0,
    }

    store.record_feedback(question_id=qid, user_id="U1", helpful=False, comment="Too vague")
    stats = store.stats(since=START)
    assert (stats.helpful, stats.not_helpful) == (1, 1)
    [item] = store.negative_feedback(since=START)
    assert (item.question_id, item.user_id, item.comment) == (qid, "U1", "Too vague")


def test_feedback_for_an_unknown_question_is_refused(store: Store) -> None:
    with pytest.raises(UnknownQuestionError):
        store.record_feedback(question_id=12345, user_id="U1", helpful=True)


# Reports ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("How do I refund?", "how do i refund"),
        ("  HOW   do I\trefund ？！ ", "how do i refund"),
        ("ＲＥＦＵＮＤ　ポリシーは？", "refund ポリシーは"),
        ("返品できますか。", "返品できますか"),
    ],
)
def test_normalise_question(text: str, key: str) -> None:
    assert normalise_question(text) == key


def test_top_gaps_groups_orders_and_windows(store: Store, clock: Clock) -> None:
    log(store, "What is the loyalty programme?")  # before the window
    clock.advance(days=2)
    since = clock.now

    clock.advance(hours=1)
    log(store, "Can I give a voucher?", user_id="U1")
    clock.advance(hours=1)
    log(store, "how do I handle a data breach", user_id="U2")
    clock.advance(hours=1)
    log(store, "Can I give a   VOUCHER？", user_id="U3", language="ja")
    clock.advance(hours=1)
    log(store, "can i give a voucher", user_id="U4")
    clock.advance(hours=1)
    log(store, "What is the loyalty programme?")
    clock.advance(hours=1)
    log(store, "Can I give a voucher?", answered=True)  # answered: not a gap

    gaps = store.top_gaps(since=since)
    assert [(g.question, g.count) for g in gaps] == [
        ("can i give a voucher", 3),
        ("What is the loyalty programme?", 1),  # as often as the breach, but asked later
        ("how do I handle a data breach", 1),
    ]
    assert gaps[0].languages == ["en", "ja"]
    assert gaps[0].last_asked == START + dt.timedelta(days=2, hours=4)
    assert gaps[0].last_asked.tzinfo is not None

    assert [g.count for g in store.top_gaps(since=since, limit=1)] == [3]
    # Widening the window brings the early loyalty question back in.
    assert store.top_gaps(since=START)[1].count == 2
    assert store.top_gaps(since=clock.now + dt.timedelta(seconds=1)) == []


def test_negative_feedback_newest_first_within_the_window(store: Store, clock: Clock) -> None:
    old = log(store, "Old question", answered=True)
    store.record_feedback(question_id=old, user_id="U1", helpful=False)
    clock.advance(days=7)
    since = clock.now

    first = log(store, "First question", answered=True)
    second = log(store, "Second question", answered=True)
    liked = log(store, "Liked question", answered=True)
    clock.advance(minutes=5)
    store.record_feedback(question_id=first, user_id="U2", helpful=False, comment="wrong policy")
    clock.advance(minutes=5)
    store.record_feedback(question_id=second, user_id="U3", helpful=False)
    store.record_feedback(question_id=liked, user_id="U3", helpful=True)

    items = store.negative_feedback(since=since)
    assert [(i.question_id, i.question, i.user_id) for i in items] == [
        (second, "Second question", "U3"),
        (first, "First question", "U2"),
    ]
    assert items[1].comment == "wrong policy"
    assert items[1].answer == "Here is what our CX knowledge says."
    assert items[0].created_at == since + dt.timedelta(minutes=10)
    assert len(store.negative_feedback(since=START)) == 3
    assert len(store.negative_feedback(since=START, limit=1)) == 1


def test_stats_count_questions_and_votes_in_the_window(store: Store, clock: Clock) -> None:
    assert store.stats(since=START).model_dump() == {
        "questions": 0,
        "answered": 0,
        "helpful": 0,
        "not_helpful": 0,
    }
    old = log(store, "Old", answered=True)
    store.record_feedback(question_id=old, user_id="U1", helpful=True)
    clock.advance(days=1)
    since = clock.now

    a = log(store, "A", answered=True)
    b = log(store, "B", answered=True)
    log(store, "C")
    store.record_feedback(question_id=a, user_id="U1", helpful=True)
    store.record_feedback(question_id=b, user_id="U1", helpful=False)
    store.record_feedback(question_id=b, user_id="U2", helpful=False)

    stats = store.stats(since=since)
    assert stats.model_dump() == {"questions": 3, "answered": 2, "helpful": 1, "not_helpful": 2}
    assert store.stats(since=START).questions == 4


def test_reports_refuse_naive_datetimes(store: Store) -> None:
    naive = dt.datetime(2026, 5, 1)
    with pytest.raises(ValueError):
        store.top_gaps(since=naive)
    with pytest.raises(ValueError):
        store.negative_feedback(since=naive)
    with pytest.raises(ValueError):
        store.stats(since=naive)
