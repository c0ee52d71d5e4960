"""Wires the Bolt app: one function, collaborators passed in (house style, DESIGN.md).

Every Slack surface is a module with top-level listeners and a `register(app, ctx)`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from functools import partial
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.indexing import sync_knowledge
from bot.knowledge.service import KnowledgeUpkeep
from bot.kudos.ports import KudosPolicy
from bot.kudos.service import RETRY_DELAYS, KudosService, index_in_background
from bot.settings import Settings
from bot.slack import (
    access,
    actions,
    assistant,
    commands,
    events,
    home_tab,
    lessons,
    shortcuts,
    upkeep,
    views,
    welcome,
)
from bot.slack.context import Answerer, SlackContext
from bot.slack.kudos_poster import SlackPoster
from bot.slack.visitors import SlackGroups
from bot.store import Store
from ingest.index import KnowledgeIndex

log = logging.getLogger(__name__)

# One `register(app, ctx)` per surface; the assistant first (it is a middleware).
SURFACES: tuple[Callable[[App, SlackContext], None], ...] = (
    assistant.register,
    events.register,
    home_tab.register,
    commands.register,
    shortcuts.register,
    views.register,
    actions.register,
    upkeep.register,
    welcome.register,
    lessons.register,
)


def make_client(settings: Settings) -> WebClient:
    """A Web API client that retries rate limits, server errors and dropped connections."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(token=token, base_url=settings.slack_api_url, timeout=15)
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            # Read timeouts too: an answer posted late beats an apology. Slack may, rarely,
            # have posted the timed-out message already; a duplicate harms less than a loss.
            ConnectionErrorRetryHandler(
                max_retry_count=2,
                error_types=[URLError, ConnectionResetError, RemoteDisconnected, TimeoutError],
            ),
        ]
    )
    return client


def build_app(
    settings: Settings,
    *,
    index: KnowledgeIndex,
    answerer: Answerer,
    store: Store,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
    kudos_retry_delays: Sequence[float] = RETRY_DELAYS,
) -> App:
    """The Bolt app with every listener. `listener_executor` runs the listeners (Bolt's
    default pool when None; tests pass one they can watch). `kudos_retry_delays`: seconds
    between retries of kudos posts owed while Slack is down."""
    web = client or make_client(settings)
    app = bolt_app(settings, web, listener_executor)
    ctx = build_context(
        settings,
        index=index,
        answerer=answerer,
        store=store,
        client=web,
        kudos_retry_delays=kudos_retry_delays,
    )
    app.middleware(dedupe_events(store))
    # Who is asking (staff, guest, another organisation), before any surface acts on it.
    app.middleware(access.gate(ctx))
    if settings.welcome:
        # The first time someone talks to the bot they are welcomed (once, across processes).
        app.middleware(welcome.first_contact(ctx))
    for register in SURFACES:
        register(app, ctx)
    app.error(log_unhandled)
    if settings.health_cron and ctx.upkeep is not None:
        # Weekly owner nudges; every process schedules them, a database claim sends each once.
        upkeep.start_health_schedule(ctx, web, settings.health_cron)
    if settings.lesson_cron and ctx.lessons is not None:
        # The weekly lesson; likewise scheduled everywhere and sent once per person.
        lessons.start_lesson_schedule(ctx, web, settings.lesson_cron)
    # Wins stored but never posted (Slack down at the time) go out now, off the start path.
    threading.Thread(target=ctx.kudos.retry_unposted, name="cx-kudos-retry", daemon=True).start()
    return app


def bolt_app(settings: Settings, client: WebClient, listener_executor: Executor | None) -> App:
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    options: dict[str, Any] = {
        "client": client,
        "signing_secret": secret,
        # Socket Mode needs no signing secret; HTTP mode verifies every request with it.
        "request_verification_enabled": secret is not None,
        "ignoring_self_events_enabled": True,
        "logger": logging.getLogger("cx.slack"),
        "listener_executor": listener_executor,
    }
    try:
        return App(**options)
    except (BoltError, SlackApiError) as exc:
        # Start anyway: Slack may just be unreachable for a moment. But Bolt's single-team
        # authorisation calls auth.test again for each request and refuses the request
        # while it fails, so say that, and what to check.
        log.error(
            "Slack auth.test failed at start (%s). The bot is up, but every request from "
            "Slack will be refused until auth.test succeeds (it is retried on each "
            "request). Check SLACK_BOT_TOKEN (revoked, or from another workspace), "
            "SLACK_API_URL (%s) and the network or proxy between here and Slack.",
            exc,
            settings.slack_api_url,
        )
        return App(**options, token_verification_enabled=False)


def build_context(
    settings: Settings,
    *,
    index: KnowledgeIndex,
    answerer: Answerer,
    store: Store,
    client: WebClient,
    kudos_retry_delays: Sequence[float] = RETRY_DELAYS,
) -> SlackContext:
    """What the listeners share; kudos are posted with `client` (the app's own)."""
    records = store.kudos
    sync = partial(sync_knowledge, index, settings.knowledge_dir, records)
    poster = SlackPoster(client)
    kudos = KudosService(
        records=records,
        poster=poster,
        directory=poster,
        index=index,
        policy=kudos_policy(settings),
        retry_delays=kudos_retry_delays,
        # A posted win becomes knowledge (a feedback highlight), indexed off the request path.
        on_celebrated=partial(index_in_background, sync),
    )
    return SlackContext(
        settings=settings,
        index=index,
        answerer=answerer,
        store=store,
        kudos=kudos,
        sync=sync,
        upkeep=knowledge_upkeep(settings, index, store, sync),
        groups=SlackGroups(client),
        lessons=store.lessons,
    )


def knowledge_upkeep(
    settings: Settings, index: KnowledgeIndex, store: Store, sync: Callable[[], object]
) -> KnowledgeUpkeep:
    """Health, nudges, verification and captured answers over this index and database."""
    return KnowledgeUpkeep(
        index=index,
        signals=store.upkeep,
        snoozes=store.upkeep,
        drafts=store.upkeep,
        gaps=store.upkeep,
        knowledge_dir=settings.knowledge_dir,
        sync=sync,
        owners=settings.owner_ids(),
        leads=settings.lead_ids(),
        review_days=settings.review_interval_days,
    )


def kudos_policy(settings: Settings) -> KudosPolicy:
    return KudosPolicy(
        wins_channel=settings.wins_channel,
        review_channel=settings.review_channel,
        managers=settings.kudos_manager_ids(),
        manager_group=settings.kudos_manager_group,
    )


def log_unhandled(error: Exception, body: dict[str, Any]) -> None:
    # A failing listener never takes the app down; the listener itself apologised.
    log.error("Unhandled error for %s: %s", body.get("type"), error, exc_info=error)


def dedupe_events(store: Store) -> Callable[..., BoltResponse | None]:
    """Slack retries an event it thinks we missed (X-Slack-Retry-Num), and with several bot
    processes any of them may receive it: the database decides, atomically, who answers."""

    def middleware(
        req: BoltRequest, body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not store.claim_event(str(event_id)):
            log.info("Skipping event %s: already handled", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware
