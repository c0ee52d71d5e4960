"""`cxbot doctor`: check every part and say, kindly, what to fix."""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from bot.settings import Settings


def run_doctor(settings: Settings, *, console: Console) -> int:
    """Returns the exit code: 0 when everything needed works, 1 otherwise."""
    from bot.wiring import build_chat_model, build_index, embedder_model
    from ingest import bundled_e5
    from ingest.bundled_e5 import is_bundled_e5

    failures = 0

    def ok(text: str) -> None:
        console.print(f"[green]✓[/] {text}", highlight=False)

    def warn(text: str) -> None:
        console.print(f"[yellow]![/] {text}", highlight=False)

    def fail(text: str) -> None:
        nonlocal failures
        failures += 1
        console.print(f"[red]✗[/] {text}", highlight=False)

    ok("Settings are valid.")
    folder = settings.knowledge_dir
    if folder.is_dir():
        ok(f"Knowledge folder: {folder}")
    else:
        fail(f"Knowledge folder {folder} does not exist: set CX_KNOWLEDGE_DIR.")

    try:
        index = build_index(settings)
        vector = index.embedder.embed_queries(["doctor"])
    except Exception as exc:
        fail(f"Embedding model or vector store: {exc}")
        return 1
    used = embedder_model(settings, index.embedder)
    if used != settings.embedding_model and not is_bundled_e5(used):
        fail(
            f"The embedding model {settings.embedding_model} cannot run on this machine "
            f"({bundled_e5.cpu_problem() or 'its engine did not load'}); using the fallback "
            f"{used} (CX_EMBEDDING_FALLBACK). Answers work, but Japanese questions lean on BM25."
        )
    describe = getattr(index.embedder, "describe", None)
    ok(
        f"Embedding model: {describe() if describe else index.embedder.name}; "
        f"{vector.shape[1]} dimensions ({index.embedder.name})"
    )

    status = index.status(dt.date.today())
    if status.generation is None:
        fail("The index is empty: run `cxbot ingest`.")
    else:
        others = index.other_models()
        if others:
            warn(
                f"Indexes of earlier models ({', '.join(others)}) are left unused in "
                f"{settings.data_dir}; this model's index is separate and complete."
            )
        ok(
            f"Index: {status.documents} documents, {status.chunks} chunks, last sync "
            f"{status.last_sync:%Y-%m-%d %H:%M} UTC"
            if status.last_sync
            else f"Index: {status.documents} documents"
        )
    for problem in status.problems:
        warn(f"File could not be loaded: {problem.describe()}")
    for path in status.overdue:
        warn(f"Past its review date: {path} (ask its owner to re-check it)")

    languages = settings.dense_languages()
    ok(
        "Dense retrieval trusted for: "
        + (", ".join(sorted(languages)) if languages else "all")
        + " (BM25 carries the other languages)"
    )

    if settings.llm_model:
        try:
            build_chat_model(settings)
            ok(f"Chat model configured: {settings.llm_model}")
        except Exception as exc:
            fail(
                f"Chat model {settings.llm_model} cannot be created: {exc}. Install its extra "
                "(pip install -e '.[openai]', '.[anthropic]' or '.[ollama]') and set its API key."
            )
    else:
        ok("No chat model (CX_LLM_MODEL): answers are extractive, with sources.")

    if settings.slack_enabled:
        ok("Slack bot token is set.")
    else:
        warn("No SLACK_BOT_TOKEN: the Slack bot is off; `cxbot chat` works in the terminal.")
    return 1 if failures else 0
