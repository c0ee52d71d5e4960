"""What every `cxbot` command shares: the consoles, settings, and opening and syncing the index."""

from __future__ import annotations

import logging
import sys

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot import logsafe
from bot.settings import Settings, explain
from ingest.index import KnowledgeIndex
from ingest.sync import SyncReport

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
    if index.generation() is None and settings.knowledge_dir.is_dir():
        err.print("Indexing the knowledge folder for the first time…")
        print_report(run_sync(settings, index))
