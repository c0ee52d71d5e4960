"""Personal data out of customer words before they are stored, posted or indexed.

Phone numbers go through Google's libphonenumber port (`phonenumbers`), which knows the
Japanese and international numbering plans far better than a regex could. The other kinds are
narrow patterns: privacy matters, but a celebration whose prices, dates and order numbers turned
into placeholders would be useless, so each pattern asks for a clear signal (an @, a Luhn check
digit, a 〒 mark, a prefecture, a street suffix) rather than "some digits".

Everything is detected on a folded copy (full-width forms and dash variants made ASCII, one
folded character remembering which original character it came from), so ０９０ー１２３４ and
ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ are found while the text that is kept is left exactly as typed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import phonenumbers
from pydantic import BaseModel

from ingest.language import detect_language

PLACEHOLDERS: dict[str, dict[str, str]] = {
    "en": {
        "email": "[email]",
        "phone": "[phone]",
        "card": "[card number]",
        "postal_code": "[postal code]",
        "address": "[address]",
        "url_with_token": "[link]",
    },
    "ja": {
        "email": "[メールアドレス]",
        "phone": "[電話番号]",
        "card": "[カード番号]",
        "postal_code": "[郵便番号]",
        "address": "[住所]",
        "url_with_token": "[リンク]",
    },
}
# When spans of two kinds overlap and are equally long, the earlier kind names the merged span.
_PRIORITY = ("email", "card", "url_with_token", "phone", "address", "postal_code")
# Mentions, channels and <!here> belong to the escaping layer; digits inside a user or group ID
# must not be read as a phone number. Cards and e-mails are redacted even there (never leak).
_SLACK_MARKUP = re.compile(r"<[@#!][^<>]*>")
_SOFT_KINDS = frozenset({"phone", "postal_code", "address"})

_DASHES = "‐‑‒–—―−─━"
_ASCII_DIGITS = frozenset("0123456789")
# Starting only where a run of address characters starts keeps a long run without an @ linear.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Slack turns typed addresses and numbers into <mailto:a@b.jp|a@b.jp>; one placeholder for both.
_SLACK_LINK = re.compile(r"<(mailto|tel):[^<>]*>")
_URL = re.compile(r"https?://[^\s<>|\"']+")
_SECRET_PARAM = re.compile(
    r"[?&#;](?:access_token|api_?key|auth|code|email|key|password|pwd|secret|session(?:id)?"
    r"|sid|sig|signature|token)=",
    re.IGNORECASE,
)
_DIGIT_GROUPS = re.compile(r"[0-9]+(?:[ -][0-9]+)*")
_DIGITS = re.compile(r"[0-9]+")

_JP_POSTAL = re.compile(r"〒\s*[0-9]{3}-?[0-9]{4}(?![0-9])")
# After a label only the code itself goes, so "郵便番号：[郵便番号]" still reads naturally.
_LABELLED_POSTAL = re.compile(
    r"(?:郵便番号|postal code|post code|zip(?: code)?)\s*[:#]?\s*"
    r"([0-9]{3}-?[0-9]{4}|[0-9]{5}(?:-[0-9]{4})?)(?![0-9])",
    re.IGNORECASE,
)
_US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
# A bare five-digit number is an order number; after ", CA" it is a ZIP code.
_STATE_ZIP = rf",\s*(?:{'|'.join(_US_STATES)})\s+(?P<zip>[0-9]{{5}}(?:-[0-9]{{4}})?)(?![0-9])"
_US_ZIP = re.compile(_STATE_ZIP)

_PREFECTURES = (
    "北海道 東京都 京都府 大阪府 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 "
    "埼玉県 千葉県 神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 "
    "滋賀県 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 "
    "福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()
_JA = r"[\u3041-\u309f\u30a1-\u30ff\u4e00-\u9fff々ヶー]"
_KANJI = r"[\u4e00-\u9fff々ヶ]"
_NUM = r"[0-9一二三四五六七八九十]+"
_MARK = r"(?:丁目|番地|番|号|条)"
# Block numbers need a separator or a marker ("1-2-3", "3丁目"), and may not run on into a
# counter, so "2-3人" or a bare "5" after a place name stays.
_BLOCK = (
    rf"{_NUM}(?:(?:(?:{_MARK}|-)[東西南北]?{_NUM})+{_MARK}?|{_MARK})"
    r"(?![0-9\-人個名件本枚回日月年時分円%])"
)
_JP_ADDRESS = re.compile(
    rf"(?:{'|'.join(_PREFECTURES)})(?:{_JA}{{1,6}}?郡)?{_JA}{{1,8}}?[市区町村]{_JA}{{0,12}}?"
    + _BLOCK
)
# Without a prefecture only a kanji city or ward name with a full block number counts.
_JP_WARD_ADDRESS = re.compile(
    rf"(?<!{_KANJI}){_KANJI}{{1,4}}[市区]{_KANJI}{{0,8}}"
    rf"{_NUM}(?:丁目|-){_NUM}(?:番地?|-){_NUM}号?(?![0-9\-人個名件本枚回日月年時分円%])"
)
_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir)"
)
_STREET = re.compile(
    r"(?<![\w$¥£€.,:/#-])[0-9]{1,5}[A-Za-z]?\s+"
    r"(?:(?:[A-Z][a-z]+|[0-9]{1,3}(?:st|nd|rd|th))\s+){1,3}"
    rf"{_STREET_SUFFIX}(?![A-Za-z])(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
    r"(?:\.?,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Room|Floor|#)\.?\s*#?[A-Za-z0-9-]+)?"
    rf"(?:(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){{0,2}})?{_STATE_ZIP})?"
)


class Redaction(BaseModel):
    kind: str
    start: int
    end: int


class _Span(NamedTuple):
    kind: str
    start: int
    end: int


class _Folded(NamedTuple):
    text: str
    origin: list[int]  # origin[i]: index in the original text of folded character i

    def span(self, kind: str, start: int, end: int) -> _Span:
        return _Span(kind, self.origin[start], self.origin[end - 1] + 1)


def _fold(text: str) -> _Folded:
    """NFKC one character at a time, so every folded character maps back to its original."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = "-" if char in _DASHES else unicodedata.normalize("NFKC", char)
        chars.extend(folded)
        origin.extend([index] * len(folded))
    # The long-vowel mark is a dash only between digits; in データ it must stay a letter.
    for i in range(1, len(chars) - 1):
        if chars[i] == "ー" and chars[i - 1] in _ASCII_DIGITS and chars[i + 1] in _ASCII_DIGITS:
            chars[i] = "-"
    return _Folded("".join(chars), origin)


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_layout(sizes: list[int]) -> bool:
    """Card numbers are written as one run, in fours (last group shorter), or 4-6-5 / 4-6-4."""
    if len(sizes) == 1 or tuple(sizes) in {(4, 6, 5), (4, 6, 4)}:
        return True
    return all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4


