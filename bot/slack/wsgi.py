"""WSGI entry point for HTTP mode behind a production server, e.g.

    gunicorn --workers 4 --threads 8 --bind 0.0.0.0:3000 'bot.slack.wsgi:create_app()'

Each worker process builds its own app; they share the database (and the Chroma server), so
an event is still answered once whichever worker receives it.
"""

from __future__ import annotations

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.settings import Settings
from bot.slack.server import wsgi_app
from bot.wiring import build_slack_app


def create_app() -> SlackRequestHandler:
    settings = Settings()
    if not settings.slack_bot_token or not settings.slack_signing_secret:
        raise SystemExit("HTTP mode needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in .env.")
    return wsgi_app(build_slack_app(settings))
