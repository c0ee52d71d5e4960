"""Block Kit messages for answers and small notices: pure functions returning plain dicts.

Every piece of text that did not come from this module is escaped (via `bot.slack.mrkdwn`),
and every builder keeps within Slack's limits so that a long answer is never rejected by
`chat.postMessage` (which fails the whole message, not just the offending block).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from bot.answering.models import Answer, Source
from bot.slack.mrkdwn import escape, split_text, to_mrkdwn, to_plain, truncate

ACTION_FEEDBACK_UP = "cx_feedback_up"
ACTION_FEEDBACK_DOWN = "cx_feedback_down"
ACTION_ASK_PERSON = "cx_ask_person"
ACTION_SHARE = "cx_share_answer"

# Slack's documented Block Kit limits.
SECTION_TEXT_LIMIT = 3000
CONTEXT_TEXT_LIMIT = 2000
BUTTON_TEXT_LIMIT = 75
VALUE_LIMIT = 2000
HEADER_TEXT_LIMIT = 150
MAX_BLOCKS = 50
MAX_SOURCES = 5

Block = dict[str, Any]

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sources": "Sources",
        "updated": "updated",
        "overdue": "⚠️ past its review date",
        "helpful_prompt": "Helpful?",
        "helpful": "👍 Helpful",
        "not_helpful": "👎 Not helpful",
        "ask_person": "Ask a person",
        "share": "Share in channel",
        "role": (
            "_Answered for the role *{role}* (from your Slack title). "
            "Change it with `/cx role &lt;role&gt;`._"
        ),
        "thinking": "⏳ Looking through our CX knowledge…",
        "error": "Sorry, something went wrong while answering. Please try again in a moment.",
        "thanks_up": "Thanks for letting us know! 🙌",
        "thanks_down": (
            "Thanks for telling us. The CX team will use this to improve the answer. "
            "If you still need help, ask a person."
        ),
    },
    "ja": {
        "sources": "出典",
        "updated": "更新",
        "overdue": "⚠️ 見直し期限を過ぎています",
        "helpful_prompt": "役に立ちましたか？",
        "helpful": "👍 役に立った",
        "not_helpful": "👎 役に立たなかった",
        "ask_person": "担当者に聞く",
        "share": "チャンネルで共有",
        "role": (
            "_ロール *{role}* として回答しました（Slack の役職から判断）。"
            "`/cx role &lt;ロール&gt;` で変更できます。_"
        ),
        "thinking": "⏳ CX ナレッジを確認しています…",
        "error": (
            "申し訳ありません。回答中に問題が発生しました。少し時間をおいてもう一度お試しください。"
        ),
        "thanks_up": "フィードバックありがとうございます！🙌",
        "thanks_down": (
            "教えていただきありがとうございます。CX チームが回答の改善に役立てます。"
            "まだお困りでしたら担当者に聞いてください。"
        ),
    },
}


def labels(language: str) -> dict[str, str]:
    """The fixed wording for an answer language ("ja", "ja-JP" -> Japanese, else English)."""
    return _LABELS["ja" if language.lower().startswith("ja") else "en"]


def section(text: str) -> Block:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT_LIMIT)},
    }


def context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(text, CONTEXT_TEXT_LIMIT)}],
    }


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(text, HEADER_TEXT_LIMIT), "emoji": True},
    }


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(text, BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value[:VALUE_LIMIT],
    }
    if style:
        element["style"] = style
    return element


def answer_text(answer: Answer) -> str:
    """The notification and accessibility fallback: plain, escaped, within a section's size."""
    return truncate(to_plain(answer.answer).strip(), SECTION_TEXT_LIMIT)


def answer_blocks(
    answer: Answer,
    *,
    question_id: int,
    today: dt.date,
    knowledge_base_url: str | None = None,
    assumed_role: str | None = None,
    shareable: bool = False,
) -> list[Block]:
    """The answer, the assumed role, its sources and the feedback buttons."""
    words = labels(answer.language)
    value = str(question_id)
    tail: list[Block] = []
    if answer.note:
        tail.append(context(f"ℹ️ {escape(answer.note)}"))
    if answer.answered:
        if assumed_role:
            tail.append(context(words["role"].format(role=_inline_safe(assumed_role))))
        if answer.sources:
            tail.append(sources_block(answer.sources, words, today, knowledge_base_url))
        tail.append(context(words["helpful_prompt"]))
        buttons = [
            button(words["helpful"], ACTION_FEEDBACK_UP, value),
            button(words["not_helpful"], ACTION_FEEDBACK_DOWN, value),
            button(words["ask_person"], ACTION_ASK_PERSON, value),
        ]
        if shareable:
            buttons.append(button(words["share"], ACTION_SHARE, value, style="primary"))
    else:
        # The not-found text already says kindly who to ask; one button makes that one tap.
        buttons = [button(words["ask_person"], ACTION_ASK_PERSON, value)]
    tail.append({"type": "actions", "elements": buttons})
    return _text_sections(to_mrkdwn(answer.answer), MAX_BLOCKS - len(tail)) + tail


