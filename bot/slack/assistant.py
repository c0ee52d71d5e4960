"""Slack's assistant side panel: suggested prompts for the user's role and a searching status."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Assistant, Say, SetStatus, SetSuggestedPrompts
from slack_sdk import WebClient

from bot.slack.asking import clean_question, reply_in_thread, thread_history
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


def build_assistant(ctx: SlackContext) -> Assistant:
    assistant = Assistant()

    @assistant.thread_started
    def started(
        say: Say,
        set_suggested_prompts: SetSuggestedPrompts,
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        user = context.get("user_id") or ""
        role = ctx.resolve_role(client, user).role if user else None
        say("Hi! Ask me anything about delivering great customer experience in your role.")
        set_suggested_prompts(prompts=suggested_prompts(role))

    @assistant.user_message
    def user_message(
        payload: dict[str, Any],
        set_status: SetStatus,
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        channel, thread_ts = payload["channel"], payload["thread_ts"]
        try:
            set_status("is searching the CX knowledge…")
        except Exception:  # the status is a nicety; never let it stop the answer
            log.warning("Could not set the assistant status", exc_info=True)
        history = thread_history(
            client,
            channel=channel,
            thread_ts=thread_ts,
            bot_user=context.get("bot_user_id"),
            before_ts=payload["ts"],
        )
        reply_in_thread(
            ctx,
            client,
            user=payload["user"],
            channel=channel,
            thread_ts=thread_ts,
            question=clean_question(payload.get("text", "")),
            history=history,
            team=context.get("team_id"),
        )

    return assistant
