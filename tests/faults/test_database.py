"""The database goes away (a dropped connection, a restarted server): the bot says so kindly,
stores nothing half-way, posts nothing it could not store, and works again on the next
request. Everywhere with SQLite (statements refused); with a real PostgreSQL when
CX_DATABASE_URL points at one (server-side connections killed)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.slack.blocks import ACTION_FEEDBACK_UP
from bot.store import Store
from tests.faults.conftest import Faults, database_down, text_of, wait_until
from tests.harness import MANAGER

QUESTION = "How much can store staff refund without approval?"
QUOTE = "Kenji carried my shopping to the car in the rain, thank you so much!"


def test_event_during_an_outage_is_refused_and_answered_on_slacks_retry(faults: Faults) -> None:
    bot = faults.start_bot()
    with database_down(faults.store):
        status, ts = bot.ask(QUESTION, event_id="EvDb1")
    # Not acknowledged: Slack delivers the event again (X-Slack-Retry-Num) a little later.
    assert status >= 500
    status, _, _ = bot.harness.event(
        {"type": "app_mention", "user": "U0001", "channel": "C1", "ts": ts, "text": QUESTION},
        event_id="EvDb1",
        headers={"X-Slack-Retry-Num": "1"},
    )
    assert status == 200
    [answer] = faults.wait_posted("C1")
    assert answer["thread_ts"] == ts and "Sources" in text_of(answer)
    faults.settle()
    assert len(faults.posted("C1")) == 1 and len(faults.questions("U0001")) == 1


def test_outage_while_answering_apologises_then_recovers(faults: Faults) -> None:
    bot = faults.start_bot()
    with database_down(faults.store, only="cx_questions"):
        bot.ask(QUESTION, event_id="EvDb2")
        [apology] = faults.wait_posted("C1")
    assert "try again in a moment" in text_of(apology)
    bot.ask(QUESTION, event_id="EvDb3")
    wait_until(lambda: len(faults.posted("C1")) == 2, what="the answer after recovery")
    assert "Sources" in text_of(faults.posted("C1")[1])
    assert len(faults.questions("U0001")) == 1


def test_kudos_during_an_outage_is_not_posted_and_the_sender_keeps_their_words(
    faults: Faults,
) -> None:
    bot = faults.start_bot()
    with database_down(faults.store, only="cx_kudos"):
        bot.harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)
        [reply] = faults.fake.wait_for("response_url")
    assert "couldn't save" in reply.args["text"] and QUOTE in reply.args["text"]
    assert faults.posted("CWINS") == [] and faults.kudos_rows() == []
    bot.harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)  # sent again
    faults.wait_posted("CWINS")
    faults.settle()
    assert len(faults.posted("CWINS")) == 1 and len(faults.kudos_rows()) == 1


def test_feedback_during_an_outage_asks_to_click_again_then_is_stored(faults: Faults) -> None:
    bot = faults.start_bot()
    bot.ask(QUESTION, event_id="EvDb4")
    faults.wait_posted("C1")
    [logged] = faults.questions("U0001")
    with database_down(faults.store, only="cx_feedback"):
        bot.harness.action(ACTION_FEEDBACK_UP, str(logged.id))
        [ephemeral] = faults.fake.wait_for("chat.postEphemeral")
    assert "couldn't save your vote" in ephemeral.args["text"]
    assert faults.feedback(logged.id) == []
    bot.harness.action(ACTION_FEEDBACK_UP, str(logged.id))
    [vote] = wait_until(lambda: faults.feedback(logged.id), what="the stored vote")
    assert vote.helpful


# -- a real PostgreSQL server -----------------------------------------------------------------


@pytest.fixture()
def postgres_store() -> Iterator[Store]:
    """A fresh database on the server CX_DATABASE_URL names, dropped afterwards."""
    url = os.environ.get("CX_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("CX_DATABASE_URL does not point at a PostgreSQL server")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"cx_faults_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no CREATEDB right, server down: nothing to test against
        admin.dispose()
        pytest.skip(f"cannot create a test database: {exc}")
    store = Store(make_url(url).set(database=name).render_as_string(hide_password=False))
    store.create_all()
    try:
        yield store
    finally:
        store.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _kill_connections(store: Store) -> int:
    """What a server restart or a load balancer does to idle connections."""
    database = store.engine.url.database
    with create_engine(store.url, isolation_level="AUTOCOMMIT").connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        ).scalar_one()
    return int(killed)


def test_postgres_connections_killed_the_bot_recovers_on_the_next_request(
    faults: Faults, postgres_store: Store
) -> None:
    faults.store = postgres_store
    bot = faults.start_bot()
    bot.ask(QUESTION, event_id="EvPg1")
    faults.wait_posted("C1")
    assert _kill_connections(postgres_store) >= 1  # the pool held at least one
    bot.ask(QUESTION, event_id="EvPg2", user="U0002")
    wait_until(lambda: len(faults.posted("C1")) == 2, what="the answer after the kill")
    assert "Sorry" not in text_of(faults.posted("C1")[1])
    bot.harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)
    faults.wait_posted("CWINS")
    _kill_connections(postgres_store)
    [logged] = faults.questions("U0002")
    bot.harness.action(ACTION_FEEDBACK_UP, str(logged.id), user="U0002")
    wait_until(lambda: faults.feedback(logged.id), what="the stored vote")
    assert len(faults.kudos_rows()) == 1 and len(faults.posted("CWINS")) == 1
