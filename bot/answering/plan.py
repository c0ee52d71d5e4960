"""From retrieved chunks to an answer that quotes the knowledge: sections in the asker's
language, the units that answer (`bot.answering.compose`), a yes/no where the source settles
it, the role it was answered for, and the sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol

from bot.answering.compose import Composition, Scorer, SectionRef, compose
from bot.answering.intent import Intent, QuestionAnalysis
from bot.answering.models import Answer, Source
from bot.answering.passages import (
    limit_amount,
    passage_features,
    permission_polarity,
    speaks_beyond,
)
from bot.answering.prompts import message
from bot.answering.quotes import render_unit
from bot.answering.roles import role_label
from bot.answering.substance import GENERIC_SHARE, STORY_GENERIC_SHARE, only_names_in_common
from ingest.audience import Audience, visible
from ingest.models import Hit
from ingest.state import IndexedFile
from ingest.structure import Block, Section, plain_inline
from ingest.tokenize import tokenize

if TYPE_CHECKING:
    from bot.answering.service import Retrieval

_SNIPPET_CHARS = 240
_LANGUAGE_NAMES = {"en": {"en": "English", "ja": "英語"}, "ja": {"en": "Japanese", "ja": "日本語"}}
#: Terms of the earlier turns count this much when choosing what to quote for a follow-up.
_CONTEXT_WEIGHT = 0.5


class Knowledge(Protocol):
    """What composing needs from the index, beyond search."""

    def idf(self, term: str) -> float: ...

    def query_terms(self, query: str) -> list[str]: ...

    def sections(self, path: str) -> list[Section]: ...

    def says_otherwise(self, term: str, terms: list[str], text_terms: set[str]) -> bool: ...

    def file(self, path: str) -> IndexedFile | None: ...

    def translation(self, path: str, language: str) -> str | None: ...


@dataclass(frozen=True)
class Plan:
    """What an answer will say, before it is written out (extractively or by a chat model)."""

    composition: Composition
    analysis: QuestionAnalysis
    role: str | None
    other_language: str | None  # the sources' language when the question's has none
    lead: str | None  # "yes", "no" or "over_limit" for a yes/no question the source settles


def to_source(hit: Hit, snippet: str | None = None) -> Source:
    chunk = hit.chunk
    return Source(
        path=chunk.path,
        title=chunk.title,
        section=chunk.section,
        score=round(hit.score, 4),
        snippet=snippet if snippet is not None else chunk.text[:_SNIPPET_CHARS],
        owner=chunk.owner,
        updated=chunk.updated,
        review_by=chunk.review_by,
    )


def section_refs(
    index: Knowledge,
    hits: Sequence[Hit],
    language: str,
    role: str | None,
    audience: Audience = None,
) -> tuple[list[SectionRef], str | None]:
    """The retrieved sections, best first, in the question's language: a section found in
    the other language is read from its translation when there is one. Returns the sections
    and, when the question's language has none of them, the language they are in."""
    same: list[SectionRef] = []
    other: list[SectionRef] = []
    seen: set[tuple[str, int]] = set()
    top = max((h.score for h in hits), default=0.0) or 1.0
    for hit in hits:
        hit = _in_language(index, hit, language, audience)
        key = (hit.chunk.path, hit.chunk.section_index)
        sections = index.sections(hit.chunk.path)
        if key in seen or not 0 <= key[1] < len(sections):
            continue
        seen.add(key)
        info = index.file(hit.chunk.path)
        guide = bool(info and info.doc_type == "role-guide")
        own_guide = bool(guide and role and role in hit.chunk.roles)
        prior = max(hit.score, 0.0) / top
        outline = outline_block(sections, key[1])
        story = bool(info and info.doc_type == "highlight")
        others = bool(role and hit.chunk.roles and role not in hit.chunk.roles)
        ref = SectionRef(hit, sections[key[1]], prior, own_guide, guide, story, others, outline)
        (same if hit.chunk.language == language else other).append(ref)
    if same:
        return same, None
    return other, (other[0].hit.chunk.language if other else None)


_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[①-⑳])\s*")


