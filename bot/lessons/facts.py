"""Facts a lesson can ask about, found in whole units of the knowledge.

A fact is a figure (an amount of money, a percentage, a time frame), a Slack channel, or a
person to ask, in the sentence, list item or table row that states it. The unit with the
fact blanked out (a cloze) is the question's core; the fact's text, exactly as written, is
the correct option. Figures are compared by `ingest.parity.figures`, so "¥5,000" and
"5千円" are one amount and the blanked sentence never gives the answer away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.lessons.knowledge import Unit
from bot.lessons.models import FactKind
from ingest.parity import figures
from ingest.structure import plain_inline

BLANK = {"en": "_____", "ja": "＿＿＿"}
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|thirty"
_SPANS: list[tuple[FactKind, re.Pattern[str]]] = [
    (
        "money",
        re.compile(
            rf"[¥￥]\s?{_NUMBER}(?:\s?[万千])?"
            rf"|(?<![\d,.])\d+(?:,\d{{3}})*(?:\.\d+)?\s?[万千]?円"
            rf"|(?<![\d,.]){_NUMBER}\s?(?:yen|JPY)\b"
        ),
    ),
    ("percent", re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s?%")),
    (
        "time",
        re.compile(
            rf"\b(?:\d+|{_NUMBER_WORDS}) (?:business |working )?"
            r"(?:days?|hours?|minutes?|weeks?|months?)\b(?!-)"
            r"|(?<![\d,.月/〜～~\-])\d+(?:営業日|日間|時間|週間|か月|ヶ月|カ月|分間|分|日)(?![目本])",
            re.IGNORECASE,
        ),
    ),
    ("channel", re.compile(r"(?<![\w#&])#[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b|(?<![\w#&])#[a-z]{3,}\b")),
]
_CHANNEL = _SPANS[-1][1]
# "Twice a day", "24 hours a day, 7 days a week", 「24時間365日」: how often, not how long.
_FREQUENCY = re.compile(r"^\s*(?:a|an|per|each)\s+(?:day|week|month|year)\b")
_ALWAYS = re.compile(
    r"24\s*/\s*7|24\s*時間\s*365\s*日|24\s*hours\s+a\s+day,?\s+(?:7|seven)\s+days\s+a\s+week",
    re.IGNORECASE,
)
# An item's price ("a ¥39,800 sofa", 「¥2,980の電気ケトル」) is an example, not a rule; what
# follows a remedy amount or a limit is not an item ("a ¥500 coupon", 「¥50,000の権限内」).
_EN_ARTICLE = re.compile(r"(?:\ba|\ban|\bthe|'s)\s*$", re.IGNORECASE)
_EN_AFTER_PRICE = re.compile(r"^\s?([a-z][a-z-]*)")
_EN_NOT_ITEM = frozenset(
    "goodwill gift coupon coupons credit credits apology outage service refund refunds limit "
    "rule per in of or and to for without with on at is are total worth off from".split()
)
_JA_AFTER_PRICE = re.compile(
    r"^\s?(?:の\s?(?!お詫び|おわび|返金|商品券|クーポン|クレジット|障害|上限|権限|範囲|ルール|"
    r"サービス)|から)"
)
_BEFORE_PRICE = re.compile(r"\b(?:from|costs?|priced at|price of)\s*$", re.IGNORECASE)
_QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”|「[^」]*」|『[^』]*』")
_RANGE = "-–~〜～"  # not "—": "over ¥50,000 — #cx-questions" is no range
_QUOTE_START = ('"', "“", "「", "『", "'", "‘", "*")
_PAREN = re.compile(r"\s?[（(][^（）()]*[)）]")
# "**Shift lead or store manager:** approvals over ¥5,000 — #cx-questions"
_CONTACT = re.compile(
    r"^\*\*(?P<a>[^*]+?)\s?[:：]\*\*\s*(?P<b>.+)$|^\*\*(?P<c>[^*]+?)\*\*\s?[:：]\s*(?P<d>.+)$"
)
_CHANNEL_TAIL = re.compile(r"\s*[—–-]?\s*#[a-z][\w-]*")
_GUIDE_OWNER = re.compile(r"guide owner|このガイドの担当", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    kind: FactKind
    text: str
    value: str  # normalised: "¥5,000", "1 business-day", "#cx-wins"
    start: int
    end: int


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    answer: str  # the text as written in the source
    value: str
    unit: Unit
    cloze: str  # the unit with the answer blanked ("" for a contact)
    topic: str = ""  # what a contact is asked about


def value_of(kind: FactKind, text: str) -> str | None:
    if kind in ("channel", "contact"):
        return text.lower()
    found = figures(text)
    return next(iter(found)) if len(found) == 1 else None


def spans(text: str) -> Iterator[Span]:
    """Every figure and channel a text states as a rule (not a price, not a frequency)."""
    always = [m.span() for m in _ALWAYS.finditer(text)]
    for kind, pattern in _SPANS:
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in always):
                continue
            raw = match.group(0).strip()
            value = value_of(kind, raw)
            after = text[match.start() + len(raw) :]
            if value is None or (kind == "time" and _FREQUENCY.match(after)):
                continue
            if kind == "money" and is_price(text[: match.start()], after):
                continue
            yield Span(kind, raw, value, match.start(), match.start() + len(raw))


def is_price(before: str, after: str) -> bool:
    """Whether the words around an amount make it an item's price."""
    if _JA_AFTER_PRICE.match(after) or _BEFORE_PRICE.search(before):
        return True
    word = _EN_AFTER_PRICE.match(after)
    return (
        word is not None
        and word.group(1) not in _EN_NOT_ITEM
        and _EN_ARTICLE.search(before) is not None
    )


