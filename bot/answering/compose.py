"""Extractive answers composed from the knowledge's own structure.

Retrieval finds sections; this module shows the part of them that answers: the best unit
(a sentence with its neighbours, a list or numbered steps with their lead-in, a table or the
row for the asker's role), chosen by the question's words, by what kind of fact was asked for
(an amount, a time, a person or channel, steps) and by the asker's role, and quoted whole.
A second unit is added only when it is nearly as good and adds something.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.answering.intent import Intent, QuestionAnalysis
from bot.answering.passages import (
    covers_amount,
    defines_term,
    gives_wording,
    passage_features,
    permission_polarity,
    refers_elsewhere,
    speaks_beyond,
)
from bot.answering.quotes import OUTLINE, Unit, attribution, grow
from bot.answering.roles import ROLE_WORDS
from ingest.models import Hit
from ingest.structure import Block, Section, plain_inline, table_row_text
from ingest.tokenize import tokenize

_MAX_SECTIONS = 8
_MAX_LIST_ITEMS = 10
_LONG_LIST = 3
_SECOND_UNIT_SHARE = 0.7
_MAX_UNITS = 3
_OTHER_DOCUMENT_SHARE = 0.85
_REPEAT_CHARS = 60  # a line counts as said when its first characters were
_REPEAT_PENALTY = 0.5
_TOPIC_BONUS = 0.2  # a follow-up's unit in the section the last answer quoted
_FIXED_INTENTS = (Intent.AMOUNT, Intent.DURATION, Intent.CONTACT, Intent.NUMBER)
_SYNONYM_SHARE = 0.7  # a glossary synonym of a question's word counts this much
_WORDING_BONUS = 0.3
_PRIOR_WEIGHT = 0.35  # retrieval's rank of the section, against the quote's own fit
_NEGATIVE_HEADING_PENALTY = 0.2
_NEGATIVE_HEADING = re.compile(
    r"\b(?:not|don'?t|never|avoid|mistakes?)\b|(?:ない|ません)(?:こと|もの|対応)?$|禁止|避け|NG",
    re.IGNORECASE,
)
_POINTER_PENALTY = 0.3


@dataclass(frozen=True)
class SectionRef:
    """A retrieved section: the hit that found it and its blocks."""

    hit: Hit
    section: Section
    prior: float  # retrieval score relative to the best section (0..1)
    own_role_guide: bool = False
    role_guide: bool = False  # a guide written for some role (the asker's or another)
    story: bool = False  # a customer story (feedback highlights): an example, not a rule
    # Its front matter lists roles, and not the one the answer is for.
    other_roles_only: bool = False
    # The section and its siblings as one list (the four values, the four steps), for a
    # question that asks for the whole set.
    outline: Block | None = None


@dataclass
class Composition:
    units: list[Unit] = field(default_factory=list)
    refs: list[SectionRef] = field(default_factory=list)

    @property
    def role_specific(self) -> bool:
        return any(u.role_score > 0 for u in self.units)


@lru_cache(maxsize=16384)
def _features(text: str) -> frozenset[Intent]:
    return passage_features(text)


@lru_cache(maxsize=16384)
def _polarity(text: str) -> str | None:
    return permission_polarity(text)


@lru_cache(maxsize=16384)
def _pointer(text: str) -> bool:
    return refers_elsewhere(text)


@lru_cache(maxsize=16384)
def _terms(text: str) -> frozenset[str]:
    """Lexical terms of a unit. Cached: the same passages are quoted again and again, and
    Sudachi is the slow part of composing an answer."""
    return frozenset(tokenize(text))


def _mentions(text: str, words: Sequence[str]) -> bool:
    lowered = text.casefold()
    for word in words:
        if word.isascii():
            if re.search(rf"(?<![a-z]){re.escape(word)}", lowered):
                return True
        elif word in text:
            return True
    return False


def units_of(ref_index: int, ref: SectionRef, analysis: QuestionAnalysis) -> list[Unit]:
    """Every candidate unit of a section."""
    units: list[Unit] = []
    wants_whole = bool(analysis.intents & {Intent.LIST, Intent.STEPS})
    if ref.outline is not None and wants_whole:
        units.append(_whole_list(ref_index, OUTLINE, ref.outline))
    for b, block in enumerate(ref.section.blocks):
        if block.kind == "list" and not block.lead and b == 0 and ref.section.heading:
            # A list straight under its heading ("Not returnable" / 「返品できない商品」) is
            # read with the heading as its lead-in: the heading says what the items are.
            block = block.model_copy(update={"lead": ref.section.heading.rpartition(" > ")[2]})
        if block.kind in ("paragraph", "quote"):
            kind = "sentences" if block.kind == "paragraph" else "quote"
            # A title line just above ("Contact centre: Sato Misaki") labels the text.
            label = ref.section.blocks[b - 1] if b else None
            lead = label.lines[0] if label is not None and label.kind == "heading" else ""
            units.extend(
                Unit(ref=ref_index, block=b, kind=kind, lines=(s,), lead=lead, first=i)
                for i, s in enumerate(block.lines)
            )
        elif block.kind == "list":
            units.append(_whole_list(ref_index, b, block))
            if len(block.lines) > 1 and not wants_whole:
                # Sub-items too ("  - SEV1: checkout is down"): they are read under their
                # item when the quote grows.
                units.extend(
                    Unit(
                        ref=ref_index, block=b, kind="list", lines=(item,), lead=block.lead, first=i
                    )
                    for i, item in enumerate(block.lines)
                )
        elif block.kind == "table" and len(block.rows) > 1:
            header = block.rows[0]
            rows = tuple(table_row_text(header, r) for r in block.rows[1:])
            units.append(Unit(ref=ref_index, block=b, kind="table", lines=rows, lead=block.lead))
            if len(rows) > 1 and not wants_whole:
                units.extend(
                    Unit(ref=ref_index, block=b, kind="table", lines=(row,), first=i)
                    for i, row in enumerate(rows)
                )
    return units


def _whole_list(ref_index: int, b: int, block: Block) -> Unit:
    return Unit(
        ref=ref_index,
        block=b,
        kind="list",
        lines=tuple(block.lines[:_MAX_LIST_ITEMS]),
        lead=block.lead,
        ordered=block.ordered,
    )


@dataclass(frozen=True)
class Scorer:
    """How well a unit answers: the question's words, the kind of fact, the role."""

    analysis: QuestionAnalysis
    weights: dict[str, float]
    role: str | None
    # Whether a text says a question's term in other words (the glossary): (term, terms).
    synonyms: Callable[..., bool] | None = None
    # The conversation's previous answer, for a follow-up: the section it quoted carries the
    # topic on ("お店の場合は？" after how to handle abuse); when the asker wants something new
    # ("what if it's more than that?") its lines are not worth repeating.
    said: tuple[str, ...] = ()
    wants_new: bool = False

    def overlap(self, text: str) -> float:
        total = sum(self.weights.values())
        if total <= 0:
            return 0.0
        present = _terms(text)
        found = 0.0
        for term, weight in self.weights.items():
            if term in present:
                found += weight
            elif self.synonyms is not None and self.synonyms(term, text_terms=set(present)):
                found += _SYNONYM_SHARE * weight
        return found / total

    def repeated(self, unit: Unit) -> float:
        """The share of the unit's lines that the previous answer showed already."""
        lines = [plain_inline(line).strip() for line in unit.lines if line.strip()]
        if not self.said or not lines:
            return 0.0
        said = [line for line in lines if any(line[:_REPEAT_CHARS] in s for s in self.said)]
        return len(said) / len(lines)

    def continues(self, ref: SectionRef) -> bool:
        """Whether the previous answer quoted this section: a follow-up stays on its topic."""
        if not self.said:
            return False
        lines = (plain_inline(line).strip() for block in ref.section.blocks for line in block.lines)
        return any(line and line[:_REPEAT_CHARS] in s for line in lines for s in self.said)

    def unit_overlap(self, unit: Unit, context: str = "") -> float:
        """The best single line (with the lead-in) counts; the rest only a little. A big list
        holds many words, which says nothing about whether one of its lines answers; unless
        the whole set was asked for, one line of it is the better quote. `context`: the
        section's heading, whose words its lines need not repeat ("The sofa does not fit
        through the door" over "Don't force it.")."""
        if len(unit.lines) == 1:
            return self.overlap(f"{context}\n{unit.text()}")
        best = max(self.overlap(f"{context}\n{unit.lead}\n{line}") for line in unit.lines)
        whole = self.overlap(f"{context}\n{unit.text()}")
        if self.analysis.intents & {Intent.LIST, Intent.STEPS}:
            return best + 0.6 * (whole - best)
        return best + 0.1 * (whole - best) - (0.1 if len(unit.lines) > _LONG_LIST else 0.05)

    def focus(self, unit: Unit) -> str:
        """The text a unit is judged by: all of it when the whole set was asked for, else its
        best line (a table must not earn an amount bonus from a row that was not asked)."""
        if len(unit.lines) == 1 or self.analysis.intents & {Intent.LIST, Intent.STEPS}:
            return unit.text()
        best = max(unit.lines, key=lambda line: self.overlap(f"{unit.lead}\n{line}"))
        return f"{unit.lead}\n{best}"

    def intent_bonus(self, unit: Unit) -> float:
        intents = self.analysis.intents
        text = self.focus(unit)
        features = _features(text)
        bonus = 0.0
        asked = [i for i in _FIXED_INTENTS if i in intents]
        if any(i in features for i in asked):
            bonus += 0.3
        elif asked:
            bonus -= 0.2  # "how long…?" is not answered by a sentence without a time in it
        if Intent.AMOUNT in intents and not (
            Intent.CONTACT in intents or self.analysis.beyond_amount
        ):
            # "How much can I…" is answered by what one may do, not by what needs approval
            # (unless who approves, or what happens beyond an amount, was asked).
            polarity = _polarity(text)
            bonus += 0.15 if polarity == "yes" else -0.1 if polarity == "no" else 0.0
        amount = self.analysis.amount
        if self.analysis.beyond_amount and amount is not None and speaks_beyond(text, amount):
            bonus += 0.25  # "more than the ¥500 coupon?" is answered by what is over ¥500
        elif amount is not None and not self.analysis.beyond_amount and covers_amount(text, amount):
            bonus += 0.25  # "who approves ¥20,000?" is answered by the rule for ¥10,000-50,000
        elif amount is None and self.analysis.beyond and speaks_beyond(text, None):
            bonus += 0.2  # 「上限超える返金は？」 is answered by what is over a limit
        if self.analysis.negated and _polarity(text) == "no":
            bonus += 0.2  # "what can't be returned" is answered by what cannot be
        if Intent.STEPS in intents and unit.kind == "list" and len(unit.lines) > 1:
            # Steps are numbered where they are; "what's the process" asks for them by name.
            sequence = 0.2 if self.analysis.wants_sequence else 0.0
            bonus += (0.4 if unit.ordered else 0.15) + sequence
        if Intent.LIST in intents and unit.kind in ("list", "table") and len(unit.lines) > 1:
            bonus += 0.3
        if Intent.PERMISSION in intents and Intent.PERMISSION in features:
            bonus += 0.2
        if Intent.DEFINITION in intents and Intent.DEFINITION in features:
            bonus += 0.15
        if self.analysis.defines and defines_term(text, self.analysis.defines):
            bonus += 0.3  # "SEV1: checkout is down…" is what SEV1 means
        return bonus

    def wording_bonus(self, unit: Unit, ref: SectionRef) -> float:
        """Words to say for "what do we tell customers?"; a line that only sends the reader to
        another document ("Open the matching playbook") is not an answer unless where to
        find a document was asked."""
        bonus = 0.0
        # A customer's own words in a story are praise, not words to say.
        if (
            self.analysis.wants_wording
            and not ref.story
            and gives_wording(unit.text(), ref.section.heading)
        ):
            bonus += _WORDING_BONUS
        if not self.analysis.wants_pointer and _pointer(self.focus(unit)):
            bonus -= _POINTER_PENALTY
        return bonus

    def role_bonus(self, unit: Unit, ref: SectionRef) -> float:
        """The asker's role guide and the line about their role first; another role's guide
        or line last. With no role in play, a guide written for one role is not the answer
        to a general question (the vision says what the mantra means; a guide says what it
        means for one role)."""
        if not self.role:
            return -0.15 if ref.role_guide else 0.0
        if ref.role_guide and not ref.own_role_guide:
            # "How much can *I* refund?" is never answered by another role's guide, however
            # closely its words match.
            return -0.6 if self.analysis.about_self else -0.3
        if ref.other_roles_only:
            return -0.2
        bonus = 0.2 if ref.own_role_guide else 0.0
        if unit.kind not in ("list", "table") or len(unit.lines) != 1:
            return bonus
        # A row or item labelled with a role ("Store staff: up to ¥5,000") is about it; a
        # role named further on ("…ask the store manager") is not.
        label = re.split(r"[:：]", unit.lines[0], maxsplit=1)[0][:40]
        mine = _mentions(label, ROLE_WORDS.get(self.role, (self.role.replace("-", " "),)))
        others = any(_mentions(label, words) for r, words in ROLE_WORDS.items() if r != self.role)
        if mine:
            bonus += 0.1 if others else 0.3
        elif others:
            bonus -= 0.2  # the line is about someone else's role
        return bonus

    def score(self, unit: Unit, ref: SectionRef) -> Unit:
        # The section's own heading (not its parents: "Stores", "Common situations" are
        # categories) speaks for its sentences: they need not repeat its words.
        own_heading = ref.section.heading.rpartition(" > ")[2]
        context = own_heading
        if self.analysis.intents & {Intent.LIST, Intent.STEPS}:
            # The document's title speaks for its parts when a set is asked for: "what are
            # our principles?" is answered by "Our CX principles" > "The Brightline Five".
            context = f"{ref.hit.chunk.title}\n{own_heading}"
        overlap = self.unit_overlap(unit, context)
        role = self.role_bonus(unit, ref)
        short = 0.1 if len(unit.text()) < 15 else 0.0
        # A heading that names the question ("What you can decide alone") vouches for the
        # whole section, whose sentences need not repeat its words.
        heading = 0.15 * self.overlap(ref.section.heading) if ref.section.heading else 0.0
        # A section leads with its point: its first sentence is a little more likely the
        # answer (the mantra itself, under "Our mantra").
        first = 0.05 if unit.block == 0 and unit.first == 0 else 0.0
        kind = -0.15 if ref.story and not self.analysis.wants_examples else 0.0
        kind += self.wording_bonus(unit, ref)
        if _NEGATIVE_HEADING.search(own_heading) and not self.analysis.negated:
            # "What are our principles?" is not answered by "What the principles are not".
            kind -= _NEGATIVE_HEADING_PENALTY
        if self.wants_new:
            kind -= _REPEAT_PENALTY * self.repeated(unit)
        elif self.continues(ref):
            kind += _TOPIC_BONUS
        total = (
            overlap
            + heading
            + first
            + kind
            + _PRIOR_WEIGHT * ref.prior
            + self.intent_bonus(unit)
            + role
            - short
        )
        return replace(unit, score=total, role_score=role)


