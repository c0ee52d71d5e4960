"""Slack listeners called alone, with a fake context, Bolt's `ack`/`respond` and a fake Web
API client: the `/cx` dispatch table, `/kudos`, the kudos form, review buttons, feedback,
messages and App Home."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.kudos.models import Kudos
from bot.slack import actions, commands, events, home_tab, views
from bot.slack.blocks import ACTION_FEEDBACK_UP
from bot.slack.context import SlackContext
from bot.slack.kudos_blocks import ACTION_APPROVE
from ingest.sync import SyncReport
from tests.fakes import (
    LEAD,
    MANAGER,
    FakeAnswerer,
    FakeKnowledge,
    FakePoster,
    FakeStore,
    FakeWebClient,
    Recorder,
    bolt,
    chunk,
    kudos_service,
    slack_client,
    slack_context,
)


def cx(ctx: SlackContext, text: str, *, user: str = "U0001") -> tuple[Recorder, Recorder]:
    ack, respond = Recorder(), Recorder()
    command = {"text": text, "user_id": user, "channel_id": "C1", "trigger_id": "T1"}
    commands.cx_command(ctx, bolt(ack), command, bolt(respond), slack_client(FakeWebClient()))
    assert len(ack.calls) == 1  # acknowledged (once) whatever the subcommand
    return ack, respond


def answerer(ctx: SlackContext) -> FakeAnswerer:
    assert isinstance(ctx.answerer, FakeAnswerer)
    return ctx.answerer


def store(ctx: SlackContext) -> FakeStore:
    assert isinstance(ctx.store, FakeStore)
    return ctx.store


def test_cx_help_and_empty_show_the_help(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    for text in ("", "help", "HELP", "ヘルプ"):
        _, respond = cx(ctx, text)
        assert respond.last["response_type"] == "ephemeral"
        assert respond.last["blocks"][0]["type"] == "header"
    assert answerer(ctx).questions == []


def test_cx_role_sets_shows_and_clears_the_role(tmp_path: Path) -> None:
    index = FakeKnowledge([chunk("en/warehouse.md", "", "Pack with care.", roles=["warehouse"])])
    ctx = slack_context(tmp_path, index=index)
    _, respond = cx(ctx, "role Warehouse")
    assert store(ctx).roles == {"U0001": "warehouse"}
    assert "your role is now *warehouse*" in respond.last["text"]
    _, respond = cx(ctx, "ロール")
    assert (
        "Your role is *warehouse*" in respond.last["text"] and "`warehouse`" in respond.last["text"]
    )
    _, respond = cx(ctx, "role clear")
    assert store(ctx).roles == {} and respond.last["text"] == "Your role is cleared."


def test_only_managers_or_leads_may_claim_the_manager_role(tmp_path: Path) -> None:
    """The people-manager role opens manager-only documents: nobody may simply claim it."""
    ctx = slack_context(tmp_path)
    _, respond = cx(ctx, "role people-manager", user="U0001")
    assert store(ctx).roles == {} and "a CX lead sets it" in respond.last["text"]
    cx(ctx, "role people-manager", user=MANAGER)
    cx(ctx, "role people-manager", user=LEAD)
    assert store(ctx).roles == {MANAGER: "people-manager", LEAD: "people-manager"}


def test_cx_with_an_unknown_word_answers_the_whole_text_privately(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    _, respond = cx(ctx, "refund limit for store staff?")
    assert answerer(ctx).questions == [("refund limit for store staff?", None)]
    assert respond.last["response_type"] == "ephemeral" and respond.last["blocks"]
    [logged] = store(ctx).questions
    assert logged.question == "refund limit for store staff?" and logged.channel_id == "C1"


def test_cx_wins_lists_recent_wins(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    _, respond = cx(ctx, "wins")
    assert "No wins shared yet" in respond.last["text"]
    ctx.kudos.submit(kudos_of("So kind, thank you!"))
    _, respond = cx(ctx, "kudos")
    assert "So kind, thank you!" in respond.last["text"] and "<@U0KENJI>" in respond.last["text"]


def test_cx_reindex_is_for_leads_and_reports_the_sync(tmp_path: Path) -> None:
    synced = threading.Event()

    def sync() -> SyncReport:
        synced.set()
        return SyncReport(added=["en/new.md"], unchanged=3, chunks_total=12)

    ctx = slack_context(tmp_path, sync=sync)
    _, respond = cx(ctx, "reindex")
    assert "only CX leads" in respond.last["text"] and not synced.is_set()
    _, respond = cx(ctx, "reindex", user=LEAD)
    assert synced.wait(5)
    for _ in range(500):
        if len(respond.calls) == 2:
            break
        threading.Event().wait(0.01)
    assert "1 added" in respond.last["text"] and "12 chunks" in respond.last["text"]


def kudos_of(quote: str) -> Kudos:
    return Kudos(recipients=["U0KENJI"], quote=quote, sender=MANAGER)


def test_kudos_without_words_opens_the_form(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    client, ack, respond = FakeWebClient(), Recorder(), Recorder()
    command = {"text": "<@U0KENJI>", "user_id": MANAGER, "channel_id": "C1", "trigger_id": "T9"}
    commands.kudos_command(ctx, bolt(ack), command, slack_client(client), bolt(respond))
    [opened] = client.to("views_open")
    assert opened["trigger_id"] == "T9" and opened["view"]["callback_id"] == "kudos_modal"
    assert opened["view"]["blocks"][0]["element"]["initial_users"] == ["U0KENJI"]
    assert respond.calls == []


def test_kudos_with_words_is_celebrated_and_confirmed(tmp_path: Path) -> None:
    poster = FakePoster()
    ctx = slack_context(tmp_path, kudos=kudos_service(poster=poster))
    ack, respond = Recorder(), Recorder()
    command = {"text": "<@U0KENJI|kenji> So kind!", "user_id": MANAGER, "trigger_id": "T1"}
    commands.kudos_command(ctx, bolt(ack), command, slack_client(FakeWebClient()), bolt(respond))
    assert [kind for kind, *_ in poster.posts] == ["celebrate"]
    assert "celebrated in the wins channel" in respond.last["text"]


def test_the_kudos_form_without_recipients_shows_an_error(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    state = {
        "recipients": {"recipients": {"selected_users": []}},
        "quote": {"quote": {"value": "Thank you!"}},
    }
    ack, client = Recorder(), FakeWebClient()
    view = {"id": "V1", "state": {"values": state}}
    views.kudos_form_submitted(
        ctx, bolt(ack), {"user": {"id": MANAGER}}, view, slack_client(client)
    )
    assert ack.last["response_action"] == "errors" and "recipients" in ack.last["errors"]
    assert client.calls == []


def test_approve_celebrates_updates_the_review_and_tells_the_nominator(tmp_path: Path) -> None:
    poster = FakePoster()
    ctx = slack_context(tmp_path, kudos=kudos_service(poster=poster))
    nomination = ctx.kudos.submit(kudos_of("So kind!").model_copy(update={"sender": "U0NOM"}))

    def click(user: str) -> Recorder:
        ack, respond = Recorder(), Recorder()
        body = {
            "user": {"id": user},
            "actions": [{"action_id": ACTION_APPROVE, "value": str(nomination.kudos.id)}],
        }
        actions.approve_kudos(ctx, bolt(ack), body, bolt(respond))
        assert len(ack.calls) == 1
        return respond

    assert "Only kudos managers" in click("U0002").last["text"]
    respond = click(MANAGER)
    assert respond.last["replace_original"] is True and respond.last["blocks"]
    assert [kind for kind, *_ in poster.posts] == ["nominate", "celebrate"]
    assert poster.told == [("U0NOM", nomination.kudos.id, True)]
    assert "already reviewed" in click(MANAGER).last["text"]


def test_feedback_is_stored_and_acknowledged(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    client = FakeWebClient()
    body = {
        "user": {"id": "U0001"},
        "channel": {"id": "C1"},
        "message": {"ts": "1.0"},
        "actions": [{"action_id": ACTION_FEEDBACK_UP, "value": "7"}],
    }
    actions.helpful(ctx, bolt(Recorder()), body, slack_client(client))
    assert store(ctx).feedback == {(7, "U0001"): True}
    [ephemeral] = client.to("chat_postEphemeral")
    assert ephemeral["user"] == "U0001" and ephemeral["thread_ts"] == "1.0"


def test_messages_from_bots_and_edits_are_ignored(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    client = FakeWebClient()
    context = {"bot_user_id": "UBOT"}
    for event in (
        {"type": "message", "user": "U1", "channel": "D1", "channel_type": "im", "bot_id": "B1"},
        {"type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im"},
        {"type": "message", "user": "U1", "channel": "C1", "text": "hello", "ts": "2.0"},
    ):
        events.on_message(ctx, {"ts": "1.0", **event}, slack_client(client), context)
    assert client.calls == [] and answerer(ctx).questions == []


def test_a_direct_message_is_answered_in_the_dm(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    client = FakeWebClient()
    event = {"user": "U1", "channel": "D1", "channel_type": "im", "text": "refunds?", "ts": "3.0"}
    events.on_message(ctx, event, slack_client(client), {"bot_user_id": "UBOT"})
    assert answerer(ctx).questions == [("refunds?", None)]
    [posted] = client.to("chat_postMessage")
    assert posted["channel"] == "D1" and posted["blocks"]


def test_app_home_shows_the_lead_panel_to_leads_only(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    client = FakeWebClient()
    home_tab.on_home_opened(ctx, {"user": "U0001", "tab": "home"}, slack_client(client))
    home_tab.on_home_opened(ctx, {"user": LEAD, "tab": "home"}, slack_client(client))
    home_tab.on_home_opened(ctx, {"user": LEAD, "tab": "messages"}, slack_client(client))
    staff, lead = client.to("views_publish")
    assert "For CX leads" not in str(staff["view"]) and "For CX leads" in str(lead["view"])
