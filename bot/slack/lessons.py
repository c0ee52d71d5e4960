"""The weekly micro-lesson in Slack: `/cx lessons on|off`, the scheduled job that sends each
subscriber (and each lesson channel) one lesson a week, and the option buttons that answer it.

Every process schedules the job; a database claim per person (or channel) and ISO week lets
one of them send it. An answer is recorded once per person, lesson and week, so a second
click (or the same click delivered twice) changes nothing."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.knowledge.nudges import week_key
from bot.lessons import (
    AnswerHistory,
    HandWritten,
    NoLessonError,
    UnknownRoleError,
    load_lessons,
    next_lesson,
)
from bot.slack.context import LessonRecords, SlackContext
from bot.slack.lesson_blocks import ACTION_ANSWER_PREFIX, Choice, lesson_blocks, result_blocks
from bot.slack.welcome import card_message, locale_of, url_of
from bot.slack.welcome_blocks import language_of
from bot.store import LessonAnswer

if TYPE_CHECKING:
    from bot.slack.commands import CxRequest

log = logging.getLogger(__name__)

ANSWER_ACTION = re.compile(rf"^{ACTION_ANSWER_PREFIX}\d+$")
_ON = frozenset({"on", "start", "yes", "オン", "開始", "はい"})
_OFF = frozenset({"off", "stop", "no", "オフ", "停止", "いいえ"})

_TEXT = {
    "en": {
        "on": "You're in: one short question for your role each week. `/cx lessons off` stops.",
        "off": "Weekly lessons are off. `/cx lessons on` starts them again.",
        "status_on": "Weekly lessons are on for you. `/cx lessons off` stops them.",
        "status_off": "Weekly lessons are off for you. `/cx lessons on` starts them.",
        "no_role": "Pick your role so the lessons fit your work:",
        "unscheduled": "(No lesson schedule is set yet: your CX lead sets CX_LESSON_CRON.)",
        "not_wired": "Lessons are not available here.",
    },
    "ja": {
        "on": "登録しました。毎週1問、あなたのロール向けのミニレッスンをお届けします。"
        "停止は `/cx lessons off`。",
        "off": "毎週のレッスンを停止しました。再開は `/cx lessons on`。",
        "status_on": "毎週のレッスンは有効です。停止は `/cx lessons off`。",
        "status_off": "毎週のレッスンは停止中です。開始は `/cx lessons on`。",
        "no_role": "レッスンをお仕事に合わせるため、ロールを選んでください：",
        "unscheduled": "（レッスンの配信日時はまだ設定されていません。CXリードが "
        "CX_LESSON_CRON を設定します。）",
        "not_wired": "ここではレッスンを利用できません。",
    },
}


def _words(language: str) -> dict[str, str]:
    return _TEXT[language_of(language)]


def hand_written(ctx: SlackContext) -> list[HandWritten]:
    """The leads' own lessons; a malformed file is logged and left out."""
    lessons, problems = load_lessons(ctx.settings.knowledge_dir, ctx.index)
    for problem in problems:
        log.warning("Skipped lesson %s", problem.describe())
    return lessons


# -- /cx lessons ---------------------------------------------------------------------------


def lessons_command(ctx: SlackContext, request: CxRequest) -> None:
    """`/cx lessons on|off` (also `/cx レッスン オン|オフ`); alone, says which it is."""
    user, records = request.user, ctx.lessons
    language = language_of(locale_of(request.client, user))
    text = _words(language)
    if records is None:
        request.respond(response_type="ephemeral", text=text["not_wired"])
        return
    word = request.rest.casefold().strip()
    if word in _ON or word in _OFF:
        records.subscribe(user, kind="user", active=word in _ON)
        message = text["on"] if word in _ON else text["off"]
    else:
        message = text["status_on"] if records.is_subscribed(user) else text["status_off"]
    if word in _ON and not ctx.settings.lesson_cron:
        message += " " + text["unscheduled"]
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": message}}]
    if word in _ON and ctx.resolve_role(request.client, user).role is None:
        note = text["no_role"]
        blocks += card_message(ctx, request.client, user, language=language, surface="lesson")
        message = f"{message} {note}"
    request.respond(response_type="ephemeral", text=message, blocks=blocks)


# -- the weekly job ------------------------------------------------------------------------


def send_lessons(ctx: SlackContext, client: WebClient, now: dt.datetime | None = None) -> int:
    """The weekly job: one lesson per subscriber and per lesson channel; returns how many
    this process sent (a claim per target and ISO week makes it once across processes)."""
    records = ctx.lessons
    if records is None:
        return 0
    now = now or dt.datetime.now(dt.UTC)
    week = week_key(now)
    written = hand_written(ctx)
    sent = 0
    for user in records.subscribers("user"):
        if ctx.store.claim_event(f"lesson:{user}:{week}", kind="lesson"):
            sent += _quietly(_send_to_person, ctx, client, records, user, week, written, now)
    for channel, (role, language) in ctx.settings.lesson_channel_targets().items():
        if ctx.store.claim_event(f"lesson:{channel}:{week}", kind="lesson"):
            target = (channel, role, language)
            sent += _quietly(_send_to_channel, ctx, client, records, target, week, written, now)
    return sent


