"""Wires the Bolt app: one function, collaborators passed in (house style, DESIGN.md)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
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

from bot.answering.service import AnsweringService
from bot.kudos.store import KudosStore
from bot.settings import Settings
from bot.slack.actions import register_actions
from bot.slack.assistant import build_assistant
from bot.slack.commands import register_commands
from bot.slack.context import SlackContext
from bot.slack.events import register_events
from bot.slack.kudos import register_kudos
from bot.store import Store
from ingest.index import KnowledgeIndex

log = logging.getLogger(__name__)


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
    answerer: AnsweringService,
    store: Store,
    client: WebClient | None = None,
) -> App:
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    web = client or make_client(settings)
    options: dict[str, Any] = {
        "client": web,
        "signing_secret": secret,
        # Socket Mode needs no signing secret; HTTP mode verifies every request with it.
        "request_verification_enabled": secret is not None,
        "ignoring_self_events_enabled": True,
        "logger": logging.getLogger("cx.slack"),
    }
    try:
        app = App(**options)
    except (BoltError, SlackApiError) as exc:
        # auth.test failed (a proxy or test double without it, a revoked token): start
        # anyway, so requests are still verified and answered; the log says what to check.
        log.warning("Slack auth.test failed (%s); starting without token verification", exc)
        app = App(**options, token_verification_enabled=False)
    ctx = SlackContext(settings=settings, index=index, answerer=answerer, store=store)
    app.middleware(dedupe_events(store))
    app.use(build_assistant(ctx))
    register_events(app, ctx)
    register_commands(app, ctx)
    register_actions(app, ctx)
    flow = register_kudos(app, ctx, KudosStore(store))
    # Wins stored but never posted (Slack down at the time) go out now, off the start path.
    threading.Thread(
        target=flow.retry_unposted, args=(app.client,), name="cx-kudos-retry", daemon=True
    ).start()

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        # A failing listener never takes the app down; the listener itself apologised.
        log.error("Unhandled error for %s: %s", body.get("type"), error, exc_info=error)

    return app


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
