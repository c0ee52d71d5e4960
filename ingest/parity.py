"""Translation parity: do the English and Japanese copies of a document still say the same?

Two checks, both cheap and language-neutral:
- **figures**: amounts of money, percentages and time frames, normalised so "¥10,000",
  "1万円" and "10,000 yen" are one figure and "14 days" is "14日"; a figure in one copy but
  not the other means one was updated and the other not.
- **lag**: the other copy's content changed after this one's (the index keeps when each
  file's content last changed), or its front-matter `updated` date is later.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
# ¥10,000 / ¥1万 / 10,000円 / 1万円 / 10,000 yen
_MONEY = re.compile(
    rf"[¥￥]\s*(?P<a>{_NUMBER})\s*(?P<as>万|千|k\b)?"
    rf"|(?P<b>{_NUMBER})\s*(?P<bs>万|千)?\s*(?:円|yen\b|JPY\b)",
    re.IGNORECASE,
)
# A range whose second end is money makes its first end money too: "1,000–¥3,000",
# "1,000〜3,000円".
_RANGE_START = re.compile(
    rf"(?<![\d,.¥￥])(?P<n>{_NUMBER})\s*(?P<s>万|千)?\s*[-–—~〜～]\s*"
    rf"(?=[¥￥]\s*\d|{_NUMBER}\s*(?:万|千)?\s*(?:円|yen\b))",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"(?P<n>{_NUMBER})\s*(?:%|パーセント|percent\b)", re.IGNORECASE)
_DURATION_UNITS = {
    "business day": "business-day",
    "business days": "business-day",
    "working day": "business-day",
    "working days": "business-day",
    "営業日": "business-day",
    "day": "day",
    "days": "day",
    "日": "day",
    "日間": "day",
    "hour": "hour",
    "hours": "hour",
    "時間": "hour",
    "minute": "minute",
    "minutes": "minute",
    "分": "minute",
    "week": "week",
    "weeks": "week",
    "週間": "week",
    "month": "month",
    "months": "month",
    "か月": "month",
    "ヶ月": "month",
    "カ月": "month",
}
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fourteen": 14,
    "thirty": 30,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_UNIT_PATTERN = "|".join(sorted(map(re.escape, _DURATION_UNITS), key=len, reverse=True))
_WORD_PATTERN = "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True))
# "14 days", "14日", "one business day", "一営業日", "24-hour"; not dates ("5月1日", "May 1").
_DURATION = re.compile(
    rf"(?<![月/\d])(?P<n>\d+(?:\.\d+)?|\b(?:{_WORD_PATTERN}))\s*-?\s*(?P<u>{_UNIT_PATTERN})"
    r"(?![a-z目])",
    re.IGNORECASE,
)


def _amount(number: str, scale: str | None) -> str:
    value = float(number.replace(",", "")) * {"万": 10_000, "千": 1_000, "k": 1_000}.get(
        (scale or "").lower(), 1
    )
    return f"¥{value:,.0f}" if value == int(value) else f"¥{value:,}"


# "within a week", "for an hour", "within the hour", "a week late", "a month of" (not "twice
# a week", "took a day off").
_ONE = re.compile(
    rf"\b(?:within|for|in|after|under|over|about|than|least|most)\s+(?:a|an|the)\s+"
    rf"(?P<u>{_UNIT_PATTERN})\b"
    rf"|\b(?:a|an)\s+(?P<v>{_UNIT_PATTERN})\s+(?:late|early|later|earlier|before|ago|of)\b",
    re.IGNORECASE,
)
# "Around the clock" said three ways.
_ALWAYS = re.compile(
    r"24\s*/\s*7|24\s*時間\s*365\s*日|24\s*hours\s+a\s+day,?\s+(?:7|seven)\s+days\s+a\s+week",
    re.IGNORECASE,
)


def figures(text: str) -> frozenset[str]:
    """The money amounts, percentages and time frames a text states, normalised."""
    text = unicodedata.normalize("NFKC", text)
    found: set[str] = set()
    if _ALWAYS.search(text):
        found.add("24/7")
        text = _ALWAYS.sub(" ", text)
    for match in _MONEY.finditer(text):
        if match.group("a"):
            found.add(_amount(match.group("a"), match.group("as")))
        else:
            found.add(_amount(match.group("b"), match.group("bs")))
    found.update(_amount(m.group("n"), m.group("s")) for m in _RANGE_START.finditer(text))
    found.update(f"{float(m.group('n').replace(',', '')):g}%" for m in _PERCENT.finditer(text))
    for match in _DURATION.finditer(text):
        raw = match.group("n")
        count = _WORDS.get(raw.lower(), _WORDS.get(raw)) if not raw[0].isdigit() else float(raw)
        unit = _DURATION_UNITS[match.group("u").lower()]
        found.add(f"{float(count or 0):g} {unit}")
    found.update(
        f"1 {_DURATION_UNITS[(m.group('u') or m.group('v')).lower()]}" for m in _ONE.finditer(text)
    )
    return frozenset(found)


def differing_figures(text: str, other: str) -> list[str]:
    """Figures stated in one copy but not in the other, sorted (empty when they agree)."""
    mine, theirs = figures(text), figures(other)
    return sorted(mine ^ theirs)


def lags_behind(
    changed_at: dt.datetime | None,
    updated: dt.date | None,
    other_changed_at: dt.datetime | None,
    other_updated: dt.date | None,
) -> bool:
    """Whether this copy is older than its translation: the other copy's content changed
    after this one's, or its front-matter `updated` date is later."""
    if changed_at is not None and other_changed_at is not None and other_changed_at > changed_at:
        return True
    return updated is not None and other_updated is not None and other_updated > updated


def joined(texts: Iterable[str]) -> str:
    return "\n".join(texts)
