"""Fault harness: the real Bolt app over HTTP against the fake Slack Web API, built so a test
can break one service at a time (Slack, the chat model, the database, the vector store) and
restart the bot on the same database, as a second process or a restart would."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from bot.answering.chat_model import ChatModel
from bot.kudos.service import RETRY_DELAYS
from bot.settings import Settings
from bot.slack.app import make_client
from bot.store import Store
from bot.store.models import FeedbackRow, KudosRow, QuestionRow
from ingest.index import KnowledgeIndex
from tests.harness import Harness, bot_settings, running_bot, wait_until
from tests.scenario.conftest import shared_scenario_index  # noqa: F401 - the fixture
from tests.scenario.fake_slack import BOT_USER, FakeSlack

__all__ = ["CLIENT_TIMEOUT_S", "Bot", "Faults", "database_down", "text_of", "wait_until"]

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
        return bot_settings(self.fake, self.knowledge, self.tmp_path / "data")

    def start_bot(
        self,
        *,
        chat: ChatModel | None = None,
        llm_timeout: float = 20.0,
        index: KnowledgeIndex | None = None,
        kudos_retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> Bot:
        """Start (or restart) the bot on the shared store, fake Slack and index; `index`, if
        given, is the one answers come from."""
        settings = self.settings()
        client = make_client(settings)
        client.timeout = CLIENT_TIMEOUT_S
        running = contextlib.ExitStack()
        harness = running.enter_context(
            running_bot(
                settings,
                fake=self.fake,
                index=self.index,
                store=self.store,
                chat=chat,
                answer_index=index,
                llm_timeout=llm_timeout,
                client=client,
                kudos_retry_delays=kudos_retry_delays,
            )
        )
        bot = Bot(harness=harness, stop=running.close)
        self.bots.append(bot)
        return bot

    def settle(self) -> None:
        """Wait until every bot started here is done (see `Harness.settle`)."""
        for bot in self.bots:
            bot.harness.settle()

    # -- what is durably stored ------------------------------------------------------------

    def kudos_rows(self) -> list[KudosRow]:
        with self.store.database.session() as s:
            return list(s.scalars(select(KudosRow).order_by(KudosRow.id)))

    def questions(self, user: str) -> list[QuestionRow]:
        with self.store.database.session() as s:
            return list(s.scalars(select(QuestionRow).where(QuestionRow.user_id == user)))

    def feedback(self, question_id: int) -> list[FeedbackRow]:
        with self.store.database.session() as s:
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
        return wait_until(
            lambda: found if len(found := self.posted(channel)) >= count else [],
            timeout,
            f"{count} post(s) in {channel}",
        )


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
