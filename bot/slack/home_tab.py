"""App Home: the user's role, the mantra, examples; for CX leads, gaps and index health."""

from __future__ import annotations

import datetime as dt
import logging

from slack_sdk import WebClient

from bot.slack.assistant import suggested_prompts
from bot.slack.context import SlackContext
from bot.slack.home import LeadPanel, home_view

log = logging.getLogger(__name__)


def mantra(ctx: SlackContext) -> str | None:
    if ctx.settings.mantra:
        return ctx.settings.mantra
    for item in ctx.index.state.files.values():
        if item.doc_type == "vision" and item.language == "en":
            return item.title
    return None


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
    view = home_view(
        role=resolved.role,
        role_source=resolved.source,
        mantra=mantra(ctx),
        examples=[p["message"] for p in suggested_prompts(resolved.role)],
        lead=lead_panel(ctx) if ctx.is_lead(user) else None,
    )
    client.views_publish(user_id=user, view=view)
