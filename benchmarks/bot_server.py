"""The bot as it runs in HTTP mode, on loopback, for the Slack benchmarks: the real index over
knowledge/, the real Bolt app behind the threaded HTTP server, a fake Slack Web API."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.answering.confidence import AnswerOptions
from bot.answering.service import AnsweringService
from bot.slack.app import build_app
from bot.slack.server import make_http_server
from bot.store import Store
from ingest.bundled_e5 import BundledE5Embedder
from ingest.index import KnowledgeIndex
from ingest.vectors import make_client
from tests.harness import Harness, TrackingExecutor, bot_settings
from tests.scenario.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def running_bot(
    answering: type[AnsweringService] = AnsweringService, *, database_url: str | None = None
) -> Iterator[Harness]:
    """A harness (signed requests in, the fake's recorded calls out) for a running bot."""
    tmp = Path(tempfile.mkdtemp(prefix="cx-bench-bot-"))
    embedder = BundledE5Embedder(threads=1)  # as in the bot (CX_EMBEDDING_THREADS=0)
    index = KnowledgeIndex(
        data_dir=tmp,
        embedder=embedder,
        client=make_client(data_dir=tmp),
        dense_languages=embedder.languages,
    )
    index.sync_folder(ROOT / "knowledge")
    index.warm_up()
    fake = FakeSlack().start()
    settings = bot_settings(fake, ROOT / "knowledge", tmp)
    store = Store.for_data_dir(tmp, database_url)
    store.create_all()
    answerer = answering(index=index, options=AnswerOptions())
    executor = TrackingExecutor()
    app = build_app(
        settings, index=index, answerer=answerer, store=store, listener_executor=executor
    )
    server = make_http_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Harness(
            fake=fake,
            app=app,
            store=store,
            settings=settings,
            url=f"http://127.0.0.1:{server.server_address[1]}/slack/events",
            index=index,
            executor=executor,
        )
    finally:
        server.shutdown()
        server.server_close()
        fake.stop()
        store.close()
