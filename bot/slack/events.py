"""Where people ask: mentions, direct messages and follow-ups in threads the bot answered.

Edited messages are never answered (Slack re-sends an edited mention with `edited` and a new
event id). A reply in a channel is for everyone in it, so it draws on all-staff documents
(`bot.slack.access.for_channel`); in a channel shared with other organisations only the asker
sees it. A DM reply draws on what the asker may read."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.access import for_asker, for_channel, visitor_of
from bot.slack.asking import (
    bot_is_in_thread,
    clean_question,
    history_from,
    read_thread,
    reply_in_thread,
    thread_history,
)
from bot.slack.assistant import is_assistant_thread, show_searching
from bot.slack.context import SlackContext
from bot.slack.visitors import is_person_message

log = logging.getLogger(__name__)


def on_mention(
    ctx: SlackContext,
    event: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    body: dict[str, Any] | None = None,
) -> None:
    if not is_person_message(event):
        return
    channel = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    history = []
    if event.get("thread_ts"):
        history = thread_history(
            client,
            channel=channel,
            thread_ts=thread_ts,
            bot_user=context.get("bot_user_id"),
            before_ts=event["ts"],
        )
    reply_in_thread(
        ctx,
        client,
        user=event["user"],
        channel=channel,
        thread_ts=thread_ts,
        question=clean_question(event.get("text", "")),
        history=history,
        team=context.get("team_id"),
        decision=for_channel(ctx, channel, visitor_of(context, event["user"])),
        surface="mention",
        private=bool((body or {}).get("is_ext_shared_channel")),
    )


def on_message(
    ctx: SlackContext,
    event: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    body: dict[str, Any] | None = None,
) -> None:
    if not is_person_message(event) or not event.get("user"):
        return
    if event.get("channel_type") == "im":
        direct_message(ctx, event, client, context)
    else:
        thread_follow_up(ctx, event, client, context, body or {})


def direct_message(
    ctx: SlackContext, event: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """A DM, the assistant panel or a reply in a DM thread: answered from what the asker may
    read; the searching status only in assistant threads."""
    channel = event["channel"]
    thread_ts = event.get("thread_ts")
    history = []
    surface = "dm"
    if thread_ts:
        messages = read_thread(client, channel=channel, thread_ts=thread_ts)
        history = history_from(
            messages, bot_user=context.get("bot_user_id") or "", before_ts=event["ts"]
        )
        if is_assistant_thread(event, messages):
            surface = "assistant"
            show_searching(client, channel=channel, thread_ts=thread_ts)
    reply_in_thread(
        ctx,
        client,
        user=event["user"],
        channel=channel,
        thread_ts=thread_ts,
        question=clean_question(event.get("text", "")),
        history=history,
        team=context.get("team_id"),
        message_ts=event["ts"],
        decision=for_asker(ctx, client, visitor_of(context, event["user"])),
        surface=surface,
    )


def thread_follow_up(
    ctx: SlackContext,
    event: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    body: dict[str, Any] | None = None,
) -> None:
    """In channels only follow-ups in a thread the bot is part of; a mention is handled by
    `on_mention`, so answering it here too would reply twice."""
    bot_user = context.get("bot_user_id") or ""
    text = event.get("text", "")
    channel = event["channel"]
    thread_ts = event.get("thread_ts")
    if not thread_ts or f"<@{bot_user}" in text:
        return
    if not bot_is_in_thread(client, channel=channel, thread_ts=thread_ts, bot_user=bot_user):
        return
    history = thread_history(
        client, channel=channel, thread_ts=thread_ts, bot_user=bot_user, before_ts=event["ts"]
    )
    reply_in_thread(
        ctx,
        client,
        user=event["user"],
        channel=channel,
        thread_ts=thread_ts,
        question=clean_question(text),
        history=history,
        team=context.get("team_id"),
        decision=for_channel(ctx, channel, visitor_of(context, event["user"])),
        surface="thread",
        private=bool((body or {}).get("is_ext_shared_channel")),
    )


def register(app: App, ctx: SlackContext) -> None:
    app.event("app_mention")(partial(on_mention, ctx))
    app.event("message")(partial(on_message, ctx))
