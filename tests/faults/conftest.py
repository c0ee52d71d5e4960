"""Fault harness: the real Bolt app over HTTP against the fake Slack Web API, built so a test
can break one service at a time (Slack, the chat model, the database, the vector store) and
restart the bot on the same database, as a second process or a restart would."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from bot.answering.chat_model import ChatModel
from bot.answering.service import AnsweringService, AnswerOptions
from bot.kudos.store import KudosRow
from bot.settings import Settings
from bot.slack.app import build_app, make_client
from bot.slack.server import make_http_server
from bot.store import Store
from bot.store_models import FeedbackRow, QuestionRow
from ingest.index import KnowledgeIndex
from tests.scenario.conftest import (  # noqa: F401 - fixtures shared with the scenarios
    LEAD,
    MANAGER,
    SECRET,
    Harness,
    shared_scenario_index,
)
from tests.scenario.fake_slack import BOT_USER, FakeSlack

# The Slack client's timeout in these tests: short, so a "timed out" call is quick to see.
CLIENT_TIMEOUT_S = 1


@dataclass
class Bot:
    """One running bot process (its HTTP server); several may share a store and a fake."""

    harness: Harness
    stop: Callable[[], None]

    def ask(self, question: str, *, event_id: str, user: str = "U0001") -> tuple[int, str]:
        ts = f"{time.time():.6f}"
        status, _, _ = self.harness.event(
            {
                "type": "app_mention",
                "user": user,
                "channel": "C1",
                "ts": ts,
                "text": f"<@{BOT_USER}> {question}",
            },
            event_id=event_id,
        )
        return status, ts


@dataclass
class Faults:
    tmp_path: Path
    index: KnowledgeIndex
    knowledge: Path
    fake: FakeSlack
    store: Store
    bots: list[Bot] = field(default_factory=list)

    def settings(self) -> Settings:
        return Settings(  # type: ignore[call-arg]
            _env_file=None,
            slack_bot_token="xoxb-test",
            slack_signing_secret=SECRET,
            slack_api_url=self.fake.url,
            knowledge_dir=self.knowledge,
            data_dir=self.tmp_path / "data",
            leads=LEAD,
            lead_contact="Aiko (@aiko)",
            wins_channel="CWINS",
            review_channel="CREVIEW",
            kudos_managers=MANAGER,
        )

    def start_bot(
        self, *, chat: ChatModel | None = None, llm_timeout: float = 20.0, index: Any = None
    ) -> Bot:
        """Start (or restart) the bot on the shared store, fake Slack and index."""
        settings = self.settings()
        client = make_client(settings)
        client.timeout = CLIENT_TIMEOUT_S
        answerer = AnsweringService(
            index=index or self.index,
            chat=chat,
            options=AnswerOptions(cx_lead=settings.lead_contact, llm_timeout_seconds=llm_timeout),
        )
        app = build_app(
            settings, index=self.index, answerer=answerer, store=self.store, client=client
        )
        server = make_http_server(app, host="127.0.0.1", port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
        harness = Harness(
            fake=self.fake, app=app, store=self.store, url=url, settings=settings, index=self.index
        )

        def stop() -> None:
            server.shutdown()
            server.server_close()

        bot = Bot(harness=harness, stop=stop)
        self.bots.append(bot)
        return bot

    # -- what is durably stored ------------------------------------------------------------

    def kudos_rows(self) -> list[KudosRow]:
        with self.store.session() as s:
            return list(s.scalars(select(KudosRow).order_by(KudosRow.id)))

    def questions(self, user: str) -> list[QuestionRow]:
        with self.store.session() as s:
            return list(s.scalars(select(QuestionRow).where(QuestionRow.user_id == user)))

    def feedback(self, question_id: int) -> list[FeedbackRow]:
        with self.store.session() as s:
            return list(
                s.scalars(select(FeedbackRow).where(FeedbackRow.question_id == question_id))
            )

    # -- what Slack saw --------------------------------------------------------------------

    def posted(self, channel: str) -> list[dict[str, Any]]:
        """Messages Slack accepted in `channel` (failed attempts excluded)."""
        return [
            c.args
            for c in self.fake.calls_to("chat.postMessage")
            if c.args.get("channel") == channel and not c.args["_failed"]
        ]

    def wait_posted(
        self, channel: str, count: int = 1, timeout: float = 30.0
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.posted(channel)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} post(s) in {channel}, got {self.posted(channel)}")


def wait_until(check: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@contextlib.contextmanager
def database_down(store: Store, *, only: str | None = None) -> Iterator[None]:
    """Every statement (or those containing `only`) fails as if the server went away, and
    pooled connections are dropped; everything works again on leaving the block."""

    def refuse(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if only is None or only in statement:
            raise OperationalError(statement, None, ConnectionError("server closed the connection"))

    store.engine.dispose()
    event.listen(store.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(store.engine, "before_cursor_execute", refuse)
        store.engine.dispose()


@pytest.fixture()
def faults(
    tmp_path: Path,
    shared_scenario_index: tuple[KnowledgeIndex, Path],  # noqa: F811 - the fixture
) -> Iterator[Faults]:
    index, knowledge = shared_scenario_index
    fake = FakeSlack().start()
    store = Store.for_data_dir(tmp_path / "data")
    store.create_all()
    result = Faults(tmp_path=tmp_path, index=index, knowledge=knowledge, fake=fake, store=store)
    try:
        yield result
    finally:
        for bot in result.bots:
            bot.stop()
        fake.stop()
        store.close()


def text_of(args: dict[str, Any]) -> str:
    return f"{args.get('text', '')} {args.get('blocks', '')}"
