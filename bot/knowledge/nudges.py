"""Owner nudges: once a week, each owner hears about their documents that need attention.

Who: the owner named in a document's front matter, found in `CX_OWNERS` ("Name=U123");
documents with no owner or an owner not in that list go to the CX leads. What: only
documents that need attention and are not snoozed. Nothing when nothing needs attention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.knowledge.health import DocumentHealth

SNOOZE = dt.timedelta(days=7)


@dataclass
class Nudge:
    user_id: str
    documents: list[DocumentHealth] = field(default_factory=list)
    as_lead: bool = False  # some documents came because their owner is unknown


def week_key(now: dt.datetime) -> str:
    """The ISO week, e.g. "2026-W49": one nudge per owner per week across processes."""
    year, week, _ = now.astimezone(dt.UTC).isocalendar()
    return f"{year}-W{week:02d}"


def plan_nudges(
    health: Iterable[DocumentHealth],
    *,
    owners: Mapping[str, str],
    leads: Iterable[str],
    snoozed: Callable[[str], bool],
) -> list[Nudge]:
    """Who hears about which documents this week (health order kept: worst first)."""
    by_name = {name.casefold(): user for name, user in owners.items()}
    nudges: dict[str, Nudge] = {}
    lead_ids = sorted(set(leads))
    for item in health:
        if not item.needs_attention or snoozed(item.path):
            continue
        owner = by_name.get((item.owner or "").strip().casefold())
        for user in [owner] if owner else lead_ids:
            nudge = nudges.setdefault(user, Nudge(user_id=user))
            nudge.documents.append(item)
            nudge.as_lead = nudge.as_lead or owner is None
    return list(nudges.values())


def reasons(item: DocumentHealth) -> list[str]:
    """Why a document needs attention, as message keys with their values (for rendering)."""
    found: list[str] = []
    if item.overdue:
        found.append("overdue")
    elif item.due_soon:
        found.append("due_soon")
    if item.translation.differing_figures:
        found.append("differing_figures")
    if item.translation.lagging:
        found.append("lagging")
    if item.downvotes:
        found.append("downvotes")
    if item.gaps:
        found.append("gaps")
    return found
