"""App Home: the user's role and role card, the mantra, examples and wins; for CX leads,
gaps, index health and lesson results. (Its Block Kit is `bot.slack.home`.)"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.answering.readers import CHANNEL
from bot.slack.access import Decision, for_asker, hidden_from, visitor_of
from bot.slack.assistant import suggested_prompts
from bot.slack.context import SlackContext
from bot.slack.home import LeadPanel, home_view
from bot.slack.kudos_blocks import win_line
from bot.slack.lesson_blocks import lead_lesson_blocks
from bot.slack.upkeep_blocks import health_blocks
from bot.slack.visitors import Visitor
from bot.slack.welcome import card_message, locale_of, url_of
from bot.slack.welcome_blocks import Block, language_of
from bot.store import FeedbackItem
from ingest.audience import Audience, visible

log = logging.getLogger(__name__)


_QUOTED = re.compile(r"[\"“]([^\"”]{3,120})[\"”]|「([^」]{2,80})」")


def mantra(ctx: SlackContext, reader: Audience = CHANNEL) -> str | None:
    """CX_MANTRA, else the first quoted line of the vision's mantra section, else its title
    (of a vision `reader` may read)."""
    if ctx.settings.mantra:
        return ctx.settings.mantra
    visions = [
        f
        for f in ctx.index.files().values()
        if f.doc_type == "vision" and visible(f.audience, reader)
    ]
    visions.sort(key=lambda f: f.language != "en")
    for vision in visions:
        for chunk_id in vision.chunk_ids:
            chunk = ctx.index.chunk(chunk_id)
            if chunk is not None and re.search(r"mantra|マントラ", chunk.section, re.IGNORECASE):
                found = _QUOTED.search(chunk.text)
                if found:
                    return found.group(1) or found.group(2)
    return visions[0].title if visions else None


def readable_feedback(
    ctx: SlackContext, items: list[FeedbackItem], reader: Decision
) -> list[FeedbackItem]:
    """👎 answers whose documents the lead may read: an answer quoting a managers-only
    page is not shown to a lead who is not a manager."""
    shown = []
    for item in items:
        record = ctx.store.get_question(item.question_id)
        if record is not None and not hidden_from(ctx, record.sources, reader):
            shown.append(item)
    return shown


def lead_panel(ctx: SlackContext, reader: Decision) -> LeadPanel:
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    negative = readable_feedback(ctx, ctx.store.negative_feedback(since=since, limit=10), reader)
    status = ctx.index.status(ctx.today())
    return LeadPanel(
        gaps=[(g.question, g.count) for g in ctx.store.top_gaps(since=since, limit=10)],
        negative=[(f.question, f.answer[:200]) for f in negative],
        documents=status.documents,
        chunks=status.chunks,
        last_sync=status.last_sync,
        problems=[p.describe() for p in status.problems],
        overdue=status.overdue,
    )


def lesson_panel(ctx: SlackContext, language: str) -> list[Block] | None:
    """Lesson results per role for leads (the last 90 days); None when lessons are off."""
    if ctx.lessons is None:
        return None
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=90)
    return lead_lesson_blocks(ctx.lessons.role_stats(since=since), url_of(ctx), language)


def publish_home(
    ctx: SlackContext, client: WebClient, user: str, visitor: Visitor | None = None
) -> None:
    """The Home tab for `user`, from what they may read (outsiders never get here: the gate
    turns them away)."""
    resolved = ctx.resolve_role(client, user)
    reader = for_asker(ctx, client, visitor or Visitor(user))
    lead = ctx.is_lead(user) and (visitor is None or visitor.kind == "member")
    staff = visitor is None or visitor.kind == "member"
    language = language_of(locale_of(client, user)) if staff else "en"
    view = home_view(
        role=resolved.role,
        role_source=resolved.source,
        mantra=mantra(ctx, reader.audience),
        examples=[p["message"] for p in suggested_prompts(resolved.role)],
        lead=lead_panel(ctx, reader) if lead else None,
        own_kudos=[win_line(k) for k in ctx.kudos.received(user)],
        latest_wins=[win_line(k) for k in ctx.kudos.recent_wins(limit=5)],
        card=card_message(ctx, client, user, language=language, surface="home") if staff else None,
        lessons=lesson_panel(ctx, language) if lead else None,
    )
    if ctx.upkeep is not None and ctx.is_lead(user):
        # Knowledge health, worst first: what the leads should look at this week.
        view["blocks"] = [*view["blocks"], *health_blocks(ctx.upkeep.health(), None)][:100]
    client.views_publish(user_id=user, view=view)


def on_home_opened(
    ctx: SlackContext,
    event: dict[str, Any],
    client: WebClient,
    context: dict[str, Any] | None = None,
) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(ctx, client, event["user"], visitor_of(context, event["user"]))


def register(app: App, ctx: SlackContext) -> None:
    app.event("app_home_opened")(partial(on_home_opened, ctx))