def quoted(text: str, span: Span) -> bool:
    """Inside quotation marks: someone's words, an example, not the rule itself."""
    return any(m.start() < span.start and span.end <= m.end() for m in _QUOTES.finditer(text))


def in_range(text: str, span: Span) -> bool:
    """Part of "¥1,000–¥3,000" or 「1,000〜3,000円」: half a range is no fact."""
    if span.kind == "channel":
        return False
    before = text[: span.start].rstrip()[-1:]
    after = text[span.end :].lstrip()[:1]
    return bool(before and before in _RANGE) or bool(after and after in _RANGE)


def well_sized(text: str, language: str) -> bool:
    if language == "ja":
        return 8 <= len(text) <= 130
    return 4 <= len(text.split()) <= 45


def cloze(text: str, span: Span, language: str) -> str | None:
    """The unit with every mention of the fact blanked, or None when it would still show."""
    # Whole mentions only: "1 hour" is no part of "21 hours", "5%" none of "15%".
    mention = re.compile(rf"(?<![0-9A-Za-z.,#¥￥-]){re.escape(span.text)}(?![0-9A-Za-z]|[.,]\d)")
    blanked = mention.sub(BLANK[language], text)
    # 「¥5,000（5千円）」: the parenthesis says it again.
    blanked = _PAREN.sub(lambda m: "" if span.value in _values(m.group(0)) else m.group(0), blanked)
    if span.value in _values(blanked):
        return None
    return blanked


def reveals(text: str, fact: Fact) -> bool:
    """Whether a text (a heading, a title) states the fact, in these words or others."""
    return fact.answer.casefold() in text.casefold() or fact.value in _values(text)


def _values(text: str) -> set[str]:
    return set(figures(text)) | {m.group(0).lower() for m in _CHANNEL.finditer(text)}


def figure_facts(unit: Unit, language: str) -> Iterator[Fact]:
    """The figures and channels a unit states, each as a cloze of the unit."""
    if unit.block == "quote" or unit.text.startswith(_QUOTE_START):
        return  # customers' words and example phrasing: not rules
    if not well_sized(unit.text, language):
        return
    seen: set[str] = set()
    for span in spans(unit.text):
        if span.value in seen or in_range(unit.text, span) or quoted(unit.text, span):
            continue
        seen.add(span.value)
        blanked = cloze(unit.text, span, language)
        rest = blanked.replace(BLANK[language], "").strip() if blanked else ""
        if blanked is None or not well_sized(rest, language):
            continue
        if span.value not in _values(unit.situation):
            yield Fact(span.kind, span.text, span.value, unit, blanked)


def labelled(raw: str) -> tuple[str, str] | None:
    """("Over ¥50,000", "the CX lead…") of an item written "**Over ¥50,000:** the CX lead…"."""
    match = _CONTACT.match(raw)
    if match is None:
        return None
    label = plain_inline(match.group("a") or match.group("c")).strip()
    return label, plain_inline(match.group("b") or match.group("d")).strip()


def contact(unit: Unit) -> tuple[str, str] | None:
    """(who, about what) of a "Who to ask" item: ("Logistics desk", "reshipments")."""
    found = labelled(unit.raw)
    if found is None:
        return None
    label, rest = found
    # "approvals over ¥50,000 — #cx-approvals; anything else — #cx-questions": the first
    # topic is the one this contact is for.
    first = _CHANNEL.search(rest)
    before = rest[: first.start()].strip(" ;；、,—–-") if first else ""
    topic = before or _CHANNEL_TAIL.sub("", rest).strip(" ;；、,—–-")
    if not topic or _GUIDE_OWNER.search(label):
        return None
    return label, topic


def contact_fact(unit: Unit) -> Fact | None:
    found = contact(unit) if unit.kind == "ask" and unit.block == "list" else None
    if found is None:
        return None
    label, topic = found
    return Fact("contact", label, label.lower(), unit, "", topic)


def unit_facts(unit: Unit, language: str) -> Iterator[Fact]:
    if unit.kind == "mantra":
        return
    found = contact_fact(unit)
    if found is not None:
        yield found
    yield from figure_facts(unit, language)
