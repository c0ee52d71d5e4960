"""Kudos in Slack, shared by its surfaces (`/kudos`, the "Celebrate this" shortcut, the
modal): reading mentions, opening the form, and what the sender is told.

The rules (redaction, storage, review, posting and retries) are `bot.kudos.service`."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk import WebClient

from bot.kudos.service import Submitted
from bot.slack.context import SlackContext
from bot.slack.kudos_blocks import kudos_modal
from bot.slack.mrkdwn import mention
from bot.slack.visitors import Home, recipient_problem
from ingest.language import detect_language

_LEADING_MENTIONS = re.compile(r"^\s*((?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,、]*)+)(.*)$", re.S)
_USER = re.compile(r"<@([UW][A-Z0-9]+)")


def parse_kudos_text(text: str) -> tuple[list[str], str]:
    """ "<@U1> <@U2> the customer said…" -> (["U1", "U2"], "the customer said…")."""
    match = _LEADING_MENTIONS.match(text or "")
    if not match:
        return [], (text or "").strip()
    return list(dict.fromkeys(_USER.findall(match.group(1)))), match.group(2).strip()


def open_kudos_modal(
    ctx: SlackContext,
    client: WebClient,
    trigger_id: str,
    *,
    quote: str,
    recipients: list[str],
    metadata: dict[str, Any],
) -> None:
    """The kudos form, prefilled, with the CX values to pick from and one suggested."""
    language = detect_language(quote) if quote else "en"
    values = ctx.kudos.value_names(language)
    suggested = ctx.kudos.suggest_value(quote, language) if quote else None
    client.views_open(
        trigger_id=trigger_id,
        view=kudos_modal(
            quote=quote,
            recipients=recipients,
            values=values,
            value=suggested,
            metadata=metadata,
        ),
    )


def confirmation(result: Submitted) -> str:
    if not result.new:
        return "This kudos was already shared. Thank you!"
    broadcast = result.kudos.status == "broadcast"
    if not result.delivered:
        where = "in the wins channel" if broadcast else "to a manager for review"
        return (
            f"Thank you! Your kudos is saved. Slack is having trouble right now, so it will "
            f"go out {where} as soon as Slack is back; there is nothing more to do."
        )
    if broadcast:
        return "🎉 Thank you! The win is celebrated in the wins channel."
    return "Thank you! Your nomination is with a manager for review; you'll hear back here."


def not_saved(quote: str) -> str:
    """Storage is down: nothing was posted, and the sender keeps their words to resend."""
    return (
        "Sorry, I couldn't save this kudos just now, so nothing was posted. Please try again "
        f"in a minute. Your words, to copy:\n> {quote[:1500]}"
    )


def recipient_problems(
    ctx: SlackContext, client: WebClient, recipients: list[str], home: Home
) -> list[tuple[str, str]]:
    """Recipients who are not our people (from another organisation, an app, gone), with
    why; kudos are for colleagues."""
    found = []
    for user in recipients:
        why = recipient_problem(ctx.people.user(client, user), home)
        if why:
            found.append((user, why))
    return found


def not_a_colleague(problems: list[tuple[str, str]]) -> str:
    who = "; ".join(f"{mention(user)} {why}" for user, why in problems)
    return (
        f"Thank you for sharing this! Kudos can only celebrate colleagues here, and {who}. "
        "Please choose a colleague and send it again."
    )
