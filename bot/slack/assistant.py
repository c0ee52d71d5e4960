"""Slack's assistant side panel: suggested prompts for the user's role and a searching status.

Bolt's `Assistant` middleware greets a new assistant thread. Messages in any DM thread go to
the ordinary `message` listener (`bot.slack.events`), which sets the searching status only
in real assistant threads: the middleware would treat every DM thread as one and call
`assistant.threads.setStatus` on threads that are not (an error from Slack each time)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App, Assistant, Say, SetSuggestedPrompts
from slack_sdk import WebClient

from bot.slack.context import SlackContext

log = logging.getLogger(__name__)

GENERAL_PROMPTS = [
    ("Our mantra", "What does our CX mantra mean for my work?"),
    ("An upset customer", "How do I handle a customer who is shouting?"),
    ("What can I decide?", "Can I refund a customer without approval?"),
]

ROLE_PROMPTS: dict[str, list[tuple[str, str]]] = {
    "customer-support": [
        ("Refund limit", "How much can I refund without approval?"),
        ("Third contact", "A customer has contacted us three times. What now?"),
    ],
    "store-staff": [
        ("At the till", "A customer at the till is angry. What do I do?"),
        ("Exchanges", "Can I exchange an item without a receipt?"),
    ],
    "warehouse": [
        ("My part", "How does my work in the warehouse touch the customer?"),
        ("Damaged item", "Can I reship a damaged item without approval?"),
    ],
    "sales": [("Late B2B order", "What can I offer a business customer whose order was late?")],
    "marketing": [("Campaigns in an outage", "Should campaign e-mails go out during an outage?")],
    "engineering": [("Outage", "What do I do for customers during an outage?")],
    "people-manager": [
        ("Approvals", "Up to how much can I approve a refund?"),
        ("Celebrate", "How do I share customer praise for my team?"),
    ],
}


def suggested_prompts(role: str | None) -> list[dict[str, str]]:
    picks = [*ROLE_PROMPTS.get(role or "", []), *GENERAL_PROMPTS][:4]
    return [{"title": title, "message": message} for title, message in picks]


def thread_started(
    ctx: SlackContext,
    say: Say,
    set_suggested_prompts: SetSuggestedPrompts,
    client: WebClient,
    context: dict[str, Any],
) -> None:
    user = context.get("user_id") or ""
    role = ctx.resolve_role(client, user).role if user else None
    say("Hi! Ask me anything about delivering great customer experience in your role.")
    set_suggested_prompts(prompts=suggested_prompts(role))


def is_assistant_thread(event: dict[str, Any], messages: list[dict[str, Any]]) -> bool:
    """A message in an assistant panel thread (its root is Slack's `assistant_app_thread`),
    not a reply in an ordinary DM thread."""
    if event.get("assistant_thread"):
        return True
    root = next((m for m in messages if m.get("ts") == event.get("thread_ts")), None)
    return root is not None and root.get("subtype") == "assistant_app_thread"


def show_searching(client: WebClient, *, channel: str, thread_ts: str) -> None:
    try:
        client.assistant_threads_setStatus(
            channel_id=channel, thread_ts=thread_ts, status="is searching the CX knowledge…"
        )
    except Exception:  # the status is a nicety; never let it stop the answer
        log.warning("Could not set the assistant status", exc_info=True)


def build_assistant(ctx: SlackContext) -> Assistant:
    assistant = Assistant()
    assistant.thread_started(partial(thread_started, ctx))
    return assistant


def register(app: App, ctx: SlackContext) -> None:
    app.use(build_assistant(ctx))
