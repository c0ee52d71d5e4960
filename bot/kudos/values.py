"""The company's CX values, read from the vision in the knowledge index, and which one a
piece of customer praise shows."""

from __future__ import annotations

import re

from pydantic import BaseModel

from bot.knowledge_base import KnowledgeBase
from ingest.audience import EVERYONE

_VALUES_HEADING = re.compile(r"value|バリュー|価値観|行動指針", re.IGNORECASE)
_NUMBERING = re.compile(r"^\s*\d+[.)．]\s*")


class CxValue(BaseModel):
    name: str  # as the vision's heading says it, e.g. "Own it (自分ごとにする)"
    language: str
    chunk_ids: list[str]


def cx_values(index: KnowledgeBase) -> list[CxValue]:
    """Each sub-heading under a "values" heading of a vision document is one value. Only
    visions for all staff count: values are offered to anyone and posted in public."""
    found: dict[tuple[str, str], CxValue] = {}
    for indexed in index.files().values():
        if indexed.doc_type != "vision" or indexed.audience != EVERYONE:
            continue
        for chunk_id in indexed.chunk_ids:
            chunk = index.chunk(chunk_id)
            if chunk is None:
                continue
            parts = [p.strip() for p in chunk.section.split(" > ")]
            if len(parts) < 2 or not _VALUES_HEADING.search(parts[-2]):
                continue
            name = _NUMBERING.sub("", parts[-1])
            key = (indexed.language, name)
            found.setdefault(key, CxValue(name=name, language=indexed.language, chunk_ids=[]))
            found[key].chunk_ids.append(chunk_id)
    return list(found.values())


def value_names(index: KnowledgeBase, language: str) -> list[str]:
    """The values to offer, in `language` if the vision has them in it."""
    values = cx_values(index)
    return [v.name for v in values if v.language == language] or [v.name for v in values]


def suggest_value(index: KnowledgeBase, quote: str, language: str) -> str | None:
    """The value whose description is closest to the praise, scored on the value passages
    only: meaning (where the embedding model knows the language) plus shared words."""
    values = [v for v in cx_values(index) if v.language == language] or cx_values(index)
    if not values or not quote.strip():
        return values[0].name if values else None
    ids = [cid for v in values for cid in v.chunk_ids]
    words = index.lexical_scores(quote, ids)
    top_words = max(words.values()) or 1.0
    dense: dict[str, float] = {}
    if index.trusts_language(language):
        dense = index.similarity(quote, ids)
    weight = 0.7 if dense else 0.0

    def score(value: CxValue) -> float:
        return max(
            weight * dense.get(cid, 0.0) + (1 - weight) * words[cid] / top_words
            for cid in value.chunk_ids
        )

    return max(values, key=score).name
