"""Lessons generated from the knowledge itself, for one role in one language.

The facts come from the role's own guide first (what they may decide alone, who approves
above it, common situations, who to ask), then from the playbooks and policies written for
the role. One lesson per fact: the same limit stated in five places is asked once, where it
matters most."""

from __future__ import annotations

from bot.lessons.distractors import Candidate, choose, pool
from bot.lessons.facts import Fact, unit_facts
from bot.lessons.knowledge import Doc, Unit, lesson_documents, units
from bot.lessons.models import Lesson, LessonSource, fact_key
from bot.lessons.phrasing import question
from bot.lessons.ports import LessonIndex

# Where in the role's own guide a fact matters most; shared documents weigh as "other" + 1.
_SECTION_WEIGHT = {"decide": 9, "approval": 8, "situation": 7, "ask": 6, "other": 3}
_KIND_WEIGHT = {"money": 2, "percent": 1, "time": 1, "channel": 1, "contact": 1}


def generated_lessons(index: LessonIndex, role: str, language: str) -> list[Lesson]:
    """Every lesson the knowledge yields for the role, the most important first."""
    docs = lesson_documents(index, role, language)
    candidates = pool(index, language)
    lessons = []
    for fact, own in ranked_facts(index, docs, language):
        lesson = build(fact, candidates, language, own_guide=own)
        if lesson is not None:
            lessons.append(lesson)
    return lessons


def ranked_facts(index: LessonIndex, docs: list[Doc], language: str) -> list[tuple[Fact, bool]]:
    """(fact, from the role's own guide), best first, one per fact kind and value."""
    best: dict[tuple[str, str], tuple[float, int, Fact, bool]] = {}
    position = 0
    for doc in docs:
        own = doc.doc_type == "role-guide"
        for unit in units(index, doc):
            if not own and _other_roles_row(unit):
                continue
            for fact in unit_facts(unit, language):
                position += 1
                score = _weight(fact, own)
                key = (fact.kind, fact.value)
                if key not in best or best[key][0] < score:
                    best[key] = (score, position, fact, own)
    ordered = sorted(best.values(), key=lambda item: (-item[0], item[1]))
    return [(fact, own) for _, _, fact, own in ordered]


def _other_roles_row(unit: Unit) -> bool:
    """A row of a shared limits table names one role's limit; the role's own guide states
    its own, so these rows are left to serve as other roles' facts (wrong options)."""
    return unit.block == "table" and unit.kind in ("decide", "approval")


def _weight(fact: Fact, own: bool) -> float:
    section = _SECTION_WEIGHT.get(fact.unit.kind, 3) if own else 4
    return section + _KIND_WEIGHT.get(fact.kind, 0)


def build(
    fact: Fact, candidates: list[Candidate], language: str, *, own_guide: bool
) -> Lesson | None:
    """The lesson for a fact, or None when the knowledge has no two wrong options for it."""
    key = fact_key(fact.unit.doc.path, fact.unit.section, fact.kind, fact.value)
    wrong = choose(fact, candidates, key)
    if len(wrong) < 2:
        return None
    return Lesson(
        question=question(fact, language, own_guide=own_guide),
        options=[fact.answer, *wrong],
        answer=fact.answer,
        source=LessonSource(path=fact.unit.doc.path, section=fact.unit.section),
        language=language,
        key=key,
        kind=fact.kind,
    )
