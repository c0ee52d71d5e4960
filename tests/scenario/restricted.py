"""Fixtures and payloads for "who sees what" (issue 13): a knowledge folder with a
managers-only page and a page for one Slack user group, a bot factory taking settings, and
requests shaped like Slack's own (copied from slackapi/bolt-python's scenario tests:
`test_events_assistant.py` for `user_team`/`source_team`, `test_app_actor_user_token.py`
for `is_ext_shared_channel`, `test_message_changed.py` and `test_authorize.py` for edits).

Test modules import the fixtures from here (`from tests.scenario.restricted import ...`).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex
from tests.conftest import REFUNDS_EN, VISION, make_index, write
from tests.harness import TEAM, Harness, bot_settings, fake_slack, open_store, running_bot
from tests.scenario.fake_slack import BOT_USER

OTHER_TEAM = "T0PARTNER"  # a partner company in a Slack Connect channel
OUTSIDER = "U0EXT1"
GUEST = "U0GUEST"
WEST = "U0WEST"  # in the West region user group
WEST_GROUP = "S0WESTREG"
SHARED = "C0SHARED"  # a channel shared with the partner

MANAGERS_PATH = "en/managers/escalation.md"
MANAGERS_DOC = """---
title: Escalation contacts for managers
type: policy
roles: [people-manager]
audience: [managers, leads]
language: en
owner: Aiko Tanaka
---
# Escalation contacts for managers

## Escalation hotline
Managers call the escalation hotline on 0120-555-019 when a customer threatens to go to the
press. The duty director this quarter is Kenji Mori.
"""
# What must never reach anyone outside the audience, anywhere in what the bot sends.
MANAGERS_MARKERS = ("0120-555-019", "Kenji Mori", "Escalation contacts for managers")
MANAGERS_QUESTION = "What is the escalation hotline number when a customer threatens the press?"

WEST_PATH = "en/west-pilot.md"
WEST_DOC = f"""---
title: West region pilot
type: playbook
audience: [{WEST_GROUP}]
language: en
owner: Ken Sato
---
# West region pilot

## Waiting voucher
Stores in the West region pilot give a loyalty voucher worth ¥1,500 to any customer who
waited more than ten minutes at the till.
"""
WEST_MARKERS = ("¥1,500", "West region pilot")
WEST_QUESTION = "What voucher do West region pilot stores give a customer who waited?"


@pytest.fixture(scope="module")
def restricted_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder
) -> tuple[KnowledgeIndex, Path]:
    root = tmp_path_factory.mktemp("restricted")
    knowledge = root / "knowledge"
    write(knowledge / "en" / "refunds.md", REFUNDS_EN)
    write(knowledge / "en" / "vision.md", VISION)
    write(knowledge / MANAGERS_PATH, MANAGERS_DOC)
    write(knowledge / WEST_PATH, WEST_DOC)
    index = make_index(root / "data", real_embedder)
    index.sync_folder(knowledge)
    return index, knowledge


@pytest.fixture()
def make_bot(
    tmp_path: Path, restricted_index: tuple[KnowledgeIndex, Path]
) -> Iterator[Callable[..., Harness]]:
    """`make_bot(**settings)`: a running bot on the restricted knowledge; a partner's user
    (OUTSIDER, of OTHER_TEAM), a guest and a member of the West group are known to Slack."""
    index, knowledge = restricted_index
    with contextlib.ExitStack() as stack:

        def start(**overrides: Any) -> Harness:
            fake = stack.enter_context(fake_slack())
            fake.people[OUTSIDER] = {"team_id": OTHER_TEAM, "profile": {"real_name": "Pat"}}
            fake.people[GUEST] = {"is_restricted": True}
            fake.groups[WEST_GROUP] = [WEST]
            fake.shared_channels.add(SHARED)
            settings = bot_settings(fake, knowledge, tmp_path / "data", **overrides)
            store = stack.enter_context(open_store(settings))
            return stack.enter_context(running_bot(settings, fake=fake, index=index, store=store))

        yield start


@pytest.fixture()
def harness(make_bot: Callable[..., Harness]) -> Harness:
    return make_bot()


def sent(harness: Harness) -> str:
    """Everything the bot sent to Slack (every Web API call and response_url), as text."""
    return json.dumps([c.args for c in harness.fake.calls], ensure_ascii=False)


def envelope(event: dict[str, Any], *, event_id: str, shared: bool = False) -> bytes:
    """An Events API envelope as Slack sends it to an app installed in TEAM."""
    return json.dumps(
        {
            "token": "verification-token",
            "team_id": TEAM,
            "context_team_id": TEAM,
            "context_enterprise_id": None,
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": shared,
        }
    ).encode()


def post_event(
    harness: Harness, event: dict[str, Any], *, event_id: str, shared: bool = False
) -> int:
    body = envelope(event, event_id=event_id, shared=shared)
    status, _, _ = harness.post(body, content_type="application/json")
    return status


def connect_mention(
    text: str,
    *,
    user: str = OUTSIDER,
    team: str = OTHER_TEAM,
    channel: str = SHARED,
    ts: str = "1726133700.887259",
) -> dict[str, Any]:
    """An `app_mention` in a Slack Connect channel: the asker's own team in `user_team`."""
    return {
        "client_msg_id": "c9b466b5-845c-49c6-a371-57ae44359bf1",
        "type": "app_mention",
        "text": f"<@{BOT_USER}> {text}",
        "user": user,
        "ts": ts,
        "team": team,
        "user_team": team,
        "source_team": team,
        "user_profile": {},
        "channel": channel,
        "event_ts": ts,
    }


def dm(text: str, *, user: str, ts: str, thread_ts: str | None = None) -> dict[str, Any]:
    """A message to the bot in its DM (the shape of Bolt's assistant `user_message` test)."""
    event: dict[str, Any] = {
        "user": user,
        "type": "message",
        "ts": ts,
        "text": text,
        "team": TEAM,
        "user_team": TEAM,
        "source_team": TEAM,
        "user_profile": {},
        "channel": f"D{user}",
        "event_ts": ts,
        "channel_type": "im",
    }
    if thread_ts:
        event |= {"thread_ts": thread_ts, "parent_user_id": user}
    return event


def connect_command(
    harness: Harness, command: str, text: str, *, user: str = OUTSIDER, team: str = OTHER_TEAM
) -> tuple[int, str]:
    """A slash command from a Slack Connect channel: `team_id` is the user's own team."""
    status, body, _ = harness.form(
        {
            "token": "verification-token",
            "team_id": team,
            "team_domain": "partner",
            "channel_id": SHARED,
            "channel_name": "shared-partner",
            "user_id": user,
            "user_name": "pat",
            "command": command,
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": harness.fake.response_url(),
            "trigger_id": f"trig-{time.monotonic_ns()}",
        }
    )
    return status, body
