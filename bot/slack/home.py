"""The App Home tab: a welcome for everyone, and a knowledge dashboard for CX leads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, Field

from bot.slack.blocks import SECTION_TEXT_LIMIT, Block, context, header, section
from bot.slack.mrkdwn import escape, truncate

MAX_VIEW_BLOCKS = 100
MAX_EXAMPLES = 5
MAX_ITEMS = 10

# How a role was found, in words a person understands; unknown sources are shown as given.
_ROLE_SOURCES = {
    "title": "from your Slack title",
    "slack_title": "from your Slack title",
    "profile": "from your Slack profile",
    "set": "set by you",
    "command": "set by you",
    "user": "set by you",
    "default": "the default",
}


class LeadPanel(BaseModel):
    """What a CX lead sees on the Home tab (the last 30 days, and the index as it is now)."""

    gaps: list[tuple[str, int]] = Field(default_factory=list)  # question, times asked
    negative: list[tuple[str, str]] = Field(default_factory=list)  # question, answer snippet
    documents: int = 0
    chunks: int = 0
    last_sync: dt.datetime | None = None
    problems: list[str] = Field(default_factory=list)  # "path: reason"
    overdue: list[str] = Field(default_factory=list)  # paths past their review date


def home_view(
    *,
    role: str | None,
    role_source: str | None,
    mantra: str | None,
    examples: list[str],
    lead: LeadPanel | None,
    own_kudos: list[str] | None = None,
    latest_wins: list[str] | None = None,
    card: list[Block] | None = None,
    lessons: list[Block] | None = None,
) -> Block:
    """A `views.publish` payload of type "home". `own_kudos` and `latest_wins` are ready
    mrkdwn lines (already escaped by the kudos renderer); `card` (the role card, for staff)
    and `lessons` (lesson results, for leads) are ready blocks."""
    blocks: list[Block] = [
        header("👋 Welcome to CX Assistant"),
        section(
            "Ask me anything about serving our customers well in your role. I answer from our"
            " own CX knowledge, with sources, and I say so when I don't know."
            " English and 日本語 both work."
        ),
    ]
    if mantra and mantra.strip():
        # The `>` quote marker is ours; the mantra itself is escaped like any document text.
        quoted = "\n".join("> " + line for line in escape(mantra.strip()).splitlines())
        blocks.append(section("*Our CX mantra*\n" + quoted))
    blocks.append(context(_role_line(role, role_source)))
    blocks.extend(card or [])
    tries = [f"“{escape(truncate(e.strip(), 200))}”" for e in examples if e.strip()]
    if tries:
        blocks.append(section(_bullets("*Try asking*", tries[:MAX_EXAMPLES])))
    blocks.append(
        context(
            "Mention me in a channel, send me a DM, open the assistant panel, or use"
            " `/cx &lt;question&gt;`. `/cx help` shows everything."
        )
    )
    if own_kudos:
        blocks.append(
            section(truncate(_bullets("*🎉 Customer praise for you*", own_kudos[:5]), 2900))
        )
    if latest_wins:
        blocks.append(
            section(truncate(_bullets("*🏡 Latest company wins*", latest_wins[:5]), 2900))
        )
    if lead is not None:
        blocks.extend(lead_blocks(lead))
    blocks.extend(lessons or [])
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}


def _role_line(role: str | None, role_source: str | None) -> str:
    if not role:
        return (
            "No role set yet. Tell me with `/cx role &lt;role&gt;` (for example `warehouse`)"
            " so my answers fit your work."
        )
    name = escape(truncate(role.replace("`", ""), 100))
    how = ""
    if role_source:
        how = " (" + _ROLE_SOURCES.get(role_source, escape(truncate(role_source, 100))) + ")"
    return f"Your role: `{name}`{how}. Change it with `/cx role &lt;role&gt;`."


def lead_blocks(lead: LeadPanel) -> list[Block]:
    gaps = [f"“{escape(truncate(q, 200))}” · asked {n}×" for q, n in lead.gaps]
    negative = [
        f"“{escape(truncate(q, 200))}”\n      ↳ {escape(truncate(' '.join(a.split()), 150))}"
        for q, a in lead.negative
    ]
    blocks: list[Block] = [
        {"type": "divider"},
        header("📋 For CX leads"),
        section(
            _bullets(
                "*Knowledge gaps, last 30 days*\nQuestions I could not answer."
                " A short document on each closes the gap.",
                gaps,
                empty="Nothing unanswered. 🎉",
            )
        ),
        section(_bullets("*👎 answers, last 30 days*", negative, empty="None. 🎉")),
        section(_index_status(lead)),
    ]
    if lead.problems:
        problems = [escape(truncate(p, 250)) for p in lead.problems]
        blocks.append(
            section(_bullets("*⚠️ Files that could not be read* (the rest is indexed)", problems))
        )
    if lead.overdue:
        overdue = [escape(truncate(p, 200)) for p in lead.overdue]
        blocks.append(
            section(_bullets("*Files past their review date* (ask their owners)", overdue))
        )
    return blocks


def _index_status(lead: LeadPanel) -> str:
    if lead.last_sync is None:
        synced = "never"
    else:
        when = lead.last_sync
        # A naive time is taken as UTC: that is how the index records it.
        when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
        synced = when.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"*Knowledge index*\nDocuments: {lead.documents:,} · Chunks: {lead.chunks:,}"
        f" · Last sync: {synced}"
    )


def _bullets(title: str, items: Iterable[str], *, empty: str = "") -> str:
    """Title and up to ten bullets, stopping early (with a count) before the text limit."""
    items = list(items)
    lines = [title]
    if not items and empty:
        lines.append(empty)
    budget = SECTION_TEXT_LIMIT - len(title) - 40  # room for the "…and N more" line
    shown = 0
    for item in items[:MAX_ITEMS]:
        line = "• " + item
        if len(line) + 1 > budget:
            break
        budget -= len(line) + 1
        lines.append(line)
        shown += 1
    if shown < len(items):
        lines.append(f"…and {len(items) - shown} more")
    return "\n".join(lines)
