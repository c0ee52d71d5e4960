"""`cxbot doctor`: check every part and say, kindly, what to fix."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.console import Console

from bot.settings import Settings

if TYPE_CHECKING:
    from ingest.index import KnowledgeIndex


class Report:
    """Prints ✓, ! and ✗ lines and counts the failures."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.failures = 0

    def ok(self, text: str) -> None:
        self.console.print(f"[green]✓[/] {text}", highlight=False)

    def warn(self, text: str) -> None:
        self.console.print(f"[yellow]![/] {text}", highlight=False)

    def fail(self, text: str) -> None:
        self.failures += 1
        self.console.print(f"[red]✗[/] {text}", highlight=False)


def run_doctor(settings: Settings, *, console: Console) -> int:
    """Returns the exit code: 0 when everything needed works, 1 otherwise."""
    report = Report(console)
    report.ok("Settings are valid.")
    folder = settings.knowledge_dir
    if folder.is_dir():
        report.ok(f"Knowledge folder: {folder}")
    else:
        report.fail(f"Knowledge folder {folder} does not exist: set CX_KNOWLEDGE_DIR.")
    index = check_embedder(settings, report)
    if index is None:
        return 1
    check_index(settings, index, report)
    check_chat_model(settings, report)
    if settings.slack_enabled:
        report.ok("Slack bot token is set.")
    else:
        report.warn("No SLACK_BOT_TOKEN: the Slack bot is off; `cxbot chat` works in the terminal.")
    return 1 if report.failures else 0


def check_embedder(settings: Settings, report: Report) -> KnowledgeIndex | None:
    """The index with a working embedding model, or None when neither can be opened."""
    from bot.wiring import build_index, embedder_model
    from ingest import bundled_e5
    from ingest.bundled_e5 import is_bundled_e5

    try:
        index = build_index(settings)
        vector = index.embedder.embed_queries(["doctor"])
    except Exception as exc:
        report.fail(f"Embedding model or vector store: {exc}")
        return None
    used = embedder_model(settings, index.embedder)
    if used != settings.embedding_model and not is_bundled_e5(used):
        report.fail(
            f"The embedding model {settings.embedding_model} cannot run on this machine "
            f"({bundled_e5.cpu_problem() or 'its engine did not load'}); using the fallback "
            f"{used} (CX_EMBEDDING_FALLBACK). Answers work, but Japanese questions lean on BM25."
        )
    describe = getattr(index.embedder, "describe", None)
    report.ok(
        f"Embedding model: {describe() if describe else index.embedder.name}; "
        f"{vector.shape[1]} dimensions ({index.embedder.name})"
    )
    return index


def check_index(settings: Settings, index: KnowledgeIndex, report: Report) -> None:
    status = index.status(dt.date.today())
    if status.generation is None:
        report.fail("The index is empty: run `cxbot ingest`.")
    else:
        others = index.other_models()
        if others:
            report.warn(
                f"Indexes of earlier models ({', '.join(others)}) are left unused in "
                f"{settings.data_dir}; this model's index is separate and complete."
            )
        report.ok(
            f"Index: {status.documents} documents, {status.chunks} chunks, last sync "
            f"{status.last_sync:%Y-%m-%d %H:%M} UTC"
            if status.last_sync
            else f"Index: {status.documents} documents"
        )
    for problem in status.problems:
        report.warn(f"File could not be loaded: {problem.describe()}")
    for path in status.overdue:
        report.warn(f"Past its review date: {path} (ask its owner to re-check it)")
    languages = settings.dense_languages()
    report.ok(
        "Dense retrieval trusted for: "
        + (", ".join(sorted(languages)) if languages else "all")
        + " (BM25 carries the other languages)"
    )


def check_chat_model(settings: Settings, report: Report) -> None:
    from bot.wiring import build_chat_model

    if not settings.llm_model:
        report.ok("No chat model (CX_LLM_MODEL): answers are extractive, with sources.")
        return
    try:
        build_chat_model(settings)
        report.ok(f"Chat model configured: {settings.llm_model}")
    except Exception as exc:
        report.fail(
            f"Chat model {settings.llm_model} cannot be created: {exc}. Install its extra "
            "(pip install -e '.[openai]', '.[anthropic]' or '.[ollama]') and set its API key."
        )
