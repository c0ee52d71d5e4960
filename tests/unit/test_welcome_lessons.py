"""The welcome, the role card and the weekly lesson handlers, called alone on fakes (a
Markdown index, a fake Web API client, the lesson store on SQLite in tmp)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from bot.slack.commands import CxRequest
from bot.slack.context import SlackContext
from bot.slack.home_tab import lesson_panel
from bot.slack.lesson_blocks import Choice, lead_lesson_blocks, result_blocks
from bot.slack.lessons import answer_clicked, lessons_command, send_lessons
from bot.slack.visitors import Visitor
from bot.slack.welcome import role_picked, send_welcome, show_card
from bot.store import LessonAnswer, MissedFact, RoleLessonStats, Store
from ingest.index import IndexStatus
from ingest.state import IndexedFile
from ingest.sync import SyncReport
from tests.fakes import (
    FakeAnswerer,
    FakeKnowledge,
    FakeStore,
    FakeWebClient,
    Recorder,
    bolt,
    kudos_service,
    settings,
    slack_client,
)
from tests.unit.test_lessons import MarkdownKnowledge, knowledge_folder

MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class LessonKnowledge(MarkdownKnowledge, FakeKnowledge):
    """The Markdown index's read side, with the rest of `KnowledgeBase` from the fake."""

    def file(self, path: str) -> IndexedFile | None:
        return self.files().get(path)

    def status(self, today: dt.date | None = None) -> IndexStatus:
        return IndexStatus(
            documents=len(self.docs), chunks=0, last_sync=None, embedding_model="fake",
            collection="fake", generation="g1", problems=[], overdue=[],
        )  # fmt: skip


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'cx.db'}") as opened:
        opened.create_all()
        yield opened


def context_for(tmp_path: Path, store: Store, **overrides: Any) -> SlackContext:
    index = LessonKnowledge(knowledge_folder(tmp_path / "knowledge"))
    config: Settings = settings(tmp_path, **overrides)
    return SlackContext(
        settings=config,
        index=index,
        answerer=FakeAnswerer(),
        store=FakeStore(),
        kudos=kudos_service(),
        sync=SyncReport,
        lessons=store.lessons,
    )


@pytest.fixture()
def ctx(tmp_path: Path, store: Store) -> SlackContext:
    return context_for(tmp_path, store, knowledge_base_url="https://git.example.com/kb")


def person(client: FakeWebClient, locale: str = "", **facts: Any) -> None:
    client.replies["users_info"] = {"ok": True, "user": {"id": "U1", "locale": locale, **facts}}


def request(
    ctx: SlackContext, client: FakeWebClient, rest: str, word: str
) -> tuple[CxRequest, Recorder]:
    respond = Recorder()
    cx = CxRequest(
        user="U1", channel="C1", text=f"{word} {rest}".strip(), rest=rest,
        respond=bolt(respond), client=slack_client(client),
    )  # fmt: skip
    return cx, respond


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


# -- welcome ---------------------------------------------------------------------------------


def test_a_person_is_welcomed_once_with_their_card(ctx: SlackContext) -> None:
    client = FakeWebClient()
    person(client)
    ctx.store.set_role("U1", "store-staff")
    assert send_welcome(ctx, slack_client(client), Visitor("U1"))
    assert not send_welcome(ctx, slack_client(client), Visitor("U1"))
    [dm] = client.to("chat_postMessage")
    text = blocks_text(dm["blocks"])
    assert dm["channel"] == "U1" and "Welcome" in text and "¥5,000" in text
    # Every line's source links to the document when the knowledge is online.
    assert "<https://git.example.com/kb/en/roles/store-staff.md|en/roles/store-staff.md>" in text


def test_the_welcome_is_japanese_for_a_japanese_locale(ctx: SlackContext) -> None:
    client = FakeWebClient()
    person(client, "ja-JP")
    ctx.store.set_role("U1", "store-staff")
    send_welcome(ctx, slack_client(client), Visitor("U1"))
    [dm] = client.to("chat_postMessage")
    assert "ようこそ" in dm["text"] and "ja/roles/store-staff.md" in blocks_text(dm["blocks"])


