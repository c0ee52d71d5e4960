"""Document audiences in Slack (issue 13): a restricted page is quoted only to people in its
audience, never in a channel, never through "Share in channel"; each answer is audited."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest

from tests.harness import LEAD, MANAGER, Harness
from tests.scenario.fake_slack import BOT_USER
from tests.scenario.restricted import (
    MANAGERS_MARKERS,
    MANAGERS_PATH,
    MANAGERS_QUESTION,
    SHARED,
    WEST,
    WEST_MARKERS,
    WEST_QUESTION,
    dm,
    harness,
    make_bot,
    post_event,
    restricted_index,
    sent,
)

__all__ = ["harness", "make_bot", "restricted_index"]  # fixtures


def mention(text: str, *, user: str, ts: str, channel: str = "C1") -> dict[str, object]:
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": "T0001",
        "user_team": "T0001",
        "source_team": "T0001",
    }


def blocks_of(harness: Harness, method: str) -> str:
    [call] = harness.fake.wait_for(method)
    return json.dumps(call.args.get("blocks"), ensure_ascii=False)


def test_a_manager_asking_in_a_channel_gets_no_managers_only_text(harness: Harness) -> None:
    post_event(harness, mention(MANAGERS_QUESTION, user=MANAGER, ts="1.000100"), event_id="Ev1")
    harness.fake.wait_for("chat.postMessage")
    harness.settle()
    everything = sent(harness)
    assert not [m for m in MANAGERS_MARKERS if m in everything]
    assert MANAGERS_PATH not in everything


def test_staff_asking_in_a_dm_get_no_managers_only_text(harness: Harness) -> None:
    post_event(harness, dm(MANAGERS_QUESTION, user="U0001", ts="2.000100"), event_id="Ev2")
    harness.fake.wait_for("chat.postMessage")
    harness.settle()
    assert not [m for m in MANAGERS_MARKERS if m in sent(harness)]


def test_a_manager_asking_in_a_dm_is_answered_from_the_managers_page(harness: Harness) -> None:
    post_event(harness, dm(MANAGERS_QUESTION, user=MANAGER, ts="3.000100"), event_id="Ev3")
    text = blocks_of(harness, "chat.postMessage")
    assert "0120-555-019" in text and "Escalation contacts for managers" in text


def test_a_user_group_page_reaches_its_members_only(harness: Harness) -> None:
    harness.command(WEST_QUESTION, user=WEST)
    [reply] = harness.fake.wait_for("response_url")
    assert "¥1,500" in json.dumps(reply.args["blocks"], ensure_ascii=False)
    harness.command(WEST_QUESTION, user="U0001")
    replies = harness.fake.wait_for("response_url", count=2)
    harness.settle()
    assert not [m for m in WEST_MARKERS if m in json.dumps(replies[1].args, ensure_ascii=False)]


def test_a_lead_reads_the_managers_page_in_private(harness: Harness) -> None:
    harness.command(MANAGERS_QUESTION, user=LEAD)
    [reply] = harness.fake.wait_for("response_url")
    assert "0120-555-019" in json.dumps(reply.args["blocks"], ensure_ascii=False)


def test_sharing_a_restricted_answer_in_a_channel_is_refused_kindly(harness: Harness) -> None:
    harness.command(MANAGERS_QUESTION, user=MANAGER)
    [reply] = harness.fake.wait_for("response_url")
    assert "cx_share_answer" in json.dumps(reply.args["blocks"])
    harness.action("cx_share_answer", "1", user=MANAGER)
    replies = harness.fake.wait_for("response_url", count=2)
    harness.settle()
    assert "not everyone in this channel may read" in replies[1].args["text"]
    assert harness.fake.calls_to("chat.postMessage") == []


def test_sharing_into_a_channel_shared_with_another_company_is_refused(
    harness: Harness,
) -> None:
    harness.command("How much can store staff refund?", channel=SHARED)
    harness.fake.wait_for("response_url")
    harness.action("cx_share_answer", "1", channel=SHARED)
    replies = harness.fake.wait_for("response_url", count=2)
    harness.settle()
    assert "outside our company" in replies[1].args["text"]
    assert harness.fake.calls_to("chat.postMessage") == []


def test_a_channel_may_be_configured_for_managers(make_bot: Callable[..., Harness]) -> None:
    harness = make_bot(channel_audience="C0MGRS=managers")
    event = mention(MANAGERS_QUESTION, user=MANAGER, ts="4.000100", channel="C0MGRS")
    post_event(harness, event, event_id="Ev4")
    assert "0120-555-019" in blocks_of(harness, "chat.postMessage")


def test_a_member_in_a_slack_connect_channel_is_answered_only_to_them(harness: Harness) -> None:
    event = mention("How much can store staff refund?", user="U0001", ts="5.000100")
    post_event(harness, event | {"channel": SHARED}, event_id="Ev5", shared=True)
    [reply] = harness.fake.wait_for("chat.postEphemeral")
    assert reply.args["user"] == "U0001" and "¥5,000" in json.dumps(
        reply.args["blocks"], ensure_ascii=False
    )
    harness.settle()
    assert harness.fake.calls_to("chat.postMessage") == []


def test_each_answer_is_audited_without_its_text(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cx.audit")
    question = "How much can store staff refund?"
    post_event(harness, mention(question, user="U0001", ts="6.000100"), event_id="Ev6")
    post_event(harness, dm(MANAGERS_QUESTION, user=MANAGER, ts="6.000200"), event_id="Ev7")
    harness.fake.wait_for("chat.postMessage", count=2)
    harness.settle()
    lines = [r.getMessage() for r in caplog.records if r.name == "cx.audit"]
    assert len(lines) == 2, lines
    channel, direct = sorted(lines, key=lambda line: "surface=dm" in line)
    assert "asker=U0001" in channel and "surface=mention" in channel and "channel=C1" in channel
    assert "audience=[channel: all staff]" in channel and "en/refunds.md" in channel
    assert "surface=dm" in direct and "managers" in direct and MANAGERS_PATH in direct
    for line in lines:
        assert "refund?" not in line and "hotline number" not in line
        assert "¥5,000" not in line and "0120-555-019" not in line


def test_app_home_shows_only_what_the_reader_may_read(harness: Harness) -> None:
    event = {"type": "app_home_opened", "user": "U0001", "channel": "D0001", "tab": "home"}
    post_event(harness, event, event_id="Ev8")
    [home] = harness.fake.wait_for("views.publish")
    assert "Make every day feel like home" in json.dumps(home.args["view"], ensure_ascii=False)
    harness.settle()
    assert not [m for m in MANAGERS_MARKERS + WEST_MARKERS if m in sent(harness)]
