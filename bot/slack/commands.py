"""Slash commands. `/cx`: a private answer with a share button, or a subcommand (`help`,
`role`, `reindex`, `wins`, `card`, `lessons`) found in a table; `/kudos`: celebrate
customer praise."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.answering.roles import canonical_role
from bot.kudos.models import Kudos
from bot.slack.access import for_asker, visitor_of
from bot.slack.asking import answer_question
from bot.slack.blocks import error_blocks, help_blocks
from bot.slack.context import SlackContext
from bot.slack.kudos import (
    confirmation,
    not_a_colleague,
    not_saved,
    open_kudos_modal,
    parse_kudos_text,
    recipient_problems,
)
from bot.slack.kudos_blocks import win_line
from bot.slack.lessons import lessons_command
from bot.slack.mrkdwn import escape
from bot.slack.upkeep import verify_document
from bot.slack.visitors import Visitor, home_of
from bot.slack.welcome import show_card
from ingest.audience import token
from ingest.index import SyncBusyError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CxRequest:
    """One `/cx` invocation: who, where, the whole text and the text after the subcommand."""

    user: str
    channel: str | None
    text: str
    rest: str
    respond: Respond
    client: WebClient
    # The gate's verdict on the asker (bot.slack.access); a member when not given.
    visitor: Visitor | None = None


Subcommand = Callable[[SlackContext, CxRequest], None]


def cx_command(
    ctx: SlackContext,
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any] | None = None,
) -> None:
    # Acknowledge first: Slack wants an answer within 3 seconds, the work comes after.
    ack()
    text = (command.get("text") or "").strip()
    word, _, rest = text.partition(" ")
    request = CxRequest(
        user=command["user_id"],
        channel=command.get("channel_id"),
        text=text,
        rest=rest.strip(),
        respond=respond,
        client=client,
        visitor=visitor_of(context, command["user_id"]),
    )
    handler = SUBCOMMANDS.get(word.casefold(), answer_privately) if text else show_help
    handler(ctx, request)


def show_help(ctx: SlackContext, request: CxRequest) -> None:
    request.respond(response_type="ephemeral", text="How to use CX Assistant", blocks=help_blocks())


def show_wins(ctx: SlackContext, request: CxRequest) -> None:
    lines = [f"• {win_line(k)}" for k in ctx.kudos.recent_wins(limit=5)] or [
        "No wins shared yet. Heard a customer say thank you? Share it with `/kudos`."
    ]
    request.respond(response_type="ephemeral", text="*Recent customer wins*\n" + "\n".join(lines))


def answer_privately(ctx: SlackContext, request: CxRequest) -> None:
    respond, user = request.respond, request.user
    try:
        _, _, blocks, fallback = answer_question(
            ctx,
            request.client,
            user=user,
            channel=request.channel,
            question=request.text,
            history=[],
            thread_ts=None,
            shareable=True,
            # Ephemeral: only the asker sees it, so it draws on what they may read.
            decision=for_asker(ctx, request.client, request.visitor or Visitor(user)),
            surface="command",
        )
        respond(response_type="ephemeral", text=fallback, blocks=blocks)
    except Exception:
        log.exception("/cx answer for %s failed", user)
        respond(
            response_type="ephemeral",
            text="Sorry, something went wrong.",
            blocks=error_blocks("en"),
        )


def set_role(ctx: SlackContext, request: CxRequest) -> None:
    respond, user, value = request.respond, request.user, request.rest
    known = ctx.known_roles()
    listing = ", ".join(f"`{r}`" for r in sorted(known)) or "none yet"
    if not value:
        current = ctx.store.get_role(user)
        now = f"Your role is *{escape(current)}*." if current else "You have not set a role yet."
        respond(
            response_type="ephemeral",
            text=f"{now} Set it with `/cx role <role>`. Roles in the knowledge: {listing}.",
        )
        return
    if value.casefold() in ("clear", "none", "reset"):
        ctx.store.set_role(user, None)
        respond(response_type="ephemeral", text="Your role is cleared.")
        return
    role = canonical_role(value, known)
    assert role is not None
    if not may_claim(ctx, user, role):
        respond(
            response_type="ephemeral",
            text=f"The *{escape(role)}* role opens manager-only documents, so a CX lead sets it "
            "(add yourself to CX_KUDOS_MANAGERS or the managers' user group).",
        )
        return
    ctx.store.set_role(user, role)
    note = "" if role in known else f" (no guide for it yet; roles in the knowledge: {listing})"
    respond(
        response_type="ephemeral",
        text=f"Got it: your role is now *{escape(role)}*. Answers will prefer its guide.{note}",
    )


def may_claim(ctx: SlackContext, user: str, role: str) -> bool:
    """Anyone may say what they do, except claim the role that makes them a manager (it opens
    manager-only documents): that needs the managers' list or group, or a CX lead."""
    if token(role) != token(ctx.readers.policy.manager_role):
        return True
    return ctx.is_lead(user) or ctx.readers.is_manager(user)


