"""Kudos through the real Bolt app: broadcast, modal, shortcut, nominations, privacy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex
from tests.conftest import make_index
from tests.harness import MANAGER, Harness, wait_until


@pytest.fixture(scope="module")
def scenario_index(
    tmp_path_factory: pytest.TempPathFactory,
    real_embedder: Embedder,
    request: pytest.FixtureRequest,
) -> tuple[KnowledgeIndex, Path]:
    """Kudos re-sync the index with their wins: give this module an index of its own."""
    shared: tuple[KnowledgeIndex, Path] = request.getfixturevalue("shared_scenario_index")
    root = tmp_path_factory.mktemp("kudos")
    knowledge = root / "knowledge"
    shutil.copytree(shared[1], knowledge)
    index = make_index(root / "data", real_embedder)
    index.sync_folder(knowledge)
    return index, knowledge


QUOTE = "Kenji called me back the next day without me asking and sorted everything out!"


def text_of(call: Any) -> str:
    return json.dumps(call.args.get("blocks"), ensure_ascii=False) + str(call.args.get("text"))


def submission(
    view_id: str, *, user: str, recipients: list[str], quote: str, touchpoint: str | None = "phone"
) -> dict[str, Any]:
    state: dict[str, Any] = {
        "recipients": {"recipients": {"type": "multi_users_select", "selected_users": recipients}},
        "quote": {"quote": {"type": "plain_text_input", "value": quote}},
        "touchpoint": {
            "touchpoint": {
                "type": "static_select",
                "selected_option": {"value": touchpoint} if touchpoint else None,
            }
        },
        "source": {"source": {"type": "plain_text_input", "value": None}},
    }
    return {
        "type": "view_submission",
        "user": {"id": user},
        "trigger_id": "t",
        "view": {
            "id": view_id,
            "callback_id": "kudos_modal",
            "type": "modal",
            "private_metadata": "{}",
            "hash": "h",
            "state": {"values": state},
        },
    }


def test_manager_kudos_is_celebrated_once_in_the_wins_channel(harness: Harness) -> None:
    status, _, _ = harness.slash("/kudos", f"<@U0KENJI|kenji> {QUOTE}", user=MANAGER)
    assert status == 200
    # The celebration, then a DM to the celebrated person with the customer's words.
    post, thanks = harness.fake.wait_for("chat.postMessage", count=2)
    assert post.args["channel"] == "CWINS" and thanks.args["channel"] == "U0KENJI"
    assert "called me back" in text_of(thanks)
    posted = text_of(post)
    assert "<@U0KENJI>" in posted and "called me back" in posted
    assert "Own it" in posted  # the value suggested from the vision
    assert f"<@{MANAGER}>" in posted
    [confirm] = harness.fake.wait_for("response_url")
    assert "celebrated" in confirm.args["text"]
    [win] = harness.store.kudos.wins()
    assert win.recipients == ["U0KENJI"] and win.status == "broadcast"


def test_kudos_alone_opens_the_modal_and_a_double_submit_posts_once(harness: Harness) -> None:
    harness.slash("/kudos", "", user=MANAGER)
    [opened] = harness.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "kudos_modal"
    payload = submission("V123", user=MANAGER, recipients=["U0KENJI"], quote=QUOTE)
    assert harness.interactive(payload)[0] == 200
    assert harness.interactive(payload)[0] == 200  # the same submit delivered twice
    harness.fake.wait_for("chat.postMessage", count=2)  # the celebration and the thanks
    harness.settle()
    posts = harness.fake.calls_to("chat.postMessage")
    wins = [c for c in posts if c.args["channel"] == "CWINS"]
    assert len(wins) == 1 and "☎️" in text_of(wins[0])
    assert [c.args["channel"] for c in posts].count(MANAGER) == 1


def test_modal_submit_without_recipients_shows_an_error(harness: Harness) -> None:
    payload = submission("V9", user=MANAGER, recipients=[], quote=QUOTE)
    status, body, _ = harness.interactive(payload)
    assert status == 200 and "errors" in body and "recipients" in body
    assert harness.fake.calls_to("chat.postMessage") == []


def test_shortcut_prefills_the_modal(harness: Harness) -> None:
    harness.interactive(
        {
            "type": "message_action",
            "callback_id": "celebrate_this",
            "trigger_id": "t1",
            "user": {"id": "U0001"},
            "channel": {"id": "C1"},
            "message": {"ts": "1700003000.0001", "user": "U0KENJI", "text": QUOTE},
        }
    )
    [opened] = harness.fake.wait_for("views.open")
    blocks = opened.args["view"]["blocks"]
    assert blocks[0]["element"]["initial_users"] == ["U0KENJI"]
    assert blocks[1]["element"]["initial_value"] == QUOTE
    assert "initial_option" in json.dumps(blocks)  # a value is suggested


def test_nomination_approved_then_broadcast(harness: Harness) -> None:
    harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user="U0NOMINATOR")
    [review] = harness.fake.wait_for("chat.postMessage")
    assert review.args["channel"] == "CREVIEW" and "kudos_approve" in text_of(review)
    kudos_id = harness.store.kudos.by_key  # noqa: F841 - the id is in the button
    value = next(
        e["value"]
        for b in review.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "kudos_approve"
    )
    harness.action("kudos_approve", value, user="U0002")  # not a manager
    # The confirmation to the nominator and the refusal race each other: find the refusal.
    responses = harness.fake.wait_for("response_url", count=2)
    assert any("Only kudos managers" in r.args.get("text", "") for r in responses)
    harness.action("kudos_approve", value, user=MANAGER)
    posts = harness.fake.wait_for("chat.postMessage", count=4)
    channels = [p.args["channel"] for p in posts]
    assert "CWINS" in channels and "U0NOMINATOR" in channels and "U0KENJI" in channels
    win = next(p for p in posts if p.args["channel"] == "CWINS")
    assert "U0NOMINATOR" in text_of(win) and "U0KENJI" in text_of(win)
    harness.action("kudos_approve", value, user=MANAGER)  # a second click
    harness.settle()
    assert sum(p.args["channel"] == "CWINS" for p in harness.fake.calls_to("chat.postMessage")) == 1


def test_nomination_declined_tells_the_nominator_kindly(harness: Harness) -> None:
    harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user="U0NOMINATOR")
    [review] = harness.fake.wait_for("chat.postMessage")
    value = next(
        e["value"]
        for b in review.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "kudos_decline"
    )
    harness.action("kudos_decline", value, user=MANAGER)
    posts = harness.fake.wait_for("chat.postMessage", count=2)
    told = posts[1]
    assert told.args["channel"] == "U0NOMINATOR" and "Thank you for nominating" in told.args["text"]
    assert all(p.args["channel"] != "CWINS" for p in posts)


def test_quote_is_redacted_and_escaped_everywhere(harness: Harness) -> None:
    quote = (
        "Thank you! Reach me at taro@example.com or 090-1234-5678. "
        "<!here> everyone should know how kind Kenji was."
    )
    harness.slash("/kudos", f"<@U0KENJI> {quote}", user=MANAGER)
    for post in harness.fake.wait_for("chat.postMessage", count=2):  # the win, the thanks DM
        posted = text_of(post)
        assert "taro@example.com" not in posted and "090-1234-5678" not in posted
        assert "<!here>" not in posted and "&lt;!here&gt;" in posted
    [win] = harness.store.kudos.wins()
    assert "taro@example.com" not in win.quote and "090-1234-5678" not in win.quote
    assert "[email]" in win.quote and "[phone]" in win.quote
    index = harness.index
    assert index is not None
    wait_until(lambda: f"wins/{win.id}.md" in index.files(), what="the win to be indexed")
    indexed = [
        chunk.text
        for chunk_id in index.chunk_ids(f"wins/{win.id}.md")
        if (chunk := index.chunk(chunk_id)) is not None
    ]
    assert indexed and all("taro@example.com" not in t and "090-1234" not in t for t in indexed)


def test_a_broadcast_win_becomes_knowledge(harness: Harness) -> None:
    quote = "The delivery driver carried our sofa up four floors and stayed to unwrap it. Amazing!"
    payload = submission(
        "VWIN", user=MANAGER, recipients=["U0DRIVER"], quote=quote, touchpoint="delivery"
    )
    harness.interactive(payload)
    harness.fake.wait_for("chat.postMessage")
    index = harness.index
    assert index is not None
    wait_until(lambda: any(p.startswith("wins/") for p in index.files()), what="a win indexed")
    from bot.answering.service import AnsweringService

    answer = AnsweringService(index=index).answer("examples of great service at delivery")
    assert answer.answered
    assert any(source.path.startswith("wins/") for source in answer.sources)


def test_digest_posts_numbers_quotes_and_a_chart(harness: Harness) -> None:
    import datetime as dt

    from bot.kudos.digest import build_digest
    from bot.slack.digest import post_digest, scheduled_digest

    harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)
    harness.fake.wait_for("chat.postMessage", count=2)  # the celebration and the thanks DM
    kudos = harness.store.kudos
    digest = build_digest(kudos, now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    assert digest.wins == 1 and digest.recognised == ["U0KENJI"] and digest.quotes == [QUOTE]
    post_digest(harness.app.client, "CWINS", digest)
    [upload] = harness.fake.wait_for("file_upload")
    assert upload.args["png"] and upload.args["bytes"] > 2000
    posts = [p for p in harness.fake.calls_to("chat.postMessage") if p.args["channel"] == "CWINS"]
    assert "This week" in text_of(posts[-1]) and "U0KENJI" in text_of(posts[-1])
    # The scheduled job in several processes posts once per week.
    assert scheduled_digest(harness.app.client, "CWINS", kudos, harness.store) is True
    assert scheduled_digest(harness.app.client, "CWINS", kudos, harness.store) is False


def test_wins_on_app_home_and_in_cx_wins(harness: Harness) -> None:
    harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)
    harness.fake.wait_for("chat.postMessage")
    harness.event(
        {"type": "app_home_opened", "user": "U0KENJI", "channel": "D9", "tab": "home"},
        event_id="EvHomeKenji",
    )
    [publish] = harness.fake.wait_for("views.publish")
    home = json.dumps(publish.args["view"], ensure_ascii=False)
    assert "Customer praise for you" in home and "called me back" in home
    harness.command("wins", user="U0002")
    replies = harness.fake.wait_for("response_url", count=2)
    assert "called me back" in replies[-1].args["text"]


def test_celebration_speaks_the_senders_language(harness: Harness) -> None:
    harness.fake.locales[MANAGER] = "ja-JP"
    harness.fake.locales["U0KENJI"] = "ja-JP"
    harness.slash("/kudos", f"<@U0KENJI> {QUOTE}", user=MANAGER)
    post, thanks = harness.fake.wait_for("chat.postMessage", count=2)
    assert "お客さまからあなたへの言葉" in text_of(thanks)  # the recipient's own language
    posted = text_of(post)
    assert "called me back" in posted  # the customer's words as they were
    assert "体現したバリュー" in posted or "感謝の声" in posted or "うれしいお声" in posted
