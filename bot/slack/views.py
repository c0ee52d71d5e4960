"""Modal submissions: the kudos form."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.kudos.models import Kudos
from bot.slack.context import SlackContext
from bot.slack.kudos import confirmation, not_saved, recipient_problems
from bot.slack.kudos_blocks import MODAL_CALLBACK
from bot.slack.visitors import home_of

log = logging.getLogger(__name__)


def kudos_form_errors(view: dict[str, Any]) -> dict[str, str]:
    """What the sender must fix before the form can be sent (shown next to the fields)."""
    state = view["state"]["values"]
    errors = {}
    if not state["recipients"]["recipients"].get("selected_users"):
        errors["recipients"] = "Who did the customer praise?"
    if not (state["quote"]["quote"].get("value") or "").strip():
        errors["quote"] = "Paste the customer's words."
    return errors


def colleague_errors(
    ctx: SlackContext,
    client: WebClient,
    body: dict[str, Any],
    view: dict[str, Any],
    context: dict[str, Any] | None,
) -> dict[str, str]:
    """Kudos are for colleagues: not someone from another organisation, an app or a
    deactivated account (said next to the field, so the sender can fix it)."""
    chosen = view["state"]["values"]["recipients"]["recipients"].get("selected_users") or []
    problems = recipient_problems(ctx, client, chosen, home_of(body, context or {}))
    if not problems:
        return {}
    names = ", ".join(_display_name(ctx, client, user) for user, _ in problems)
    return {"recipients": f"Kudos can only go to colleagues here. Please remove: {names}."}


def _display_name(ctx: SlackContext, client: WebClient, user: str) -> str:
    profile = (ctx.people.user(client, user) or {}).get("profile") or {}
    return str(profile.get("display_name") or profile.get("real_name") or user)


def kudos_from_form(view: dict[str, Any], *, sender: str) -> Kudos:
    state = view["state"]["values"]

    def selected(block: str) -> str | None:
        option = (state.get(block) or {}).get(block, {}).get("selected_option")
        return option["value"] if option else None

    return Kudos(
        recipients=state["recipients"]["recipients"].get("selected_users") or [],
        quote=(state["quote"]["quote"].get("value") or "").strip(),
        sender=sender,
        touchpoint=selected("touchpoint"),
        value=selected("value"),
        source=((state.get("source") or {}).get("source") or {}).get("value"),
        # A double-clicked submit sends the same view twice: its id makes one kudos.
        dedupe_key=f"view:{view['id']}",
    )


def kudos_form_submitted(
    ctx: SlackContext,
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any] | None = None,
) -> None:
    errors = kudos_form_errors(view) or colleague_errors(ctx, client, body, view, context)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    user = body["user"]["id"]
    kudos = kudos_from_form(view, sender=user)
    try:
        result = ctx.kudos.submit(kudos)
    except Exception:
        log.exception("Storing kudos from %s failed", user)
        client.chat_postMessage(channel=user, text=not_saved(kudos.quote))
        return
    if result.new:
        client.chat_postMessage(channel=user, text=confirmation(result))


def register(app: App, ctx: SlackContext) -> None:
    app.view(MODAL_CALLBACK)(partial(kudos_form_submitted, ctx))
