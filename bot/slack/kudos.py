"""Kudos in Slack: `/kudos`, the modal, the "Celebrate this" shortcut, nominations.

Order of work, so nothing is lost: redact, store (durable, deduplicated, with its post owed
in the same row), then post. A post that fails stays owed and is retried on a timer and on the
next start; a claim in the database makes sure only one retry posts it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from typing import Any, NamedTuple

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.kudos.blocks import (
    ACTION_APPROVE,
    ACTION_DECLINE,
    MODAL_CALLBACK,
    SHORTCUT_CALLBACK,
    celebration_blocks,
    celebration_text,
    kudos_modal,
    nomination_blocks,
    reviewed_blocks,
)
from bot.kudos.knowledge import sync_knowledge
from bot.kudos.models import Kudos
from bot.kudos.redact import redact
from bot.kudos.store import KudosStore
from bot.kudos.values import cx_values, suggest_value
from bot.slack.context import SlackContext
from bot.slack.mrkdwn import mention
from ingest.index import SyncBusyError
from ingest.language import detect_language

log = logging.getLogger(__name__)

_LEADING_MENTIONS = re.compile(r"^\s*((?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,、]*)+)(.*)$", re.S)
_USER = re.compile(r"<@([UW][A-Z0-9]+)")


def parse_kudos_text(text: str) -> tuple[list[str], str]:
    """ "<@U1> <@U2> the customer said…" -> (["U1", "U2"], "the customer said…")."""
    match = _LEADING_MENTIONS.match(text or "")
    if not match:
        return [], (text or "").strip()
    return list(dict.fromkeys(_USER.findall(match.group(1)))), match.group(2).strip()


class Submitted(NamedTuple):
    kudos: Kudos
    new: bool  # False: the same kudos was stored before (a double click)
    delivered: bool  # False: Slack failed; stored, and posted by a retry later


class KudosFlow:
    # Seconds between retries of owed posts while Slack is down; after the last one the
    # next start (or the next failure) tries again.
    retry_delays: tuple[float, ...] = (15.0, 60.0, 300.0, 900.0)

    def __init__(self, ctx: SlackContext, kudos: KudosStore) -> None:
        self.ctx = ctx
        self.kudos = kudos
        self._groups: tuple[float, frozenset[str]] = (0.0, frozenset())
        self._lock = threading.Lock()
        self._retrying = False

    def is_manager(self, client: WebClient, user: str) -> bool:
        settings = self.ctx.settings
        if user in settings.kudos_manager_ids():
            return True
        group = settings.kudos_manager_group
        if not group:
            return False
        with self._lock:
            fetched, members = self._groups
        if time.monotonic() - fetched > 300:
            try:
                reply: Any = client.usergroups_users_list(usergroup=group)
                members = frozenset(reply.get("users") or [])
            except Exception:
                log.warning("Could not read user group %s", group, exc_info=True)
            with self._lock:
                self._groups = (time.monotonic(), members)
        return user in members

    def sender_language(self, client: WebClient, user: str | None) -> str | None:
        if not user:
            return None
        try:
            reply: Any = client.users_info(user=user, include_locale=True)
        except Exception:
            log.warning("Could not read the locale of %s", user, exc_info=True)
            return None
        locale = str((reply.get("user") or {}).get("locale") or "")
        if not locale:
            return None
        return "ja" if locale.casefold().startswith("ja") else "en"

    def value_names(self, language: str) -> list[str]:
        values = cx_values(self.ctx.index)
        return [v.name for v in values if v.language == language] or [v.name for v in values]

    def submit(self, client: WebClient, kudos: Kudos) -> Submitted:
        """Redact, store, then broadcast (manager) or send for review (anyone else)."""
        quote_language = detect_language(kudos.quote)
        kudos = kudos.model_copy(
            update={
                "quote": redact(kudos.quote),
                "source": redact(kudos.source) if kudos.source else None,
                # The celebration speaks the sender's language (their Slack locale), else
                # the customer's.
                "language": self.sender_language(client, kudos.sender) or quote_language,
            }
        )
        if not kudos.value:
            kudos.value = suggest_value(self.ctx.index, kudos.quote, quote_language)
        manager = bool(kudos.sender) and self.is_manager(client, kudos.sender or "")
        kudos.status = "broadcast" if manager else "nominated"
        stored, new = self.kudos.add(kudos)
        if not new:
            return Submitted(stored, False, True)
        return Submitted(stored, True, self.deliver(client, stored))

    def deliver(self, client: WebClient, kudos: Kudos, nominator: str | None = None) -> bool:
        """Post a stored kudos (a celebration, or a nomination for review) if it is still
        owed and nobody else is posting it. False when Slack failed: it stays owed, and a
        retry is scheduled."""
        celebration = kudos.status == "broadcast"
        settings = self.ctx.settings
        channel = settings.wins_channel if celebration else settings.review_channel
        if not channel or kudos.id is None:
            log.warning("No %s channel set: kudos %s waits in storage", kudos.status, kudos.id)
            return True
        claim = self.kudos.claim_post(kudos.id)
        if claim is None:
            return True  # posted already, or being posted by another retry
        try:
            if celebration:
                blocks = celebration_blocks(kudos, nominator=nominator)
            else:
                blocks = nomination_blocks(kudos)
            reply: Any = client.chat_postMessage(
                channel=channel, text=celebration_text(kudos), blocks=blocks, unfurl_links=False
            )
        except Exception:
            log.warning("Posting kudos %s failed; it stays owed", kudos.id, exc_info=True)
            self.kudos.release(kudos.id, claim)
            self.retry_later(client)
            return False
        self.kudos.mark_posted(kudos.id, channel=channel, ts=str(reply.get("ts")), claim=claim)
        if celebration:
            self.index_wins_soon()
        return True

    def post_celebration(
        self, client: WebClient, kudos: Kudos, nominator: str | None = None
    ) -> bool:
        return self.deliver(client, kudos, nominator)

    def index_wins_soon(self) -> None:
        """Index the new win as a feedback highlight, off the request path; if an ingest is
        running, try again shortly (the next sync would pick it up anyway)."""

        def run() -> None:
            for attempt in range(5):
                try:
                    sync_knowledge(self.ctx.index, self.ctx.settings.knowledge_dir, self.kudos)
                    return
                except SyncBusyError:
                    time.sleep(2 * (attempt + 1))
                except Exception:
                    log.exception("Indexing wins failed")
                    return

        threading.Thread(target=run, name="cx-index-wins", daemon=True).start()

    def retry_unposted(self, client: WebClient) -> int:
        """Post every owed win and nomination; returns how many are still owed."""
        try:
            owed = self.kudos.unposted()
        except Exception:  # the database is down too: the next retry will see them
            log.warning("Could not read the kudos still to post", exc_info=True)
            self.retry_later(client)
            return -1
        return sum(1 for kudos in owed if not self.deliver(client, kudos))

    def retry_later(self, client: WebClient) -> None:
        """One background retry loop at a time, backing off, until nothing is owed."""
        with self._lock:
            if self._retrying:
                return
            self._retrying = True

        def run() -> None:
            try:
                for delay in self.retry_delays:
                    time.sleep(delay)  # waiting for Slack to come back, not for a thread
                    if self.retry_unposted(client) == 0:
                        return
            finally:
                with self._lock:
                    self._retrying = False

        threading.Thread(target=run, name="cx-kudos-retry-later", daemon=True).start()


def register_kudos(app: App, ctx: SlackContext, kudos_store: KudosStore) -> KudosFlow:
    flow = KudosFlow(ctx, kudos_store)

    def open_modal(
        client: WebClient,
        trigger_id: str,
        *,
        quote: str,
        recipients: list[str],
        metadata: dict[str, Any],
    ) -> None:
        language = detect_language(quote) if quote else "en"
        values = flow.value_names(language)
        suggested = suggest_value(ctx.index, quote, language) if quote else None
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

    @app.command("/kudos")
    def kudos_command(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        recipients, quote = parse_kudos_text(command.get("text") or "")
        user = command["user_id"]
        if not recipients or not quote:
            open_modal(
                client,
                command["trigger_id"],
                quote=quote,
                recipients=recipients,
                metadata={"channel": command.get("channel_id")},
            )
            return
        try:
            result = flow.submit(
                client,
                Kudos(
                    recipients=recipients,
                    quote=quote,
                    sender=user,
                    dedupe_key=f"command:{command.get('trigger_id')}",
                ),
            )
        except Exception:
            log.exception("Storing kudos from %s failed", user)
            respond(response_type="ephemeral", text=_not_saved(quote))
            return
        respond(response_type="ephemeral", text=_confirmation(result))

    @app.shortcut(SHORTCUT_CALLBACK)
    def celebrate_this(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        message = shortcut.get("message") or {}
        author = message.get("user")
        open_modal(
            client,
            shortcut["trigger_id"],
            quote=message.get("text") or "",
            recipients=[author] if author and not message.get("bot_id") else [],
            metadata={
                "channel": (shortcut.get("channel") or {}).get("id"),
                "message_ts": message.get("ts"),
            },
        )

    @app.view(MODAL_CALLBACK)
    def modal_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        state = view["state"]["values"]
        recipients = state["recipients"]["recipients"].get("selected_users") or []
        quote = (state["quote"]["quote"].get("value") or "").strip()
        errors = {}
        if not recipients:
            errors["recipients"] = "Who did the customer praise?"
        if not quote:
            errors["quote"] = "Paste the customer's words."
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()

        def selected(block: str) -> str | None:
            option = (state.get(block) or {}).get(block, {}).get("selected_option")
            return option["value"] if option else None

        source = ((state.get("source") or {}).get("source") or {}).get("value")
        user = body["user"]["id"]
        # A double-clicked submit sends the same view twice: its id makes one kudos.
        try:
            result = flow.submit(
                client,
                Kudos(
                    recipients=recipients,
                    quote=quote,
                    sender=user,
                    touchpoint=selected("touchpoint"),
                    value=selected("value"),
                    source=source,
                    dedupe_key=f"view:{view['id']}",
                ),
            )
        except Exception:
            log.exception("Storing kudos from %s failed", user)
            client.chat_postMessage(channel=user, text=_not_saved(quote))
            return
        if result.new:
            client.chat_postMessage(channel=user, text=_confirmation(result))

    def review(
        approved: bool, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        manager = body["user"]["id"]
        if not flow.is_manager(client, manager):
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="Thanks for looking! Only kudos managers can approve or decline.",
            )
            return
        kudos_id = int(body["actions"][0]["value"])
        target = "broadcast" if approved else "declined"
        if not flow.kudos.transition(kudos_id, from_status="nominated", to_status=target):
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="Someone has already reviewed this nomination.",
            )
            return
        kudos = flow.kudos.get(kudos_id)
        assert kudos is not None
        nominator = kudos.sender
        if approved:
            flow.post_celebration(
                client, kudos.model_copy(update={"sender": manager}), nominator=nominator
            )
        respond(
            replace_original=True,
            text="Reviewed",
            blocks=reviewed_blocks(kudos, approved=approved, manager=manager),
        )
        if nominator:
            client.chat_postMessage(
                channel=nominator,
                text=(
                    f"🎉 Your nomination for {', '.join(mention(r) for r in kudos.recipients)} was "
                    "approved and is now celebrated in the wins channel. Thank you for sharing it!"
                    if approved
                    else "Thank you for nominating a colleague! A manager decided not to "
                    "broadcast this one, but please keep sharing customer praise: it matters."
                ),
            )

    @app.action(ACTION_APPROVE)
    def approve(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        review(True, ack, body, client, respond)

    @app.action(ACTION_DECLINE)
    def decline(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        review(False, ack, body, client, respond)

    return flow


def _confirmation(result: Submitted) -> str:
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


def _not_saved(quote: str) -> str:
    """Storage is down: nothing was posted, and the sender keeps their words to resend."""
    return (
        "Sorry, I couldn't save this kudos just now, so nothing was posted. Please try again "
        f"in a minute. Your words, to copy:\n> {quote[:1500]}"
    )


def metadata_of(view: dict[str, Any]) -> dict[str, Any]:
    try:
        return dict(json.loads(view.get("private_metadata") or "{}"))
    except ValueError:
        return {}
