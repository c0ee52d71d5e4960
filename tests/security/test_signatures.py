"""Only requests signed by Slack with our secret, and recent, reach the bot.

tests/scenario checks a wrong signature and an hour-old timestamp; here every other way a
request can be forged or replayed, each proven to leave no trace (no answer, no database row).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier

from ingest.index import KnowledgeIndex
from tests.harness import Harness
from tests.scenario.fake_slack import BOT_USER
from tests.security.conftest import SIGNING_SECRET, database_rows, running_harness


@pytest.fixture()
def harness(tmp_path: Path, security_index: tuple[KnowledgeIndex, Path]) -> Iterator[Harness]:
    with running_harness(tmp_path, *security_index) as harness:
        yield harness


def event_body(event_id: str, text: str = "How much can store staff refund?") -> bytes:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": "U0001",
        "text": f"<@{BOT_USER}> {text}",
        "ts": "1700000100.000100",
        "channel": "C1",
        "event_ts": "1700000100.000100",
    }
    body = {
        "type": "event_callback",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": event,
    }
    return json.dumps(body).encode()


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    assert signature is not None
    return signature


def assert_nothing_happened(harness: Harness) -> None:
    harness.settle()
    answers = [c for c in harness.fake.calls if c.method != "auth.test"]
    assert answers == []
    assert database_rows(harness.store) == 0


JSON = "application/json"


def test_a_valid_request_is_accepted_and_answered(harness: Harness) -> None:
    body = event_body("EvGood")
    status, _, _ = harness.post(body, content_type=JSON)
    assert status == 200
    harness.fake.wait_for("chat.postMessage")
    assert database_rows(harness.store) > 0  # the claimed event and the logged question


@pytest.mark.parametrize(
    "case",
    [
        "wrong secret",
        "garbage signature",
        "no v0 prefix",
        "empty signature",
        "stale by six minutes",
        "from the future",
        "timestamp not a number",
        "missing signature header",
        "missing timestamp header",
        "no headers at all",
    ],
)
def test_forged_or_stale_requests_are_rejected(harness: Harness, case: str) -> None:
    body = event_body(f"Ev-{case}")
    now = int(time.time())
    headers: dict[str, str] = {}
    timestamp: int | None = None
    signature: str | None = None
    if case == "wrong secret":
        signature = sign(body, now, secret="not-" + SIGNING_SECRET)
    elif case == "garbage signature":
        signature = "v0=" + "0" * 64
    elif case == "no v0 prefix":
        signature = sign(body, now).removeprefix("v0=")
    elif case == "empty signature":
        headers = {"X-Slack-Signature": ""}
    elif case == "stale by six minutes":
        timestamp = now - 6 * 60
        signature = sign(body, timestamp)  # correctly signed, but too old
    elif case == "from the future":
        timestamp = now + 6 * 60
        signature = sign(body, timestamp)
    elif case == "timestamp not a number":
        headers = {"X-Slack-Request-Timestamp": "yesterday"}
    elif case == "missing signature header":
        headers = {"X-Slack-Signature": ""}
    elif case == "missing timestamp header":
        headers = {"X-Slack-Request-Timestamp": ""}
    elif case == "no headers at all":
        headers = {"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""}
    status, _, _ = harness.post(
        body, content_type=JSON, timestamp=timestamp, signature=signature, headers=headers
    )
    assert status == 401
    assert_nothing_happened(harness)


def test_a_replayed_body_with_another_requests_signature_is_rejected(
    harness: Harness,
) -> None:
    """An attacker who saw one signed request cannot reuse its signature for another body,
    nor move its signature to a fresh timestamp."""
    now = int(time.time())
    seen_body = event_body("EvSeen", "hello")
    seen_signature = sign(seen_body, now)
    forged = event_body("EvForged", "How much can store staff refund?")
    status, _, _ = harness.post(forged, content_type=JSON, timestamp=now, signature=seen_signature)
    assert status == 401
    status, _, _ = harness.post(
        seen_body, content_type=JSON, timestamp=now + 1, signature=seen_signature
    )
    assert status == 401
    # One byte added to a signed body (a second event smuggled in) breaks the signature too.
    status, _, _ = harness.post(
        seen_body + b" ", content_type=JSON, timestamp=now, signature=seen_signature
    )
    assert status == 401
    assert_nothing_happened(harness)


def test_a_signed_request_replayed_later_is_answered_once(harness: Harness) -> None:
    """Within the five minutes a captured request still verifies; the event ID claim is what
    stops a replay from being answered twice."""
    body = event_body("EvReplay")
    now = int(time.time())
    signature = sign(body, now)
    for _ in range(3):
        status, _, _ = harness.post(body, content_type=JSON, timestamp=now, signature=signature)
        assert status == 200
    harness.fake.wait_for("chat.postMessage")
    harness.settle()
    assert len(harness.fake.calls_to("chat.postMessage")) == 1


def test_forged_slash_command_and_button_are_rejected(harness: Harness) -> None:
    form = "command=%2Fcx&text=role+warehouse&user_id=U0001&team_id=T0001&channel_id=C1"
    status, _, _ = harness.post(
        form.encode(),
        content_type="application/x-www-form-urlencoded",
        signature="v0=" + "f" * 64,
    )
    assert status == 401
    payload = json.dumps(
        {
            "type": "block_actions",
            "user": {"id": "U0001"},
            "team": {"id": "T0001"},
            "actions": [{"action_id": "cx_feedback_up", "value": "1", "type": "button"}],
        }
    )
    stale = int(time.time()) - 301
    body = ("payload=" + urllib_quote(payload)).encode()
    status, _, _ = harness.post(
        body,
        content_type="application/x-www-form-urlencoded",
        timestamp=stale,
        signature=sign(body, stale),
    )
    assert status == 401
    assert_nothing_happened(harness)
    assert harness.store.get_role("U0001") is None


def urllib_quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
