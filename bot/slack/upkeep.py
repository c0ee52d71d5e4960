"""Knowledge upkeep in Slack: the weekly owner nudge and its buttons (*Still correct*,
*Open*, *Snooze a week*), `/cx verify <path>`, and the *Add to knowledge* message shortcut
with its approval (*Approve* / *Edit* / *Decline*)."""

from __future__ import annotations

import json
import logging
import re
from functools import partial
from typing import Any
from urllib.parse import quote

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.knowledge.capture import CapturedAnswer, default_title
from bot.knowledge.history import Author
from bot.knowledge.nudges import week_key
from bot.knowledge.service import KnowledgeUpkeep
from bot.knowledge.verify import VerifyError
from bot.slack.context import SlackContext
from bot.slack.mrkdwn import escape, mention
from bot.slack.upkeep_blocks import (
    ACTION_DRAFT_APPROVE,
    ACTION_DRAFT_DECLINE,
    ACTION_DRAFT_EDIT,
    ACTION_OPEN,
    ACTION_SNOOZE,
    ACTION_VERIFY,
    CAPTURE_SHORTCUT,
    CAPTURE_VIEW,
    capture_modal,
    draft_from_view,
    nudge_blocks,
    review_blocks,
    words,
)

log = logging.getLogger(__name__)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _profile(client: WebClient, user: str) -> dict[str, Any]:
    try:
        reply: Any = client.users_info(user=user, include_locale=True)
        return dict(reply.get("user") or {})
    except Exception:  # a missing scope: fall back to the ID
        log.warning("Could not read the Slack profile of %s", user)
        return {}


def author_of(client: WebClient, user: str) -> tuple[Author, str | None]:
    """The person as a git author (their Slack name and e-mail), and their locale."""
    info = _profile(client, user)
    profile = info.get("profile") or {}
    name = str(profile.get("real_name") or info.get("real_name") or info.get("name") or user)
    email = str(profile.get("email") or f"{user}@users.slack")
    return Author(name=name, email=email), info.get("locale")


def document_url(base_url: str | None, path: str) -> str | None:
    if not base_url or not re.match(r"(?i)https?://\S+$", base_url):
        return None
    return base_url.rstrip("/") + "/" + quote(path.lstrip("/"), safe="/")


def _upkeep(ctx: SlackContext) -> KnowledgeUpkeep:
    if ctx.upkeep is None:
        raise RuntimeError("knowledge upkeep is not configured")
    return ctx.upkeep


# -- nudges --------------------------------------------------------------------------------


def send_nudges(ctx: SlackContext, client: WebClient) -> int:
    """The weekly job: every process runs it; a claim in the database lets one DM each owner."""
    upkeep = _upkeep(ctx)
    week = week_key(upkeep.clock())
    sent = 0
    for nudge in upkeep.nudges():
        if not ctx.store.claim_event(f"nudge:{nudge.user_id}:{week}", kind="nudge"):
            continue
        _, locale = author_of(client, nudge.user_id)
        url_of = partial(document_url, ctx.settings.knowledge_base_url)
        blocks = nudge_blocks(nudge, locale, url_of)
        text = words(locale)["nudge_title"]
        client.chat_postMessage(channel=nudge.user_id, text=text, blocks=blocks)
        sent += 1
    return sent


