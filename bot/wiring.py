"""Builds the collaborators from `Settings`: one place, so every entry point wires alike."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from bot.answering.chat_model import ChatModel, LangChainChatModel
from bot.answering.confidence import AnswerOptions
from bot.answering.service import AnsweringService
from bot.settings import Settings
from ingest.bundled_e5 import BUNDLED_E5, BundledE5Embedder
from ingest.embeddings import Embedder, EmbeddingModelError, create_embedder
from ingest.glossary import DEFAULT_GLOSSARY, Glossary
from ingest.index import KnowledgeIndex, SyncBusyError
from ingest.vectors import make_client

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.store import Store
    from bot.store.protocols import Wins
    from ingest.sync import Progress, SyncReport

log = logging.getLogger(__name__)


def build_embedder(settings: Settings, *, answering: bool = False) -> Embedder:
    """`answering`: the process answers questions (bot, chat, ask) rather than bulk-indexing.

    The bundled multilingual engine is checked here (it loads in milliseconds); if it cannot
    run on this CPU, the fallback model is used, loudly, rather than no bot at all."""
    threads = settings.embedding_threads or (1 if answering else None)

    def make(model: str) -> Embedder:
        return create_embedder(
            model,
            query_prefix=settings.embedding_query_prefix,
            passage_prefix=settings.embedding_passage_prefix,
            threads=threads,
        )

    embedder = make(settings.embedding_model)
    if isinstance(embedder, BundledE5Embedder) and settings.embedding_fallback:
        try:
            embedder.warm_up()
        except EmbeddingModelError as exc:
            log.warning("%s Using the fallback model %s.", exc, settings.embedding_fallback)
            return make(settings.embedding_fallback)
    return embedder


def build_index(settings: Settings, *, answering: bool = False) -> KnowledgeIndex:
    embedder = build_embedder(settings, answering=answering)
    client = make_client(
        data_dir=settings.data_dir,
        host=settings.chroma_host,
        port=settings.chroma_port,
        tenant=settings.chroma_tenant,
        database=settings.chroma_database,
    )
    return KnowledgeIndex(
        data_dir=settings.data_dir,
        embedder=embedder,
        client=client,
        dense_languages=settings.dense_languages(embedder_model(settings, embedder)),
        query_prefix=getattr(embedder, "query_prefix", ""),
        passage_prefix=getattr(embedder, "passage_prefix", ""),
        glossary=Glossary.load(DEFAULT_GLOSSARY, settings.knowledge_dir / "glossary.yaml"),
    )


def embedder_model(settings: Settings, embedder: Embedder) -> str:
    """The model setting the embedder stands for (the fallback's, after a fallback)."""
    if isinstance(embedder, BundledE5Embedder):
        return BUNDLED_E5
    return embedder.name


def build_chat_model(settings: Settings) -> ChatModel | None:
    if not settings.llm_model:
        return None
    return LangChainChatModel(settings.llm_model, temperature=settings.llm_temperature)


def answer_options(settings: Settings) -> AnswerOptions:
    return AnswerOptions(
        top_k=settings.top_k,
        min_confidence=settings.min_confidence,
        cx_lead=settings.lead_contact,
        company=settings.company_name,
        llm_timeout_seconds=settings.llm_timeout_seconds,
    )


def build_answering(
    settings: Settings, index: KnowledgeIndex, chat: ChatModel | None = None
) -> AnsweringService:
    return AnsweringService(index=index, chat=chat, options=answer_options(settings))


def build_slack_app(settings: Settings) -> App:
    """Everything the Slack bot needs, ready to serve: index (synced if never synced), store,
    a warmed-up model (the first question must not pay for loading) and the Bolt app."""
    from bot.slack.app import build_app

    index = build_index(settings, answering=True)
    store = open_store(settings)
    if index.generation() is None and settings.knowledge_dir.is_dir():
        try:
            sync_all(settings, index, store.kudos)
        except SyncBusyError:
            # Several workers started together on an empty index: one indexes, the rest
            # serve and pick the index up when it switches to the new generation.
            log.info("Another process is indexing the knowledge; serving once it is done")
    store.purge_events(dt.timedelta(days=7))  # retries come within minutes; keep a week
    index.warm_up()
    app = build_app(
        settings,
        index=index,
        answerer=build_answering(settings, index, build_chat_model(settings)),
        store=store,
    )
    if settings.digest_cron and settings.wins_channel:
        from bot.slack.digest import start_schedule

        start_schedule(app.client, settings.wins_channel, store.kudos, store, settings.digest_cron)
    return app


def open_store(settings: Settings) -> Store:
    """The bot's database (CX_DATABASE_URL, else SQLite in the data folder), tables made."""
    from bot.store import Store

    store = Store.for_data_dir(settings.data_dir, settings.database_url)
    store.create_all()
    return store


def sync_all(
    settings: Settings,
    index: KnowledgeIndex,
    wins: Wins | None = None,
    *,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync the knowledge folder and the broadcast wins (the one way everything syncs)."""
    from bot.indexing import sync_knowledge

    if wins is None:
        wins = open_store(settings).kudos
    return sync_knowledge(index, settings.knowledge_dir, wins, progress=progress)