def outline_block(sections: Sequence[Section], index: int) -> Block | None:
    """A section and its siblings under one parent heading as a list: each sibling's heading
    and its first sentence ("Own it: Whoever hears about a problem owns it…")."""
    heading = sections[index].heading
    parent, _, _ = heading.rpartition(" > ")
    if not parent:
        return None
    items: list[str] = []
    ordered = True
    for section in sections:
        head, _, own = section.heading.rpartition(" > ")
        if head != parent:
            continue
        ordered = ordered and bool(_NUMBERING.match(own))
        first = next((b.lines[0] for b in section.blocks if b.kind == "paragraph"), "")
        title = _NUMBERING.sub("", own)
        items.append(f"{title}: {first}" if first else title)
    if len(items) < 2 or not ordered:
        return None  # numbered headings (steps, values) form a set; a FAQ's questions do not
    return Block(kind="list", lines=items, lead=parent.rpartition(" > ")[2], ordered=True)


def _in_language(index: Knowledge, hit: Hit, language: str, audience: Audience) -> Hit:
    """The same section of the document's translation, when it has one in `language` that the
    asker may read (a translation can have an audience of its own)."""
    chunk = hit.chunk
    if chunk.language == language:
        return hit
    path = index.translation(chunk.path, language)
    sections = index.sections(path) if path else []
    info = index.file(path) if path else None
    if path is None or info is None or not 0 <= chunk.section_index < len(sections):
        return hit
    if not visible(info.audience, audience):
        return hit
    section = sections[chunk.section_index]
    translated = chunk.model_copy(
        update={
            "path": path,
            "title": info.title,
            "section": section.heading,
            "language": language,
            "owner": info.owner,
            "updated": info.updated,
            "review_by": info.review_by,
            "audience": info.audience,
            "text": "\n".join(b.text() for b in section.blocks),
        }
    )
    return hit.model_copy(update={"chunk": translated})


def plan_answer(
    index: Knowledge,
    question: str,
    found: Retrieval,
    language: str,
    *,
    said: Sequence[str] = (),
    wants_new: bool = False,
) -> Plan | None:
    """What to quote. `said`: the previous answer, for a follow-up: the section it quoted
    carries the topic on, and when the asker `wants_new` ("what else?") it is not repeated."""
    refs, other_language = section_refs(index, found.hits, language, found.role, found.audience)
    if not refs:
        return None
    analysis = found.reading.analysis
    own = index.query_terms(question)
    weights = {t: index.idf(t) for t in own}
    if found.reading.follow_up:
        for term in index.query_terms(found.reading.query):
            weights.setdefault(term, _CONTEXT_WEIGHT * index.idf(term))
    synonyms = partial(index.says_otherwise, terms=own)
    scorer = Scorer(analysis, weights, found.role, synonyms, said=tuple(said), wants_new=wants_new)
    composition = compose(refs, scorer)
    if not composition.units:
        return None
    if not found.reading.follow_up and (
        _off_topic(index, question, own, composition)
        or _no_figure(analysis, composition, _subject(index, own))
    ):
        return None
    return Plan(composition, analysis, found.role, other_language, _lead(analysis, composition))


def _off_topic(index: Knowledge, question: str, terms: list[str], composition: Composition) -> bool:
    """The quote shares only a name or an everyday word with the question (`substance`)."""
    quoted = [u.text() for u in composition.units]
    for n in dict.fromkeys(u.ref for u in composition.units):
        ref = composition.refs[n]
        quoted += [ref.section.heading, ref.hit.chunk.title]
    stories = all(composition.refs[u.ref].story for u in composition.units)
    return only_names_in_common(
        question,
        quoted,
        terms=terms,
        idf=index.idf,
        says_otherwise=lambda term, present: index.says_otherwise(term, terms, present),
        generic_share=STORY_GENERIC_SHARE if stories else GENERIC_SHARE,
    )


_SUBJECT_TERMS = 3
_SUBJECT_MATCHES = 2
_PRICE_WORDS = frozenset(
    tokenize("how much cost costs price fee fees charge charged pay いくら 料金 金額 費用 値段")
)


