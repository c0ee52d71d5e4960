"""Quotes: the pieces of a section an answer can show, grown into something readable.

A unit is whole sentences, a list, a table or table rows. The one chosen to answer grows
into its neighbours while it stays short to read: a sentence takes the one it leans on and
the ones that explain it, one item of a list its siblings, a list ending on a lead-in the
text it introduces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answering.roles import ROLE_WORDS
from ingest.structure import Section, join_lines, plain_inline

OUTLINE = -1  # the block index of a section's outline unit
#: A section of one paragraph at most this long (sentences, characters) is a short answer.
_MAX_SENTENCES = 3
_SHORT_ANSWER_CHARS = 320
#: How long a quote may grow around its best sentence (characters), English and Japanese:
#: measured on answer sets A and B, the fact asked for is often a sentence or two away.
_QUOTE_CHARS = 500
_QUOTE_CHARS_JA = 240
#: A list this short (items, and within this share of the budget) is shown whole.
_SHORT_LIST_ITEMS = 6
_LIST_BUDGET_SHARE = 1.5
_SUBJECT_CHARS = 24  # where a sentence names whom it is about
# A sentence that leans on the one before it ("This means…", 「そのため…」).
_LEANS_BACK = re.compile(
    r"^(?:this|that|these|those|it|they|so|but|also|then|however|otherwise|instead)\b"
    r"|^for (?:example|instance)\b"
    r"|^(?:それ|その|これ|この|ただし|また|なお|そのため|でも|そこで|つまり|たとえば|例えば)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a section: whole sentences, a list, a table or table rows."""

    ref: int  # index of its SectionRef
    block: int
    kind: str  # "sentences" | "list" | "table" | "quote"
    lines: tuple[str, ...]
    lead: str = ""
    first: int = 0  # first sentence / item / row index within the block
    ordered: bool = False
    score: float = 0.0
    role_score: float = 0.0

    def text(self) -> str:
        return "\n".join([self.lead, *self.lines] if self.lead else self.lines)


def grow(unit: Unit, section: Section) -> Unit:
    """A sentence grows into its neighbours when it leans on them or they finish it; a list
    that ends on a lead-in ("Counter wording:") takes the text it introduces."""
    if unit.kind == "list" and unit.block != OUTLINE:
        return _finish_list(_whole_if_short(unit, section), section)
    if unit.kind not in ("sentences", "quote") or unit.block == OUTLINE:
        return unit
    sentences = section.blocks[unit.block].lines
    if _short_answer(section, unit.block):
        # A section that is one short paragraph (a FAQ's answer under its question) is
        # quoted whole, as the figure or the channel may be in any of its few sentences;
        # but a sentence before the best one stating the same for another role is left out,
        # so the asker's figure comes first.
        start = unit.first
        while start > 0 and not _other_subject(sentences[start - 1], sentences[unit.first]):
            start -= 1
        return replace(unit, lines=tuple(sentences[start:]), first=start)
    offset = 0
    if unit.kind == "sentences":
        sentences, offset = _prose_run(section, unit.block)
    first = last = unit.first + offset
    if first > 0 and (_LEANS_BACK.match(sentences[first]) or len(sentences[first]) < 25):
        first -= 1
    if sentences[last].rstrip().endswith((":", "：")) and last + 1 < len(sentences):
        last += 1
    while last + 1 < len(sentences) and _LEANS_BACK.match(sentences[last + 1]):
        last += 1
    # Then the neighbours, in document order, while the quote stays short to read: the
    # figure, the channel or the condition is often in the next sentence ("It is posted
    # to #cx-wins."). Forward first: a section explains after it states.
    first, last = _window(sentences, first, last, _budget(unit.text()), forward_first=True)
    return replace(unit, lines=tuple(sentences[first : last + 1]), first=max(first - offset, 0))


def _subject_role(sentence: str) -> str | None:
    """The role a sentence opens with ("Store staff may…", 「サポート担当は…」), if any."""
    opening = sentence.lstrip("*_ ").casefold()[:_SUBJECT_CHARS]
    for role, words in ROLE_WORDS.items():
        if any(opening.startswith(word) for word in words):
            return role
    return None


def _other_subject(sentence: str, best: str) -> bool:
    """Whether `sentence` states its fact for another role than `best` does."""
    theirs, ours = _subject_role(sentence), _subject_role(best)
    return theirs is not None and ours is not None and theirs != ours


def attribution(unit: Unit, section: Section) -> Unit | None:
    """The short list that follows a quoted customer's words (who served them, the value,
    what they did): a story is not told without it."""
    if unit.kind != "quote" or unit.block == OUTLINE:
        return None
    following = section.blocks[unit.block + 1 : unit.block + 2]
    if not following or following[0].kind != "list":
        return None
    items = following[0].lines
    if len(items) > _SHORT_LIST_ITEMS or _chars(items) > _LIST_BUDGET_SHARE * _budget(unit.text()):
        return None
    return Unit(
        ref=unit.ref, block=unit.block + 1, kind="list", lines=tuple(items), score=unit.score
    )


