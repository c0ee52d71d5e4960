"""Extractive answers: the sentences of the best passages that answer the question."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from ingest.chunking import is_title_line, split_sentences
from ingest.models import Hit
from ingest.tokenize import tokenize

_LIST_ITEM = re.compile(r"^\s*(?:[-*+•・]|\d+[.)])\s+")
_MAX_SENTENCES_PER_PASSAGE = 3
_MAX_CHARS_PER_PASSAGE = 480

#: Embeds sentences and the question together; returns cosine similarities, or None to skip.
SentenceScorer = Callable[[str, Sequence[str]], Sequence[float] | None]


_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")


def table_row(line: str) -> str | None:
    """A Markdown table row as readable text ("Store staff: up to ¥5,000"); None for rules."""
    if _TABLE_RULE.match(line):
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    cells = [c for c in cells if c]
    if not cells:
        return None
    return cells[0] + (": " + " — ".join(cells[1:]) if len(cells) > 1 else "")


def passage_units(text: str) -> list[str]:
    units: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("|"):
            row = table_row(line)
            if row:
                units.append(f"- {row}")
        elif _LIST_ITEM.match(line):
            units.append(line)
        else:
            units.extend(split_sentences(line))
    # Plain-text headings say what a passage is about, not what it says: quote sentences.
    sentences = [u for u in units if _LIST_ITEM.match(u) or not is_title_line(u)]
    return sentences or units


@lru_cache(maxsize=8192)
def _terms(text: str) -> frozenset[str]:
    """Lexical terms of a sentence or question. Cached: the same passages are quoted again and
    again, and Sudachi is the slow part of composing an answer."""
    return frozenset(tokenize(text))


def _lexical_overlap(weights: dict[str, float], total: float, unit: str) -> float:
    if total <= 0:
        return 0.0
    terms = _terms(unit)
    return sum(w for t, w in weights.items() if t in terms) / total


def best_sentences(
    question: str,
    hit: Hit,
    *,
    idf: Callable[[str], float],
    scorer: SentenceScorer | None = None,
) -> str:
    """Up to three sentences of the passage that answer best, in their original order."""
    units = passage_units(hit.chunk.text)
    if len(units) <= 2:
        return _trim(" ".join(units))
    # One IDF lookup per question term, not one per term and sentence.
    weights = {t: idf(t) for t in set(_terms(question))}
    total = sum(weights.values())
    lexical = np.array([_lexical_overlap(weights, total, u) for u in units])
    dense = scorer(question, units) if scorer else None
    scores = lexical if dense is None else 0.5 * lexical + 0.5 * np.asarray(dense)
    # A little credit for coming first: passages usually lead with their point.
    scores = scores + np.linspace(0.05, 0.0, num=len(units))
    best = int(np.argmax(scores))
    chosen = {best}
    # Grow around the best sentence while it stays relevant, so the answer reads as a whole.
    for offset in (1, -1, 2):
        index = best + offset
        if len(chosen) >= _MAX_SENTENCES_PER_PASSAGE or not 0 <= index < len(units):
            continue
        if scores[index] >= 0.5 * scores[best] or (offset == 1 and units[best].endswith(":")):
            chosen.add(index)
    text = _join([units[i] for i in sorted(chosen)])
    return _trim(text)


def _join(units: list[str]) -> str:
    if any(_LIST_ITEM.match(u) for u in units):
        return "\n".join(units)
    return " ".join(units).replace("。 ", "。")


def _trim(text: str, limit: int = _MAX_CHARS_PER_PASSAGE) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    # Prefer to stop at a sentence end in either language, else at a word boundary.
    end = max(cut.rfind("。"), cut.rfind(". "), cut.rfind("！"), cut.rfind("？"))
    if end > limit // 2:
        return cut[: end + 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + "…"


def select_passages(hits: Sequence[Hit], *, limit: int = 3, relative: float = 0.7) -> list[Hit]:
    """The best hit plus close runners-up from other sections (no near-duplicates)."""
    if not hits:
        return []
    top = hits[0].score
    chosen: list[Hit] = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        key = (hit.chunk.path, hit.chunk.section)
        if key in seen or hit.score < relative * top:
            continue
        chosen.append(hit)
        seen.add(key)
        if len(chosen) >= limit:
            break
    return chosen