def _quietly(send: Any, *args: Any) -> int:
    """One person's lesson failing never stops the others'."""
    try:
        return int(send(*args))
    except Exception:
        log.exception("Sending a lesson failed")
        return 0


def _send_to_person(
    ctx: SlackContext,
    client: WebClient,
    records: LessonRecords,
    user: str,
    week: str,
    written: Sequence[HandWritten],
    now: dt.datetime,
) -> bool:
    language = language_of(locale_of(client, user))
    role = ctx.resolve_role(client, user).role
    if role is None or role not in ctx.known_roles():
        text = _words(language)["no_role"]
        blocks = card_message(ctx, client, user, language=language, surface="lesson")
        client.chat_postMessage(channel=user, text=text, blocks=blocks)
        return False
    return _post_lesson(
        ctx,
        client,
        user,
        role,
        language,
        history=records,
        user=user,
        week=week,
        written=written,
        now=now,
    )


def _send_to_channel(
    ctx: SlackContext,
    client: WebClient,
    records: LessonRecords,
    target: tuple[str, str | None, str],
    week: str,
    written: Sequence[HandWritten],
    now: dt.datetime,
) -> bool:
    channel, role, language = target
    roles = sorted(ctx.known_roles())
    if role is None and roles:
        role = roles[now.isocalendar()[1] % len(roles)]  # each role in turn, week by week
    if role is None:
        return False
    return _post_lesson(
        ctx,
        client,
        channel,
        role,
        language,
        history=records.channel_history(channel),
        user=f"channel:{channel}",
        week=week,
        written=written,
        now=now,
    )


def _post_lesson(
    ctx: SlackContext,
    client: WebClient,
    channel: str,
    role: str,
    language: str,
    *,
    history: AnswerHistory,
    user: str,
    week: str,
    written: Sequence[HandWritten],
    now: dt.datetime,
) -> bool:
    try:
        lesson = next_lesson(
            ctx.index, role, language, user=user, history=history, hand_written=written, now=now
        )
    except (NoLessonError, UnknownRoleError) as exc:
        log.info("No lesson for %s: %s", channel, exc)
        return False
    in_channel = not channel.startswith(("U", "W"))
    blocks = lesson_blocks(lesson, role=role, week=week, in_channel=in_channel)
    client.chat_postMessage(channel=channel, text=lesson.question, blocks=blocks)
    return True


def start_lesson_schedule(ctx: SlackContext, client: WebClient, cron: str) -> object:
    """The weekly lesson on a crontab line such as "0 10 * * WED" (UTC)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        send_lessons,
        CronTrigger.from_crontab(cron, timezone="UTC"),
        args=(ctx, client),
        id="cx-lessons",
        misfire_grace_time=3600,
    )
    scheduler.start()
    log.info("Weekly lessons scheduled: %s (UTC)", cron)
    return scheduler


# -- an answer -----------------------------------------------------------------------------


def answer_clicked(ctx: SlackContext, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """An option clicked: right or wrong with the source; recorded once. In a DM the lesson
    becomes its result; in a channel only the person who answered sees theirs."""
    ack()
    action = body["actions"][0]
    choice = Choice.decode(str(action.get("value") or ""))
    if choice is None or ctx.lessons is None:
        return
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    in_channel = bool(channel) and not str(channel).startswith("D")
    first = ctx.lessons.record_answer(
        LessonAnswer(
            user_id=user,
            lesson_key=choice.k,
            round=choice.w,
            role=choice.r,
            language=choice.lang,
            source_path=choice.p,
            fact=choice.a,
            correct=choice.x,
            channel_id=channel if in_channel else None,
            when=dt.datetime.now(dt.UTC),
        )
    )
    result = result_blocks(choice, url_of(ctx), first=first)
    fallback = str(result[0]["text"]["text"])
    if in_channel:
        respond(response_type="ephemeral", replace_original=False, text=fallback, blocks=result)
        return
    kept = [
        b for b in (body.get("message") or {}).get("blocks") or [] if b.get("type") != "actions"
    ]
    respond(replace_original=True, text=fallback, blocks=[*kept, *result])


def register(app: App, ctx: SlackContext) -> None:
    if ctx.lessons is None:
        return
    app.action(ANSWER_ACTION)(partial(answer_clicked, ctx))
