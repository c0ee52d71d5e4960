"""Welcome, role card and weekly lessons through the real Bolt app: one welcome DM per person
(however often Slack delivers `team_join`, to however many processes), in their language,
with their role card; `/cx card`; the weekly lesson sent once, answered by a click, recorded
once, and the missed fact asked again; people from other organisations get none of it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.slack.app import build_context
from bot.slack.context import SlackContext
from bot.slack.lessons import send_lessons
from bot.slack.welcome_blocks import ACTION_PICK_ROLE
from bot.store import Store
from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex
from tests.conftest import make_index
from tests.fakes import FakeAnswerer
from tests.harness import (
    TEAM,
    Harness,
    bot_settings,
    fake_slack,
    open_store,
    running_bot,
    wait_until,
)
from tests.scenario.fake_slack import Call
from tests.unit.test_lessons import KNOWLEDGE, knowledge_folder

NEW = "UNEW1"
ASKER = "U0001"
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)

VISION_EN = """---
title: Our CX vision
type: vision
roles: [store-staff, warehouse, customer-support]
language: en
---
# Our CX vision

## Our mantra

**"Make every day feel like home."** Everything else follows from it.

## Our values

### 1. Own it

Whoever hears about a problem owns it until it is solved.

### 2. Make it easy

Fewer steps for the customer, every time.
"""

VISION_JA = """---
title: 私たちのCXビジョン
type: vision
roles: [store-staff, warehouse, customer-support]
language: ja
---
# 私たちのCXビジョン

## 私たちのマントラ

**「毎日を、わが家のように。」** すべてはここから始まります。

## 私たちの価値観

### 1. 自分ごとにする

問題を聞いた人が、解決するまで責任を持ちます。

### 2. かんたんにする

お客様の手間を、いつも少なくします。
"""


@pytest.fixture(scope="module")
def scenario_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder
) -> tuple[KnowledgeIndex, Path]:
    """Role guides in English and Japanese, policies and a vision with values."""
    root = tmp_path_factory.mktemp("welcome")
    files = {**KNOWLEDGE, "en/vision.md": VISION_EN, "ja/vision.md": VISION_JA}
    knowledge = knowledge_folder(root / "knowledge", files)
    index = make_index(root / "data", real_embedder)
    index.sync_folder(knowledge)
    return index, knowledge


@pytest.fixture()
def harness(tmp_path: Path, scenario_index: tuple[KnowledgeIndex, Path]) -> Iterator[Harness]:
    index, knowledge = scenario_index
    with fake_slack() as fake:
        settings = bot_settings(
            fake, knowledge, tmp_path / "data", welcome=True, lesson_channels="CLESSON=warehouse"
        )
        with (
            open_store(settings) as store,
            running_bot(settings, fake=fake, index=index, store=store) as bot,
        ):
            yield bot


def team_join(user: str, **fields: Any) -> dict[str, Any]:
    """A `team_join` event: the new member's user object, as the Events API sends it."""
    member = {"id": user, "team_id": TEAM, "name": "new.person", "is_bot": False}
    return {"type": "team_join", "user": member | fields, "event_ts": "1700000100.000100"}


def dms(harness: Harness, user: str) -> list[Call]:
    return [c for c in harness.fake.calls_to("chat.postMessage") if c.args.get("channel") == user]


def text_of(call: Call) -> str:
    return json.dumps(call.args.get("blocks") or [], ensure_ascii=False) + call.args.get("text", "")


def elements(blocks: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["type"] == kind]


def block_action(
    harness: Harness, user: str, channel: str, blocks: list[dict[str, Any]], action: dict[str, Any]
) -> None:
    status, _, _ = harness.interactive(
        {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM},
            "trigger_id": "1.2.3",
            "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel},
            "message": {"ts": "1700000000.000100", "text": "", "blocks": blocks},
            "response_url": harness.fake.response_url(),
            "actions": [action | {"action_ts": "1"}],
        }
    )
    assert status == 200


