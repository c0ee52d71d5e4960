"""`cxbot ingest`, `ask`, `chat` and `eval`: the knowledge index and the answers drawn from it."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from bot.answering.render import answer_text
from bot.cli.common import (
    ensure_index,
    err,
    load_settings,
    log,
    open_index,
    out,
    print_report,
    run_sync,
)
from bot.settings import Settings
from ingest.audience import Audience, token
from ingest.index import KnowledgeIndex, SyncBusyError


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
        watch_and_sync(settings, index)


def watch_and_sync(settings: Settings, index: KnowledgeIndex) -> None:
    """Re-sync on every change in the knowledge folder until Ctrl+C."""
    from ingest.watch import watch as watch_folder

    folder = settings.knowledge_dir
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


def ask(
    question: Annotated[str, typer.Argument(help='The question, or "-" to read one per line.')],
    role: Annotated[str | None, typer.Option("--role", help="Your role, e.g. warehouse.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    audience: Annotated[
        str | None,
        typer.Option(
            "--audience",
            help='Answer as a reader holding these tokens ("managers,leads"), or "all-staff" '
            "for documents everyone may read. Default: every document (the operator).",
        ),
    ] = None,
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
        answer = service.answer(text, role=role, audience=reader_tokens(audience, role))
        if as_json:
            print(json.dumps(answer.to_json_dict(), ensure_ascii=False), flush=True)
        else:
            out.print(answer_text(answer), markup=False, highlight=False, soft_wrap=True)
            if question == "-":
                out.print()


def reader_tokens(value: str | None, role: str | None) -> Audience:
    """`--audience`: None reads everything; "all-staff" only what everyone may read; else the
    given tokens, plus the role."""
    if value is None:
        return None
    tokens = {token(t) for t in value.split(",") if t.strip()} - {"all-staff"}
    return frozenset(tokens | ({token(role)} if role else set()))


def chat(
    role: Annotated[str | None, typer.Option("--role", help="Your role, e.g. warehouse.")] = None,
) -> None:
    """An interactive chat in the terminal, over the same answering pipeline as Slack."""
    from bot.chat import run_chat

    settings = load_settings()
    index = open_index(settings, answering=True)
    ensure_index(settings, index)
    run_chat(settings, index, role=role, console=out)


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
