"""Slack's Web API rate-limits (429 + Retry-After), fails (500) or times out: answers arrive
once, kudos and nominations stay stored and are posted once Slack is back, never twice, and
feedback clicked meanwhile is kept."""

from __future__ import annotations

import pytest

from bot.slack.blocks import ACTION_FEEDBACK_DOWN, ACTION_FEEDBACK_UP
from bot.store.kudos import PENDING
from tests.faults.conftest import CLIENT_TIMEOUT_S, Faults, text_of, wait_until
from tests.harness import MANAGER
from tests.scenario.fake_slack import Failure

QUESTION = "How much can store staff refund without approval?"
QUOTE = "Kenji carried my shopping to the car in the rain, thank you so much!"
# The client makes one call and two retries on a 500: three failures outlast them.
SLACK_DOWN = (Failure(500), Failure(500), Failure(500))


@pytest.mark.parametrize(
    "failures",
    [
        pytest.param((Failure(429, retry_after=1),), id="429-retry-after"),
        pytest.param((Failure(500), Failure(503)), id="500-then-503"),
        pytest.param((Failure(500, delay=CLIENT_TIMEOUT_S + 1.0),), id="timeout"),
    ],
)
def test_answer_is_posted_once_after_slack_errors(
    faults: Faults, failures: tuple[Failure, ...]
) -> None:
    bot = faults.start_bot()
    faults.fake.fail_next("chat.postMessage", *failures)
    status, ts = bot.ask(QUESTION, event_id="EvAns1")
    assert status == 200
    [answer] = faults.wait_posted("C1")
    assert answer["thread_ts"] == ts and "Sources" in text_of(answer)
    assert "Sorry" not in text_of(answer)
    faults.settle()
    assert len(faults.posted("C1")) == 1
    attempts = faults.fake.calls_to("chat.postMessage")
    assert len(attempts) == len(failures) + 1  # every failure was retried once, no more
    [logged] = faults.questions("U0001")
    assert logged.answered


def test_answer_when_slack_stays_down_is_logged_and_the_next_one_posts(faults: Faults) -> None:
    bot = faults.start_bot()
    # Down for the answer and for the apology after it.
    faults.fake.fail_next("chat.postMessage", *SLACK_DOWN, *SLACK_DOWN)
    bot.ask(QUESTION, event_id="EvDown1")
    wait_until(lambda: len(faults.fake.calls_to("chat.postMessage")) >= 6, what="6 attempts")
    assert faults.posted("C1") == []
    [logged] = faults.questions("U0001")  # the question still counts for the CX team
    assert logged.answered
    bot.ask(QUESTION, event_id="EvDown2")  # Slack is back
    [answer] = faults.wait_posted("C1")
    assert "Sources" in text_of(answer)


def test_kudos_during_a_slack_outage_is_stored_then_posted_once(faults: Faults) -> None:
    faults.fake.fail_next("chat.postMessage", *SLACK_DOWN)
    bot = faults.start_bot(kudos_retry_delays=(0.5, 1.0, 2.0))
    bot.harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)
    [confirmation] = faults.fake.wait_for("response_url")
    assert (
        "saved" in confirmation.args["text"]
        and "as soon as Slack is back" in confirmation.args["text"]
    )
    [row] = faults.kudos_rows()  # durable before anything was posted
    assert row.status == "broadcast" and QUOTE[:20] in row.quote
    # The retry timer posts it once Slack answers again.
    [win] = faults.wait_posted("CWINS")
    assert "U0KENJI" in text_of(win)
    wait_until(lambda: faults.kudos_rows()[0].posted_ts not in (None, PENDING), what="posted")
    # A restart (a second bot process) retries what is owed: nothing is.
    faults.start_bot()
    faults.settle()
    assert len(faults.posted("CWINS")) == 1
    assert len(faults.kudos_rows()) == 1


def test_kudos_rate_limited_is_posted_once_by_the_client_retry(faults: Faults) -> None:
    faults.fake.fail_next("chat.postMessage", Failure(429, retry_after=1))
    bot = faults.start_bot()
    bot.harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)
    [confirmation] = faults.fake.wait_for("response_url")
    assert "celebrated in the wins channel" in confirmation.args["text"]
    [win] = faults.wait_posted("CWINS")
    [row] = faults.kudos_rows()
    assert row.posted_ts == win.get("ts") or row.posted_ts not in (None, PENDING)


def test_nomination_during_an_outage_is_posted_for_review_after_a_restart(faults: Faults) -> None:
    faults.fake.fail_next("chat.postMessage", *SLACK_DOWN)
    first = faults.start_bot(kudos_retry_delays=(3600.0,))  # only the restart retries
    first.harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user="U0NOMINATOR")
    [confirmation] = faults.fake.wait_for("response_url")
    assert "for review as soon as Slack is back" in confirmation.args["text"]
    [row] = faults.kudos_rows()
    assert row.status == "nominated" and row.posted_ts == PENDING
    assert faults.posted("CREVIEW") == []
    first.stop()
    faults.start_bot()  # the restart retries what is owed
    [review] = faults.wait_posted("CREVIEW")
    assert "kudos_approve" in text_of(review)
    wait_until(lambda: faults.kudos_rows()[0].posted_ts != PENDING, what="marked posted")
    faults.start_bot()  # and another: nothing owed any more
    faults.settle()
    assert len(faults.posted("CREVIEW")) == 1 and len(faults.kudos_rows()) == 1


def test_two_processes_retrying_post_a_win_once(faults: Faults) -> None:
    faults.fake.fail_next("chat.postMessage", *SLACK_DOWN)
    bot = faults.start_bot()
    bot.harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)
    faults.fake.wait_for("response_url")
    # Two bot processes start at once; both see the owed win, one claims it.
    faults.start_bot()
    faults.start_bot()
    faults.wait_posted("CWINS")
    faults.settle()
    assert len(faults.posted("CWINS")) == 1


def test_feedback_clicked_during_an_outage_is_stored(faults: Faults) -> None:
    bot = faults.start_bot()
    bot.ask(QUESTION, event_id="EvFb1")
    [answer] = faults.wait_posted("C1")
    [logged] = faults.questions("U0001")
    faults.fake.fail_next("chat.postEphemeral", *SLACK_DOWN)
    bot.harness.action(ACTION_FEEDBACK_UP, str(logged.id), user="U0001")
    bot.harness.action(ACTION_FEEDBACK_DOWN, str(logged.id), user="U0002")
    votes = wait_until(lambda: v if len(v := faults.feedback(logged.id)) == 2 else [])
    assert sorted((v.user_id, v.helpful) for v in votes) == [("U0001", True), ("U0002", False)]
    assert answer["thread_ts"]
