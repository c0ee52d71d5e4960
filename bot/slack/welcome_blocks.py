"""Block Kit for the welcome DM and the role card (`/cx card`, App Home, the welcome): the
mantra, the values, what the role may decide alone and who to ask above it, every line with
its source, and a menu to pick or correct one's role. English and Japanese."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.lessons.models import CardLine, RoleCard
from bot.slack.blocks import BUTTON_TEXT_LIMIT, context, header, section
from bot.slack.mrkdwn import escape, truncate

Block = dict[str, Any]
UrlOf = Callable[[str], str | None]

ACTION_PICK_ROLE = "cx_pick_role"
ROLE_BLOCK = "cx_role"  # block_id "cx_role:<language>:<surface>": where to re-render
_MAX_OPTIONS = 100  # Slack's limit for a static_select

_TEXT = {
    "en": {
        "title": "👋 Welcome to CX Assistant",
        "intro": "I answer questions about serving our customers, from our own CX knowledge, "
        "with sources, in English or 日本語. Send me a DM, mention me, or use `/cx`.",
        "mantra": "*Our CX mantra*",
        "values": "*Our values*",
        "card": "*🪪 Your role card* · {title}",
        "meaning": "*What it means for you*",
        "decide": "*What you can decide alone*",
        "ask": "*Above your limit, ask*",
        "situations": "*Common situations*",
        "pick": "Pick your role",
        "pick_prompt": "What do you do here? Pick your role and I'll show what our CX promise "
        "means for your work, and answer for your role.",
        "your_role": "Your role: *{role}*. Not right? Pick another.",
        "no_guide": "The knowledge has no guide for *{role}* yet, so there is no card for it. "
        "Pick another role, or ask your CX lead.",
        "role_set": "Got it: your role is now *{role}*.",
        "manager_only": "The *{role}* role opens manager-only documents, so a CX lead sets it.",
        "unknown_role": "I don't know the role *{role}*.",
        "lessons_hint": "One short question a week keeps this fresh: `/cx lessons on`.",
    },
    "ja": {
        "title": "👋 CXアシスタントへようこそ",
        "intro": "お客様対応についての質問に、私たちのCXナレッジから出典付きでお答えします"
        "（日本語・英語）。DM、メンション、または `/cx` でどうぞ。",
        "mantra": "*私たちのCXマントラ*",
        "values": "*私たちの価値観*",
        "card": "*🪪 あなたのロールカード*・{title}",
        "meaning": "*あなたにとっての意味*",
        "decide": "*ひとりで決めてよいこと*",
        "ask": "*上限を超えるときの相談先*",
        "situations": "*よくある場面*",
        "pick": "ロールを選ぶ",
        "pick_prompt": "どんなお仕事をされていますか？ロールを選ぶと、私たちのCXの約束があなたの"
        "仕事にとって何を意味するかをお見せし、ロールに合わせてお答えします。",
        "your_role": "あなたのロール：*{role}*。違う場合は選び直してください。",
        "no_guide": "*{role}* のガイドはまだナレッジにないため、カードを作れません。"
        "別のロールを選ぶか、CXリードにご相談ください。",
        "role_set": "ロールを *{role}* に設定しました。",
        "manager_only": "*{role}* は管理職向けの文書を開くロールのため、CXリードが設定します。",
        "unknown_role": "*{role}* というロールは見つかりません。",
        "lessons_hint": "週に一問のミニレッスンで復習できます：`/cx lessons on`",
    },
}


def language_of(locale: str | None) -> str:
    """Slack's locale ("ja-JP", "en-US") as the language of our texts."""
    return "ja" if (locale or "").lower().startswith("ja") else "en"


def words(language: str | None) -> dict[str, str]:
    return _TEXT[language_of(language)]


def source_of(line: CardLine, url_of: UrlOf) -> str:
    """Where a line is written: a link to the document when the knowledge is online, else
    its path."""
    path = line.source.path
    url = url_of(path)
    return f"<{url}|{escape(path)}>" if url else f"`{escape(path)}`"


