"""Staff ask in Slack: signed requests through the real Bolt app, a fake Slack Web API."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from slack_bolt.request import BoltRequest

from tests.harness import LEAD, Harness
from tests.scenario.fake_slack import BOT_USER, Failure


def blocks_text(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def mention(
    text: str,
    *,
    ts: str = "1700000100.000100",
    thread_ts: str | None = None,
    user: str = "U0001",
    channel: str = "C1",
) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def test_mention_gets_one_threaded_reply_with_sources(harness: Harness) -> None:
    status, _, _ = harness.event(mention("How much can store staff refund?"), event_id="Ev1")
    assert status == 200
    [call] = harness.fake.wait_for("chat.postMessage")
    assert call.args["channel"] == "C1" and call.args["thread_ts"] == "1700000100.000100"
    text = blocks_text(call.args["blocks"])
    assert "¥5,000" in text and "Refunds and remedies" in text
    assert "cx_feedback_up" in text and "cx_ask_person" in text
    harness.settle()
    assert len(harness.fake.calls_to("chat.postMessage")) == 1


def test_direct_message_is_answered_in_the_dm(harness: Harness) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0001",
        "channel": "D1",
        "text": "What may warehouse staff authorise?",
        "ts": "1700000200.000100",
    }
    harness.event(event, event_id="Ev2")
    [call] = harness.fake.wait_for("chat.postMessage")
    assert call.args["channel"] == "D1" and "¥8,000" in blocks_text(call.args["blocks"])


def test_thread_follow_up_uses_the_earlier_turns(harness: Harness) -> None:
    root = "1700000300.000100"
    harness.fake.add_message(
        "C1",
        {
            "ts": root,
            "user": "U0001",
            "thread_ts": root,
            "text": f"<@{BOT_USER}> What may warehouse staff authorise?",
        },
    )
    harness.fake.add_message(
        "C1",
        {
            "ts": "1700000300.000200",
            "user": BOT_USER,
            "bot_id": "BBOT",
            "thread_ts": root,
            "text": "Re-delivery or reshipment.",
        },
    )
    follow_up = {
        "type": "message",
        "channel_type": "channel",
        "user": "U0001",
        "channel": "C1",
        "text": "and how much is the limit?",
        "ts": "1700000300.000300",
        "thread_ts": root,
    }
    harness.event(follow_up, event_id="Ev3")
    [call] = harness.fake.wait_for("chat.postMessage")
    assert call.args["thread_ts"] == root
    assert "¥8,000" in blocks_text(call.args["blocks"])


def test_thread_message_without_the_bot_is_ignored(harness: Harness) -> None:
    event = {
        "type": "message",
        "channel_type": "channel",
        "user": "U0001",
        "channel": "C1",
        "text": "lunch?",
        "ts": "1700000400.000300",
        "thread_ts": "1700000400.000100",
    }
    harness.event(event, event_id="Ev4")
    harness.fake.wait_for("conversations.replies")
    harness.settle()
    assert harness.fake.calls_to("chat.postMessage") == []


def test_retried_event_is_answered_once(harness: Harness) -> None:
    event = mention("How much can store staff refund?", ts="1700000500.000100")
    for retry in (None, "1", "2"):
        headers = (
            {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        )
        status, _, _ = harness.event(event, event_id="EvRetry", headers=headers)
        assert status == 200
    harness.fake.wait_for("chat.postMessage")
    harness.settle()
    assert len(harness.fake.calls_to("chat.postMessage")) == 1


def test_bad_signature_and_old_timestamp_are_rejected(harness: Harness) -> None:
    status, _, _ = harness.event(mention("hi"), event_id="EvBad", signature="v0=deadbeef")
    assert status == 401
    status, _, _ = harness.event(mention("hi"), event_id="EvOld", timestamp=int(time.time()) - 3600)
    assert status == 401
    harness.settle()
    assert harness.fake.calls_to("chat.postMessage") == []


def test_bots_edits_and_deletions_are_ignored(harness: Harness) -> None:
    base = {"type": "message", "channel_type": "im", "channel": "D1", "ts": "1700000600.000100"}
    harness.event(
        base | {"bot_id": "BOTHER", "text": "How much can store staff refund?"}, event_id="EvB1"
    )
    harness.event(
        base | {"subtype": "message_changed", "message": {"text": "edited"}}, event_id="EvB2"
    )
    harness.event(base | {"subtype": "message_deleted"}, event_id="EvB3")
    harness.settle()
    assert harness.fake.calls_to("chat.postMessage") == []


def test_rate_limited_post_is_retried_and_delivered(harness: Harness) -> None:
    harness.fake.fail_next("chat.postMessage", Failure(429, retry_after=1))
    harness.event(
        mention("How much can store staff refund?", ts="1700000700.000100"), event_id="Ev429"
    )
    calls = harness.fake.wait_for("chat.postMessage", count=2)
    assert [c.args["_failed"] for c in calls] == [True, False]


def test_knowledge_text_cannot_ping_anyone(harness: Harness) -> None:
    harness.event(
        mention(
            "What do I say for a lost child announcement on the tannoy?", ts="1700000800.000100"
        ),
        event_id="EvEsc",
    )
    [call] = harness.fake.wait_for("chat.postMessage")
    posted = blocks_text(call.args["blocks"]) + call.args.get("text", "")
    assert "lost child" in posted
    assert "<!channel>" not in posted and "<@U123>" not in posted
    assert "&lt;!channel&gt;" in posted


def test_unanswerable_question_is_a_gap_on_the_leads_home(harness: Harness) -> None:
    harness.event(
        mention("What is the wifi password at head office?", ts="1700000900.000100"),
        event_id="EvGap",
    )
    [call] = harness.fake.wait_for("chat.postMessage")
    assert "Aiko (@aiko)" in blocks_text(call.args["blocks"])
    harness.event(
        {"type": "app_home_opened", "user": LEAD, "channel": "DL", "tab": "home"}, event_id="EvHome"
    )
    [publish] = harness.fake.wait_for("views.publish")
    assert publish.args["user_id"] == LEAD
    assert "wifi password" in blocks_text(publish.args["view"])


def test_socket_mode_payload_is_answered(harness: Harness) -> None:
    body = {
        "type": "event_callback",
        "team_id": "T0001",
        "event_id": "EvSocket",
        "authorizations": [{"team_id": "T0001", "user_id": BOT_USER, "is_bot": True}],
        "event": mention("How much can store staff refund?", ts="1700001000.000100"),
    }
    response = harness.app.dispatch(BoltRequest(body=json.dumps(body), mode="socket_mode"))
    assert response.status == 200
    [call] = harness.fake.wait_for("chat.postMessage")
    assert "¥5,000" in blocks_text(call.args["blocks"])


def test_a_failing_answer_gets_an_apology_and_the_bot_keeps_going(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.answering.service import AnsweringService

    original = AnsweringService.answer

    def broken(self: AnsweringService, question: str, **kwargs: Any) -> Any:
        if "explode" in question:
            raise RuntimeError("index unavailable")
        return original(self, question, **kwargs)

    monkeypatch.setattr(AnsweringService, "answer", broken)
    harness.event(mention("please explode", ts="1700001100.000100"), event_id="EvBoom")
    [apology] = harness.fake.wait_for("chat.postMessage")
    assert "Sorry" in apology.args["text"] and apology.args["thread_ts"] == "1700001100.000100"
    harness.event(
        mention("How much can store staff refund?", ts="1700001200.000100"), event_id="EvAfter"
    )
    calls = harness.fake.wait_for("chat.postMessage", count=2)
    assert "¥5,000" in blocks_text(calls[1].args["blocks"])


def test_the_bot_starts_even_when_auth_test_fails(harness: Harness) -> None:
    from bot.slack.app import build_app
    from tests.scenario.fake_slack import Failure

    harness.fake.fail_next("auth.test", Failure(500), Failure(500), Failure(500))
    app = build_app(
        harness.settings, index=harness.index, answerer=_answerer(harness), store=harness.store
    )
    body = {
        "type": "event_callback",
        "team_id": "T0001",
        "event_id": "EvNoAuth",
        "event": mention("How much can store staff refund?", ts="1700001300.000100"),
    }
    assert app.dispatch(BoltRequest(body=json.dumps(body), mode="socket_mode")).status == 200
    [call] = harness.fake.wait_for("chat.postMessage")
    assert "¥5,000" in blocks_text(call.args["blocks"])


def _answerer(harness: Harness) -> Any:
    from bot.answering.service import AnsweringService

    assert harness.index is not None
    return AnsweringService(index=harness.index)
