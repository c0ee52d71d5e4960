"""The words of a generated lesson's question, in English and Japanese.

A question is a short situation (the guide's own heading under "Common situations", when the
fact comes from one), where the rule is written, the rule with the fact blanked out, and what
to pick. A contact is asked for by what they are the contact for."""

from __future__ import annotations

from bot.lessons.facts import Fact, reveals
from bot.lessons.knowledge import heading_parts

_PICK = {
    "en": {
        "money": "Which amount fills the blank?",
        "percent": "Which percentage fills the blank?",
        "time": "Which time frame fills the blank?",
        "channel": "Which Slack channel fills the blank?",
    },
    "ja": {
        "money": "空欄に入る金額はどれですか？",
        "percent": "空欄に入る割合はどれですか？",
        "time": "空欄に入る期間はどれですか？",
        "channel": "空欄に入る Slack チャンネルはどれですか？",
    },
}
_KIND_NAMES = {
    "en": {"policy": "policy", "playbook": "playbook"},
    "ja": {"policy": "ポリシー", "playbook": "プレイブック"},
}


def question(fact: Fact, language: str, *, own_guide: bool) -> str:
    lines = []
    if fact.unit.situation:
        lines.append(situation_line(fact.unit.situation, language))
    if fact.kind == "contact":
        lines.append(contact_line(fact.topic, language, own_guide=own_guide))
        return "\n".join(lines)
    lines.append(f"{where(fact, language, own_guide=own_guide)}{quoted(fact.cloze, language)}")
    lines.append(_PICK["ja" if language == "ja" else "en"][fact.kind])
    return "\n".join(lines)


def situation_line(situation: str, language: str) -> str:
    if language == "ja":
        return f"場面：{situation.rstrip('。')}。"
    end = "" if situation.endswith((".", "?", "!")) else "."
    return f"Situation: {situation}{end}"


def quoted(text: str, language: str) -> str:
    return f"「{text}」" if language == "ja" else f"“{text}”"


def where(fact: Fact, language: str, *, own_guide: bool) -> str:
    """ "Your role guide, under “What you can decide alone”: " and the like."""
    doc = fact.unit.doc
    parts = heading_parts(fact.unit.section)
    topic = "" if fact.unit.situation or not parts else parts[-1]
    if reveals(topic, fact):  # "The ¥500 apology coupon" would give the ¥500 away
        topic = ""
    title = "" if reveals(doc.title, fact) else doc.title
    if language == "ja":
        kind = _KIND_NAMES["ja"].get(doc.doc_type, "資料")
        name = "あなたの役割ガイド" if own_guide else f"「{title}」" if title else kind
        return f"{name}（{topic}）より：" if topic else f"{name}より："
    if own_guide:
        name = "Your role guide"
    else:
        kind = _KIND_NAMES["en"].get(doc.doc_type, "document")
        name = f"The “{title}” {kind}" if title else f"The {kind}"
    if topic:
        return f"{name}, under “{topic}”: "
    return f"{name} says: "


def contact_line(topic: str, language: str, *, own_guide: bool) -> str:
    if language == "ja":
        source = "あなたの役割ガイドによると、" if own_guide else ""
        return f"{source}「{topic}」の相談先は誰ですか？"
    source = "According to your role guide, who" if own_guide else "Who"
    return f"{source} is the contact for “{topic}”?"
