"""Slack Connect outsiders, guests, edited messages and DM threads (issue 13), through the
real Bolt app in HTTP mode with payloads shaped like Slack's own."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest

from tests.harness import MANAGER, Harness
from tests.scenario.fake_slack import BOT_USER, Failure
from tests.scenario.restricted import (
    GUEST,
    MANAGERS_MARKERS,
    MANAGERS_QUESTION,
    OTHER_TEAM,
    OUTSIDER,
    connect_command,
    connect_mention,
    dm,
    harness,
    make_bot,
    post_event,
    restricted_index,
    sent,
)

__all__ = ["harness", "make_bot", "restricted_index"]  # fixtures

REFUND_QUESTION = "How much can store staff refund?"
ANSWERS = ("chat.postMessage", "chat.postEphemeral", "chat.startStream", "response_url")


def replies(harness: Harness) -> list[str]:
    return [c.method for c in harness.fake.calls if c.method in ANSWERS]


# -- Slack Connect outsiders ------------------------------------------------------------------


def test_an_outsider_mentioning_the_bot_is_ignored(harness: Harness) -> None:
    status = post_event(harness, connect_mention(REFUND_QUESTION), event_id="Ev1", shared=True)
    assert status == 200
    harness.settle()
    assert replies(harness) == []
    assert "¥5,000" not in sent(harness)


def test_notice_mode_tells_an_outsider_once_and_kindly(make_bot: Callable[..., Harness]) -> None:
    harness = make_bot(external_users="notice")
    post_event(harness, connect_mention(REFUND_QUESTION), event_id="Ev1", shared=True)
    [notice] = harness.fake.wait_for("chat.postEphemeral")
    assert notice.args["user"] == OUTSIDER and notice.args["channel"] == "C0SHARED"
    assert "employees" in notice.args["text"] and "¥5,000" not in notice.args["text"]
    again = connect_mention("And exchanges?", ts="1726133800.000100")
    post_event(harness, again, event_id="Ev2", shared=True)
    harness.settle()
    assert replies(harness) == ["chat.postEphemeral"]


def test_notice_mode_answers_a_japanese_outsider_in_japanese(
    make_bot: Callable[..., Harness],
) -> None:
    harness = make_bot(external_users="notice")
    question = connect_mention("返金はいくらまでできますか？")
    post_event(harness, question, event_id="Ev1", shared=True)
    [notice] = harness.fake.wait_for("chat.postEphemeral")
    assert "社員専用" in notice.args["text"]


def test_an_outsiders_slash_command_gets_nothing_or_one_notice(
    make_bot: Callable[..., Harness],
) -> None:
    quiet = make_bot()
    status, body = connect_command(quiet, "/cx", REFUND_QUESTION)
    quiet.settle()
    assert status == 200 and body == "" and replies(quiet) == []
    kind = make_bot(external_users="notice")
    status, body = connect_command(kind, "/cx", REFUND_QUESTION)
    kind.settle()
    assert status == 200 and "employees" in json.loads(body)["text"]
    assert replies(kind) == [] and "¥5,000" not in body


def test_an_outsider_cannot_file_kudos_nor_vote(harness: Harness) -> None:
    status, _ = connect_command(harness, "/kudos", "<@U0001> The support was wonderful!")
    assert status == 200
    vote = {
        "type": "block_actions",
        "user": {"id": OUTSIDER, "username": "pat", "name": "pat", "team_id": OTHER_TEAM},
        "trigger_id": "1.2.3",
        "channel": {"id": "C0SHARED", "name": "shared-partner"},
        "container": {"type": "message", "channel_id": "C0SHARED"},
        "message": {"ts": "1700000000.000100", "text": "answer"},
        "response_url": harness.fake.response_url(),
        "actions": [{"action_id": "cx_feedback_down", "block_id": "b", "value": "1"}],
    }
    assert harness.interactive(vote)[0] == 200
    harness.settle()
    assert replies(harness) == [] and harness.fake.calls_to("views.open") == []
    assert harness.store.kudos.wins(statuses=("broadcast", "nominated")) == []


def test_kudos_for_someone_from_another_company_is_refused_kindly(harness: Harness) -> None:
    harness.slash("/kudos", f"<@{OUTSIDER}> Pat was wonderful on the phone!", user=MANAGER)
    [reply] = harness.fake.wait_for("response_url")
    assert "colleagues" in reply.args["text"] and f"<@{OUTSIDER}>" in reply.args["text"]
    harness.settle()
    assert harness.fake.calls_to("chat.postMessage") == []


def test_the_kudos_form_asks_to_remove_someone_from_another_company(harness: Harness) -> None:
    state = {
        "recipients": {"recipients": {"type": "multi_users_select", "selected_users": [OUTSIDER]}},
        "quote": {"quote": {"type": "plain_text_input", "value": "Pat was so patient!"}},
    }
    submission = {
        "type": "view_submission",
        "user": {"id": MANAGER, "team_id": "T0001"},
        "trigger_id": "t",
        "view": {
            "id": "V1",
            "callback_id": "kudos_modal",
            "type": "modal",
            "private_metadata": "{}",
            "hash": "h",
            "state": {"values": state},
        },
    }
    status, body, _ = harness.interactive(submission)
    assert status == 200
    reply = json.loads(body)
    assert reply["response_action"] == "errors" and "Pat" in reply["errors"]["recipients"]
    harness.settle()
    assert harness.fake.calls_to("chat.postMessage") == []


def test_an_outsider_gets_no_app_home(harness: Harness) -> None:
    event = {"type": "app_home_opened", "user": OUTSIDER, "channel": "D0EXT", "tab": "home"}
    post_event(harness, event | {"user_team": OTHER_TEAM}, event_id="Ev1")
    harness.settle()
    assert harness.fake.calls_to("views.publish") == []


# -- guests -----------------------------------------------------------------------------------


def test_a_guest_is_not_answered_by_default(harness: Harness) -> None:
    post_event(harness, dm(REFUND_QUESTION, user=GUEST, ts="1.000100"), event_id="Ev1")
    harness.settle()
    assert replies(harness) == []


def test_a_guest_with_all_staff_access_reads_all_staff_documents_only(
    make_bot: Callable[..., Harness],
) -> None:
    harness = make_bot(guest_access="all-staff", kudos_managers=f"{MANAGER},{GUEST}")
    post_event(harness, dm(REFUND_QUESTION, user=GUEST, ts="1.000100"), event_id="Ev1")
    [answer] = harness.fake.wait_for("chat.postMessage")
    assert "¥5,000" in json.dumps(answer.args["blocks"], ensure_ascii=False)
    # Listed as a manager by mistake: still all-staff documents only, being a guest.
    post_event(harness, dm(MANAGERS_QUESTION, user=GUEST, ts="2.000100"), event_id="Ev2")
    harness.fake.wait_for("chat.postMessage", count=2)
    harness.settle()
    assert not [m for m in MANAGERS_MARKERS if m in sent(harness)]


# -- edits and threads ------------------------------------------------------------------------


def test_an_edited_mention_is_not_answered_again(harness: Harness) -> None:
    ts = "1700000100.000100"
    mention = {
        "type": "app_mention",
        "user": "U0001",
        "text": f"<@{BOT_USER}> How much can store staff refund?",
        "ts": ts,
        "channel": "C1",
        "event_ts": ts,
    }
    post_event(harness, mention, event_id="Ev1")
    harness.fake.wait_for("chat.postMessage")
    edited = mention | {
        "text": f"<@{BOT_USER}> How much can store staff refund, exactly?",
        "edited": {"user": "U0001", "ts": "1700000160.000000"},
        "event_ts": "1700000160.000000",
    }
    post_event(harness, edited, event_id="Ev2")  # Slack re-sends it with a new event id
    harness.settle()
    assert len(harness.fake.calls_to("chat.postMessage")) == 1


def test_message_changed_is_never_answered(harness: Harness) -> None:
    root = "1700000200.000100"
    harness.fake.add_message("C1", {"ts": root, "thread_ts": root, "user": BOT_USER})
    for channel, kind in (("C1", "channel"), ("D0001", "im")):
        changed = {
            "type": "message",
            "subtype": "message_changed",
            "channel": channel,
            "channel_type": kind,
            "hidden": True,
            "ts": "1700000260.000001",
            "event_ts": "1700000260.000001",
            "message": {
                "type": "message",
                "user": "U0001",
                "text": f"<@{BOT_USER}> How much can store staff refund?",
                "ts": "1700000250.000005",
                "thread_ts": root,
                "edited": {"user": "U0001", "ts": "1700000260.000001"},
            },
            "previous_message": {
                "type": "message",
                "user": "U0001",
                "text": "refund?",
                "ts": "1700000250.000005",
                "thread_ts": root,
            },
        }
        post_event(harness, changed, event_id=f"Ev-{kind}")
    harness.settle()
    assert replies(harness) == []


def test_a_reply_in_an_ordinary_dm_thread_sets_no_assistant_status(harness: Harness) -> None:
    root = "1700000300.000100"
    harness.fake.add_message("DU0001", {"ts": root, "user": "U0001", "text": "Refunds"})
    reply = dm(REFUND_QUESTION, user="U0001", ts="1700000300.000200", thread_ts=root)
    post_event(harness, reply, event_id="Ev1")
    [answer] = harness.fake.wait_for("chat.postMessage")
    assert answer.args["thread_ts"] == root
    harness.settle()
    assert harness.fake.calls_to("assistant.threads.setStatus") == []


def test_a_message_in_an_assistant_thread_shows_the_searching_status(harness: Harness) -> None:
    root = "1700000400.000100"
    harness.fake.add_message(
        "DU0001",
        {"ts": root, "user": BOT_USER, "subtype": "assistant_app_thread", "text": "New chat"},
    )
    reply = dm(REFUND_QUESTION, user="U0001", ts="1700000400.000200", thread_ts=root)
    post_event(harness, reply, event_id="Ev1")
    [status] = harness.fake.wait_for("assistant.threads.setStatus")
    assert status.args["thread_ts"] == root
    [answer] = harness.fake.wait_for("chat.postMessage")
    assert "¥5,000" in json.dumps(answer.args["blocks"], ensure_ascii=False)


# -- start-up ---------------------------------------------------------------------------------


def test_the_start_up_log_says_requests_are_refused_while_auth_test_fails(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.answering.service import AnsweringService
    from bot.slack.app import build_app

    harness.fake.fail_next("auth.test", *[Failure(500)] * 3)
    with caplog.at_level(logging.WARNING, logger="bot.slack.app"):
        build_app(
            harness.settings,
            index=harness.index,
            answerer=AnsweringService(index=harness.index),
            store=harness.store,
        )
    [record] = [r for r in caplog.records if "auth.test failed" in r.getMessage()]
    message = record.getMessage()
    assert record.levelno == logging.ERROR
    assert "refused until auth.test succeeds" in message and "SLACK_BOT_TOKEN" in message
    assert "still answer" not in message and "xoxb-test" not in message
