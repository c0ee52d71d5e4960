"""Buttons on answers: 👍/👎 feedback, "Ask a person" and "Share in channel"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack.asking import answer_question
from bot.slack.blocks import (
    ACTION_ASK_PERSON,
    ACTION_FEEDBACK_DOWN,
    ACTION_FEEDBACK_UP,
    ACTION_SHARE,
    feedback_ack_blocks,
)
from bot.slack.context import SlackContext
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


def register_actions(app: App, ctx: SlackContext) -> None:
    def feedback(helpful: bool, body: dict[str, Any], client: WebClient) -> None:
        question_id = _question_id(body)
        user = body["user"]["id"]
        if question_id is None:
            return
        channel, thread_ts = _where(body)
        try:
            ctx.store.record_feedback(question_id=question_id, user_id=user, helpful=helpful)
        except Exception:
            log.exception("Storing feedback on question %s failed", question_id)
            if channel:  # a vote that silently vanished would not be clicked again
                client.chat_postEphemeral(
                    channel=channel,
                    user=user,
                    thread_ts=thread_ts,
                    text="Sorry, I couldn't save your vote just now. Please click again in a "
                    "minute.",
                )
            return
        if channel:
            client.chat_postEphemeral(
                channel=channel,
                user=user,
                thread_ts=thread_ts,
                text="Thanks for the feedback!",
                blocks=feedback_ack_blocks(helpful),
            )

    @app.action(ACTION_FEEDBACK_UP)
    def helpful(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        feedback(True, body, client)

    @app.action(ACTION_FEEDBACK_DOWN)
    def not_helpful(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        feedback(False, body, client)

    @app.action(ACTION_ASK_PERSON)
    def ask_person(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
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

    @app.action(ACTION_SHARE)
    def share(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
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
        # Answer again (extractive answers are deterministic) so the shared copy has its own
        # feedback buttons and no share button.
        _, _, blocks, fallback = answer_question(
            ctx,
            client,
            user=user,
            channel=channel,
            question=record.question,
            history=[],
            thread_ts=None,
            shareable=False,
        )
        intro = {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"{mention(user)} asked: {escape(record.question)}"}
            ],
        }
        client.chat_postMessage(channel=channel, text=fallback, blocks=[intro, *blocks])
        respond(delete_original=True)


def who_to_ask(ctx: SlackContext, source_paths: list[str]) -> str:
    """The owner of the top source if we know their Slack ID, else a CX lead, else the contact."""
    owners = ctx.settings.owner_ids()
    if source_paths:
        indexed = ctx.index.state.files.get(source_paths[0])
        owner = indexed.owner if indexed else None
        if owner and owner.casefold() in owners:
            return mention(owners[owner.casefold()])
    leads = sorted(ctx.settings.lead_ids())
    if leads:
        return mention(leads[0])
    return escape(ctx.settings.lead_contact)