def start_health_schedule(ctx: SlackContext, client: WebClient, cron: str) -> object:
    """Owner nudges on a crontab line such as "0 9 * * MON" (UTC)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        send_nudges,
        CronTrigger.from_crontab(cron, timezone="UTC"),
        args=(ctx, client),
        id="cx-health",
        misfire_grace_time=3600,
    )
    scheduler.start()
    log.info("Owner nudges scheduled: %s (UTC)", cron)
    return scheduler


# -- verify and snooze ---------------------------------------------------------------------


def verify_document(ctx: SlackContext, client: WebClient, user: str, path: str) -> str:
    """Verify `path` for `user`; the sentence to tell them."""
    upkeep = _upkeep(ctx)
    verifier, locale = author_of(client, user)
    text = words(locale)
    found = upkeep.find_path(path)
    if found is None:
        return text["unknown_doc"].format(path=escape(path))
    if not upkeep.may_maintain(user, found):
        return text["not_yours"].format(path=escape(found))
    try:
        done = upkeep.verify(found, verifier)
    except (VerifyError, OSError, ValueError) as exc:
        log.warning("Verifying %s failed: %s", found, exc)
        return text["failed"].format(path=escape(found), reason=escape(str(exc)))
    log.info("Verified %s by %s (commit %s)", found, user, done.commit or "none")
    return text["verified"].format(path=f"`{escape(found)}`", date=done.review_by.isoformat())


def verify_clicked(
    ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    ack()
    path = str(body["actions"][0].get("value") or "")
    message = verify_document(ctx, client, body["user"]["id"], path)
    respond(text=message, replace_original=False, response_type="ephemeral")


def snooze_clicked(
    ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    ack()
    upkeep, user = _upkeep(ctx), body["user"]["id"]
    path = str(body["actions"][0].get("value") or "")
    _, locale = author_of(client, user)
    text = words(locale)
    if not upkeep.may_maintain(user, path):
        respond(text=text["not_yours"].format(path=escape(path)), replace_original=False)
        return
    until = upkeep.snooze(path, user)
    message = text["snoozed"].format(path=f"`{escape(path)}`", date=until.date().isoformat())
    respond(text=message, replace_original=False)


def open_clicked(ack: Ack) -> None:
    ack()  # a link button: Slack opens the URL, the app only acknowledges


# -- capture an answer from a thread -------------------------------------------------------


def _thread_root(client: WebClient, channel: str, thread_ts: str) -> dict[str, Any]:
    try:
        reply: Any = client.conversations_replies(channel=channel, ts=thread_ts, limit=1)
        messages = reply.get("messages") or []
        return dict(messages[0]) if messages else {}
    except Exception:
        log.warning("Could not read the thread %s in %s", thread_ts, channel)
        return {}


def capture_shortcut(
    ctx: SlackContext, ack: Ack, shortcut: dict[str, Any], client: WebClient
) -> None:
    """*Add to knowledge* on a person's answer: a modal prefilled with the thread's question."""
    ack()
    message = shortcut.get("message") or {}
    channel = (shortcut.get("channel") or {}).get("id")
    thread_ts = message.get("thread_ts")
    root = _thread_root(client, channel, thread_ts) if channel and thread_ts else {}
    question = re.sub(r"<@[A-Z0-9]+>\s*", "", str(root.get("text") or "")).strip()
    answer = str(message.get("text") or "")
    owner = None
    if question:
        hits = ctx.index.search(question, k=1)
        item = ctx.index.file(hits[0].chunk.path) if hits else None
        owner = item.owner if item else None
    draft = CapturedAnswer(
        question=question,
        answer=answer,
        title=default_title(question) or "Answer from Slack",
        language="ja" if _JAPANESE.search(question + answer) else "en",
        owner=owner,
    )
    metadata = {"channel": channel, "thread_ts": thread_ts, "asker": root.get("user")}
    client.views_open(trigger_id=shortcut["trigger_id"], view=capture_modal(draft, metadata))


def capture_submitted(
    ctx: SlackContext, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    draft = draft_from_view(view)
    missing = {
        b: "Please fill this in." for b in ("title", "question", "answer") if not getattr(draft, b)
    }
    if missing:
        ack(response_action="errors", errors=missing)
        return
    ack()
    upkeep, user = _upkeep(ctx), body["user"]["id"]
    meta = json.loads(view.get("private_metadata") or "{}")
    if meta.get("draft_id"):
        draft_id = int(meta["draft_id"])
        if not upkeep.drafts.edit_draft(draft_id, draft.redacted()):
            client.chat_postMessage(channel=user, text="That answer was already decided.")
            return
    else:
        draft_id = upkeep.submit(
            draft,
            submitted_by=user,
            asker_id=meta.get("asker"),
            channel_id=meta.get("channel"),
            thread_ts=meta.get("thread_ts"),
        )
    send_for_review(ctx, client, draft_id, user)


def send_for_review(ctx: SlackContext, client: WebClient, draft_id: int, user: str) -> None:
    upkeep = _upkeep(ctx)
    record = upkeep.drafts.get_draft(draft_id)
    if record is None:
        return
    reviewers = upkeep.reviewers(record.draft)
    for reviewer in reviewers:
        client.chat_postMessage(
            channel=reviewer,
            text=f"New answer for the knowledge: {record.draft.title}",
            blocks=review_blocks(record),
        )
    who = ", ".join(mention(r) for r in reviewers) or "the CX leads"
    client.chat_postMessage(
        channel=user, text=f"Thank you! Your answer is with {who} for approval."
    )


def _decision(
    ctx: SlackContext, body: dict[str, Any], respond: Respond
) -> tuple[KnowledgeUpkeep, int, str] | None:
    upkeep, user = _upkeep(ctx), body["user"]["id"]
    draft_id = int(body["actions"][0]["value"])
    record = upkeep.drafts.get_draft(draft_id)
    if record is None or not upkeep.may_decide(user, record):
        respond(
            text="Only the document's owner or a CX lead can decide this.", replace_original=False
        )
        return None
    return upkeep, draft_id, user


def approve_draft(
    ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    ack()
    decided = _decision(ctx, body, respond)
    if decided is None:
        return
    upkeep, draft_id, user = decided
    approver, _ = author_of(client, user)
    record = upkeep.approve(draft_id, approver)
    if record is None:
        respond(text="This answer was already decided.", replace_original=False)
        return
    path = escape(record.path or "")
    respond(text=f"✅ Approved by {mention(user)}: written to `{path}`.", replace_original=True)
    if record.channel_id and record.thread_ts:
        client.chat_postMessage(
            channel=record.channel_id,
            thread_ts=record.thread_ts,
            text=f"{mention(record.asker_id) + ' ' if record.asker_id else ''}The knowledge now "
            f"covers this: *{escape(record.draft.title)}*. Ask me again any time.",
        )
    client.chat_postMessage(
        channel=record.submitted_by,
        text=f"Your answer is now in the knowledge: `{path}`. Thank you!",
    )


def edit_draft(
    ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    ack()
    decided = _decision(ctx, body, respond)
    if decided is None:
        return
    upkeep, draft_id, _ = decided
    record = upkeep.drafts.get_draft(draft_id)
    if record is None or record.status != "pending":
        respond(text="This answer was already decided.", replace_original=False)
        return
    view = capture_modal(record.draft, {"draft_id": draft_id})
    client.views_open(trigger_id=body["trigger_id"], view=view)


def decline_draft(
    ctx: SlackContext, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    ack()
    decided = _decision(ctx, body, respond)
    if decided is None:
        return
    upkeep, draft_id, user = decided
    record = upkeep.decline(draft_id)
    if record is None:
        respond(text="This answer was already decided.", replace_original=False)
        return
    respond(text=f"Declined by {mention(user)}.", replace_original=True)
    client.chat_postMessage(
        channel=record.submitted_by,
        text=f"Thank you for capturing “{record.draft.title}”. This time it won't go into the "
        "knowledge; the document's owner may follow up with you.",
    )


def register(app: App, ctx: SlackContext) -> None:
    if ctx.upkeep is None:
        return
    app.action(ACTION_VERIFY)(partial(verify_clicked, ctx))
    app.action(ACTION_SNOOZE)(partial(snooze_clicked, ctx))
    app.action(ACTION_OPEN)(open_clicked)
    app.shortcut(CAPTURE_SHORTCUT)(partial(capture_shortcut, ctx))
    app.view(CAPTURE_VIEW)(partial(capture_submitted, ctx))
    app.action(ACTION_DRAFT_APPROVE)(partial(approve_draft, ctx))
    app.action(ACTION_DRAFT_EDIT)(partial(edit_draft, ctx))
    app.action(ACTION_DRAFT_DECLINE)(partial(decline_draft, ctx))
