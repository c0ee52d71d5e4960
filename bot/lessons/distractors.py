"""Wrong options: facts of the same kind written elsewhere in the knowledge, never invented.

For an amount, the best wrong options are other limits (another role's, the next level's),
of a similar size; for a time frame, other time frames in the same unit; for a channel or a
contact, others the knowledge names. A candidate that the question itself mentions, or that
states the same figure in other words, is never offered."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

from bot.lessons.facts import Fact, contact, in_range, spans
from bot.lessons.knowledge import POOL_TYPES, Unit, public_documents, units
from bot.lessons.models import FactKind
from bot.lessons.ports import LessonIndex
from ingest.parity import figures

_LIMITISH = re.compile(r"up to|limit|\bover\b|above|まで|上限|超", re.IGNORECASE)
_AUTHORITY = ("decide", "approval")
_HANDLE = re.compile(r"@[\w.-]+")
_UNIT_HOURS = {
    "minute": 1 / 60,
    "hour": 1,
    "day": 24,
    "business-day": 24,
    "week": 24 * 7,
    "month": 24 * 30,
}


@dataclass(frozen=True)
class Candidate:
    kind: FactKind
    text: str
    value: str
    path: str
    limitish: bool
    authority: bool  # stated where a role's own limits are


def pool(index: LessonIndex, language: str) -> list[Candidate]:
    """Every fact of every kind in the language's public rules and guides, by kind."""
    found: list[Candidate] = []
    for doc in public_documents(index, language):
        if doc.doc_type not in POOL_TYPES:
            continue
        for unit in units(index, doc):
            found.extend(_candidates(unit))
    return found


def _candidates(unit: Unit) -> list[Candidate]:
    limitish = bool(_LIMITISH.search(unit.text))
    authority = unit.kind in _AUTHORITY
    out = [
        Candidate(s.kind, s.text, s.value, unit.doc.path, limitish, authority)
        for s in spans(unit.text)
        if not in_range(unit.text, s)
    ]
    named = contact(unit) if unit.kind == "ask" and unit.block == "list" else None
    if named is not None:
        out.append(
            Candidate("contact", named[0], named[0].lower(), unit.doc.path, False, authority)
        )
    return out


def choose(fact: Fact, candidates: list[Candidate], key: str) -> list[str]:
    """The two best wrong options for a fact (fewer when the knowledge has no more)."""
    shown = f"{fact.cloze} {fact.unit.situation} {fact.topic}"
    shown_values = set(figures(shown))
    best: dict[str, tuple[float, str]] = {}
    for candidate in candidates:
        if candidate.kind != fact.kind or not _differs(fact, candidate):
            continue
        if candidate.value in shown_values or candidate.text.lower() in shown.lower():
            continue
        fit = _fit(fact, candidate)
        if fit is None:
            continue
        score = fit + _tiebreak(key, candidate.value)
        previous = best.get(candidate.value)
        if previous is None or previous[0] < score:
            # The same figure as written elsewhere: keep the form that fits mid-sentence.
            text = candidate.text
            if previous is not None and text[:1].isupper() and not previous[1][:1].isupper():
                text = previous[1]
            best[candidate.value] = (score, text)
    ranked = sorted(best.values(), reverse=True)
    chosen = [text for _, text in ranked[:2]]
    return [_cased(text, fact.answer) for text in chosen] if fact.kind == "time" else chosen


def _cased(text: str, answer: str) -> str:
    """A time frame in words takes the answer's case: "five minutes" next to "two minutes"."""
    if not (text[:1].isascii() and text.split(" ", 1)[0].isalpha() and answer[:1].isalpha()):
        return text
    first = text[:1].upper() if answer[:1].isupper() else text[:1].lower()
    return first + text[1:]


def _differs(fact: Fact, candidate: Candidate) -> bool:
    if candidate.value == fact.value or candidate.text.lower() == fact.answer.lower():
        return False
    if fact.kind == "contact":
        return not _same_person(fact.answer, candidate.text)
    return True


def _same_person(a: str, b: str) -> bool:
    """One person, two spellings: "CX lead, Aiko Tanaka (@aiko)" and "CX lead Aiko Tanaka"."""
    handles = set(_HANDLE.findall(a)) & set(_HANDLE.findall(b))
    x, y = _bare(a), _bare(b)
    return bool(handles) or x in y or y in x


def _bare(label: str) -> str:
    return re.sub(r"[\s,、・/-]+", " ", re.sub(r"[（(][^）)]*[）)]", "", label)).strip().lower()


def _fit(fact: Fact, candidate: Candidate) -> float | None:
    """How good a wrong option this candidate makes (higher is better; None: not at all,
    "80%" next to "5%" gives the answer away)."""
    score = 0.0
    if candidate.path != fact.unit.doc.path:
        score += 0.5  # "another role's limit"
    if fact.unit.kind in _AUTHORITY and candidate.authority:
        score += 1.5  # a limit next to other limits
    if fact.kind == "money":
        score += 2 * (candidate.limitish == bool(_LIMITISH.search(fact.unit.text)))
        score += _closeness(_yen(fact.value), _yen(candidate.value))
    elif fact.kind == "percent":
        closeness = _closeness(_number(fact.value), _number(candidate.value))
        if closeness < 2 - math.log10(5):
            return None
        score += closeness
    elif fact.kind == "time":
        score += 1.5 * (_unit(fact.value) == _unit(candidate.value))
        score += _closeness(_hours(fact.value), _hours(candidate.value))
    return score


def _closeness(a: float, b: float) -> float:
    """2 for the same order of magnitude, falling to 0 at a hundredfold difference."""
    if a <= 0 or b <= 0:
        return 0.0
    return max(0.0, 2 - abs(math.log10(a / b)))


def _number(value: str) -> float:
    match = re.search(r"\d[\d,]*(?:\.\d+)?", value)
    return float(match.group(0).replace(",", "")) if match else 0.0


def _yen(value: str) -> float:
    return _number(value)


def _unit(value: str) -> str:
    return value.split(" ", 1)[-1]


def _hours(value: str) -> float:
    return _number(value) * _UNIT_HOURS.get(_unit(value), 1)


def _tiebreak(key: str, value: str) -> float:
    """A small, fixed preference between equally good candidates (varies by fact)."""
    digest = hashlib.sha1(f"{key}|{value}".encode()).digest()
    return digest[0] / 1000