def _line(line: CardLine, url_of: UrlOf) -> str:
    label = f"*{escape(line.label)}:* " if line.label else ""
    return f"• {label}{escape(line.text)}  _{source_of(line, url_of)}_"


def card_blocks(card: RoleCard, url_of: UrlOf, *, with_mantra: bool = True) -> list[Block]:
    """The card, in its own language; every line with its source."""
    text = words(card.language)
    blocks: list[Block] = [section(text["card"].format(title=escape(card.title)))]
    if with_mantra and card.mantra is not None:
        blocks.append(section(f"{text['mantra']}\n> {escape(card.mantra.text)}"))
        blocks.append(context(source_of(card.mantra, url_of)))
    parts = (
        ("meaning", card.meaning),
        ("decide", card.decide_alone),
        ("ask", card.ask),
        ("situations", card.situations),
    )
    for key, lines in parts:
        if lines:
            body = "\n".join(_line(line, url_of) for line in lines)
            blocks.append(section(f"{text[key]}\n{body}"))
    return blocks


def role_picker(roles: Sequence[str], current: str | None, language: str, surface: str) -> Block:
    """A menu of the roles the knowledge names; picking one sets it like `/cx role`."""
    options = [_option(role) for role in sorted(roles)[:_MAX_OPTIONS]]
    element: Block = {
        "type": "static_select",
        "action_id": ACTION_PICK_ROLE,
        "placeholder": {"type": "plain_text", "text": words(language)["pick"]},
        "options": options,
    }
    if current in roles and options:
        element["initial_option"] = _option(current or "")
    return {
        "type": "actions",
        "block_id": f"{ROLE_BLOCK}:{language_of(language)}:{surface}",
        "elements": [element],
    }


def _option(role: str) -> Block:
    return {
        "text": {"type": "plain_text", "text": truncate(role, BUTTON_TEXT_LIMIT)},
        "value": role[:150],
    }


def role_blocks(
    *,
    language: str,
    card: RoleCard | None,
    role: str | None,
    roles: Sequence[str],
    url_of: UrlOf,
    surface: str,
    note: str | None = None,
) -> list[Block]:
    """The card with a menu to correct the role, or a kind prompt to pick one."""
    text = words(language)
    blocks: list[Block] = [section(note)] if note else []
    if card is not None:
        blocks.extend(card_blocks(card, url_of, with_mantra=surface != "welcome"))
        blocks.append(context(text["your_role"].format(role=escape(role or card.role))))
    elif role:
        blocks.append(section(text["no_guide"].format(role=escape(role))))
    else:
        blocks.append(section(text["pick_prompt"]))
    if roles:
        blocks.append(role_picker(roles, role, language, surface))
    return blocks


def welcome_blocks(
    *,
    language: str,
    mantra: str | None,
    values: Sequence[str],
    card: RoleCard | None,
    role: str | None,
    roles: Sequence[str],
    url_of: UrlOf,
    note: str | None = None,
) -> list[Block]:
    """The welcome DM: who the bot is, the mantra, the values, and the role card."""
    text = words(language)
    blocks: list[Block] = [header(text["title"]), section(text["intro"])]
    if mantra and mantra.strip():
        quoted = "\n".join("> " + line for line in escape(mantra.strip()).splitlines())
        blocks.append(section(f"{text['mantra']}\n{quoted}"))
    if values:
        blocks.append(section(text["values"] + "\n" + "\n".join(f"• {escape(v)}" for v in values)))
    blocks.append({"type": "divider"})
    blocks.extend(
        role_blocks(
            language=language,
            card=card,
            role=role,
            roles=roles,
            url_of=url_of,
            surface="welcome",
            note=note,
        )
    )
    blocks.append(context(text["lessons_hint"]))
    return blocks[:50]
