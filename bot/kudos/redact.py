"""Personal data out of customer words before they are stored, posted or indexed.

Phone numbers go through Google's libphonenumber port (`phonenumbers`), which knows Japanese
and international numbering plans; the rest are narrow patterns that prefer missing an odd
format to eating prices, dates or order numbers.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from pydantic import BaseModel

from ingest.language import detect_language

PLACEHOLDERS = {
    "en": {
        "email": "[email]",
        "phone": "[phone]",
        "card": "[card number]",
        "postal_code": "[postal code]",
        "address": "[address]",
    },
    "ja": {
        "email": "[メールアドレス]",
        "phone": "[電話番号]",
        "card": "[カード番号]",
        "postal_code": "[郵便番号]",
        "address": "[住所]",
    },
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<!\d)(?:\d[ \-]?){12,18}\d(?!\d)")
_JP_POSTAL = re.compile(r"(?:〒|郵便番号[:：]?\s*)\s*\d{3}-?\d{4}(?!\d)")
_PREFECTURE = r"(?:東京都|北海道|(?:大阪|京都)府|[\u4e00-\u9fff]{2,3}県)"
_JP_ADDRESS = re.compile(
    _PREFECTURE + r"[\u4e00-\u9fff\u3040-\u30ffー]{1,12}?(?:市|区|町|村|郡)"
    r"[\u4e00-\u9fff\u3040-\u30ffー]{0,12}?\d+(?:丁目|-|－)?\d*(?:番地?|-|－)?\d*(?:号)?"
)
_STREET = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|"
    r"Boulevard|Blvd\.?|Drive|Dr\.?|Court|Ct\.?|Way|Place|Pl\.?)\b(?:,?\s*(?:Apt|Suite|Unit)\.?"
    r"\s*\w+)?"
)


class Redaction(BaseModel):
    kind: str
    start: int
    end: int


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _normalised(text: str) -> str:
    """Full-width digits, ＠ and dashes as ASCII, one character for one, so offsets hold."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        if char in "ー−―‐":
            folded = "-"
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def _phones(text: str) -> list[Redaction]:
    found = []
    for region in ("JP", "US"):
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            digits = re.sub(r"\D", "", match.raw_string)
            if len(digits) >= 9:  # not prices or order numbers that happen to be valid
                found.append(Redaction(kind="phone", start=match.start, end=match.end))
    return found


def find_personal_data(text: str) -> list[Redaction]:
    plain = _normalised(text)
    found = [Redaction(kind="email", start=m.start(), end=m.end()) for m in _EMAIL.finditer(plain)]
    for match in _CARD.finditer(plain):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            found.append(Redaction(kind="card", start=match.start(), end=match.end()))
    found += _phones(plain)
    found += [
        Redaction(kind="postal_code", start=m.start(), end=m.end())
        for m in _JP_POSTAL.finditer(plain)
    ]
    found += [
        Redaction(kind="address", start=m.start(), end=m.end())
        for pattern in (_JP_ADDRESS, _STREET)
        for m in pattern.finditer(plain)
    ]
    return _merge(found)


def _merge(found: list[Redaction]) -> list[Redaction]:
    merged: list[Redaction] = []
    for item in sorted(found, key=lambda r: (r.start, -r.end)):
        if merged and item.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Redaction(kind=last.kind, start=last.start, end=max(last.end, item.end))
        else:
            merged.append(item)
    return merged


def redact(text: str) -> str:
    if not text:
        return text
    words = PLACEHOLDERS["ja" if detect_language(text) == "ja" else "en"]
    result = text
    for item in reversed(find_personal_data(text)):
        result = result[: item.start] + words[item.kind] + result[item.end :]
    return result