@pytest.mark.parametrize(
    ("visitor", "facts"),
    [
        (Visitor("U1", "outsider"), {}),
        (Visitor("U1", "guest"), {}),  # CX_GUEST_ACCESS=none, the default
        (Visitor("U1", verified=False), {}),
        (Visitor("U1"), {"is_bot": True}),
        (Visitor("U1"), {"deleted": True}),
    ],
)
def test_no_welcome_for_outsiders_guests_unknowns_or_apps(
    ctx: SlackContext, visitor: Visitor, facts: dict[str, Any]
) -> None:
    client = FakeWebClient()
    person(client, **facts)
    assert not send_welcome(ctx, slack_client(client), visitor)
    assert client.to("chat_postMessage") == []
    assert ctx.store.claim_event("welcome:U1", kind="welcome")  # nothing was claimed


def test_without_a_role_the_card_is_a_kind_prompt_with_the_menu(ctx: SlackContext) -> None:
    client = FakeWebClient()
    person(client)
    cx, respond = request(ctx, client, "", "card")
    show_card(ctx, cx)
    reply = respond.last
    assert reply["response_type"] == "ephemeral"
    assert "Pick your role" in blocks_text(reply["blocks"])
    [menu] = [b for b in reply["blocks"] if b["type"] == "actions"]
    roles = [o["value"] for o in menu["elements"][0]["options"]]
    assert roles == ["customer-support", "store-staff", "warehouse"]


def pick(role: str, block_id: str) -> dict[str, Any]:
    return {
        "user": {"id": "U1"},
        "actions": [{"block_id": block_id, "selected_option": {"value": role}}],
    }


def test_a_picked_role_is_set_and_the_card_shown_again(ctx: SlackContext) -> None:
    client, respond = FakeWebClient(), Recorder()
    person(client, "ja-JP")
    role_picked(
        ctx,
        bolt(Recorder()),
        pick("warehouse", "cx_role:ja:card"),
        slack_client(client),
        bolt(respond),
    )
    assert ctx.store.get_role("U1") == "warehouse"
    assert respond.last["replace_original"] is True
    text = blocks_text(respond.last["blocks"])
    assert "warehouse" in text and "ja/roles/warehouse.md" in text and "設定しました" in text


def test_the_manager_role_is_not_picked_by_just_anyone(ctx: SlackContext) -> None:
    client, respond = FakeWebClient(), Recorder()
    person(client)
    manager_role = ctx.readers.policy.manager_role
    ctx.index.docs["en/roles/store-staff.md"].meta.roles.append(manager_role)  # type: ignore[attr-defined]
    role_picked(
        ctx,
        bolt(Recorder()),
        pick(manager_role, "cx_role:en:welcome"),
        slack_client(client),
        bolt(respond),
    )
    assert ctx.store.get_role("U1") is None
    assert "CX lead sets it" in blocks_text(respond.last["blocks"])


# -- lessons ---------------------------------------------------------------------------------


def test_lessons_on_and_off_in_both_languages(ctx: SlackContext) -> None:
    client = FakeWebClient()
    person(client, "ja-JP")
    ctx.store.set_role("U1", "store-staff")
    cx, respond = request(ctx, client, "オン", "レッスン")
    lessons_command(ctx, cx)
    assert ctx.lessons is not None and ctx.lessons.is_subscribed("U1")
    assert "登録しました" in respond.last["text"] and "CX_LESSON_CRON" in respond.last["text"]
    cx, respond = request(ctx, client, "off", "lessons")
    lessons_command(ctx, cx)
    assert not ctx.lessons.is_subscribed("U1") and "停止しました" in respond.last["text"]


def test_the_lesson_job_sends_once_a_week_and_asks_for_a_role_first(ctx: SlackContext) -> None:
    client = FakeWebClient()
    person(client)
    assert ctx.lessons is not None
    ctx.lessons.subscribe("U1", kind="user", active=True)
    send_lessons(ctx, slack_client(client), now=MONDAY)  # no role yet: the menu
    [prompt] = client.to("chat_postMessage")
    assert "Pick your role" in prompt["text"]
    ctx.store.set_role("U1", "store-staff")
    assert send_lessons(ctx, slack_client(client), now=MONDAY) == 0  # this week is done
    assert send_lessons(ctx, slack_client(client), now=MONDAY + dt.timedelta(days=7)) == 1
    lesson = client.to("chat_postMessage")[-1]
    [actions] = [b for b in lesson["blocks"] if b["type"] == "actions"]
    assert len(actions["elements"]) == 3


