"""`cxbot wins export`, `digest` and `feedback import`: customer praise outside Slack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.common import ensure_index, err, load_settings, open_index, out
from bot.settings import Settings

wins_app = typer.Typer(help="Customer-praise wins celebrated in Slack.", no_args_is_help=True)
feedback_app = typer.Typer(help="Customer feedback from surveys.", no_args_is_help=True)


@wins_app.command("export")
def wins_export(
    folder: Annotated[
        Path | None, typer.Option(help="Knowledge folder (default: CX_KNOWLEDGE_DIR).")
    ] = None,
) -> None:
    """Write broadcast wins as Markdown highlights into the knowledge folder to curate."""
    from bot.kudos.highlights import EXPORT_FOLDER, export_wins
    from bot.wiring import open_store

    settings = load_settings()
    target = folder or settings.knowledge_dir
    written = export_wins(open_store(settings).kudos, target)
    err.print(
        f"Exported {len(written)} new or changed win(s) to {target / EXPORT_FOLDER}.",
        markup=False,
    )
    for path in written:
        out.print(str(path), markup=False, highlight=False)


def digest(
    post: Annotated[bool, typer.Option("--post", help="Post it to CX_WINS_CHANNEL.")] = False,
    chart: Annotated[Path | None, typer.Option(help="Also save the chart PNG here.")] = None,
) -> None:
    """The weekly wins digest: wins, values, people recognised, best quotes and a chart."""
    from bot.kudos.digest import build_digest, chart_png
    from bot.wiring import open_store

    settings = load_settings()
    summary = build_digest(open_store(settings).kudos, now=dt.datetime.now(dt.UTC))
    out.print(
        f"{summary.wins} win(s) this week; values: "
        + (", ".join(f"{v} ({c})" for v, c in summary.values) or "none")
        + f"; recognised: {len(summary.recognised) + len(summary.recognised_names)}",
        markup=False,
    )
    for quote in summary.quotes:
        out.print(f"  > {quote}", markup=False, highlight=False)
    if chart:
        chart.write_bytes(chart_png(summary))
        err.print(f"Chart saved to {chart}", markup=False)
    if post:
        if not settings.wins_channel or not settings.slack_bot_token:
            err.print("--post needs SLACK_BOT_TOKEN and CX_WINS_CHANNEL in .env.", markup=False)
            raise typer.Exit(2)
        from bot.slack.app import make_client
        from bot.slack.digest import post_digest

        post_digest(make_client(settings), settings.wins_channel, summary)
        err.print(f"Posted to {settings.wins_channel}.", markup=False)


@feedback_app.command("import")
def feedback_import(
    file: Annotated[Path, typer.Argument(help="CSV or JSONL survey export.")],
    mapping: Annotated[
        str | None,
        typer.Option("--map", help='Columns, e.g. "text=Comment,rating=Score,scale=nps".'),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Pick praise (by rating, else by a praise detector) and queue it for the digest."""
    from bot.kudos.feedback import ColumnMapping
    from bot.kudos.importer import import_feedback
    from bot.kudos.values import suggest_value
    from bot.wiring import open_store

    settings = load_settings()
    if not file.is_file():
        err.print(f"File not found: {file}", markup=False)
        raise typer.Exit(1)
    try:
        columns = ColumnMapping.parse(mapping) if mapping else None
    except ValueError as exc:
        err.print(f"--map: {exc}", markup=False)
        raise typer.Exit(2) from exc
    index = open_index(settings)
    ensure_index(settings, index)  # values are suggested from the vision: it must be indexed
    report = import_feedback(
        file,
        open_store(settings).kudos,
        mapping=columns,
        lookup=slack_lookup(settings),
        suggest=lambda quote, language: suggest_value(index, quote, language),
    )
    if as_json:
        print(report.model_dump_json())
        return
    err.print(
        f"{report.rows} rows read: {report.praise} praise, {report.added} added, "
        f"{report.duplicates} already imported, {report.not_praise} not praise.",
        markup=False,
    )
    for problem in report.problems:
        err.print(f"  line {problem.line}: {problem.reason}", style="yellow", markup=False)
    for email in report.unmatched_emails:
        err.print(f"  no Slack user for {email}", markup=False)


def slack_lookup(settings: Settings) -> Callable[[str], str | None] | None:
    """Match employees to Slack users by e-mail (needs the users:read.email scope)."""
    if not settings.slack_bot_token:
        return None
    from bot.slack.app import make_client

    client = make_client(settings)
    cache: dict[str, str | None] = {}

    def lookup(email: str) -> str | None:
        if email not in cache:
            try:
                reply: Any = client.users_lookupByEmail(email=email)
                cache[email] = (reply.get("user") or {}).get("id")
            except Exception:
                cache[email] = None
        return cache[email]

    return lookup