def _text_sections(text: str, room: int) -> list[Block]:
    pieces = split_text(text, SECTION_TEXT_LIMIT) or ["…"]
    if len(pieces) > room:
        # Past Slack's block cap the rest is dropped; the "…" says there was more.
        pieces = [*pieces[: room - 1], truncate(pieces[room - 1] + " …", SECTION_TEXT_LIMIT)]
    return [section(piece) for piece in pieces]


def sources_block(
    sources: list[Source], words: dict[str, str], today: dt.date, base_url: str | None
) -> Block:
    """One context block: "[n] Title › Section · owner · updated date", at most five."""
    shown = sources[:MAX_SOURCES]
    head = f"*{words['sources']}*"
    per_line = (CONTEXT_TEXT_LIMIT - len(head)) // len(shown) - 1
    lines = [head]
    for number, source in enumerate(shown, start=1):
        line = source_line(number, source, words, today, base_url)
        if len(line) > per_line:
            # Long URLs go first: the title still names the document.
            line = truncate(source_line(number, source, words, today, None), per_line)
        lines.append(line)
    return context("\n".join(lines))


def source_line(
    number: int, source: Source, words: dict[str, str], today: dt.date, base_url: str | None
) -> str:
    title = escape(truncate(source.title or source.path, 150))
    link = _doc_url(base_url, source.path)
    parts = [f"<{link}|{title}>" if link else title]
    if source.section:
        parts[0] += " › " + escape(truncate(source.section, 150))
    if source.owner:
        parts.append(escape(truncate(source.owner, 80)))
    if source.updated:
        parts.append(f"{words['updated']} {source.updated.isoformat()}")
    if source.review_by and source.review_by < today:
        parts.append(words["overdue"])
    return f"[{number}] " + " · ".join(parts)


_UNSAFE_URL = re.compile(r"[\s<>|\"]")


def _doc_url(base_url: str | None, path: str) -> str | None:
    """`base/path` for http(s) bases only, escaped for use inside `<url|text>`."""
    if not base_url or not re.match(r"(?i)https?://", base_url) or _UNSAFE_URL.search(base_url):
        return None
    url = base_url.rstrip("/") + "/" + quote(path.lstrip("/"), safe="/")
    return escape(url) if len(url) <= 500 else None


def _inline_safe(text: str) -> str:
    """Escaped, and without markers that would end the surrounding *bold* or _italics_."""
    return escape(re.sub(r"[*_~`\n]", "", text).strip()[:100])


def thinking_blocks(language: str) -> list[Block]:
    return [context(labels(language)["thinking"])]


def error_blocks(language: str) -> list[Block]:
    return [section(labels(language)["error"])]


def feedback_ack_blocks(helpful: bool, *, language: str = "en") -> list[Block]:
    words = labels(language)
    return [context(words["thanks_up"] if helpful else words["thanks_down"])]


_HELP = "\n".join(
    [
        "I answer questions about serving our customers well, from our own CX knowledge,"
        " with sources. English and 日本語 both work.",
        "• *Mention* @CX Assistant in a channel, or send me a *DM*.",
        "• *Follow up* by replying in the thread; I remember the conversation.",
        "• `/cx &lt;question&gt;` asks privately: only you see the answer,"
        " and you can share it in the channel.",
        "• `/cx role &lt;role&gt;` tells me your role (for example `warehouse`),"
        " so answers fit your work.",
        "• `/cx card` shows your role card: what you may decide alone and whom to ask.",
        "• `/cx lessons on` (or `off`): one short question for your role each week.",
        "• `/cx verify &lt;path&gt;` marks a document you own as still correct.",
        "• `/cx help` shows this message. `/cx reindex` refreshes the knowledge (CX leads).",
        "• Open the *assistant panel* (top right in Slack) to ask me next to any channel.",
        "• Tap 👍 or 👎 under an answer: it tells the CX team what helps and what is missing.",
        "• `/kudos @someone the customer's words` celebrates customer praise"
        " (`/kudos` alone opens a form); `/cx wins` shows recent wins.",
    ]
)


def help_blocks() -> list[Block]:
    return [header("How to use CX Assistant"), section(_HELP)]
