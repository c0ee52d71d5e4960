"""The role card: what a person in a role needs on one card, quoted from the role's guide.

Every line is a whole unit of the knowledge (a sentence, a list item) with its source, in the
person's language when the guide has a translation into it. The mantra comes from the vision,
what it means for the role from the guide's mantra section, the limits from "What you can
decide alone", who to ask above them from its "Needs approval" items (else the guide's "Who
to ask" items that name an amount), and the first situations of "Common situations".
"""

from __future__ import annotations

import re

from bot.lessons.facts import labelled, spans
from bot.lessons.knowledge import (
    APPROVAL_LEAD,
    Doc,
    Unit,
    public_documents,
    role_guide,
    section_kind,
    units,
)
from bot.lessons.models import CardLine, LessonSource, RoleCard
from bot.lessons.ports import LessonIndex
from bot.lessons.service import UnknownRoleError
from ingest.structure import plain_inline, split_sentences

_EXAMPLES = re.compile(r"example|例", re.IGNORECASE)
_ALONE = re.compile(
    r"decide alone|without (?:approval|asking)|承認なし|承認も得ず|ひとりで決め", re.IGNORECASE
)
_MAX_LINES = 3


class NoRoleGuideError(LookupError):
    """The knowledge has no guide for the role."""


def role_card(index: LessonIndex, role: str, language: str) -> RoleCard:
    """The card for a role, in `language` when the guide is written in or translated into it
    (else in the guide's own language: `RoleCard.language` says which)."""
    known = index.known_roles()
    if role not in known:
        raise UnknownRoleError(role, known)
    guide = role_guide(index, role, language)
    if guide is None:
        raise NoRoleGuideError(f"The knowledge has no role guide for {role}.")
    guide_units = list(units(index, guide))
    return RoleCard(
        role=role,
        language=guide.language,
        title=guide.title,
        mantra=mantra(index, guide.language),
        meaning=meaning(guide_units),
        decide_alone=decide_alone(guide_units),
        ask=ask_above_limit(guide_units),
        situations=situations(guide_units),
    )


def line(unit: Unit, text: str | None = None, label: str = "") -> CardLine:
    source = LessonSource(path=unit.doc.path, section=unit.section)
    return CardLine(text=text if text is not None else unit.text, label=label, source=source)


def mantra(index: LessonIndex, language: str) -> CardLine | None:
    """The mantra as the vision states it: the first line of its mantra section (a line of
    its own, as a mantra often is, reads as a plain-text heading: it counts too)."""
    visions: list[Doc] = [d for d in public_documents(index, language) if d.doc_type == "vision"]
    for doc in visions:
        for section in index.sections(doc.path):
            if section_kind(section.heading) == "mantra" and section.blocks:
                first = section.blocks[0]
                text = plain_inline(first.lines[0] if first.lines else first.text()).strip()
                source = LessonSource(path=doc.path, section=section.heading)
                return CardLine(text=text, source=source)
    return None


def meaning(guide_units: list[Unit]) -> list[CardLine]:
    """What the mantra means for the role: the opening sentences of the guide's section."""
    found = [u for u in guide_units if u.kind == "mantra" and u.block == "paragraph"]
    return [line(u) for u in found[:2]]


def decide_alone(guide_units: list[Unit]) -> list[CardLine]:
    """What the role may decide alone, limits first; examples are left to the guide."""
    found = [
        u
        for u in guide_units
        if u.kind == "decide" and not _EXAMPLES.search(u.lead) and u.block != "table"
    ]
    if not found:
        return []

    def rank(unit: Unit) -> int:
        if _ALONE.search(unit.text):
            return 0
        return 1 if any(s.kind in ("money", "percent") for s in spans(unit.text)) else 2

    chosen = [found[0], *sorted(found[1:], key=rank)][:_MAX_LINES]
    return [line(u) for u in sorted(chosen, key=found.index)]


def ask_above_limit(guide_units: list[Unit]) -> list[CardLine]:
    """Who decides above the role's limit: "Needs approval" items, the amounts first."""
    approvals = [u for u in guide_units if u.kind == "approval"]
    if not approvals:
        approvals = [
            u
            for u in guide_units
            if u.kind == "ask" and any(s.kind == "money" for s in spans(u.text))
        ]
    with_amounts = [u for u in approvals if any(s.kind == "money" for s in spans(u.text))]
    chosen = (with_amounts or approvals)[:_MAX_LINES]
    lines = []
    for unit in chosen:
        label, text = labelled(unit.raw) or ("", plain_inline(unit.raw).strip())
        if APPROVAL_LEAD.search(label):  # "Needs approval: anything over ¥50,000 goes to…"
            label, text = "", text[:1].upper() + text[1:]
        lines.append(line(unit, text=text, label=label))
    return lines


def situations(guide_units: list[Unit]) -> list[CardLine]:
    """The first situations of the guide, each with the opening of what to do."""
    by_section: dict[str, list[Unit]] = {}
    for unit in guide_units:
        if unit.kind == "situation" and unit.block == "paragraph":
            by_section.setdefault(unit.section, []).append(unit)
    lines = []
    for found in list(by_section.values())[:_MAX_LINES]:
        first = found[0]
        lines.append(line(first, text=_opening(found, first.doc.language), label=first.situation))
    return lines


def _opening(found: list[Unit], language: str) -> str:
    """Sentences from the start of a situation until there is enough to act on."""
    taken: list[str] = []
    for unit in found:
        for sentence in split_sentences(unit.text):
            if sentence.startswith(('"', "“", "「", "*")):
                continue
            taken.append(sentence)
            size = len("".join(taken)) if language == "ja" else len(" ".join(taken).split())
            if size >= (40 if language == "ja" else 14) or len(taken) == 2:
                return ("" if language == "ja" else " ").join(taken)
    return ("" if language == "ja" else " ").join(taken)
