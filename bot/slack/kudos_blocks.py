"""Block Kit for kudos: the celebration, the nomination for review, the review verdict and
the kudos modal (pure functions; everything from people is escaped)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import yaml

from bot.answering.prompts import PROMPTS_DIR, load_template
from bot.kudos.models import TOUCHPOINTS, Kudos
from bot.slack.mrkdwn import escape, mention, truncate

Block = dict[str, Any]

ACTION_APPROVE = "kudos_approve"
ACTION_DECLINE = "kudos_decline"
MODAL_CALLBACK = "kudos_modal"
SHORTCUT_CALLBACK = "celebrate_this"


@lru_cache(maxsize=1)
def wording() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(load_template("celebration.yaml", PROMPTS_DIR))
    if not isinstance(data, dict) or "en" not in data:
        raise ValueError("prompts/celebration.yaml must map languages to wording, with 'en'")
    return data


def _words(language: str) -> dict[str, Any]:
    table = wording()
    return table.get(language, table["en"])


def people(kudos: Kudos) -> str:
    names = [mention(r) for r in kudos.recipients] + [escape(n) for n in kudos.recipient_names]
    return ", ".join(names) or "our team"


def quote_block(text: str) -> Block:
    quoted = "\n".join(f"> {line}" if line else ">" for line in escape(text).splitlines())
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(quoted, 2900)}}


def celebration_blocks(kudos: Kudos, *, nominator: str | None = None) -> list[Block]:
    """The warm post in the wins channel. Everything from people is escaped."""
    words = _words(kudos.language)
    openers = words["openers"]
    opener = openers[(kudos.id or 0) % len(openers)].format(recipients=people(kudos))
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": opener}},
        quote_block(kudos.quote),
    ]
    facts = []
    if kudos.value:
        facts.append(words["value_line"].format(value=escape(kudos.value)))
    if kudos.touchpoint:
        place = words["touchpoints"].get(kudos.touchpoint, escape(kudos.touchpoint))
        facts.append(words["touchpoint_line"].format(touchpoint=place))
    if facts:
        blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in facts]})
    sender = mention(kudos.sender) if kudos.sender else "CX Assistant"
    credit = (
        words["nominated_by"].format(nominator=mention(nominator), sender=sender)
        if nominator
        else words["sent_by"].format(sender=sender)
    )
    elements = [{"type": "mrkdwn", "text": credit}]
    if kudos.source:
        elements.append(
            {"type": "mrkdwn", "text": words["source_line"].format(source=escape(kudos.source))}
        )
    blocks.append({"type": "context", "elements": elements})
    return blocks


def win_line(kudos: Kudos) -> str:
    """One line for lists (App Home, `/cx wins`): who, the words, the value."""
    value = f" · _{escape(kudos.value)}_" if kudos.value else ""
    return f"{people(kudos)}: “{escape(truncate(kudos.quote, 160))}”{value}"


def celebration_text(kudos: Kudos) -> str:
    return truncate(f"Customer praise for {people(kudos)}: {escape(kudos.quote)}", 2900)


def nomination_blocks(kudos: Kudos) -> list[Block]:
    """For the review channel: the nomination and Approve / Decline for a manager."""
    value = str(kudos.id)
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"🙌 {mention(kudos.sender or '')} nominated {people(kudos)} "
                "for customer praise:",
            },
        },
        quote_block(kudos.quote),
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": " · ".join(
                        escape(x) for x in (kudos.value, kudos.touchpoint, kudos.source) if x
                    )
                    or " ",
                }
            ],
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Approve and celebrate"},
                    "style": "primary",
                    "action_id": ACTION_APPROVE,
                    "value": value,
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Decline"},
                    "action_id": ACTION_DECLINE,
                    "value": value,
                },
            ],
        },
    ]


def reviewed_blocks(kudos: Kudos, *, approved: bool, manager: str) -> list[Block]:
    verdict = "✅ Approved and celebrated" if approved else "Declined"
    return [
        quote_block(kudos.quote),
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"{verdict} by {mention(manager)} · for {people(kudos)}"}
            ],
        },
    ]


def verdict_text(kudos: Kudos, *, approved: bool) -> str:
    """The direct message to whoever nominated, once a manager decided."""
    if approved:
        return (
            f"🎉 Your nomination for {', '.join(mention(r) for r in kudos.recipients)} was "
            "approved and is now celebrated in the wins channel. Thank you for sharing it!"
        )
    return (
        "Thank you for nominating a colleague! A manager decided not to "
        "broadcast this one, but please keep sharing customer praise: it matters."
    )


def recipient_text(language: str | None) -> str:
    """The notification of the DM to a celebrated person (plain)."""
    if (language or "").startswith("ja"):
        return "🎉 お客さまからあなたへの言葉が届きました。"
    return "🎉 A customer said something about you."


def recipient_blocks(kudos: Kudos, language: str | None) -> list[Block]:
    """The DM to a celebrated person: the customer's words, and where it was celebrated."""
    japanese = (language or "").startswith("ja")
    quote = "\n".join(f"> {escape(line)}" for line in kudos.quote.splitlines() if line.strip())
    thanks = (
        "お客さまの声です。チームのチャンネルでもみんなでお祝いしています。ありがとうございます！"
        if japanese
        else "These are the customer's words; the team is celebrating it in the wins channel. "
        "Thank you!"
    )
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": recipient_text(language)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": truncate(quote, 2900)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": thanks}]},
    ]


