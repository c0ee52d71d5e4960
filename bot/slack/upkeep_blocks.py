"""Block Kit for knowledge upkeep: owner nudges, the health list for leads, the *Add to
knowledge* modal and the review of a captured answer. English and Japanese."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.knowledge.capture import CapturedAnswer
from bot.knowledge.health import DocumentHealth
from bot.knowledge.nudges import Nudge, reasons
from bot.knowledge.ports import DraftRecord
from bot.slack.blocks import button, context, header, section
from bot.slack.mrkdwn import escape, mention, truncate

Block = dict[str, Any]

ACTION_VERIFY = "cx_doc_verify"
ACTION_SNOOZE = "cx_doc_snooze"
ACTION_OPEN = "cx_doc_open"
CAPTURE_SHORTCUT = "cx_add_to_knowledge"
CAPTURE_VIEW = "cx_capture_modal"
ACTION_DRAFT_APPROVE = "cx_draft_approve"
ACTION_DRAFT_EDIT = "cx_draft_edit"
ACTION_DRAFT_DECLINE = "cx_draft_decline"

_TEXT = {
    "en": {
        "nudge_title": "Your CX documents need a look",
        "nudge_intro": "These documents you own need attention this week:",
        "lead_intro": "These documents have no owner I can reach, so they come to you:",
        "overdue": "review date {date} has passed",
        "due_soon": "due for review by {date}",
        "differing_figures": "figures differ from its translation: {figures}",
        "lagging": "its translation ({pair}) changed after it",
        "downvotes": "{n} 👎 on answers citing it (30 days)",
        "gaps": "nearest document to {n} unanswered question(s), e.g. “{q}”",
        "verify": "Still correct",
        "open": "Open",
        "snooze": "Snooze a week",
        "verified": "Thank you! {path} is verified; next review {date}.",
        "snoozed": "Snoozed {path} until {date}.",
        "not_yours": "Only the owner of {path} or a CX lead can do that.",
        "unknown_doc": "I can't find a document called “{path}”. Try its path, e.g. "
        "`/cx verify en/policies/refunds-and-remedies.md`.",
        "failed": "Sorry, I couldn't update {path}: {reason}",
        "health_title": "Knowledge health",
        "health_none": "Every document is current. Nothing needs attention. 🌿",
    },
    "ja": {
        "nudge_title": "CXドキュメントの確認をお願いします",
        "nudge_intro": "担当のドキュメントのうち、今週確認が必要なものです：",
        "lead_intro": "担当者に連絡できないドキュメントです。リードの方へお送りします：",
        "overdue": "見直し期限（{date}）を過ぎています",
        "due_soon": "{date}までに見直しが必要です",
        "differing_figures": "翻訳版と数値が異なります：{figures}",
        "lagging": "翻訳版（{pair}）のほうが後に更新されています",
        "downvotes": "引用した回答に👎が{n}件（30日）",
        "gaps": "答えられなかった質問{n}件に最も近い文書です（例：「{q}」）",
        "verify": "内容は正しい",
        "open": "開く",
        "snooze": "1週間後に通知",
        "verified": "ありがとうございます！{path} を確認済みにしました。次回の見直しは{date}です。",
        "snoozed": "{path} の通知を{date}まで止めました。",
        "not_yours": "{path} の担当者かCXリードだけが操作できます。",
        "unknown_doc": "「{path}」という文書が見つかりません。"
        "`/cx verify ja/policies/refunds-and-remedies.md` のようにパスで指定してください。",
        "failed": "{path} を更新できませんでした：{reason}",
        "health_title": "ナレッジの状態",
        "health_none": "すべての文書が最新です。対応が必要なものはありません。🌿",
    },
}


def words(language: str | None) -> dict[str, str]:
    return _TEXT["ja" if (language or "").lower().startswith("ja") else "en"]


def reason_lines(item: DocumentHealth, language: str | None) -> list[str]:
    text = words(language)
    values = {
        "date": item.review_by.isoformat() if item.review_by else "",
        "figures": ", ".join(item.translation.differing_figures[:4]),
        "pair": item.translation.pair or "",
        "n": str(item.downvotes),
        "q": truncate(item.gap_questions[0], 80) if item.gap_questions else "",
    }
    lines = []
    for reason in reasons(item):
        n = str(item.gaps) if reason == "gaps" else values["n"]
        lines.append(text[reason].format(**(values | {"n": n})))
    return lines


def document_block(item: DocumentHealth, language: str | None, url: str | None) -> list[Block]:
    text = words(language)
    title = f"*{escape(item.title)}*  `{escape(item.path)}`"
    detail = "\n".join(f"• {escape(line)}" for line in reason_lines(item, language))
    elements = [
        button(text["verify"], ACTION_VERIFY, item.path, style="primary"),
        button(text["snooze"], ACTION_SNOOZE, item.path),
    ]
    if url:
        elements.insert(1, {**button(text["open"], ACTION_OPEN, item.path), "url": url})
    return [section(f"{title}\n{detail}"), {"type": "actions", "elements": elements}]


def nudge_blocks(
    nudge: Nudge, language: str | None, url_of: Callable[[str], str | None]
) -> list[Block]:
    text = words(language)
    blocks: list[Block] = [header(text["nudge_title"])]
    blocks.append(section(text["lead_intro" if nudge.as_lead else "nudge_intro"]))
    for item in nudge.documents[:20]:  # Slack allows 50 blocks; two per document
        blocks.extend(document_block(item, language, url_of(item.path)))
    return blocks


def health_blocks(
    health: list[DocumentHealth], language: str | None, limit: int = 8
) -> list[Block]:
    """App Home for leads: the documents needing attention, worst first."""
    text = words(language)
    needing = [h for h in health if h.needs_attention]
    blocks: list[Block] = [header(text["health_title"])]
    if not needing:
        return [*blocks, context(text["health_none"])]
    for item in needing[:limit]:
        owner = escape(item.owner or "—")
        lines = "; ".join(escape(line) for line in reason_lines(item, language))
        blocks.append(section(f"*{escape(item.title)}* `{escape(item.path)}` ({owner})\n{lines}"))
    if len(needing) > limit:
        blocks.append(context(f"+{len(needing) - limit} more: `cxbot health`"))
    return blocks


# -- capturing an answer -------------------------------------------------------------------


def _input(block_id: str, label: str, value: str, *, multiline: bool = False) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": "value", "multiline": multiline}
    if value:
        element["initial_value"] = value[:3000]
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": block_id in ("roles", "audience", "owner"),
    }


def capture_modal(draft: CapturedAnswer, metadata: dict[str, Any]) -> Block:
    """The *Add to knowledge* modal, prefilled (everything editable)."""
    language = {
        "type": "static_select",
        "action_id": "value",
        "initial_option": _option(draft.language),
        "options": [_option("en"), _option("ja")],
    }
    return {
        "type": "modal",
        "callback_id": CAPTURE_VIEW,
        "private_metadata": json.dumps(metadata)[:3000],
        "title": {"type": "plain_text", "text": "Add to knowledge"},
        "submit": {"type": "plain_text", "text": "Send for approval"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _input("title", "Title", draft.title),
            _input("question", "Question", draft.question, multiline=True),
            _input("answer", "Answer", draft.answer, multiline=True),
            {
                "type": "input",
                "block_id": "language",
                "label": {"type": "plain_text", "text": "Language"},
                "element": language,
            },
            _input("roles", "Roles (comma-separated; empty: everyone)", ", ".join(draft.roles)),
            _input("audience", "Audience (empty: all staff)", ", ".join(draft.audience)),
            _input("owner", "Owner", draft.owner or ""),
        ],
    }


def _option(language: str) -> Block:
    label = {"en": "English", "ja": "日本語"}.get(language, language)
    return {"text": {"type": "plain_text", "text": label}, "value": language}


def draft_from_view(view: dict[str, Any]) -> CapturedAnswer:
    values = (view.get("state") or {}).get("values") or {}

    def value(block: str) -> str:
        field = (values.get(block) or {}).get("value") or {}
        chosen = field.get("selected_option") or {}
        return str(field.get("value") or chosen.get("value") or "").strip()

    def items(block: str) -> list[str]:
        return [p.strip() for p in value(block).replace("、", ",").split(",") if p.strip()]

    return CapturedAnswer(
        title=value("title"),
        question=value("question"),
        answer=value("answer"),
        language=value("language") or "en",
        roles=items("roles"),
        audience=items("audience"),
        owner=value("owner") or None,
    )


def review_blocks(record: DraftRecord) -> list[Block]:
    draft = record.draft
    quote = "\n".join("> " + escape(line) for line in draft.answer.splitlines() if line.strip())
    detail = f"{mention(record.submitted_by)} captured an answer for the knowledge"
    facts = f"language {draft.language}; roles {', '.join(draft.roles) or 'everyone'}"
    if draft.audience:
        facts += f"; audience {', '.join(draft.audience)}"
    value = str(record.id)
    return [
        section(f"*{escape(draft.title)}*\n_{escape(draft.question)}_\n{quote}"),
        context(f"{detail} ({escape(facts)})"),
        {
            "type": "actions",
            "elements": [
                button("Approve", ACTION_DRAFT_APPROVE, value, style="primary"),
                button("Edit", ACTION_DRAFT_EDIT, value),
                button("Decline", ACTION_DRAFT_DECLINE, value, style="danger"),
            ],
        },
    ]
