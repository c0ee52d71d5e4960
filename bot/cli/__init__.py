"""The `cxbot` command line: ingest, ask, chat, eval, doctor, serve, start, the wins,
digest and feedback commands, knowledge upkeep (health, verify) and lessons. One module per group of
commands; they are registered here, in the order `cxbot --help` lists them."""

from __future__ import annotations

import typer

from bot.cli.common import load_settings
from bot.cli.knowledge import ask, chat, evaluate, ingest
from bot.cli.service import doctor, serve, start
from bot.cli.upkeep import health, verify
from bot.cli.wins import digest, feedback_app, wins_app
from bot.lessons.cli import lessons_app

__all__ = ["app", "load_settings", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="CX Assistant: grounded answers about customer experience, from your CX knowledge.",
)
app.command()(ingest)
app.command()(ask)
app.command()(chat)
app.command(name="eval")(evaluate)
app.command()(doctor)
app.command()(serve)
app.command()(start)
app.add_typer(wins_app, name="wins")
app.command()(digest)
app.add_typer(feedback_app, name="feedback")
app.command()(health)
app.command()(verify)
app.add_typer(lessons_app, name="lessons")


def main() -> None:
    app()
