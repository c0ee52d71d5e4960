"""The `cxbot` command line: ingest, ask, chat, eval, doctor, serve and start."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot import logsafe
from bot.answering.render import answer_text
from bot.settings import Settings, explain
from ingest.index import KnowledgeIndex, SyncBusyError
from ingest.sync import SyncReport

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="CX Assistant: grounded answers about customer experience, from your CX knowledge.",
)
out = Console()
err = Console(stderr=True)
log = logging.getLogger("cxbot")


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        err.print(explain(exc), markup=False)
        raise typer.Exit(2) from exc
    logsafe.install(logsafe.secret_values(settings))
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Libraries chatter at INFO about HTTP calls and telemetry; keep the terminal readable.
    for noisy in ("httpx", "chromadb", "sentence_transformers", "urllib3", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return settings


def open_index(settings: Settings, *, answering: bool = False) -> KnowledgeIndex:
    from bot.wiring import build_index

    return build_index(settings, answering=answering)


def run_sync(settings: Settings, index: KnowledgeIndex, *, quiet: bool = False) -> SyncReport:
    from bot.wiring import sync_all

    if quiet or not err.is_terminal:
        return sync_all(settings, index)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("Indexing", total=None)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total or None, description=what.capitalize())

        return sync_all(settings, index, progress=progress)


def print_report(report: SyncReport) -> None:
    if report.replaced_models:
        err.print(
            f"The embedding model changed (was {', '.join(report.replaced_models)}): every "
            "document was embedded again with the new model. The old index is left unused "
            "in the data folder.",
            style="yellow",
            markup=False,
        )
    err.print(
        f"Indexed {report.chunks_total} chunks: {len(report.added)} added, "
        f"{len(report.changed)} changed, {len(report.deleted)} deleted, "
        f"{report.unchanged} unchanged files; {report.chunks_embedded} chunks embedded "
        f"in {report.seconds:.1f}s.",
        markup=False,
    )
    for problem in report.problems:
        err.print(f"  skipped {problem.describe()}", style="yellow", markup=False)


def ensure_index(settings: Settings, index: KnowledgeIndex) -> None:
    """A first `ask` on a fresh machine indexes the folder instead of answering from nothing."""
    if index.store.current_generation() is None and settings.knowledge_dir.is_dir():
        err.print("Indexing the knowledge folder for the first time…")
        print_report(run_sync(settings, index))


@app.command()
def ingest(
    watch: Annotated[
        bool, typer.Option("--watch", help="Keep running; re-sync on changes.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sync report as JSON.")] = False,
) -> None:
    """Sync the knowledge folder into the index (only changed files are re-embedded)."""
    settings = load_settings()
    folder = settings.knowledge_dir
    if not folder.is_dir():
        err.print(f"Knowledge folder not found: {folder}. Set CX_KNOWLEDGE_DIR.", markup=False)
        raise typer.Exit(1)
    index = open_index(settings)
    try:
        report = run_sync(settings, index, quiet=as_json)
    except SyncBusyError as exc:
        err.print(str(exc))
        raise typer.Exit(3) from exc
    if as_json:
        out.print_json(report.model_dump_json())
    else:
        print_report(report)
    if watch:
        from ingest.watch import watch as watch_folder

        index.warm_up()  # load the model now, not when the first edit is saved
        err.print(f"Watching {folder} for changes (Ctrl+C to stop)…", markup=False)
        stop = threading.Event()

        def resync() -> None:
            try:
                print_report(run_sync(settings, index, quiet=True))
            except SyncBusyError as exc:
                err.print(str(exc))
            except Exception as exc:  # keep watching: the next save may fix it
                log.exception("Re-sync failed")
                err.print(f"Re-sync failed ({exc}); still watching.", markup=False)

        try:
            watch_folder(folder, resync, stop=stop)
        except KeyboardInterrupt:
            stop.set()


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help='The question, or "-" to read one per line.')],
    role: Annotated[str | None, typer.Option("--role", help="Your role, e.g. warehouse.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Answer a question from the CX knowledge."""
    from bot.wiring import build_answering, build_chat_model

    settings = load_settings()
    index = open_index(settings, answering=True)
    ensure_index(settings, index)
    service = build_answering(settings, index, build_chat_model(settings))
    questions = (line.strip() for line in sys.stdin) if question == "-" else iter([question])
    for text in questions:
        if not text:
            continue
        answer = service.answer(text, role=role)
        if as_json:
            print(json.dumps(answer.to_json_dict(), ensure_ascii=False), flush=True)
        else:
            out.print(answer_text(answer), markup=False, highlight=False, soft_wrap=True)
            if question == "-":
                out.print()


