"""`/cx` and the buttons on answers, through the real Bolt app over HTTP."""

from __future__ import annotations

import datetime as dt
import json

from tests.harness import LEAD, Harness


def test_cx_answers_privately_with_a_share_button(harness: Harness) -> None:
    status, _, _ = harness.command("How much can store staff refund?")
    assert status == 200
    [reply] = harness.fake.wait_for("response_url")
    assert reply.args["response_type"] == "ephemeral"
    text = json.dumps(reply.args["blocks"], ensure_ascii=False)
    assert "¥5,000" in text and "cx_share_answer" in text
    question_id = harness.store.stats(since=_long_ago()).questions
    assert question_id == 1
    harness.action("cx_share_answer", "1")
    [shared] = harness.fake.wait_for("chat.postMessage")
    assert shared.args["channel"] == "C1"
    shared_text = json.dumps(shared.args["blocks"], ensure_ascii=False)
    assert "¥5,000" in shared_text and "cx_share_answer" not in shared_text


def test_role_is_stored_and_used(harness: Harness) -> None:
    harness.command("role Warehouse", user="U0007")
    harness.fake.wait_for("response_url")
    assert harness.store.get_role("U0007") == "warehouse"
    harness.command("What can I decide alone?", user="U0007")
    replies = harness.fake.wait_for("response_url", count=2)
    assert "Warehouse guide" in json.dumps(replies[1].args["blocks"])


def test_role_is_guessed_from_the_profile_title(harness: Harness) -> None:
    harness.fake.titles["U0008"] = "Senior Warehouse Associate"
    harness.command("What can I decide alone?", user="U0008")
    [reply] = harness.fake.wait_for("response_url")
    text = json.dumps(reply.args["blocks"])
    assert "warehouse" in text and "Warehouse guide" in text


def test_feedback_is_stored(harness: Harness) -> None:
    harness.command("How much can store staff refund?")
    harness.fake.wait_for("response_url")
    harness.action("cx_feedback_down", "1", user="U0002")
    harness.fake.wait_for("chat.postEphemeral")
    harness.action("cx_feedback_up", "1", user="U0003")
    harness.fake.wait_for("chat.postEphemeral", count=2)
    stats = harness.store.stats(since=_long_ago())
    assert (stats.helpful, stats.not_helpful) == (1, 1)
    [negative] = harness.store.negative_feedback(since=_long_ago())
    assert negative.question == "How much can store staff refund?" and negative.user_id == "U0002"


def test_ask_a_person_brings_the_owner_into_the_thread(harness: Harness) -> None:
    harness.command("What may warehouse staff authorise?")
    harness.fake.wait_for("response_url")
    harness.action("cx_ask_person", "1", user="U0001")
    [post] = harness.fake.wait_for("chat.postMessage")
    assert "<@UKEN>" in post.args["text"] and "<@U0001>" in post.args["text"]


def test_reindex_is_for_leads_only(harness: Harness) -> None:
    harness.command("reindex", user="U0001")
    [refusal] = harness.fake.wait_for("response_url")
    assert "only CX leads" in refusal.args["text"]
    harness.command("reindex", user=LEAD)
    replies = harness.fake.wait_for("response_url", count=3)
    assert "Done in" in replies[-1].args["text"]


def test_help(harness: Harness) -> None:
    harness.command("help")
    [reply] = harness.fake.wait_for("response_url")
    assert "/cx role" in json.dumps(reply.args["blocks"])


def _long_ago() -> dt.datetime:

    return dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