def _prose_run(section: Section, block: int) -> tuple[list[str], int]:
    """The sentences of the paragraphs next to each other around `block` (a one-sentence
    paragraph often states the rule its neighbour illustrates), and where `block` starts."""
    blocks = section.blocks
    start = end = block
    while start > 0 and blocks[start - 1].kind == "paragraph":
        start -= 1
    while end + 1 < len(blocks) and blocks[end + 1].kind == "paragraph":
        end += 1
    sentences = [line for b in blocks[start : end + 1] for line in b.lines]
    return sentences, sum(len(b.lines) for b in blocks[start:block])


def _window(
    lines: Sequence[str], first: int, last: int, budget: int, *, forward_first: bool
) -> tuple[int, int]:
    """Widen lines[first..last] by a neighbour at a time while it fits the budget: forward
    first (prose explains after it states), or one on each side in turn (list items)."""
    grew = True
    while grew:
        grew = False
        if last + 1 < len(lines) and _chars(lines[first : last + 2]) <= budget:
            last, grew = last + 1, True
            if forward_first:
                continue
        if first > 0 and _chars(lines[first - 1 : last + 1]) <= budget:
            first, grew = first - 1, True
    return first, last


_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _budget(text: str) -> int:
    """How many characters a quote may run to: Japanese says as much in fewer."""
    return _QUOTE_CHARS_JA if _CJK.search(text) else _QUOTE_CHARS


def _chars(lines: Sequence[str]) -> int:
    return sum(len(line) for line in lines)


def _whole_if_short(unit: Unit, section: Section) -> Unit:
    """One item of a list comes with its siblings: "what may I do without approval?" is
    answered by all of them, and the item that matched best is rarely the only one. A short
    list comes whole; a long one as the items around the best, in order, within the budget."""
    block = section.blocks[unit.block]
    if len(unit.lines) != 1 or unit.first >= len(block.lines):
        return unit
    items = block.lines
    budget = _budget(unit.text())
    if len(items) <= _SHORT_LIST_ITEMS and _chars(items) <= _LIST_BUDGET_SHARE * budget:
        return replace(unit, lines=tuple(items), first=0, ordered=block.ordered)
    first = last = unit.first
    while last + 1 < len(items) and items[last + 1].startswith("  "):
        last += 1  # the item's own sub-items
    # One item on each side in turn: the neighbours are the likeliest siblings.
    first, last = _window(items, first, last, budget, forward_first=False)
    while first > 0 and items[first].startswith("  "):
        first -= 1  # a sub-item is read under its item
    if first == last:
        return unit
    return replace(unit, lines=tuple(items[first : last + 1]), first=first, ordered=block.ordered)


def _finish_list(unit: Unit, section: Section) -> Unit:
    following = section.blocks[unit.block + 1 : unit.block + 2]
    if not unit.lines[-1].rstrip("*_ ").endswith((":", "：")):
        return unit
    if following and following[0].kind in ("paragraph", "quote"):
        said = ""
        for sentence in following[0].lines:
            said = join_lines(said, sentence)
        return replace(unit, lines=(*unit.lines, f"  {said}"))
    if len(unit.lines) > 1:
        return replace(unit, lines=unit.lines[:-1])  # what it introduced is not there
    return unit


def _short_answer(section: Section, block: int) -> bool:
    prose = [b for b in section.blocks if b.kind in ("paragraph", "quote")]
    sentences = section.blocks[block].lines
    return (
        len(prose) == 1
        and len(sentences) <= _MAX_SENTENCES
        and sum(len(s) for s in sentences) <= _SHORT_ANSWER_CHARS
    )


def render_unit(unit: Unit, marker: str) -> list[str]:
    """Plain lines for the answer: whole sentences, or a lead-in and its items as bullets."""
    if unit.kind in ("sentences", "quote"):
        text = ""
        for sentence in unit.lines:
            text = join_lines(text, plain_inline(sentence))
        return [plain_inline(unit.lead), f"{text} {marker}"] if unit.lead else [f"{text} {marker}"]
    items = [_bullet(plain_inline(line), unit.ordered, n) for n, line in enumerate(unit.lines)]
    if len(items) == 1 and not unit.lead:
        return [f"{plain_inline(unit.lines[0])} {marker}"]
    if unit.lead:
        return [f"{plain_inline(unit.lead)} {marker}", *items]
    return [*items[:-1], f"{items[-1]} {marker}"]


def _bullet(line: str, ordered: bool, number: int) -> str:
    if line.startswith("  "):
        return f"    ◦ {line.strip()}"
    return f"{number + 1}. {line}" if ordered else f"• {line}"