def test_team_join_welcomes_once_with_the_role_card(harness: Harness) -> None:
    harness.store.set_role(NEW, "store-staff")
    harness.event(team_join(NEW), event_id="EvJoin1")
    harness.event(team_join(NEW), event_id="EvJoin2")  # delivered again, another id
    # ... and to a second bot process on the same database.
    with (
        open_store(harness.settings) as other_store,
        running_bot(
            harness.settings, fake=harness.fake, index=harness.index, store=other_store
        ) as other,
    ):
        other.event(team_join(NEW), event_id="EvJoin3")
        other.settle()
    harness.settle()
    [welcome] = dms(harness, NEW)
    text = text_of(welcome)
    assert "Welcome to CX Assistant" in text
    assert "Make every day feel like home" in text  # the mantra
    assert "Own it" in text and "Make it easy" in text  # the values
    assert "¥5,000" in text and "en/roles/store-staff.md" in text  # the card, sourced
    assert elements(welcome.args["blocks"], "static_select")  # pick or correct the role


def test_the_welcome_speaks_japanese_for_a_japanese_locale(harness: Harness) -> None:
    harness.fake.locales[NEW] = "ja-JP"
    harness.store.set_role(NEW, "store-staff")
    harness.event(team_join(NEW), event_id="EvJoinJa")
    [welcome] = harness.fake.wait_for("chat.postMessage")
    text = text_of(welcome)
    assert "ようこそ" in text and "毎日を、わが家のように" in text
    assert "自分ごとにする" in text and "ja/roles/store-staff.md" in text


def test_a_role_picked_from_the_welcome_sets_it_and_shows_its_card(harness: Harness) -> None:
    harness.event(team_join(NEW), event_id="EvJoinPick")
    [welcome] = harness.fake.wait_for("chat.postMessage")
    assert "Pick your role" in text_of(welcome)
    [menu] = elements(welcome.args["blocks"], "static_select")
    block_id = next(b["block_id"] for b in welcome.args["blocks"] if b["type"] == "actions")
    picked = {"text": {"type": "plain_text", "text": "warehouse"}, "value": "warehouse"}
    action = {
        "type": "static_select",
        "action_id": menu["action_id"],
        "block_id": block_id,
        "selected_option": picked,
    }
    assert menu["action_id"] == ACTION_PICK_ROLE
    block_action(harness, NEW, "D0NEW", welcome.args["blocks"], action)
    [updated] = harness.fake.wait_for("response_url")
    assert harness.store.get_role(NEW) == "warehouse"
    assert updated.args["replace_original"] is True
    assert "en/roles/warehouse.md" in json.dumps(updated.args["blocks"])


def test_cx_card_shows_the_role_card_privately(harness: Harness) -> None:
    harness.store.set_role(ASKER, "store-staff")
    harness.command("card")
    [reply] = harness.fake.wait_for("response_url")
    assert reply.args["response_type"] == "ephemeral"
    text = json.dumps(reply.args["blocks"], ensure_ascii=False)
    assert "¥5,000" in text and "en/roles/store-staff.md" in text


def test_talking_to_the_bot_the_first_time_welcomes_once(harness: Harness) -> None:
    harness.command("card")
    harness.command("help")
    harness.settle()
    assert len(dms(harness, ASKER)) == 1


def job_context(harness: Harness) -> tuple[SlackContext, WebClient, Store]:
    """Another process's view (its own database connection), to call the job directly."""
    store = Store.for_data_dir(harness.settings.data_dir, harness.settings.database_url)
    client = WebClient(token="xoxb-test", base_url=harness.fake.url)
    ctx = build_context(
        harness.settings, index=harness.index, answerer=FakeAnswerer(), store=store, client=client
    )
    return ctx, client, store


