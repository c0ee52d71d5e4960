"""Who is asking (bot.slack.visitors) and what they may read in Slack (bot.slack.access):
outsiders from Slack Connect, guests, the installing team, audiences and the audit line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.answering.readers import CHANNEL
from bot.settings import Settings
from bot.slack import access
from bot.slack.visitors import (
    Home,
    Knock,
    People,
    Visitor,
    classify,
    home_of,
    is_person_message,
    knock_of,
    recipient_problem,
)
from ingest.state import IndexedFile
from tests.fakes import MANAGER, FakeKnowledge, FakeWebClient, slack_client, slack_context

HOME = Home("T0001", None)
GRID = Home("T0001", "E0001")


def knock(team: str | None = None, enterprise: str | None = None) -> Knock:
    return Knock(user="U1", surface="mention", team=team, enterprise=enterprise)


@pytest.mark.parametrize(
    ("team", "facts", "shared", "kind", "verified"),
    [
        ("T0001", {"team_id": "T0001"}, False, "member", True),
        ("T0OTHER", {"team_id": "T0OTHER"}, True, "outsider", True),
        (None, {"team_id": "T0OTHER"}, False, "outsider", True),
        (None, {"team_id": "T0001", "is_stranger": True}, False, "outsider", True),
        (None, {"team_id": "T0001", "is_restricted": True}, False, "guest", True),
        (None, {"team_id": "T0001", "is_ultra_restricted": True}, False, "guest", True),
        (None, None, False, "member", False),  # users.info failed: all staff only
        (None, None, True, "outsider", False),  # ... and in a shared channel: not staff
    ],
)
def test_classify(
    team: str | None, facts: dict[str, Any] | None, shared: bool, kind: str, verified: bool
) -> None:
    visitor = classify(knock(team), HOME, facts, shared=shared)
    assert (visitor.kind, visitor.verified) == (kind, verified)


def test_another_workspace_of_our_grid_organisation_is_staff() -> None:
    facts = {"team_id": "T0002", "enterprise_user": {"enterprise_id": "E0001"}}
    assert classify(knock("T0002"), GRID, facts, shared=False).kind == "member"
    stranger = {"team_id": "T0009", "enterprise_user": {"enterprise_id": "E0999"}}
    assert classify(knock("T0009"), GRID, stranger, shared=False).kind == "outsider"


def test_the_payload_alone_settles_an_outsider_without_asking_slack() -> None:
    client = FakeWebClient()
    visitor = People().visitor(slack_client(client), knock("T0OTHER"), HOME, shared=True)
    assert visitor.kind == "outsider" and client.to("users_info") == []


def test_people_caches_users_info_and_fails_closed() -> None:
    client = FakeWebClient()
    client.replies["users_info"] = {"ok": True, "user": {"id": "U1", "is_restricted": True}}
    people = People()
    first = people.visitor(slack_client(client), knock(), HOME, shared=False)
    second = people.visitor(slack_client(client), knock(), HOME, shared=False)
    assert first.kind == second.kind == "guest" and len(client.to("users_info")) == 1

    class Broken(FakeWebClient):
        def users_info(self, **_: Any) -> Any:
            raise RuntimeError("missing_scope")

    unknown = People().visitor(slack_client(Broken()), knock(), HOME, shared=False)
    assert unknown == Visitor("U1", "member", verified=False, why="users.info unavailable")


def test_knock_of_each_kind_of_request() -> None:
    mention = {"type": "app_mention", "user": "U1", "user_team": "T9", "channel": "C1", "ts": "1"}
    found = knock_of({"type": "event_callback", "event": mention})
    assert found is not None and (found.surface, found.team, found.thread_ts) == (
        "mention",
        "T9",
        "1",
    )
    command = {"command": "/cx", "user_id": "U1", "team_id": "T9", "enterprise_id": "E9"}
    assert knock_of(command) == Knock("U1", "command", "T9", "E9", None, text="")
    action = {"type": "block_actions", "user": {"id": "U1", "team_id": "T9"}}
    assert knock_of(action) == Knock("U1", "interaction", "T9")
    chatter = {"type": "message", "user": "U1", "channel": "C1", "ts": "1"}
    assert knock_of({"type": "event_callback", "event": chatter}) is None
    edited = mention | {"edited": {"user": "U1", "ts": "2"}}
    assert knock_of({"type": "event_callback", "event": edited}) is None


def test_edits_and_bots_are_not_a_person_talking() -> None:
    assert is_person_message({"type": "message", "text": "hi"})
    assert not is_person_message({"type": "app_mention", "edited": {"ts": "1"}})
    assert not is_person_message({"subtype": "message_changed"})
    assert not is_person_message({"bot_id": "B1"})


def test_home_is_the_installing_team_never_the_users() -> None:
    class Result(dict[str, Any]):
        team_id = "T0001"
        enterprise_id = None

    command = {"command": "/cx", "team_id": "T0OTHER"}
    assert home_of(command, {"authorize_result": Result()}) == HOME
    event = {"type": "event_callback", "team_id": "T0OTHER", "authorizations": [{"team_id": "T1"}]}
    assert home_of(event, {}) == Home("T1", None)
    assert home_of(command, {}) == Home()


def test_kudos_recipients_must_be_our_people() -> None:
    assert recipient_problem({"team_id": "T0001"}, HOME) is None
    assert recipient_problem(None, HOME) is None  # Slack cannot say: the kudos is kept
    assert recipient_problem({"team_id": "T0OTHER"}, HOME) == "is from another organisation"
    assert recipient_problem({"deleted": True}, HOME) == "is no longer in our Slack"
    assert recipient_problem({"is_bot": True}, HOME) == "is an app, not a person"


def test_settings_for_outsiders_guests_and_channels() -> None:
    written: dict[str, Any] = {  # as people write them in .env
        "external_users": "Notice",
        "guest_access": "all staff documents",
        "channel_audience": "C1=managers, leads; C2=S0ABCDEF1",
    }
    settings = Settings(_env_file=None, **written)  # type: ignore[call-arg]
    assert (settings.external_users, settings.guest_access) == ("notice", "all-staff")
    assert settings.channel_audiences() == {
        "C1": frozenset({"managers", "leads"}),
        "C2": frozenset({"S0ABCDEF1"}),
    }
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (defaults.external_users, defaults.guest_access) == ("ignore", "none")


def index_with_audiences() -> FakeKnowledge:
    index = FakeKnowledge()
    for path, audience in [("a.md", ""), ("m.md", "leads,managers"), ("g.md", "S0WESTREG1")]:
        index._files[path] = IndexedFile(
            path=path,
            title=path,
            content_hash="h",
            chunk_ids=[],
            language="en",
            doc_type="policy",
            audience=audience,
        )
    return index


def test_decisions_for_askers_and_channels(tmp_path: Path) -> None:
    index = index_with_audiences()
    ctx = slack_context(tmp_path, index=index)
    client = slack_client(FakeWebClient())
    assert access.groups_in_use(index) == frozenset({"S0WESTREG1"})
    manager = access.for_asker(ctx, client, Visitor(MANAGER))
    assert "managers" in manager.audience and manager.label.startswith("reader: ")
    assert access.for_channel(ctx, "C1", Visitor(MANAGER)) == access.Decision(
        CHANNEL, "channel: all staff"
    )
    guest = access.for_asker(ctx, client, Visitor(MANAGER, "guest"))
    assert guest.audience == CHANNEL and guest.visitor == "guest"
    assert access.hidden_from(ctx, ["a.md", "m.md", "gone.md"], manager) == ["gone.md"]
    assert access.hidden_from(ctx, ["a.md", "m.md"], guest) == ["m.md"]


def test_the_audit_line_names_documents_not_words(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cx.audit")
    decision = access.Decision(CHANNEL, "channel: all staff")
    access.audit(user="U1", surface="mention", channel="C1", decision=decision, paths=["en/a.md"])
    [line] = [r.getMessage() for r in caplog.records if r.name == "cx.audit"]
    assert "asker=U1" in line and "documents=[en/a.md]" in line
    assert "audience=[channel: all staff]" in line


def test_turn_away_is_silent_or_one_kind_sentence(tmp_path: Path) -> None:
    ctx = slack_context(tmp_path)
    client = FakeWebClient()
    outsider = Knock("U9", "mention", "T9", channel="C1", thread_ts="1", text="refund?")
    assert access.turn_away(ctx, slack_client(client), outsider).body == ""
    assert client.calls == []
    ctx.settings.external_users = "notice"
    for _ in range(2):
        access.turn_away(ctx, slack_client(client), outsider)
    [notice] = client.to("chat_postEphemeral")
    assert notice["user"] == "U9" and "employees" in notice["text"]
    command = Knock("U9", "command", "T9", text="返金は？")
    reply = access.turn_away(ctx, slack_client(client), command)
    assert "社員専用" in json.loads(str(reply.body))["text"]
