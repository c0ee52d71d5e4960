"""Where people ask: mentions, direct messages and follow-ups in threads the bot answered."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.asking import bot_is_in_thread, clean_question, reply_in_thread, thread_history
from bot.slack.context import SlackContext

log = logging.getLogger(__name__)

# Message subtypes that are still a person talking; edits, deletions, joins and bots are not.
_PERSON_SUBTYPES = {None, "file_share", "thread_broadcast"}


def is_person_message(event: dict[str, Any]) -> bool:
    return event.get("subtype") in _PERSON_SUBTYPES and not event.get("bot_id")


def register_events(app: App, ctx: SlackContext) -> None:
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        if not is_person_message(event):
            return
        question = clean_question(event.get("text", ""))
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
            question=question,
            history=history,
            team=context.get("team_id"),
        )

    @app.event("message")
    def on_message(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        if not is_person_message(event) or not event.get("user"):
            return
        bot_user = context.get("bot_user_id") or ""
        text = event.get("text", "")
        channel = event["channel"]
        thread_ts = event.get("thread_ts")
        if event.get("channel_type") == "im":
            history = []
            if thread_ts:
                history = thread_history(
                    client,
                    channel=channel,
                    thread_ts=thread_ts,
                    bot_user=bot_user,
                    before_ts=event["ts"],
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
                message_ts=event["ts"],
            )
            return
        # In channels only follow-ups in a thread the bot is part of; a mention is handled by
        # on_mention, so answering it here too would reply twice.
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
        )

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        from bot.slack.home_tab import publish_home

        publish_home(ctx, client, event["user"])
