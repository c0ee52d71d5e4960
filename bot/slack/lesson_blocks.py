"""Block Kit for the weekly micro-lesson: the question with three option buttons, the result
of a click (right or wrong, the correct answer and where it is written), and the leads'
view per role. English and Japanese."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.lessons.models import Lesson
from bot.slack.blocks import VALUE_LIMIT, button, context, header, section
from bot.slack.mrkdwn import escape, truncate
from bot.store import RoleLessonStats

Block = dict[str, Any]
UrlOf = Callable[[str], str | None]

ACTION_ANSWER_PREFIX = "cx_lesson_answer_"  # + the option's position: unique in the block

_TEXT = {
    "en": {
        "title": "🧠 Your lesson of the week",
        "channel_title": "🧠 Lesson of the week",
        "role": "For the role *{role}*.",
        "how": "One click answers. Right or wrong, you'll see where it is written.",
        "how_channel": "Everyone can answer; only you see your result.",
        "right": "✅ Right!",
        "wrong": "❌ Not quite.",
        "answer": "The answer: *{answer}*",
        "source": "Source: {source} · {section}",
        "again": "I'll bring this one back soon.",
        "already": "You already answered this lesson; your first answer counts.",
        "off": "`/cx lessons off` stops the weekly lesson.",
        "leads_title": "🧠 Lessons by role, last 90 days",
        "leads_none": "Nobody has answered a lesson yet.",
        "leads_role": "*{role}* · {people} people · {answers} answers · {share}% right",
        "leads_missed": "Most often missed:",
        "leads_fact": "“{fact}” missed {n}× · {source}",
    },
    "ja": {
        "title": "🧠 今週のミニレッスン",
        "channel_title": "🧠 今週のミニレッスン",
        "role": "ロール *{role}* 向けです。",
        "how": "ボタンを1回押すと回答になります。正解・不正解と出典をお見せします。",
        "how_channel": "どなたでも回答できます。結果はご本人にだけ表示されます。",
        "right": "✅ 正解です！",
        "wrong": "❌ 残念、不正解です。",
        "answer": "正解：*{answer}*",
        "source": "出典：{source}・{section}",
        "again": "近いうちにもう一度出題します。",
        "already": "このレッスンには回答済みです。最初の回答が記録されています。",
        "off": "`/cx lessons off` で毎週のレッスンを停止できます。",
        "leads_title": "🧠 ロール別レッスン結果（過去90日）",
        "leads_none": "まだ誰もレッスンに回答していません。",
        "leads_role": "*{role}*・{people}人・{answers}回答・正答率{share}%",
        "leads_missed": "よく間違えられる事実：",
        "leads_fact": "「{fact}」不正解{n}回・{source}",
    },
}


def words(language: str | None) -> dict[str, str]:
    return _TEXT["ja" if (language or "").lower().startswith("ja") else "en"]


class Choice(BaseModel):
    """What an option button carries: enough to record and explain the answer without the
    lesson (the knowledge may have changed since it was sent)."""

    k: str  # lesson key
    r: str  # role
    lang: str
    w: str  # round, the ISO week it was sent
    p: str  # source path
    s: str  # source section
    a: str  # the correct option's text
    x: bool  # this option is the correct one

    def encode(self) -> str:
        value = json.dumps(self.model_dump(), ensure_ascii=False)
        if len(value) <= VALUE_LIMIT:
            return value
        short = self.model_copy(update={"s": truncate(self.s, 200), "a": truncate(self.a, 400)})
        return json.dumps(short.model_dump(), ensure_ascii=False)

    @classmethod
    def decode(cls, value: str) -> Choice | None:
        try:
            return cls.model_validate_json(value)
        except ValidationError:
            return None


def lesson_blocks(lesson: Lesson, *, role: str, week: str, in_channel: bool) -> list[Block]:
    """The lesson message; the options keep the order they have (shuffled per person)."""
    text = words(lesson.language)
    buttons = []
    for position, option in enumerate(lesson.options):
        choice = Choice(
            k=lesson.key,
            r=role,
            lang=lesson.language,
            w=week,
            p=lesson.source.path,
            s=lesson.source.section,
            a=lesson.answer,
            x=option == lesson.answer,
        )
        buttons.append(button(option, f"{ACTION_ANSWER_PREFIX}{position}", choice.encode()))
    return [
        header(text["channel_title" if in_channel else "title"]),
        section(escape(lesson.question)),
        {"type": "actions", "block_id": "cx_lesson", "elements": buttons},
        context(text["role"].format(role=escape(role)) + " " + _how(text, in_channel)),
    ]


def _how(text: dict[str, str], in_channel: bool) -> str:
    return text["how_channel"] if in_channel else f"{text['how']} {text['off']}"


def result_blocks(choice: Choice, url_of: UrlOf, *, first: bool) -> list[Block]:
    """Right or wrong, the correct answer and its source (`first`: this click counted)."""
    text = words(choice.lang)
    url = url_of(choice.p)
    source = f"<{url}|{escape(choice.p)}>" if url else f"`{escape(choice.p)}`"
    lines = [
        text["right"] if choice.x else text["wrong"],
        text["answer"].format(answer=escape(choice.a)),
        text["source"].format(source=source, section=escape(choice.s.split(" > ")[-1])),
    ]
    if not choice.x:
        lines.append(text["again"])
    blocks = [section("\n".join(lines))]
    if not first:
        blocks.append(context(text["already"]))
    return blocks


def lead_lesson_blocks(
    stats: Sequence[RoleLessonStats], url_of: UrlOf, language: str = "en"
) -> list[Block]:
    """Per role: who answered, the share right and the facts most often missed, each
    linked to its document (the knowledge that needs work)."""
    text = words(language)
    blocks: list[Block] = [{"type": "divider"}, header(text["leads_title"])]
    if not stats:
        return [*blocks, section(text["leads_none"])]
    for item in stats[:10]:
        lines = [
            text["leads_role"].format(
                role=escape(item.role),
                people=item.people,
                answers=item.answers,
                share=round(100 * item.share_right),
            )
        ]
        if item.missed:
            lines.append(text["leads_missed"])
        for missed in item.missed:
            url = url_of(missed.path)
            source = f"<{url}|{escape(missed.path)}>" if url else f"`{escape(missed.path)}`"
            fact = escape(truncate(missed.fact, 150))
            lines.append(
                "• " + text["leads_fact"].format(fact=fact, n=missed.misses, source=source)
            )
        blocks.append(section("\n".join(lines)))
    return blocks