def _subject(index: Knowledge, terms: list[str]) -> set[str]:
    """The question's most telling words ("termination" in "how much is the early
    termination fee?"), leaving out the words every price question has."""
    telling = [t for t in dict.fromkeys(terms) if t not in _PRICE_WORDS]
    return set(sorted(telling, key=index.idf, reverse=True)[:_SUBJECT_TERMS])


def _no_figure(analysis: QuestionAnalysis, composition: Composition, subject: set[str]) -> bool:
    """ "How much is the annual fee?" answered by a passage that names the fee but no sum, or
    a sum for something else (the late fee for "the early termination fee"): the knowledge
    does not say what it costs."""
    if not analysis.asks_price:
        return False
    # Two of its telling words, not one: "a ¥1,000 gift voucher" is not the price of gift
    # wrapping.
    needed = min(_SUBJECT_MATCHES, len(subject))
    return not any(
        Intent.AMOUNT in passage_features(u.text())
        and len(subject & set(tokenize(u.text()))) >= needed
        for u in composition.units
    )


def _lead(analysis: QuestionAnalysis, composition: Composition) -> str | None:
    """Yes or no, for a yes/no question whose answer the quoted source settles."""
    if Intent.PERMISSION not in analysis.intents or analysis.wh_question:
        return None  # "what's my limit without asking?" is answered by the limit, not "Yes."
    texts = [u.text() for u in composition.units]
    if analysis.amount is not None:
        # The limit one may decide alone settles it ("up to ¥5,000" against ¥7,000); "more
        # than the ¥500 coupon" is over a ¥500 limit.
        asked = analysis.amount + (1 if analysis.beyond_amount else 0)
        for text in texts:
            limit = limit_amount(text)
            if limit is not None and permission_polarity(text) == "yes":
                return "yes" if asked <= limit else "over_limit"
        if analysis.beyond_amount and not speaks_beyond(texts[0], analysis.amount):
            return None  # a rule about the amount itself says nothing about going beyond it
    return permission_polarity(texts[0])


def extractive_answer(plan: Plan, found: Retrieval, language: str) -> Answer:
    composition = plan.composition
    order: list[int] = []
    for unit in composition.units:
        if unit.ref not in order:
            order.append(unit.ref)
    parts: list[str] = []
    if plan.other_language:
        name = _LANGUAGE_NAMES.get(plan.other_language, {}).get(language, plan.other_language)
        parts.append(message("only_in_other_language", language, language_name=name))
    for n, unit in enumerate(composition.units):
        lines = render_unit(unit, f"[{order.index(unit.ref) + 1}]")
        if n == 0 and plan.lead:
            lines = _with_lead(message(f"lead_{plan.lead}", language), lines, unit.kind)
        parts.append("\n".join(lines))
    if plan.role and composition.role_specific:
        parts.append(message("answered_for_role", language, role=role_label(plan.role, language)))
    sources = []
    for ref_index in order:
        ref = composition.refs[ref_index]
        quoted = [u for u in composition.units if u.ref == ref_index]
        snippet = plain_inline(" ".join(u.text().replace("\n", " ") for u in quoted))
        sources.append(to_source(ref.hit, snippet[:_SNIPPET_CHARS]))
    return Answer(
        answer="\n\n".join(parts),
        answered=True,
        sources=sources,
        language=language,
        confidence=round(found.confidence, 4),
        mode="extractive",
        role=plan.role,
    )


def _with_lead(lead: str, lines: list[str], kind: str) -> list[str]:
    if kind in ("sentences", "quote") or len(lines) == 1:
        joiner = "" if lead.endswith("。") else " "
        return [lead + joiner + lines[0], *lines[1:]]
    return [lead, *lines]


def plan_passages(plan: Plan) -> list[Hit]:
    """The sections an answer draws on, whole, for a chat model to write from."""
    passages: list[Hit] = []
    for ref in plan.composition.refs[:3]:
        text = "\n".join(plain_inline(b.text()) for b in ref.section.blocks)
        passages.append(
            ref.hit.model_copy(update={"chunk": ref.hit.chunk.model_copy(update={"text": text})})
        )
    return passages