@app.command()
def chat(
    role: Annotated[str | None, typer.Option("--role", help="Your role, e.g. warehouse.")] = None,
) -> None:
    """An interactive chat in the terminal, over the same answering pipeline as Slack."""
    from bot.chat import run_chat

    settings = load_settings()
    index = open_index(settings, answering=True)
    ensure_index(settings, index)
    run_chat(settings, index, role=role, console=out)


@app.command(name="eval")
def evaluate(
    dataset: Annotated[Path | None, typer.Argument(help="Golden JSONL, or JSQuAD JSON.")] = None,
    k: Annotated[int, typer.Option(help="Cut-off for hit@k.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N questions.")] = None,
    answers: Annotated[
        Path | None, typer.Option("--answers", help="Score whole answers from this JSONL.")
    ] = None,
) -> None:
    """Retrieval quality: hit@1, hit@k and MRR@10 for dense, BM25 and fused rankings; with
    --answers FILE, answer quality: correct facts and sources, declines, readability."""
    from bot.evaluation.answers import DatasetError
    from bot.evaluation.report import evaluate_answers_file, format_answers_table
    from bot.evaluation.retrieval import evaluate_dataset, format_table

    path = answers or dataset
    if path is None or (answers is not None and dataset is not None):
        err.print("Give either DATASET (retrieval) or --answers FILE (answers).", markup=False)
        raise typer.Exit(2)
    settings = load_settings()
    if not path.exists():
        err.print(f"Dataset not found: {path}", markup=False)
        raise typer.Exit(1)
    if answers is None:
        report = evaluate_dataset(settings, path, k=k, limit=limit, log=err)
        text = format_table(report)
    else:
        try:
            report = evaluate_answers_file(settings, path, limit=limit, log=err)
        except DatasetError as exc:
            err.print(str(exc), markup=False)
            raise typer.Exit(1) from exc
        text = format_answers_table(report)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        out.print(text, markup=False, highlight=False)


@app.command()
def doctor() -> None:
    """Check settings, the embedding model, the index and the chat model; say what to fix."""
    from bot.doctor import run_doctor

    settings = load_settings()
    raise typer.Exit(run_doctor(settings, console=out))


@app.command()
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


@app.command()
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


wins_app = typer.Typer(help="Customer-praise wins celebrated in Slack.", no_args_is_help=True)
app.add_typer(wins_app, name="wins")


@wins_app.command("export")
def wins_export(
    folder: Annotated[
        Path | None, typer.Option(help="Knowledge folder (default: CX_KNOWLEDGE_DIR).")
    ] = None,
) -> None:
    """Write broadcast wins as Markdown highlights into the knowledge folder to curate."""
    from bot.kudos.knowledge import export_wins
    from bot.wiring import open_kudos_store

    settings = load_settings()
    target = folder or settings.knowledge_dir
    written = export_wins(open_kudos_store(settings), target)
    err.print(
        f"Exported {len(written)} new or changed win(s) to {target / 'highlights' / 'wins'}.",
        markup=False,
    )
    for path in written:
        out.print(str(path), markup=False, highlight=False)


@app.command()
def digest(
    post: Annotated[bool, typer.Option("--post", help="Post it to CX_WINS_CHANNEL.")] = False,
    chart: Annotated[Path | None, typer.Option(help="Also save the chart PNG here.")] = None,
) -> None:
    """The weekly wins digest: wins, values, people recognised, best quotes and a chart."""
    import datetime as dt

    from bot.kudos.digest import build_digest, chart_png
    from bot.wiring import open_kudos_store

    settings = load_settings()
    summary = build_digest(open_kudos_store(settings), now=dt.datetime.now(dt.UTC))
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


feedback_app = typer.Typer(help="Customer feedback from surveys.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


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
    from bot.wiring import open_kudos_store

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
    report = import_feedback(
        file,
        open_kudos_store(settings),
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