def compose(refs: list[SectionRef], scorer: Scorer) -> Composition:
    """The best unit, grown into whole sentences, and a second one if it earns its place."""
    candidates = [
        scorer.score(unit, refs[i])
        for i, ref in enumerate(refs[:_MAX_SECTIONS])
        for unit in units_of(i, ref, scorer.analysis)
    ]
    if not candidates:
        return Composition(refs=refs)
    candidates.sort(key=lambda u: (-u.score, u.ref, u.block, u.first))
    best = candidates[0]
    chosen = [grow(best, refs[best.ref].section)]
    told = attribution(best, refs[best.ref].section)
    if told is not None:
        chosen.append(told)
    for unit in candidates[1:]:
        if unit.score < _SECOND_UNIT_SHARE * best.score or len(chosen) >= _MAX_UNITS:
            break
        same_document = refs[unit.ref].hit.chunk.path == refs[best.ref].hit.chunk.path
        if not same_document and unit.score < _OTHER_DOCUMENT_SHARE * best.score:
            continue  # another document must be nearly as good to be worth reading too
        if unit.role_score < 0 <= best.role_score:
            continue  # another role's rule beside the asker's own only confuses
        if _adds_something(unit, chosen, scorer):
            chosen.append(grow(unit, refs[unit.ref].section))
    return Composition(units=chosen, refs=refs)


def _adds_something(unit: Unit, chosen: list[Unit], scorer: Scorer) -> bool:
    if any(u.ref == unit.ref and u.block == unit.block for u in chosen):
        return False  # the same paragraph or list: one quote of it is enough
    shown: frozenset[str] = frozenset().union(*(_terms(u.text()) for u in chosen))
    new_terms = {t for t in scorer.weights if t in _terms(unit.text()) and t not in shown}
    return bool(new_terms)