def test_a_lesson_is_sent_once_answered_once_and_the_miss_comes_back(harness: Harness) -> None:
    harness.store.set_role(ASKER, "store-staff")
    harness.command("lessons on")
    wait_until(lambda: harness.store.lessons.is_subscribed(ASKER), what="the subscription")
    harness.settle()
    first, second = job_context(harness), job_context(harness)
    try:
        sent = send_lessons(first[0], first[1], now=MONDAY)
        sent += send_lessons(second[0], second[1], now=MONDAY)
        assert sent == 2  # the user's DM and the lesson channel's post, once each
        [lesson] = [c for c in dms(harness, ASKER) if "cx_lesson" in json.dumps(c.args)]
        buttons = elements(lesson.args["blocks"], "button")
        assert len(buttons) == 3
        wrong = next(b for b in buttons if not json.loads(b["value"])["x"])
        key = json.loads(wrong["value"])["k"]
        action = {
            "type": "button",
            "action_id": wrong["action_id"],
            "block_id": "cx_lesson",
            "value": wrong["value"],
        }
        block_action(harness, ASKER, "D0ASK", lesson.args["blocks"], action)
        [result] = harness.fake.wait_for("response_url", 2)[1:]
        text = json.dumps(result.args["blocks"], ensure_ascii=False)
        assert "Not quite" in text and json.loads(wrong["value"])["p"] in text
        block_action(harness, ASKER, "D0ASK", lesson.args["blocks"], action)  # again
        [_, _, again] = harness.fake.wait_for("response_url", 3)
        assert "already answered" in json.dumps(again.args["blocks"])
        assert len(harness.store.lessons.history(ASKER)) == 1
        # Next week the missed fact comes back first.
        send_lessons(first[0], first[1], now=MONDAY + dt.timedelta(days=7))
        latest = [c for c in dms(harness, ASKER) if "cx_lesson" in json.dumps(c.args)][-1]
        keys = {json.loads(b["value"])["k"] for b in elements(latest.args["blocks"], "button")}
        assert keys == {key}
        stats = harness.store.lessons.role_stats()
        assert stats[0].role == "store-staff" and stats[0].missed[0].lesson_key == key
    finally:
        first[2].close()
        second[2].close()


def test_a_channel_lesson_is_answered_privately_per_person(harness: Harness) -> None:
    ctx, client, store = job_context(harness)
    try:
        assert send_lessons(ctx, client, now=MONDAY) == 1
    finally:
        store.close()
    [post] = [
        c for c in harness.fake.calls_to("chat.postMessage") if c.args["channel"] == "CLESSON"
    ]
    right = next(b for b in elements(post.args["blocks"], "button") if json.loads(b["value"])["x"])
    action = {"type": "button", "action_id": right["action_id"], "block_id": "cx_lesson"}
    block_action(harness, ASKER, "CLESSON", post.args["blocks"], action | {"value": right["value"]})
    [reply] = [c for c in harness.fake.wait_for("response_url") if "Right" in json.dumps(c.args)]
    assert reply.args["response_type"] == "ephemeral" and reply.args["replace_original"] is False
    assert harness.store.lessons.answers_in("CLESSON")[0].correct


def test_outsiders_guests_and_apps_get_no_welcome_card_or_lessons(harness: Harness) -> None:
    harness.fake.people["UOUT"] = {"team_id": "TOTHER"}
    harness.fake.people["UGUEST"] = {"is_restricted": True}
    harness.event(team_join("UOUT", team_id="TOTHER"), event_id="EvOut")
    harness.event(team_join("UGUEST"), event_id="EvGuest")
    harness.event(team_join("UAPP", is_bot=True), event_id="EvApp")
    for user in ("UOUT", "UGUEST"):
        harness.command("card", user=user)
        harness.command("lessons on", user=user)
        harness.event(
            {
                "type": "message",
                "channel_type": "im",
                "channel": "D9",
                "user": user,
                "text": "hello",
                "ts": "1700000200.000100",
            },
            event_id=f"EvDm{user}",
        )
    harness.settle()
    assert harness.fake.calls_to("chat.postMessage") == []
    assert harness.fake.calls_to("response_url") == []
    assert harness.store.lessons.subscribers("user") == []