def _option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": truncate(text, 75)}, "value": value[:150]}


def kudos_modal(
    *,
    quote: str = "",
    recipients: list[str] | None = None,
    values: list[str],
    value: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The kudos form: recipients, the customer's words, touchpoint, value, source."""
    blocks = [_recipients_input(recipients), _quote_input(quote), _touchpoint_input()]
    if values:
        blocks.append(_value_input(values, value))
    blocks.append(
        {
            "type": "input",
            "block_id": "source",
            "optional": True,
            "label": {"type": "plain_text", "text": "Source (survey, ticket link)"},
            "element": {"type": "plain_text_input", "action_id": "source"},
        }
    )
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "title": {"type": "plain_text", "text": "Celebrate a win"},
        "submit": {"type": "plain_text", "text": "Celebrate"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata or {})[:3000],
        "blocks": blocks,
    }


def _recipients_input(recipients: list[str] | None) -> Block:
    users: Block = {
        "type": "multi_users_select",
        "action_id": "recipients",
        "placeholder": {"type": "plain_text", "text": "Who did the customer praise?"},
    }
    if recipients:
        users["initial_users"] = recipients[:100]
    return {
        "type": "input",
        "block_id": "recipients",
        "label": {"type": "plain_text", "text": "Recipients"},
        "element": users,
    }


def _quote_input(quote: str) -> Block:
    return {
        "type": "input",
        "block_id": "quote",
        "label": {"type": "plain_text", "text": "The customer's words"},
        "element": {
            "type": "plain_text_input",
            "action_id": "quote",
            "multiline": True,
            "initial_value": quote[:3000],
            "max_length": 3000,
        },
    }


def _touchpoint_input() -> Block:
    return {
        "type": "input",
        "block_id": "touchpoint",
        "optional": True,
        "label": {"type": "plain_text", "text": "Touchpoint"},
        "element": {
            "type": "static_select",
            "action_id": "touchpoint",
            "options": [_option(t, t) for t in TOUCHPOINTS],
        },
    }


def _value_input(values: list[str], value: str | None) -> Block:
    element: Block = {
        "type": "static_select",
        "action_id": "value",
        "placeholder": {"type": "plain_text", "text": "Pick a value"},
        "options": [_option(v, v) for v in values[:100]],
    }
    if value and value in values:
        element["initial_option"] = _option(value, value)
    return {
        "type": "input",
        "block_id": "value",
        "optional": True,
        "label": {"type": "plain_text", "text": "CX value it shows"},
        "hint": {"type": "plain_text", "text": "Suggested from our CX vision"},
        "element": element,
    }