def test_an_answer_is_recorded_once_and_explained(ctx: SlackContext) -> None:
    assert ctx.lessons is not None
    choice = Choice(
        k="en/roles/store-staff.md#abc", r="store-staff", lang="en", w="2026-W10",
        p="en/roles/store-staff.md", s="Role guide > What you can decide alone",
        a="up to ¥5,000 per case", x=False,
    )  # fmt: skip
    body = {
        "user": {"id": "U1"},
        "channel": {"id": "D1"},
        "message": {"blocks": [{"type": "section"}, {"type": "actions"}]},
        "actions": [{"value": choice.encode()}],
    }
    first, second = Recorder(), Recorder()
    answer_clicked(ctx, bolt(Recorder()), body, bolt(first))
    answer_clicked(ctx, bolt(Recorder()), body, bolt(second))
    assert [r.correct for r in ctx.lessons.history("U1")] == [False]
    shown = blocks_text(first.last["blocks"])
    assert (
        "Not quite" in shown and "up to ¥5,000 per case" in shown and "What you can decide" in shown
    )
    assert [b["type"] for b in first.last["blocks"]][:1] == ["section"]  # the buttons are gone
    assert "already answered" in blocks_text(second.last["blocks"])


# -- blocks ----------------------------------------------------------------------------------


def test_a_choice_fits_a_button_value_and_survives_the_trip() -> None:
    choice = Choice(
        k="k" * 300, r="r", lang="ja", w="2026-W10", p="p", s="s" * 900, a="a" * 900, x=True
    )
    value = choice.encode()
    assert len(value) <= 2000
    decoded = Choice.decode(value)
    assert decoded is not None and decoded.k == choice.k and decoded.x
    assert Choice.decode("not json") is None
    with pytest.raises(ValidationError):
        Choice.model_validate({"k": "only a key"})


def test_the_result_in_japanese() -> None:
    choice = Choice(k="k", r="r", lang="ja", w="w", p="ja/a.md", s="A > B", a="1営業日", x=True)
    text = blocks_text(result_blocks(choice, lambda path: None, first=True))
    assert "正解です" in text and "1営業日" in text and "`ja/a.md`" in text


def test_leads_see_each_missed_fact_linked_to_its_document(ctx: SlackContext) -> None:
    missed = MissedFact(
        fact="<b>2 hours</b>", path="en/roles/warehouse.md", lesson_key="k", misses=1
    )
    stats = [RoleLessonStats(role="warehouse", people=2, answers=4, right=3, missed=[missed])]
    text = blocks_text(lead_lesson_blocks(stats, lambda p: f"https://kb/{p}"))
    assert "2 people" in text and "75% right" in text
    assert "<https://kb/en/roles/warehouse.md|en/roles/warehouse.md>" in text
    assert "&lt;b&gt;2 hours&lt;/b&gt;" in text  # knowledge text is escaped
    assert ctx.lessons is not None
    ctx.lessons.record_answer(
        LessonAnswer(
            user_id="U1", lesson_key="k", round="w", role="warehouse", language="en",
            source_path="en/roles/warehouse.md", fact="2 hours", correct=False,
            when=dt.datetime.now(dt.UTC),
        )
    )  # fmt: skip
    panel = lesson_panel(ctx, "ja")
    assert panel is not None and "ロール別" in blocks_text(panel)


# -- settings --------------------------------------------------------------------------------


def test_lesson_settings(tmp_path: Path) -> None:
    config = settings(tmp_path, lesson_cron="0 10 * * WED", lesson_channels="C1=warehouse:ja, C2")
    assert config.lesson_channel_targets() == {"C1": ("warehouse", "ja"), "C2": (None, "en")}
    with pytest.raises(ValidationError, match="crontab"):
        settings(tmp_path, lesson_cron="every wednesday")
