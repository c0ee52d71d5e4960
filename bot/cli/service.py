"""`cxbot doctor`, `serve` and `start`: checking the setup and running the bot."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.common import err, load_settings, open_index, out, print_report, run_sync
from bot.settings import Settings


def doctor() -> None:
    """Check settings, the embedding model, the index and the chat model; say what to fix."""
    from bot.doctor import run_doctor

    settings = load_settings()
    raise typer.Exit(run_doctor(settings, console=out))


def serve(
    http: Annotated[bool, typer.Option("--http", help="Events API over HTTP.")] = False,
    port: Annotated[int, typer.Option(help="Port for --http.")] = 3000,
    host: Annotated[str, typer.Option(help="Address for --http.")] = "0.0.0.0",
) -> None:
    """Run the Slack bot (Socket Mode by default, or HTTP with --http)."""
    settings = load_settings()
    run_bot(settings, http=http, port=port, host=host)


def run_bot(settings: Settings, *, http: bool, port: int, host: str = "0.0.0.0") -> None:
    missing = [] if settings.slack_bot_token else ["SLACK_BOT_TOKEN"]
    if http and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET")
    if not http and not settings.slack_app_token:
        missing.append("SLACK_APP_TOKEN")
    if missing:
        mode = "HTTP mode" if http else "Socket Mode"
        err.print(
            f"{mode} needs {' and '.join(missing)} in .env. See README, 'Connect to Slack'.",
            markup=False,
        )
        raise typer.Exit(2)
    from bot.slack.server import serve_http, serve_socket_mode
    from bot.wiring import build_slack_app

    app_ = build_slack_app(settings)
    if http:
        serve_http(app_, host=host, port=port)
    else:
        assert settings.slack_app_token is not None
        serve_socket_mode(app_, settings.slack_app_token.get_secret_value())


def start() -> None:
    """Index the knowledge, then run the Slack bot if tokens are set, else the terminal chat."""
    settings = load_settings()
    index = open_index(settings, answering=True)
    print_report(run_sync(settings, index))
    if settings.slack_enabled:
        run_bot(settings, http=settings.slack_app_token is None, port=3000)
        return
    from bot.chat import run_chat

    err.print("No Slack tokens in .env: starting the terminal chat instead.")
    run_chat(settings, index, role=None, console=out)
