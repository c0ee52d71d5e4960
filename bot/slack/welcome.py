"""The welcome DM (on `team_join`, and the first time someone talks to the bot), the role card
(`/cx card`, App Home, the welcome) and the menu that picks or corrects one's role.

Each person is welcomed once, whichever process sees them first: a database claim
(`welcome:<user>`) decides. People from other organisations, guests without access and apps
get none of it (`bot.slack.access`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltResponse, Respond
from slack_sdk import WebClient

from bot.kudos.values import value_names
from bot.lessons import NoRoleGuideError, RoleCard, UnknownRoleError, role_card
from bot.lessons.role_card import mantra
from bot.slack.access import admitted
from bot.slack.context import SlackContext
from bot.slack.mrkdwn import escape
from bot.slack.upkeep import document_url
from bot.slack.visitors import Knock, Visitor, home_of, knock_of
from bot.slack.welcome_blocks import (
    ACTION_PICK_ROLE,
    Block,
    UrlOf,
    language_of,
    role_blocks,
    welcome_blocks,
    words,
)

if TYPE_CHECKING:
    from bot.slack.commands import CxRequest

log = logging.getLogger(__name__)

WELCOME_THREAD = "cx-welcome"
# Someone talking to the bot: these surfaces count as a first contact (not a button click).
_TALKING = frozenset({"mention", "dm", "assistant", "command", "thread"})


def locale_of(client: WebClient, user: str) -> str | None:
    """The person's Slack locale ("ja-JP"); None when Slack cannot say."""
    try:
        reply: Any = client.users_info(user=user, include_locale=True)
        return (reply.get("user") or {}).get("locale") or None
    except Exception:
        log.warning("Could not read the locale of %s", user)
        return None


def url_of(ctx: SlackContext) -> UrlOf:
    return partial(document_url, ctx.settings.knowledge_base_url)


def card_for(ctx: SlackContext, role: str | None, language: str) -> RoleCard | None:
    """The role's card in the language (None: no role, or no guide for it)."""
    if not role:
        return None
    try:
        return role_card(ctx.index, role, language)
    except (UnknownRoleError, NoRoleGuideError):
        return None


def card_message(
    ctx: SlackContext,
    client: WebClient,
    user: str,
    *,
    language: str,
    surface: str,
    note: str | None = None,
) -> list[Block]:
    """The person's role card with the role menu, or a kind prompt to pick a role."""
    role = ctx.resolve_role(client, user).role
    return role_blocks(
        language=language,
        card=card_for(ctx, role, language),
        role=role,
        roles=sorted(ctx.known_roles()),
        url_of=url_of(ctx),
        surface=surface,
        note=note,
    )


def welcome_message(
    ctx: SlackContext, client: WebClient, user: str, language: str, note: str | None = None
) -> list[Block]:
    role = ctx.resolve_role(client, user).role
    line = mantra(ctx.index, language)
    return welcome_blocks(
        language=language,
        mantra=line.text if line is not None else ctx.settings.mantra or None,
        values=value_names(ctx.index, language),
        card=card_for(ctx, role, language),
        role=role,
        roles=sorted(ctx.known_roles()),
        url_of=url_of(ctx),
        note=note,
    )


def may_welcome(ctx: SlackContext, client: WebClient, visitor: Visitor) -> bool:
    """Staff (and guests with access), known to Slack, and people rather than apps."""
    if not visitor.verified or not admitted(visitor, ctx.settings.guest_access):
        return False
    record = ctx.people.user(client, visitor.user) or {}
    return not (record.get("is_bot") or record.get("is_app_user") or record.get("deleted"))


def send_welcome(ctx: SlackContext, client: WebClient, visitor: Visitor) -> bool:
    """The welcome DM, once per person across processes; True when this call sent it."""
    user = visitor.user
    if not user or not may_welcome(ctx, client, visitor):
        return False
    claim = f"welcome:{user}"
    if not ctx.store.claim_event(claim, kind="welcome"):
        return False
    try:
        language = language_of(locale_of(client, user))
        blocks = welcome_message(ctx, client, user, language)
        client.chat_postMessage(channel=user, text=words(language)["title"], blocks=blocks)
    except Exception:
        # Not sent: give the claim back so the next contact (or another process) welcomes them.
        ctx.store.release_event(claim, kind="welcome")
        log.warning("Could not welcome %s; will try again on their next visit", user)
        return False
    log.info("Welcomed %s", user)
    return True


def on_team_join(
    ctx: SlackContext,
    event: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    member = event.get("user") or {}
    if not ctx.settings.welcome or not isinstance(member, dict):
        return
    if member.get("is_bot") or not member.get("id"):
        return
    knock = Knock(user=str(member["id"]), surface="join", team=member.get("team_id"))
    visitor = ctx.people.visitor(client, knock, home_of(body, context), shared=False)
    send_welcome(ctx, client, visitor)


def first_contact(ctx: SlackContext) -> Callable[..., BoltResponse | None]:
    """A global middleware after the gate: the first time a person talks to the bot, the
    welcome goes out beside the answer (off the request path, so the reply is not late)."""
    seen: set[str] = set()  # this process already checked them: no claim per request
    lock = threading.Lock()

    def middleware(
        body: dict[str, Any],
        context: dict[str, Any],
        client: WebClient,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        knock = knock_of(body)
        visitor = context.get("visitor")
        if knock is not None and knock.surface in _TALKING and isinstance(visitor, Visitor):
            with lock:
                first = visitor.user not in seen
                seen.add(visitor.user)
            if first:
                threading.Thread(
                    target=_welcome_quietly,
                    args=(ctx, client, visitor),
                    name=WELCOME_THREAD,
                    daemon=True,
                ).start()
        return next()

    return middleware


def _welcome_quietly(ctx: SlackContext, client: WebClient, visitor: Visitor) -> None:
    try:
        send_welcome(ctx, client, visitor)
    except Exception:  # a welcome that failed must never disturb the answer
        log.warning("Could not welcome %s", visitor.user, exc_info=True)


def show_card(ctx: SlackContext, request: CxRequest) -> None:
    """`/cx card`: the role card, only for the asker."""
    language = language_of(locale_of(request.client, request.user))
    blocks = card_message(ctx, request.client, request.user, language=language, surface="card")
    request.respond(response_type="ephemeral", text=words(language)["pick"], blocks=blocks)


def role_picked(
    ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """A role chosen from the menu: set like `/cx role`, then the card is shown again."""
    ack()
    from bot.slack.commands import may_claim  # commands imports this module

    user = body["user"]["id"]
    action = body["actions"][0]
    role = str((action.get("selected_option") or {}).get("value") or "")
    _, language, surface = (str(action.get("block_id") or "") + "::").split(":")[:3]
    text = words(language)
    if role not in ctx.known_roles():
        note = text["unknown_role"].format(role=escape(role))
    elif not may_claim(ctx, user, role):
        note = text["manager_only"].format(role=escape(role))
    else:
        ctx.store.set_role(user, role)
        note = text["role_set"].format(role=escape(role))
    if surface == "home":
        from bot.slack.home_tab import publish_home  # home_tab renders the card from here

        publish_home(ctx, client, user)
        return
    if surface == "welcome":
        blocks = welcome_message(ctx, client, user, language, note)
    else:
        blocks = card_message(ctx, client, user, language=language, surface=surface, note=note)
    respond(replace_original=True, text=note, blocks=blocks)


def register(app: App, ctx: SlackContext) -> None:
    app.event("team_join")(partial(on_team_join, ctx))
    app.action(ACTION_PICK_ROLE)(partial(role_picked, ctx))