def reindex(ctx: SlackContext, request: CxRequest) -> None:
    respond = request.respond
    if not ctx.is_lead(request.user):
        respond(
            response_type="ephemeral",
            text="Sorry, only CX leads can re-sync the knowledge. "
            "If something looks out of date, please let your CX lead know. Thank you!",
        )
        return
    respond(response_type="ephemeral", text="Re-syncing the knowledge folder…")
    threading.Thread(
        target=_sync_and_report, args=(ctx, respond), name="cx-reindex", daemon=True
    ).start()


def _sync_and_report(ctx: SlackContext, respond: Respond) -> None:
    try:
        report = ctx.sync()
    except SyncBusyError:
        respond(
            response_type="ephemeral",
            text="Another sync is running right now; try again in a minute.",
        )
        return
    except Exception as exc:
        log.exception("Reindex failed")
        respond(response_type="ephemeral", text=f"The sync failed: {escape(str(exc))}")
        return
    lines = [
        f"Done in {report.seconds:.1f}s: {len(report.added)} added, {len(report.changed)} "
        f"changed, {len(report.deleted)} deleted, {report.unchanged} unchanged; "
        f"{report.chunks_total} chunks."
    ]
    lines += [f"• skipped `{escape(p.describe())}`" for p in report.problems[:10]]
    respond(response_type="ephemeral", text="\n".join(lines))


def verify(ctx: SlackContext, request: CxRequest) -> None:
    """`/cx verify <path>`: the owner (or a lead) vouches that a document is still correct."""
    if ctx.upkeep is None or not request.rest:
        request.respond(
            response_type="ephemeral",
            text="Tell me which document: `/cx verify en/policies/refunds-and-remedies.md`.",
        )
        return
    message = verify_document(ctx, request.client, request.user, request.rest)
    request.respond(response_type="ephemeral", text=message)


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": show_help,
    "ヘルプ": show_help,
    "role": set_role,
    "ロール": set_role,
    "役割": set_role,
    "reindex": reindex,
    "wins": show_wins,
    "kudos": show_wins,
    "verify": verify,
    "確認": verify,
    "card": show_card,
    "カード": show_card,
    "lessons": lessons_command,
    "lesson": lessons_command,
    "レッスン": lessons_command,
}


def kudos_command(
    ctx: SlackContext,
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: dict[str, Any] | None = None,
) -> None:
    """`/kudos @someone the customer's words`; `/kudos` alone (or without both) opens the form."""
    ack()
    recipients, quote = parse_kudos_text(command.get("text") or "")
    user = command["user_id"]
    problems = recipient_problems(ctx, client, recipients, home_of(command, context or {}))
    if problems:
        respond(response_type="ephemeral", text=not_a_colleague(problems))
        return
    if not recipients or not quote:
        open_kudos_modal(
            ctx,
            client,
            command["trigger_id"],
            quote=quote,
            recipients=recipients,
            metadata={"channel": command.get("channel_id")},
        )
        return
    kudos = Kudos(
        recipients=recipients,
        quote=quote,
        sender=user,
        dedupe_key=f"command:{command.get('trigger_id')}",
    )
    try:
        result = ctx.kudos.submit(kudos)
    except Exception:
        log.exception("Storing kudos from %s failed", user)
        respond(response_type="ephemeral", text=not_saved(quote))
        return
    respond(response_type="ephemeral", text=confirmation(result))


def register(app: App, ctx: SlackContext) -> None:
    app.command("/cx")(partial(cx_command, ctx))
    app.command("/kudos")(partial(kudos_command, ctx))
