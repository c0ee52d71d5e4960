"""`/cx`: a private answer with a share button, plus `role`, `help` and `reindex`."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.answering.roles import canonical_role
from bot.kudos.blocks import win_line
from bot.kudos.knowledge import sync_knowledge
from bot.kudos.store import KudosStore
from bot.slack.asking import answer_question
from bot.slack.blocks import error_blocks, help_blocks
from bot.slack.context import SlackContext
from bot.slack.mrkdwn import escape
from ingest.index import SyncBusyError

log = logging.getLogger(__name__)


def register_commands(app: App, ctx: SlackContext) -> None:
    @app.command("/cx")
    def cx(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        # Acknowledge first: Slack wants an answer within 3 seconds, the work comes after.
        ack()
        text = (command.get("text") or "").strip()
        user = command["user_id"]
        word, _, rest = text.partition(" ")
        sub = word.casefold()
        if not text or sub in ("help", "ヘルプ"):
            respond(response_type="ephemeral", text="How to use CX Assistant", blocks=help_blocks())
        elif sub in ("role", "ロール", "役割"):
            set_role(ctx, respond, user, rest.strip())
        elif sub == "reindex":
            reindex(ctx, respond, user)
        elif sub in ("wins", "kudos"):
            recent = KudosStore(ctx.store).wins(limit=5)
            lines = [f"• {win_line(k)}" for k in recent] or [
                "No wins shared yet. Heard a customer say thank you? Share it with `/kudos`."
            ]
            respond(response_type="ephemeral", text="*Recent customer wins*\n" + "\n".join(lines))
        else:
            private_answer(
                ctx, client, respond, user=user, channel=command.get("channel_id"), question=text
            )


def private_answer(
    ctx: SlackContext,
    client: WebClient,
    respond: Respond,
    *,
    user: str,
    channel: str | None,
    question: str,
) -> None:
    try:
        _, _, blocks, fallback = answer_question(
            ctx,
            client,
            user=user,
            channel=channel,
            question=question,
            history=[],
            thread_ts=None,
            shareable=True,
        )
        respond(response_type="ephemeral", text=fallback, blocks=blocks)
    except Exception:
        log.exception("/cx answer for %s failed", user)
        respond(
            response_type="ephemeral",
            text="Sorry, something went wrong.",
            blocks=error_blocks("en"),
        )


def set_role(ctx: SlackContext, respond: Respond, user: str, value: str) -> None:
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
    ctx.store.set_role(user, role)
    note = "" if role in known else f" (no guide for it yet; roles in the knowledge: {listing})"
    respond(
        response_type="ephemeral",
        text=f"Got it: your role is now *{escape(role)}*. Answers will prefer its guide.{note}",
    )


def reindex(ctx: SlackContext, respond: Respond, user: str) -> None:
    if not ctx.is_lead(user):
        respond(
            response_type="ephemeral",
            text="Sorry, only CX leads can re-sync the knowledge. "
            "If something looks out of date, please let your CX lead know. Thank you!",
        )
        return
    respond(response_type="ephemeral", text="Re-syncing the knowledge folder…")

    def run() -> None:
        try:
            report = sync_knowledge(ctx.index, ctx.settings.knowledge_dir, KudosStore(ctx.store))
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

    threading.Thread(target=run, name="cx-reindex", daemon=True).start()
