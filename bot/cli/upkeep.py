"""`cxbot health` and `cxbot verify`: knowledge upkeep from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.cli.common import err, load_settings, open_index, out
from bot.knowledge.health import DocumentHealth
from bot.knowledge.history import Author
from bot.knowledge.service import KnowledgeUpkeep


def _upkeep() -> KnowledgeUpkeep:
    from bot.slack.app import knowledge_upkeep
    from bot.wiring import open_store, sync_all

    settings = load_settings()
    index = open_index(settings)
    if index.generation() is None:
        sync_all(settings, index)
    store = open_store(settings)
    return knowledge_upkeep(settings, index, store, lambda: sync_all(settings, index))


def _line(item: DocumentHealth) -> str:
    from bot.slack.upkeep_blocks import reason_lines

    reasons = "; ".join(reason_lines(item, "en")) or "ok"
    owner = item.owner or "no owner"
    return f"{item.path} ({owner}): {reasons}"


def health(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
    all_documents: Annotated[
        bool, typer.Option("--all", help="List every document, not only those needing attention.")
    ] = False,
) -> None:
    """Which documents need attention: review dates, 👎 answers, unanswered questions and
    translation parity. Worst first."""
    report = _upkeep().health()
    if as_json:
        print(json.dumps([item.report() for item in report], ensure_ascii=False, indent=2))
        return
    shown = report if all_documents else [item for item in report if item.needs_attention]
    if not shown:
        out.print("Every document is current: nothing needs attention.")
        return
    for item in shown:
        out.print(_line(item), markup=False, highlight=False, soft_wrap=True)


def verify(
    path: Annotated[str, typer.Argument(help="The document, e.g. en/policies/refunds.md.")],
    name: Annotated[str, typer.Option("--name", help="Who verifies (the git author).")],
    email: Annotated[str, typer.Option("--email", help="Their e-mail (the git author).")] = "",
) -> None:
    """Mark a document as still correct: moves `review_by` on, records who and when."""
    from bot.knowledge.verify import VerifyError

    upkeep = _upkeep()
    found = upkeep.find_path(path)
    if found is None:
        err.print(f"No document {path!r} in the index.", markup=False)
        raise typer.Exit(1)
    try:
        done = upkeep.verify(found, Author(name, email or f"{name.replace(' ', '.')}@localhost"))
    except VerifyError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from exc
    commit = f", committed {done.commit[:10]}" if done.commit else ""
    out.print(f"Verified {found}: next review {done.review_by.isoformat()}{commit}.", markup=False)
