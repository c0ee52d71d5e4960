"""App Home: the user's role, the mantra, examples; for CX leads, gaps and index health."""

from __future__ import annotations

import datetime as dt
import logging
import re

from slack_sdk import WebClient

from bot.kudos.blocks import win_line
from bot.kudos.store import KudosStore
from bot.slack.assistant import suggested_prompts
from bot.slack.context import SlackContext
from bot.slack.home import LeadPanel, home_view

log = logging.getLogger(__name__)


_QUOTED = re.compile(r"[\"“]([^\"”]{3,120})[\"”]|「([^」]{2,80})」")


def mantra(ctx: SlackContext) -> str | None:
    """CX_MANTRA, else the first quoted line of the vision's mantra section, else its title."""
    if ctx.settings.mantra:
        return ctx.settings.mantra
    visions = [f for f in ctx.index.state.files.values() if f.doc_type == "vision"]
    visions.sort(key=lambda f: f.language != "en")
    for vision in visions:
        for chunk_id in vision.chunk_ids:
            chunk = ctx.index.state.chunks[chunk_id].chunk
            if re.search(r"mantra|マントラ", chunk.section, re.IGNORECASE):
                found = _QUOTED.search(chunk.text)
                if found:
                    return found.group(1) or found.group(2)
    return visions[0].title if visions else None


def lead_panel(ctx: SlackContext) -> LeadPanel:
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    status = ctx.index.status(ctx.today())
    return LeadPanel(
        gaps=[(g.question, g.count) for g in ctx.store.top_gaps(since=since, limit=10)],
        negative=[
            (f.question, f.answer[:200]) for f in ctx.store.negative_feedback(since=since, limit=10)
        ],
        documents=status.documents,
        chunks=status.chunks,
        last_sync=status.last_sync,
        problems=[p.describe() for p in status.problems],
        overdue=status.overdue,
    )


def publish_home(ctx: SlackContext, client: WebClient, user: str) -> None:
    resolved = ctx.resolve_role(client, user)
    kudos = KudosStore(ctx.store)
    view = home_view(
        role=resolved.role,
        role_source=resolved.source,
        mantra=mantra(ctx),
        examples=[p["message"] for p in suggested_prompts(resolved.role)],
        lead=lead_panel(ctx) if ctx.is_lead(user) else None,
        own_kudos=[win_line(k) for k in kudos.received(user)],
        latest_wins=[win_line(k) for k in kudos.wins(limit=5)],
    )
    client.views_publish(user_id=user, view=view)
