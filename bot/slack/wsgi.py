"""WSGI entry point for HTTP mode behind a production server, e.g.

    gunicorn --workers 4 --threads 8 --bind 0.0.0.0:3000 'bot.slack.wsgi:create_app()'

Each worker process builds its own app; they share the database (and the Chroma server), so
an event is still answered once whichever worker receives it.
"""

from __future__ import annotations

from pydantic import ValidationError
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import logsafe
from bot.settings import Settings, explain
from bot.slack.server import wsgi_app
from bot.wiring import build_slack_app


def create_app() -> SlackRequestHandler:
    try:
        settings = Settings()
    except ValidationError as exc:
        # pydantic's own message quotes every bad value; the server would log it verbatim.
        raise SystemExit(explain(exc)) from None
    logsafe.install(logsafe.secret_values(settings))  # the WSGI server configures logging
    if not settings.slack_bot_token or not settings.slack_signing_secret:
        raise SystemExit("HTTP mode needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in .env.")
    return wsgi_app(build_slack_app(settings))
