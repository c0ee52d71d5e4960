"""Buttons. On answers: 👍/👎 feedback, "Ask a person" and "Share in channel"; on a
nomination: Approve / Decline (kudos managers only)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack.access import Decision, for_channel, hidden_from, visitor_of
from bot.slack.asking import answer_question
from bot.slack.blocks import (
    ACTION_ASK_PERSON,
    ACTION_FEEDBACK_DOWN,
    ACTION_FEEDBACK_UP,
    ACTION_SHARE,
    feedback_ack_blocks,
)
from bot.slack.context import SlackContext
from bot.slack.kudos_blocks import ACTION_APPROVE, ACTION_DECLINE, reviewed_blocks
from bot.slack.mrkdwn import escape, mention

log = logging.getLogger(__name__)


def _question_id(body: dict[str, Any]) -> int | None:
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, ValueError):
        return None


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    message = body.get("message") or {}
    thread_ts = message.get("thread_ts") or message.get("ts")
    return channel, thread_ts


# -- feedback ---------------------------------------------------------------------------------


def helpful(ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    ack()
    record_feedback(ctx, True, body, client)


def not_helpful(ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    ack()
    record_feedback(ctx, False, body, client)


def record_feedback(
    ctx: SlackContext, is_helpful: bool, body: dict[str, Any], client: WebClient
) -> None:
    question_id = _question_id(body)
    user = body["user"]["id"]
    if question_id is None:
        return
    channel, thread_ts = _where(body)
    try:
        ctx.store.record_feedback(question_id=question_id, user_id=user, helpful=is_helpful)
    except Exception:
        log.exception("Storing feedback on question %s failed", question_id)
        if channel:  # a vote that silently vanished would not be clicked again
            client.chat_postEphemeral(
                channel=channel,
                user=user,
                thread_ts=thread_ts,
                text="Sorry, I couldn't save your vote just now. Please click again in a minute.",
            )
        return
    if channel:
        client.chat_postEphemeral(
            channel=channel,
            user=user,
            thread_ts=thread_ts,
            text="Thanks for the feedback!",
            blocks=feedback_ack_blocks(is_helpful),
        )


# -- ask a person, share ------------------------------------------------------------------------


def ask_person(
    ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    ack()
    user = body["user"]["id"]
    question_id = _question_id(body)
    record = ctx.store.get_question(question_id) if question_id is not None else None
    person = who_to_ask(ctx, record.sources if record else [])
    question = f"\n> {escape(record.question)}" if record else ""
    text = f"{person}, could you help {mention(user)} with this question?{question}"
    channel, thread_ts = _where(body)
    if channel and not str(channel).startswith("D"):
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
    else:  # a DM with the bot, or an ephemeral answer: tell the asker whom to contact
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=f"The best person to ask is {person}.{question}",
        )


def share_answer(
    ctx: SlackContext,
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: dict[str, Any] | None = None,
) -> None:
    ack()
    user = body["user"]["id"]
    question_id = _question_id(body)
    record = ctx.store.get_question(question_id) if question_id is not None else None
    channel, _ = _where(body)
    if record is None or not channel:
        respond(
            response_type="ephemeral",
            replace_original=False,
            text="Sorry, I could not find that answer any more. Please ask again.",
        )
        return
    # The private answer drew on what the asker may read; the channel may read less.
    decision = for_channel(ctx, channel, visitor_of(context, user))
    refusal = share_refusal(ctx, client, channel, record.sources, decision)
    if refusal:
        respond(response_type="ephemeral", replace_original=False, text=refusal)
        return
    # Answer again (extractive answers are deterministic) so the shared copy has its own
    # feedback buttons and no share button, from the channel's documents only.
    _, _, blocks, fallback = answer_question(
        ctx,
        client,
        user=user,
        channel=channel,
        question=record.question,
        history=[],
        thread_ts=None,
        shareable=False,
        decision=decision,
        surface="share",
    )
    intro = {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": f"{mention(user)} asked: {escape(record.question)}"}
        ],
    }
    client.chat_postMessage(channel=channel, text=fallback, blocks=[intro, *blocks])
    respond(delete_original=True)


def share_refusal(
    ctx: SlackContext,
    client: WebClient,
    channel: str,
    sources: list[str],
    decision: Decision,
) -> str | None:
    """Why the answer may not go into `channel` (None: it may): it drew on documents not
    everyone there may read, or the channel is shared with other organisations."""
    if hidden_from(ctx, sources, decision):
        return (
            "This answer draws on documents that not everyone in this channel may read, "
            "so I've kept it just for you. Thank you for understanding!"
        )
    if str(channel).startswith("D"):
        return None  # the asker's own DM
    try:
        info: Any = client.conversations_info(channel=channel)
        shared = bool((info.get("channel") or {}).get("is_ext_shared"))
    except Exception:
        log.warning("Could not read channel %s before sharing", channel, exc_info=True)
        return "Sorry, I couldn't check who can read this channel, so I've kept the answer private."
    if shared:
        return (
            "This channel includes people from outside our company, so I've kept the answer "
            "just for you. Thank you for understanding!"
        )
    return None


def who_to_ask(ctx: SlackContext, source_paths: list[str]) -> str:
    """The owner of the top source if we know their Slack ID, else a CX lead, else the contact."""
    owners = ctx.settings.owner_ids()
    if source_paths:
        indexed = ctx.index.file(source_paths[0])
        owner = indexed.owner if indexed else None
        if owner and owner.casefold() in owners:
            return mention(owners[owner.casefold()])
    leads = sorted(ctx.settings.lead_ids())
    if leads:
        return mention(leads[0])
    return escape(ctx.settings.lead_contact)


# -- kudos review -------------------------------------------------------------------------------


def approve_kudos(ctx: SlackContext, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    review_kudos(ctx, True, ack, body, respond)


def decline_kudos(ctx: SlackContext, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    review_kudos(ctx, False, ack, body, respond)


def review_kudos(
    ctx: SlackContext, approved: bool, ack: Ack, body: dict[str, Any], respond: Respond
) -> None:
    ack()
    reviewer = body["user"]["id"]
    kudos_id = int(body["actions"][0]["value"])
    if approved:
        review = ctx.kudos.approve(kudos_id, reviewer=reviewer)
    else:
        review = ctx.kudos.decline(kudos_id, reviewer=reviewer)
    if review.kudos is None:
        refusal = (
            "Thanks for looking! Only kudos managers can approve or decline."
            if review.outcome == "not_a_manager"
            else "Someone has already reviewed this nomination."
        )
        respond(response_type="ephemeral", replace_original=False, text=refusal)
        return
    respond(
        replace_original=True,
        text="Reviewed",
        blocks=reviewed_blocks(review.kudos, approved=approved, manager=reviewer),
    )
    ctx.kudos.tell_nominator(review)


def register(app: App, ctx: SlackContext) -> None:
    app.action(ACTION_FEEDBACK_UP)(partial(helpful, ctx))
    app.action(ACTION_FEEDBACK_DOWN)(partial(not_helpful, ctx))
    app.action(ACTION_ASK_PERSON)(partial(ask_person, ctx))
    app.action(ACTION_SHARE)(partial(share_answer, ctx))
    app.action(ACTION_APPROVE)(partial(approve_kudos, ctx))
    app.action(ACTION_DECLINE)(partial(decline_kudos, ctx))