def _cards(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for run in _DIGIT_GROUPS.finditer(text):
        groups = [(m.start(), m.end()) for m in _DIGITS.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(groups):
            # A run may carry a reference number before the card ("ref 12 4111 ..."), so the
            # longest card-shaped, Luhn-valid stretch starting at each group is tried.
            for j in range(min(len(groups), i + 5) - 1, i - 1, -1):
                sizes = [end - start for start, end in groups[i : j + 1]]
                digits = "".join(text[start:end] for start, end in groups[i : j + 1])
                if 13 <= len(digits) <= 19 and _card_layout(sizes) and _luhn(digits):
                    spans.append((groups[i][0], groups[j][1]))
                    i = j
                    break
            i += 1
    return spans


def _is_phone(raw: str) -> bool:
    # An unbroken run without a trunk 0 or + is as likely an order or member number.
    return not raw.isdigit() or raw.startswith("0")


def _phones(text: str) -> list[tuple[int, int]]:
    # VALID (not POSSIBLE): POSSIBLE reads dates such as 2026-05-01 and card groups as numbers.
    return [
        (match.start, match.end)
        for region in ("JP", "US")
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        )
        if _is_phone(match.raw_string)
    ]


def _token_urls(text: str) -> list[tuple[int, int]]:
    # Survey and ticket links are kept; only links that carry a secret or a personal key go.
    return [(m.start(), m.end()) for m in _URL.finditer(text) if _SECRET_PARAM.search(m.group())]


def _slack_links(text: str) -> list[_Span]:
    return [
        _Span("email" if m.group(1) == "mailto" else "phone", m.start(), m.end())
        for m in _SLACK_LINK.finditer(text)
    ]


def _pattern_spans(text: str) -> list[_Span]:
    spans = [_Span("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    spans += [_Span("postal_code", m.start(), m.end()) for m in _JP_POSTAL.finditer(text)]
    spans += [_Span("postal_code", m.start(1), m.end(1)) for m in _LABELLED_POSTAL.finditer(text)]
    # The ZIP is the code; the ", CA " before it is ordinary text.
    spans += [_Span("postal_code", m.start("zip"), m.end("zip")) for m in _US_ZIP.finditer(text)]
    for pattern in (_JP_ADDRESS, _JP_WARD_ADDRESS, _STREET):
        spans += [_Span("address", m.start(), m.end()) for m in pattern.finditer(text)]
    return spans


def _detect(text: str) -> list[_Span]:
    spans = _pattern_spans(text) + _slack_links(text)
    spans += [_Span("card", start, end) for start, end in _cards(text)]
    spans += [_Span("phone", start, end) for start, end in _phones(text)]
    spans += [_Span("url_with_token", start, end) for start, end in _token_urls(text)]
    return spans


def _outside_slack_markup(spans: list[_Span], text: str) -> list[_Span]:
    markup = [(m.start(), m.end()) for m in _SLACK_MARKUP.finditer(text)]
    return [
        span
        for span in spans
        if span.kind not in _SOFT_KINDS
        or not any(span.start < end and start < span.end for start, end in markup)
    ]


def _merge(spans: list[_Span]) -> list[_Span]:
    """Overlapping findings become one; the longest finding names it."""
    groups: list[list[_Span]] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if groups and span.start < max(s.end for s in groups[-1]):
            groups[-1].append(span)
        else:
            groups.append([span])
    merged = []
    for group in groups:
        lead = min(group, key=lambda s: (s.start - s.end, _PRIORITY.index(s.kind)))
        merged.append(_Span(lead.kind, group[0].start, max(s.end for s in group)))
    return merged


def find_personal_data(text: str) -> list[Redaction]:
    """Personal data in `text`, as non-overlapping spans of the original text, in order."""
    folded = _fold(text)
    found = [folded.span(*span) for span in _detect(folded.text)]
    found = _outside_slack_markup(found, text)
    return [Redaction(kind=s.kind, start=s.start, end=s.end) for s in _merge(found)]


def placeholder(kind: str, language: str) -> str:
    return PLACEHOLDERS["ja" if language == "ja" else "en"][kind]


def redact(text: str) -> str:
    """`text` with each finding replaced by a short placeholder in the text's language.

    Slack markup such as <!here> is left alone: escaping is the rendering layer's job.
    """
    language = detect_language(text)
    # A placeholder can open a boundary a pattern waits for ("x@a.jp09012345678" hides the
    # phone until the e-mail is gone), so passes repeat until nothing is found: that is what
    # makes redact(redact(x)) == redact(x). Every finding needs something no placeholder holds
    # (a digit, an @, a URL, a Slack link), so each pass eats original text and the loop ends.
    while findings := find_personal_data(text):
        text = _replace(text, findings, language)
    return text


def _replace(text: str, findings: list[Redaction], language: str) -> str:
    pieces: list[str] = []
    cursor = 0
    for item in findings:
        pieces += [text[cursor : item.start], placeholder(item.kind, language)]
        cursor = item.end
    pieces.append(text[cursor:])
    return "".join(pieces)
