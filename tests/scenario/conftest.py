"""Scenario harness: the real Bolt app over real HTTP, signed requests, a fake Slack Web API."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from bot.answering.chat_model import ChatModel
from bot.answering.service import AnsweringService, AnswerOptions
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.server import make_http_server
from bot.store import Store
from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex
from tests.conftest import REFUNDS_EN, REFUNDS_JA, WAREHOUSE_EN, make_index, write
from tests.scenario.fake_slack import FakeSlack

SECRET = "test-signing-secret"
LEAD = "ULEAD"
MANAGER = "UMGR1"

VISION = """---
title: Our CX vision
type: vision
language: en
owner: Aiko Tanaka
---
# Our CX vision

## Our mantra
"Make every day feel like home."

## Our values

### 1. Own it
Whoever hears about a problem owns it until it is solved: call the customer back, follow the
order through, never pass them around.

### 2. Be warm and human
Speak like a neighbour, not a policy. Kind words, a smile, a handwritten note, patience with
an elderly customer.
"""

ANNOUNCEMENTS = """---
title: Store announcements
type: playbook
roles: [store-staff]
owner: Aiko Tanaka
---
# Store announcements

## Tannoy messages
For a lost child announcement, say "Attention <!channel>, please ask <@U123> at the desk" and
never read out the child's full name over the tannoy.
"""


@pytest.fixture(scope="session")
def shared_scenario_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder
) -> tuple[KnowledgeIndex, Path]:
    root = tmp_path_factory.mktemp("scenario")
    knowledge = root / "knowledge"
    write(knowledge / "en" / "refunds.md", REFUNDS_EN)
    write(knowledge / "ja" / "refunds.md", REFUNDS_JA)
    write(knowledge / "en" / "warehouse.md", WAREHOUSE_EN)
    write(knowledge / "en" / "announcements.md", ANNOUNCEMENTS)
    write(knowledge / "en" / "vision.md", VISION)
    index = make_index(root / "data", real_embedder)
    index.sync_folder(knowledge)
    return index, knowledge


def signed_post(
    url: str,
    body: bytes,
    *,
    content_type: str,
    timestamp: int | None = None,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
    secret: str = SECRET,
) -> tuple[int, str, float]:
    """POST a request signed as Slack signs it; returns status, body and seconds taken."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    sig = signature or SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
            **(headers or {}),
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.perf_counter() - started


def event_body(event: dict[str, Any], *, event_id: str) -> bytes:
    """An Events API envelope (`event_callback`) around one event."""
    body = {
        "type": "event_callback",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
        "event": event,
    }
    return json.dumps(body).encode()


@dataclass
class Harness:
    fake: FakeSlack
    app: App
    store: Store
    url: str
    settings: Settings
    index: KnowledgeIndex | None = None

    def post(self, body: bytes, *, content_type: str, **kwargs: Any) -> tuple[int, str, float]:
        return signed_post(self.url, body, content_type=content_type, **kwargs)

    def event(
        self, event: dict[str, Any], *, event_id: str, **kwargs: Any
    ) -> tuple[int, str, float]:
        return self.post(
            event_body(event, event_id=event_id), content_type="application/json", **kwargs
        )

    def command(
        self, text: str, *, user: str = "U0001", channel: str = "C1"
    ) -> tuple[int, str, float]:
        form = {
            "command": "/cx",
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": "T0001",
            "response_url": self.fake.response_url(),
            "trigger_id": "1.2.3",
            "api_app_id": "A0001",
        }
        return self.post(urlencode(form).encode(), content_type="application/x-www-form-urlencoded")

    def interactive(self, payload: dict[str, Any]) -> tuple[int, str, float]:
        payload = {"team": {"id": "T0001"}, "api_app_id": "A0001", **payload}
        form = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(form, content_type="application/x-www-form-urlencoded")

    def slash(self, command: str, text: str, *, user: str = "U0001") -> tuple[int, str, float]:
        form = {
            "command": command,
            "text": text,
            "user_id": user,
            "channel_id": "C1",
            "team_id": "T0001",
            "response_url": self.fake.response_url(),
            "trigger_id": f"trig-{time.monotonic_ns()}",
            "api_app_id": "A0001",
        }
        return self.post(urlencode(form).encode(), content_type="application/x-www-form-urlencoded")

    def action(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U0001",
        channel: str = "C1",
        message_ts: str = "1700000000.000100",
    ) -> tuple[int, str, float]:
        payload = {
            "type": "block_actions",
            "team": {"id": "T0001"},
            "user": {"id": user},
            "api_app_id": "A0001",
            "trigger_id": "1.2.3",
            "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel},
            "message": {"ts": message_ts, "text": "answer"},
            "response_url": self.fake.response_url(),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "type": "button",
                    "action_ts": "1",
                }
            ],
        }
        form = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(form, content_type="application/x-www-form-urlencoded")


@pytest.fixture(scope="session")
def scenario_index(
    shared_scenario_index: tuple[KnowledgeIndex, Path],
) -> tuple[KnowledgeIndex, Path]:
    return shared_scenario_index


@pytest.fixture()
def chat_model() -> ChatModel | None:
    """No chat model by default; a module may override this fixture with a fake one."""
    return None


@pytest.fixture()
def harness(
    tmp_path: Path, scenario_index: tuple[KnowledgeIndex, Path], chat_model: ChatModel | None
) -> Iterator[Harness]:
    index, knowledge = scenario_index
    fake = FakeSlack().start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=fake.url,
        knowledge_dir=knowledge,
        data_dir=tmp_path / "data",
        leads=LEAD,
        lead_contact="Aiko (@aiko)",
        owners="Ken Sato=UKEN",
        wins_channel="CWINS",
        review_channel="CREVIEW",
        kudos_managers=MANAGER,
    )
    # CX_DATABASE_URL (a PostgreSQL database of this test's own) in the run on real servers.
    store = Store.for_data_dir(settings.data_dir, settings.database_url)
    store.create_all()
    answerer = AnsweringService(
        index=index, chat=chat_model, options=AnswerOptions(cx_lead=settings.lead_contact)
    )
    app = build_app(settings, index=index, answerer=answerer, store=store)
    server = make_http_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    try:
        yield Harness(fake=fake, app=app, store=store, url=url, settings=settings, index=index)
    finally:
        server.shutdown()
        server.server_close()
        fake.stop()
        store.close()
