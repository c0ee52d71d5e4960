"""Answer a question asked in Slack and post the reply: the flow behind every way of asking."""

from __future__ import annotations

import logging
import re
from functools import partial
from typing import Any

from slack_sdk import WebClient

from bot.answering.conversation import keep_topic
from bot.answering.models import Answer, Turn
from bot.answering.stream import StreamFailedError
from bot.slack.access import Decision, audit
from bot.slack.blocks import answer_blocks, answer_text, error_blocks
from bot.slack.context import ResolvedRole, SlackContext
from bot.slack.mrkdwn import escape

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def clean_question(text: str) -> str:
    """The question without mentions of the bot (or anyone): "<@UBOT> how do I…" -> "how do I…"."""
    return " ".join(_MENTION.sub(" ", text or "").split())


def read_thread(client: WebClient, *, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    """The messages of a thread, root first (none when Slack cannot say)."""
    try:
        reply: Any = client.conversations_replies(channel=channel, ts=thread_ts, limit=30)
    except Exception:
        log.warning("Could not read thread %s in %s", thread_ts, channel, exc_info=True)
        return []
    return list(reply.get("messages") or [])


def thread_history(
    client: WebClient, *, channel: str, thread_ts: str, bot_user: str | None, before_ts: str
) -> list[Turn]:
    """Earlier turns of a thread, oldest first, to inform a follow-up answer."""
    messages = read_thread(client, channel=channel, thread_ts=thread_ts)
    return history_from(messages, bot_user=bot_user, before_ts=before_ts)


def history_from(
    messages: list[dict[str, Any]], *, bot_user: str | None, before_ts: str
) -> list[Turn]:
    turns: list[Turn] = []
    for message in messages:
        if float(message.get("ts", 0)) >= float(before_ts):
            continue
        from_bot = bool(message.get("bot_id")) or (bot_user and message.get("user") == bot_user)
        text = clean_question(str(message.get("text") or ""))
        if text:
            turns.append(Turn(role="assistant" if from_bot else "user", text=text))
    return keep_topic(turns)


def bot_is_in_thread(client: WebClient, *, channel: str, thread_ts: str, bot_user: str) -> bool:
    try:
        reply: Any = client.conversations_replies(channel=channel, ts=thread_ts, limit=50)
    except Exception:
        log.warning("Could not read thread %s in %s", thread_ts, channel, exc_info=True)
        return False
    return any(m.get("user") == bot_user for m in reply.get("messages") or [])


def log_and_render(
    ctx: SlackContext,
    *,
    answer: Answer,
    resolved: ResolvedRole,
    user: str,
    channel: str | None,
    question: str,
    thread_ts: str | None,
    shareable: bool,
    decision: Decision,
    surface: str,
) -> tuple[int, list[dict[str, Any]]]:
    """Store the question (a gap when unanswered), audit it and build its message."""
    question_id = ctx.store.log_question(
        user_id=user,
        channel_id=channel,
        question=question,
        answer=answer.answer,
        answered=answer.answered,
        language=answer.language,
        role=resolved.role,
        sources=[s.path for s in answer.sources],
        confidence=answer.confidence,
        thread_ts=thread_ts,
    )
    audit(
        user=user,
        surface=surface,
        channel=channel,
        decision=decision,
        paths=[s.path for s in answer.sources],
        question_id=question_id,
    )
    blocks = answer_blocks(
        answer,
        question_id=question_id,
        today=ctx.today(),
        knowledge_base_url=ctx.settings.knowledge_base_url,
        assumed_role=resolved.role if resolved.source == "title" else None,
        shareable=shareable,
    )
    return question_id, blocks


def answer_question(
    ctx: SlackContext,
    client: WebClient,
    *,
    user: str,
    channel: str | None,
    question: str,
    history: list[Turn],
    thread_ts: str | None,
    shareable: bool,
    decision: Decision,
    surface: str,
    use_chat: bool = True,
) -> tuple[Answer, int, list[dict[str, Any]], str]:
    """Answer (from what `decision` lets its readers see) and log the question; returns the
    answer, its id, its blocks and fallback text."""
    resolved = ctx.resolve_role(client, user)
    answer = ctx.answerer.answer(
        question,
        role=resolved.role,
        history=history,
        use_chat=use_chat,
        audience=decision.audience,
    )
    question_id, blocks = log_and_render(
        ctx,
        answer=answer,
        resolved=resolved,
        user=user,
        channel=channel,
        question=question,
        thread_ts=thread_ts,
        shareable=shareable,
        decision=decision,
        surface=surface,
    )
    return answer, question_id, blocks, answer_text(answer)


def reply_in_thread(
    ctx: SlackContext,
    client: WebClient,
    *,
    user: str,
    channel: str,
    thread_ts: str | None,
    question: str,
    decision: Decision,
    surface: str,
    history: list[Turn] | None = None,
    message_ts: str | None = None,
    team: str | None = None,
    private: bool = False,
) -> None:
    """Answer and post in the thread (or the DM); on any failure, a short apology instead.
    `private`: only the asker sees the reply (a channel shared with other organisations).

    With a streaming chat model the answer is written into the thread as it is produced and
    finished with its sources and buttons."""
    try:
        use_chat = True
        if ctx.answerer.can_stream and (thread_ts or message_ts) and not private:
            outcome = stream_reply(
                ctx,
                client,
                user=user,
                channel=channel,
                thread_ts=thread_ts or message_ts or "",
                question=question,
                history=history or [],
                team=team,
                decision=decision,
                surface=surface,
            )
            if outcome == "done":
                return
            use_chat = outcome != "failed"
        _, _, blocks, text = answer_question(
            ctx,
            client,
            user=user,
            channel=channel,
            question=question,
            history=history or [],
            thread_ts=thread_ts,
            shareable=False,
            decision=decision,
            surface=surface,
            use_chat=use_chat,
        )
        if private:
            client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread_ts, text=text, blocks=blocks
            )
        else:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks)
    except Exception:
        log.exception("Answering a question from %s in %s failed", user, channel)
        apologise(client, channel=channel, thread_ts=thread_ts, language_of=question)


