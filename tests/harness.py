"""The app under test, shared by the scenario, security and fault tiers: the real Bolt app
served over real HTTP, requests signed as Slack signs them, and a fake Slack Web API.

Waiting is always bounded: `wait_until` polls for something to happen, and `settle` polls
until the bot has nothing left to do (no listener running, the fake Slack's call log still)
so a test can then assert that something did *not* happen.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from pydantic import SecretStr
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.answering.chat_model import ChatModel
from bot.answering.confidence import AnswerOptions
from bot.answering.service import AnsweringService
from bot.kudos.service import RETRY_DELAYS
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.server import make_http_server
from bot.store import Store
from ingest.index import KnowledgeIndex
from tests.scenario.fake_slack import FakeSlack

SECRET = "test-signing-secret"
TEAM = "T0001"
LEAD = "ULEAD"
MANAGER = "UMGR1"

# The bot's own short background jobs (re-index, index a win, retry owed posts at start,
# welcome someone who talks to the bot for the first time).
BACKGROUND_JOBS = frozenset({"cx-kudos-retry", "cx-index-wins", "cx-reindex", "cx-welcome"})

_T = TypeVar("_T")


def background_jobs_running() -> bool:
    return any(t.name in BACKGROUND_JOBS and t.is_alive() for t in threading.enumerate())


def wait_until(check: Callable[[], _T], timeout: float = 30.0, what: str = "condition") -> _T:
    """Poll `check` until it returns something truthy (returned), or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, counting the listeners still running."""

    def __init__(self) -> None:
        super().__init__(max_workers=5, thread_name_prefix="bolt-listener")
        self._running = 0
        self._count_lock = threading.Lock()

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        with self._count_lock:
            self._running += 1

        def run() -> _T:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._count_lock:
                    self._running -= 1

        return super().submit(run)

    @property
    def busy(self) -> bool:
        with self._count_lock:
            return self._running > 0


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
    """POST a request signed as Slack signs it; returns status, body and seconds taken.
    A header given as "" is left out (to send a request missing it)."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    sig = signature or SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}
    sent.update(headers or {})
    request = urllib.request.Request(
        url, data=body, method="POST", headers={k: v for k, v in sent.items() if v}
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
        "team_id": TEAM,
        "api_app_id": "A0001",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        "event": event,
    }
    return json.dumps(body).encode()


def bot_settings(
    fake: FakeSlack, knowledge: Path, data_dir: Path, *, secret: str = SECRET, **overrides: Any
) -> Settings:
    """Settings for a bot talking to `fake`, with a lead, a manager and the kudos channels."""
    values: dict[str, Any] = {
        "slack_bot_token": SecretStr("xoxb-test"),
        "slack_signing_secret": SecretStr(secret),
        "slack_api_url": fake.url,
        "knowledge_dir": knowledge,
        "data_dir": data_dir,
        "leads": LEAD,
        "lead_contact": "Aiko (@aiko)",
        "wins_channel": "CWINS",
        "review_channel": "CREVIEW",
        "kudos_managers": MANAGER,
        # Off unless a test is about it: the welcome DM is one more message to count.
        "welcome": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Harness:
    """One running bot: its HTTP endpoint, its store and the fake Slack it talks to."""

    fake: FakeSlack
    app: App
    store: Store
    url: str
    settings: Settings
    index: KnowledgeIndex
    executor: TrackingExecutor
    secret: str = SECRET

    def post(self, body: bytes, *, content_type: str, **kwargs: Any) -> tuple[int, str, float]:
        return signed_post(self.url, body, content_type=content_type, secret=self.secret, **kwargs)

    def event(
        self, event: dict[str, Any], *, event_id: str, **kwargs: Any
    ) -> tuple[int, str, float]:
        body = event_body(event, event_id=event_id)
        return self.post(body, content_type="application/json", **kwargs)

    def form(self, fields: dict[str, str]) -> tuple[int, str, float]:
        body = urlencode(fields).encode()
        return self.post(body, content_type="application/x-www-form-urlencoded")

    def slash(
        self, command: str, text: str, *, user: str = "U0001", channel: str = "C1"
    ) -> tuple[int, str, float]:
        return self.form(
            {
                "command": command,
                "text": text,
                "user_id": user,
                "channel_id": channel,
                "team_id": TEAM,
                "response_url": self.fake.response_url(),
                "trigger_id": f"trig-{time.monotonic_ns()}",
                "api_app_id": "A0001",
            }
        )

    def command(
        self, text: str, *, user: str = "U0001", channel: str = "C1"
    ) -> tuple[int, str, float]:
        return self.slash("/cx", text, user=user, channel=channel)

    def interactive(self, payload: dict[str, Any]) -> tuple[int, str, float]:
        payload = {"team": {"id": TEAM}, "api_app_id": "A0001", **payload}
        return self.form({"payload": json.dumps(payload)})

    def action(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U0001",
        channel: str = "C1",
        message_ts: str = "1700000000.000100",
    ) -> tuple[int, str, float]:
        return self.interactive(
            {
                "type": "block_actions",
                "user": {"id": user},
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
        )

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until the bot is done: no listener or background job running and the fake
        Slack's call log unchanged over two polls. Then an assertion that something did not
        happen holds."""
        seen = [-1]

        def quiet() -> bool:
            count = len(self.fake.calls)
            still = not self.executor.busy and not background_jobs_running() and count == seen[0]
            seen[0] = count
            return still

        wait_until(quiet, timeout, "the bot to finish its work")


@contextlib.contextmanager
def running_bot(
    settings: Settings,
    *,
    fake: FakeSlack,
    index: KnowledgeIndex,
    store: Store,
    chat: ChatModel | None = None,
    answer_index: KnowledgeIndex | None = None,
    llm_timeout: float = 20.0,
    client: WebClient | None = None,
    kudos_retry_delays: Sequence[float] = RETRY_DELAYS,
) -> Iterator[Harness]:
    """Serve the real Bolt app on a loopback port until the block ends.

    `answer_index` lets a test answer from a different (e.g. broken) index than the one the
    rest of the bot uses."""
    answerer = AnsweringService(
        index=answer_index or index,
        chat=chat,
        options=AnswerOptions(cx_lead=settings.lead_contact, llm_timeout_seconds=llm_timeout),
    )
    executor = TrackingExecutor()
    app = build_app(
        settings,
        index=index,
        answerer=answerer,
        store=store,
        client=client,
        listener_executor=executor,
        kudos_retry_delays=kudos_retry_delays,
    )
    server = make_http_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    secret = settings.slack_signing_secret
    try:
        yield Harness(
            fake=fake,
            app=app,
            store=store,
            url=url,
            settings=settings,
            index=index,
            executor=executor,
            secret=secret.get_secret_value() if secret else SECRET,
        )
    finally:
        server.shutdown()
        server.server_close()
        executor.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()


@contextlib.contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    """The bot's database (CX_DATABASE_URL: a PostgreSQL database of the test's own in the
    run on real servers), tables created."""
    store = Store.for_data_dir(settings.data_dir, settings.database_url)
    store.create_all()
    try:
        yield store
    finally:
        store.close()
