"""Knowledge upkeep through the real Bolt app: *Still correct* writes the front matter, and an
answer a person gave in a thread becomes knowledge after one approval."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.answering.service import AnsweringService
from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex
from tests.conftest import make_index
from tests.harness import LEAD, Harness, wait_until

ROOT_TS = "1700000900.000100"
KEN = "UKEN"  # CX_OWNERS in the harness: "Ken Sato=UKEN"
QUESTION = "Can a customer return a gift card bought online?"
ANSWER = (
    "Yes. Gift cards bought online can be refunded to the original payment within 30 days "
    "if unused; call the customer back to confirm. Mail taro@example.com with questions."
)


@pytest.fixture(scope="module")
def scenario_index(
    tmp_path_factory: pytest.TempPathFactory,
    real_embedder: Embedder,
    request: pytest.FixtureRequest,
) -> tuple[KnowledgeIndex, Path]:
    """These tests write into the knowledge folder: a copy of the module's own."""
    shared: tuple[KnowledgeIndex, Path] = request.getfixturevalue("shared_scenario_index")
    root = tmp_path_factory.mktemp("upkeep")
    knowledge = root / "knowledge"
    shutil.copytree(shared[1], knowledge)
    index = make_index(root / "data", real_embedder)
    index.sync_folder(knowledge)
    return index, knowledge


def message_shortcut(message: dict[str, Any], *, user: str) -> dict[str, Any]:
    """A message shortcut payload, shaped as in bolt-python's tests/scenario_tests."""
    return {
        "type": "message_action",
        "token": "verification_token",
        "action_ts": "1583637157.207593",
        "team": {"id": "T0001", "domain": "test"},
        "user": {"id": user, "name": "helper"},
        "channel": {"id": "C1", "name": "support"},
        "callback_id": "cx_add_to_knowledge",
        "trigger_id": "111.222.xxx",
        "message_ts": message["ts"],
        "message": message,
        "response_url": "https://hooks.slack.com/app/T0001/111/xxx",
    }


def submitted(view: dict[str, Any], *, user: str, values: dict[str, str]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        value = values.get(block["block_id"], element.get("initial_value"))
        if element["type"] == "static_select":
            picked = values.get(block["block_id"], element["initial_option"]["value"])
            state[block["block_id"]] = {
                "value": {"type": "static_select", "selected_option": {"value": picked}}
            }
        else:
            state[block["block_id"]] = {"value": {"type": "plain_text_input", "value": value}}
    return {
        "type": "view_submission",
        "user": {"id": user},
        "trigger_id": "t",
        "view": {
            "id": "VCAP",
            "callback_id": view["callback_id"],
            "type": "modal",
            "private_metadata": view["private_metadata"],
            "hash": "h",
            "state": {"values": state},
        },
    }


def approve_value(call: Any) -> str:
    return next(
        e["value"]
        for b in call.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "cx_draft_approve"
    )


def test_an_answer_from_a_thread_becomes_knowledge_after_one_approval(harness: Harness) -> None:
    harness.fake.add_message(
        "C1", {"ts": ROOT_TS, "thread_ts": ROOT_TS, "user": "UASKER", "text": QUESTION}
    )
    reply = {
        "type": "message",
        "text": ANSWER,
        "user": "UHELPER",
        "ts": "1700000900.000300",
        "thread_ts": ROOT_TS,
        "team": "T0001",
    }
    harness.fake.add_message("C1", reply)
    assert harness.interactive(message_shortcut(reply, user="UHELPER"))[0] == 200
    [opened] = harness.fake.wait_for("views.open")
    view = opened.args["view"]
    prefilled = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}
    assert prefilled["question"] == QUESTION and prefilled["answer"] == ANSWER
    # The owner is prefilled from the nearest document (the warehouse guide: Ken Sato).
    assert prefilled["owner"] == "Ken Sato"
    payload = submitted(view, user="UHELPER", values={"title": "Gift card refunds"})
    assert harness.interactive(payload)[0] == 200
    review = wait_until(
        lambda: [c for c in harness.fake.calls_to("chat.postMessage") if c.args["channel"] == KEN],
        what="the review DM to the owner",
    )[0]
    assert "taro@example.com" not in json.dumps(review.args["blocks"])  # redacted
    value = approve_value(review)
    assert harness.action("cx_draft_approve", value, user="USOMEONE")[0] == 200
    refusal = harness.fake.wait_for("response_url")
    assert "Only the document's owner" in refusal[-1].args["text"]
    for _ in range(2):  # a double click writes once
        harness.action("cx_draft_approve", value, user=KEN)
    told = wait_until(
        lambda: [c for c in harness.fake.calls_to("chat.postMessage") if c.args.get("thread_ts")],
        what="the asker told in their thread",
    )
    harness.settle()
    assert told[0].args["channel"] == "C1" and told[0].args["thread_ts"] == ROOT_TS
    assert "<@UASKER>" in told[0].args["text"] and "now covers this" in told[0].args["text"]
    knowledge = harness.settings.knowledge_dir
    written = sorted((knowledge / "en" / "answers").glob("*.md"))
    assert [p.name for p in written] == ["gift-card-refunds.md"]
    text = written[0].read_text(encoding="utf-8")
    assert "type: faq" in text and "taro@example.com" not in text
    assert (
        len([c for c in harness.fake.calls_to("chat.postMessage") if c.args.get("thread_ts")]) == 1
    )
    answer = AnsweringService(index=harness.index).answer("Can I refund a gift card bought online?")
    assert answer.answered and any(
        s.path == "en/answers/gift-card-refunds.md" for s in answer.sources
    )


def test_still_correct_moves_the_review_date_in_the_file(harness: Harness) -> None:
    path = harness.settings.knowledge_dir / "en" / "refunds.md"
    before = path.read_text(encoding="utf-8")
    harness.action("cx_doc_verify", "en/refunds.md", user="U0NOBODY")
    assert "Only the owner" in harness.fake.wait_for("response_url")[-1].args["text"]
    assert path.read_text(encoding="utf-8") == before
    harness.action("cx_doc_verify", "en/refunds.md", user=LEAD)
    replies = harness.fake.wait_for("response_url", count=2)
    assert "is verified" in replies[-1].args["text"]
    after = path.read_text(encoding="utf-8")
    assert "verified_by:" in after and "review_by: 2027-05-01" not in after
    assert after.split("---", 2)[2] == before.split("---", 2)[2]  # the text itself untouched
    harness.command("verify en/nothing-here.md", user=LEAD)
    assert "can't find" in harness.fake.wait_for("response_url", count=3)[-1].args["text"]