def stream_reply(
    ctx: SlackContext,
    client: WebClient,
    *,
    user: str,
    channel: str,
    thread_ts: str,
    question: str,
    history: list[Turn],
    team: str | None,
    decision: Decision,
    surface: str,
) -> str:
    """Returns "done" (posted), "skipped" (nothing to stream) or "failed" (model failed)."""
    resolved = ctx.resolve_role(client, user)
    stream = ctx.answerer.stream(
        question, role=resolved.role, history=history, audience=decision.audience
    )
    if stream is None:
        return "skipped"
    render = partial(
        log_and_render,
        ctx,
        resolved=resolved,
        user=user,
        channel=channel,
        question=question,
        thread_ts=thread_ts,
        shareable=False,
        decision=decision,
        surface=surface,
    )
    pieces = stream.pieces()
    try:
        first = next(pieces, None)
    except StreamFailedError:
        log.warning("Chat model failed before writing; answering extractively", exc_info=True)
        return "failed"
    if first is None:  # the model found no answer in the sources: post the kind not-found
        answer = stream.result()
        _, blocks = render(answer=answer)
        client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, text=answer_text(answer), blocks=blocks
        )
        return "done"
    streamer = client.chat_stream(
        channel=channel, thread_ts=thread_ts, recipient_team_id=team, recipient_user_id=user
    )
    streamer.append(markdown_text=escape(first))
    for piece in pieces:
        streamer.append(markdown_text=escape(piece))
    answer = stream.result()
    _, blocks = render(answer=answer)
    # The text is already in the message; finish it with the sources and the buttons.
    streamer.stop(blocks=[b for b in blocks if b.get("type") != "section"])
    return "done"


def apologise(client: WebClient, *, channel: str, thread_ts: str | None, language_of: str) -> None:
    from ingest.language import detect_language

    language = detect_language(language_of)
    try:
        client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text="Sorry, something went wrong while answering.",
            blocks=error_blocks(language),
        )
    except Exception:
        log.exception("Could not even post the apology in %s", channel)
