"""With a chat model, answers stream into the thread and finish with sources and buttons."""

from __future__ import annotations

import json

import pytest

from tests.harness import Harness
from tests.integration.test_answering import FakeStreamingChat
from tests.scenario.fake_slack import BOT_USER

REPLY = [
    "Support agents may refund up to ",
    "¥10,000 per case without approval [",
    "1]. ",
    "Ping <!channel> about it [9].",
]


@pytest.fixture()
def chat_model() -> FakeStreamingChat:
    chat = FakeStreamingChat()
    chat.pieces.append(list(REPLY))
    return chat


def test_answer_streams_into_the_thread(harness: Harness) -> None:
    event = {
        "type": "app_mention",
        "user": "U0001",
        "channel": "C1",
        "ts": "1700002000.000100",
        "text": f"<@{BOT_USER}> How much can support refund without approval?",
    }
    harness.event(event, event_id="EvStream")
    [stop] = harness.fake.wait_for("chat.stopStream")
    streamed = "".join(
        str(c.args.get("markdown_text", ""))
        + "".join(str(chunk.get("text", "")) for chunk in c.args.get("chunks") or [])
        for c in harness.fake.calls
        if c.method in ("chat.startStream", "chat.appendStream", "chat.stopStream")
    )
    assert "¥10,000 per case without approval [1]" in streamed
    assert "[9]" not in streamed and "<!channel>" not in streamed
    [start] = harness.fake.calls_to("chat.startStream")
    assert start.args["thread_ts"] == "1700002000.000100"
    assert start.args["recipient_user_id"] == "U0001"
    finish = json.dumps(stop.args["blocks"], ensure_ascii=False)
    assert "Refunds and remedies" in finish and "cx_feedback_up" in finish
    assert harness.fake.calls_to("chat.postMessage") == []
