"""Shared pieces of the question and passage readers: normalising text and reading amounts of
money ("¥7,000", "7千円", "1.5万円", "$150", "€20", "40 dollars") and the limits stated next
to them. A question and its knowledge are taken to use one currency: amounts compare by value."""

from __future__ import annotations

import re
import unicodedata


def rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.MULTILINE)


def normalise(text: str, *, keep_lines: bool = False) -> str:
    # NFKC folds full-width digits, ￥ and ？ to ASCII, so one set of patterns serves both.
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    lines = text.casefold().splitlines() if keep_lines else [text.casefold()]
    return "\n".join(" ".join(line.split()) for line in lines)


# Money -------------------------------------------------------------------------------------

# NFKC leaves these as they are; "US$" and "A$" read as their symbol.
_CURRENCY_SIGN = r"(?:[A-Z]{1,2})?[$€£¥₹₩]"
_CURRENCY_WORD = r"円|(?:yen|jpy|usd|eur|gbp|aud|cad|dollars?|bucks|euros?|pounds|quid)\b"

NUM = r"(?<![\d,.])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[一二三四五六七八九十])"
MONEY = re.compile(
    # 1万円, 1.5万円, 1万5千円, and 「1万超え」 where 円 is dropped before a limit word.
    rf"(?P<man>{NUM})\s*万\s*(?:(?P<sen>\d|[一二三四五六七八九])\s*千|(?P<rest>\d{{1,4}}))?"
    r"\s*(?:円|(?=まで|超|以上|以下|未満|くらい|ぐらい|程度|相当))"
    rf"|{_CURRENCY_SIGN}\s*(?P<a>{NUM})\s*(?P<am>k\b|万|千)?"
    rf"|(?P<b>{NUM})\s*(?P<bm>k|千)?\s*(?:{_CURRENCY_WORD})",
    re.IGNORECASE,
)
PERCENT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|パーセント|percent\b)")
KANJI_DIGITS = {k: i for i, k in enumerate("一二三四五六七八九十", start=1)}
MULTIPLIER = {"": 1, "k": 1_000, "K": 1_000, "千": 1_000, "万": 10_000}


def number(text: str) -> float:
    return float(KANJI_DIGITS.get(text) or text.replace(",", ""))


def money_value(match: re.Match[str]) -> int:
    if match["man"] is not None:
        value = number(match["man"]) * 10_000
        value += number(match["sen"]) * 1_000 if match["sen"] else 0
        value += int(match["rest"]) if match["rest"] else 0
    elif match["a"] is not None:
        value = number(match["a"]) * MULTIPLIER[match["am"] or ""]
    else:
        value = number(match["b"]) * MULTIPLIER[match["bm"] or ""]
    return round(value)


# Staff say "a 12k lamp", "70k of goodwill": in a question, thousands are money.
_THOUSANDS = re.compile(r"(?<![\w.,])(\d{1,4}(?:\.\d)?)\s?k\b")


def thousands_value(text: str) -> int | None:
    match = _THOUSANDS.search(text)
    return round(float(match.group(1)) * 1_000) if match else None


# A yen amount is a limit when a limit word stands right before or after it.
LIMIT_BEFORE = re.compile(
    r"(?:\b(?:up to|no more than|not more than|maximum of|max(?:imum)?|at most|limit of|"
    r"limit is|capped at|cap of)|上限(?:は|が|額)?)\s*$"
)
LIMIT_AFTER = re.compile(
    r"^\s*(?:(?:limit|cap|maximum|max)\b|(?:[(][^)]{0,20}[)])?\s*(?:相当)?\s*"
    r"(?:まで|以内|以下|を上限|が上限))"
)


# Words that carry no topic in a question (English and Japanese).
STOPWORDS = frozenset(
    """a about actually again all also am an and another any anyone anything are as at back be
    been being but by can could did do does doing done don't dont else even for from get gets
    getting go going got had has have he her here him his how hows i i'd i'll i'm i've if im
    in into is isn't it it's its ive just know let like long many may me mean means might mine
    more much must my myself need needs no not now of off ok okay on one only or other our out
    over please quick quickly really said same say see she should so some someone something
    soon still such supposed tell than thanks that that's the their them then there these they
    thing things this those though thx to too u up ur us want was way we were what what's
    whats when where which who who's whom whos whose why will with without would yeah yes you
    your fast often far allowed able meant
    場合 時 事 方 誰 何 今 件 次 前 後 中 上 下 他 自分 私 僕 俺 人 様""".split()
)
