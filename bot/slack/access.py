"""Who may read what in Slack: the audience of each answer, who is turned away, and the
audit line each answer leaves.

- In a DM, the assistant panel and an ephemeral `/cx` reply, the asker reads what they may
  (their role, `leads`, `managers`, their user groups: `bot.answering.readers`).
- In a channel, the answer is for everyone in it: all-staff documents only, unless
  `CX_CHANNEL_AUDIENCE` says every member of that channel holds more.
- Guests (`CX_GUEST_ACCESS=all-staff`) and people Slack could not identify read all-staff
  documents only; outsiders and guests without access are turned away (`CX_EXTERNAL_USERS`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk import WebClient

from bot.answering.readers import CHANNEL
from bot.knowledge_base import KnowledgeBase
from bot.slack.context import SlackContext
from bot.slack.visitors import Knock, Visitor, home_of, knock_of
from ingest.audience import is_group_id, tokens_of, visible
from ingest.language import detect_language

log = logging.getLogger(__name__)
audit_log = logging.getLogger("cx.audit")

ALL_STAFF = "all staff"

NOTICE = {
    "en": "Thanks for reaching out! I'm an internal assistant for {company} employees only, "
    "so I can't help here.",
    "ja": "ご連絡ありがとうございます。申し訳ありませんが、このアシスタントは{company}の"
    "社員専用のため、こちらではお答えできません。",
}


@dataclass(frozen=True)
class Decision:
    """The audience an answer is written for, and how it was decided (for the audit log)."""

    audience: frozenset[str]
    label: str
    visitor: str = "member"


def visitor_of(context: Mapping[str, Any] | None, user: str) -> Visitor:
    """The gate's verdict on the asker; a listener called without it (a unit test) sees a
    member."""
    found = (context or {}).get("visitor")
    return found if isinstance(found, Visitor) and found.user == user else Visitor(user)


def groups_in_use(index: KnowledgeBase) -> frozenset[str]:
    """The Slack user group IDs any indexed document's audience names."""
    return frozenset(
        t for f in index.files().values() for t in tokens_of(f.audience) if is_group_id(t)
    )


def _limited(visitor: Visitor) -> Decision | None:
    if visitor.kind != "member":
        return Decision(CHANNEL, f"{visitor.kind}: {ALL_STAFF}", visitor.kind)
    if not visitor.verified:
        return Decision(CHANNEL, f"unverified: {ALL_STAFF}", "unverified")
    return None


def for_asker(ctx: SlackContext, client: WebClient, visitor: Visitor) -> Decision:
    """A reply only the asker sees: what they may read."""
    limited = _limited(visitor)
    if limited is not None:
        return limited
    try:
        role = ctx.resolve_role(client, visitor.user).role
        tokens = ctx.readers.reader(visitor.user, role, groups_in_use(ctx.index))
    except Exception:  # the database or the index is down: fail closed, still answer
        log.warning("Could not work out what %s may read", visitor.user, exc_info=True)
        return Decision(CHANNEL, f"unresolved: {ALL_STAFF}", "unverified")
    return Decision(tokens, "reader: " + (", ".join(sorted(tokens)) or ALL_STAFF))


def for_channel(ctx: SlackContext, channel: str | None, visitor: Visitor) -> Decision:
    """A reply everyone in `channel` sees: all-staff documents unless configured."""
    limited = _limited(visitor)
    if limited is not None:
        return limited
    tokens = ctx.settings.channel_audiences().get(channel or "")
    if tokens:
        return Decision(tokens, "channel: " + ", ".join(sorted(tokens)))
    return Decision(CHANNEL, f"channel: {ALL_STAFF}")


def hidden_from(ctx: SlackContext, paths: Sequence[str], decision: Decision) -> list[str]:
    """The paths among `paths` that the decision's audience may not read."""
    hidden = []
    for path in paths:
        indexed = ctx.index.file(path)
        if indexed is None or not visible(indexed.audience, decision.audience):
            hidden.append(path)
    return hidden


def audit(
    *,
    user: str,
    surface: str,
    channel: str | None,
    decision: Decision,
    paths: Sequence[str],
    question_id: int | None = None,
) -> None:
    """One line per answer, without the question or the answer: who asked where, under
    which audience, and which documents the answer drew on. A lead can answer "who could
    have seen this?" from it."""
    audit_log.info(
        "answer question_id=%s asker=%s surface=%s channel=%s visitor=%s audience=[%s] "
        "documents=[%s]",
        question_id,
        user,
        surface,
        channel or "-",
        decision.visitor,
        decision.label,
        ", ".join(paths),
    )


# -- the gate ---------------------------------------------------------------------------------


def admitted(visitor: Visitor, guest_access: str) -> bool:
    if visitor.kind == "outsider":
        return False
    return visitor.kind != "guest" or guest_access != "none"


def gate(ctx: SlackContext) -> Callable[..., BoltResponse | None]:
    """A global middleware: every request someone could ask through is classified once
    (`context["visitor"]`), and outsiders (and guests without access) go no further."""

    def middleware(
        body: dict[str, Any],
        context: dict[str, Any],
        client: WebClient,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        knock = knock_of(body)
        if knock is None:
            return next()
        shared = bool(body.get("is_ext_shared_channel"))
        visitor = ctx.people.visitor(client, knock, home_of(body, context), shared=shared)
        context["visitor"] = visitor
        if admitted(visitor, ctx.settings.guest_access):
            return next()
        audit_log.info(
            "turned away asker=%s surface=%s channel=%s visitor=%s reason=[%s] reply=%s",
            knock.user,
            knock.surface,
            knock.channel or "-",
            visitor.kind,
            visitor.why,
            ctx.settings.external_users,
        )
        return turn_away(ctx, client, knock)

    return middleware


def notice_text(ctx: SlackContext, text: str) -> str:
    language = "ja" if detect_language(text) == "ja" else "en"
    return NOTICE[language].format(company=ctx.settings.company_name)


def turn_away(ctx: SlackContext, client: WebClient, knock: Knock) -> BoltResponse:
    """Silence (`CX_EXTERNAL_USERS=ignore`), or one kind sentence where they asked: as the
    reply to a command, else at most once a day per person and conversation."""
    if ctx.settings.external_users != "notice":
        return BoltResponse(status=200, body="")
    notice = notice_text(ctx, knock.text)
    if knock.surface == "command":
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": notice})
    if knock.surface not in ("mention", "dm", "assistant") or not knock.channel:
        return BoltResponse(status=200, body="")
    if not _first_notice_today(ctx, knock):
        return BoltResponse(status=200, body="")
    try:
        if knock.surface == "mention":  # only they see it; the channel is not disturbed
            client.chat_postEphemeral(
                channel=knock.channel, user=knock.user, thread_ts=knock.thread_ts, text=notice
            )
        else:
            client.chat_postMessage(channel=knock.channel, thread_ts=knock.thread_ts, text=notice)
    except Exception:
        log.warning("Could not post the notice for %s", knock.user, exc_info=True)
    return BoltResponse(status=200, body="")


def _first_notice_today(ctx: SlackContext, knock: Knock) -> bool:
    day = dt.datetime.now(dt.UTC).date().isoformat()
    try:
        return ctx.store.claim_event(f"{knock.user}:{knock.channel}:{day}", kind="notice")
    except Exception:  # the database is down: a second notice harms less than none
        log.warning("Could not record the notice for %s", knock.user, exc_info=True)
        return True
