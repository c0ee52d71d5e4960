"""Message shortcuts: "Celebrate this" turns a message into kudos, through the kudos form."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack.context import SlackContext
from bot.slack.kudos import open_kudos_modal
from bot.slack.kudos_blocks import SHORTCUT_CALLBACK


def celebrate_this(
    ctx: SlackContext, ack: Ack, shortcut: dict[str, Any], client: WebClient
) -> None:
    """The form, prefilled with the message's words and its author (unless a bot wrote it)."""
    ack()
    message = shortcut.get("message") or {}
    author = message.get("user")
    open_kudos_modal(
        ctx,
        client,
        shortcut["trigger_id"],
        quote=message.get("text") or "",
        recipients=[author] if author and not message.get("bot_id") else [],
        metadata={
            "channel": (shortcut.get("channel") or {}).get("id"),
            "message_ts": message.get("ts"),
        },
    )


def register(app: App, ctx: SlackContext) -> None:
    app.shortcut(SHORTCUT_CALLBACK)(partial(celebrate_this, ctx))
