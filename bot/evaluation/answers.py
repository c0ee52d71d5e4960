"""`cxbot eval --answers FILE`: scores whole answers, not just the documents retrieval found.

Retrieval metrics say whether the right document was ranked high; staff never see a ranking,
they read an answer. This module replays each case of an answers dataset through the answering
service (earlier messages of a conversation first, so a follow-up is asked in context) and
judges the final answer the way a hurried reader would (DESIGN.md, "What a good answer looks
like"):

- does it hold the facts asked for (each fact a list of accepted spellings), and does it cite
  a document that really holds them among its first three sources;
- does it decline what the knowledge does not cover, and answer what it does;
- is it readable: no line that starts mid-sentence (a FRAGMENT, or a lead-in whose content was
  cut off) and no leftover Markdown (RESIDUE) that Slack would show literally;
- in a conversation, does a new topic get answered from new documents rather than from the
  documents of the topic before it (POLLUTED).

All the rules live in this module so a change in scoring is one reviewable diff; the report's
headline is what issue 8 tracks from run to run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, Self, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from bot.answering.models import Answer, Turn

Kind = Literal["single", "role", "followup", "topic_change", "unanswerable"]
Verdict = Literal["correct", "partial", "wrong", "false_refusal", "declined", "false_answer"]

KINDS: tuple[Kind, ...] = get_args(Kind)
CONVERSATION_KINDS: frozenset[str] = frozenset({"followup", "topic_change"})
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
# Shares of these are taken over answerable cases, the rest over unanswerable ones: a share of
# all cases would mix two different questions ("did it answer well?", "did it hold back?").
ANSWERABLE_VERDICTS: frozenset[str] = frozenset({"correct", "partial", "wrong", "false_refusal"})
# Languages always reported, so that two runs' JSON can be compared key by key.
LANGUAGES: tuple[str, ...] = ("en", "ja")
SOURCE_DEPTH = 3  # a reader checks the first few sources, not the tenth
PROGRESS_EVERY = 20

# Thousands separators only between digits and before exactly three more: "¥8,000" == "¥8000",
# but "1,2" and "3, 4" stay as written. No \b: in Japanese "000円" has no word boundary.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_BULLET = re.compile(r"^(?:[•*\-]\s+|\d+[.)]\s+|・\s*)")
# Citation markers the composer appends ("… [1]", "[1][2]", "[1, 3]").
_MARKERS = re.compile(r"(?:\s*\[\d+(?:\s*,\s*\d+)*\])+\s*$")
_LEADING_PUNCTUATION = frozenset("、。，,.;:：」』）)]")
# A Japanese line that opens on a particle lost the words it attaches to; only a particle
# followed by a comma (or って) is unambiguous, since many words start with these kana.
_PARTICLE_START = re.compile(r"^(?:って|(?:とは|から|まで|より|[はがをにでもとのやへ])[、,，])")
# Case-sensitive on purpose: a capitalised "And" or "Who" starts a sentence, lowercase is a cut.
_CONNECTOR_START = re.compile(r"^(?:and|or|but|which|who|that) ")
# Markdown headings need "#" plus a space; "#support-leads" is a Slack channel, not residue.
_HEADING = re.compile(r"^#{1,6}(?:\s|$)")
_TABLE_RULE = re.compile(r"\|\s*:?-{3,}")


class DatasetError(ValueError):
    """A line of an answers dataset that cannot be used, as `FILE:LINE: reason`."""


class AnswerCase(BaseModel):
    """One line of an answers dataset (eval/answers-*.jsonl); every field is required so that a
    forgotten field is an error rather than a silently easier case."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    language: str
    role: str | None
    history: list[str]
    kind: Kind
    answerable: bool
    expected: list[str]
    facts: list[list[str]]
    previous_topic: list[str]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind == "unanswerable" and self.answerable:
            raise ValueError("an unanswerable case cannot be answerable")
        if self.answerable and not self.expected:
            raise ValueError("an answerable case needs at least one expected path")
        # An empty alternative is a substring of every answer: the fact would always pass.
        if any(not alts or any(not a.strip() for a in alts) for alts in self.facts):
            raise ValueError("every fact needs at least one non-empty alternative")
        if self.kind in CONVERSATION_KINDS and not self.history:
            raise ValueError(f"a {self.kind} case needs the earlier messages in history")
        return self


class Answerer(Protocol):
    """What the evaluation needs of the answering service (tests pass a fake)."""

    def answer(
        self, question: str, *, role: str | None = None, history: Sequence[Turn] = ()
    ) -> Answer: ...


@dataclass(frozen=True)
class CaseResult:
    case: AnswerCase
    answer: Answer
    verdict: Verdict
    missing_facts: list[list[str]]
    fragment: bool
    residue: bool
    polluted: bool

    @property
    def paths(self) -> list[str]:
        return [source.path for source in self.answer.sources]


# --- reading -------------------------------------------------------------------------------


def read_cases(path: Path) -> list[AnswerCase]:
    """All cases of a JSONL file; the first unusable line raises `DatasetError`."""
    cases: list[AnswerCase] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = AnswerCase.model_validate_json(line)
        except ValidationError as exc:
            raise DatasetError(f"{path}:{number}: {_reason(exc)}") from exc
        if case.id in first_line:
            raise DatasetError(
                f"{path}:{number}: duplicate id {case.id!r} (first on line {first_line[case.id]})"
            )
        first_line[case.id] = number
        cases.append(case)
    return cases


def _reason(exc: ValidationError) -> str:
    """pydantic's errors on one line: the file position already says where."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        parts.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return "; ".join(parts)


# --- running ------------------------------------------------------------------------------


def replay(service: Answerer, case: AnswerCase) -> Answer:
    """Ask the earlier messages first, each with the conversation so far, then the question:
    the final answer sees the same history a Slack thread would have given it."""
    turns: list[Turn] = []
    for message in case.history:
        earlier = service.answer(message, role=case.role, history=tuple(turns))
        turns += [Turn(role="user", text=message), Turn(role="assistant", text=earlier.answer)]
    return service.answer(case.question, role=case.role, history=tuple(turns))


def run_cases(
    service: Answerer,
    cases: Sequence[AnswerCase],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    results = []
    for done, case in enumerate(cases, start=1):
        results.append(score_case(case, replay(service, case)))
        if progress is not None:
            progress(done, len(cases))
    return results


# --- scoring one answer -------------------------------------------------------------------


def normalise(text: str) -> str:
    """NFKC folds full-width digits and signs ("８，０００" -> "8,000", "￥" -> "¥"); casefold
    and one-space whitespace make spelling, not layout, decide a match."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def strip_separators(text: str) -> str:
    return _THOUSANDS.sub("", text)


def fact_present(alternatives: Iterable[str], text: str) -> bool:
    """Any accepted spelling in the answer, compared as written and without thousands
    separators (the knowledge may write "¥8,000" where the dataset wrote "¥8000")."""
    plain = normalise(text)
    bare = strip_separators(plain)
    for alternative in alternatives:
        wanted = normalise(alternative)
        if wanted in plain or strip_separators(wanted) in bare:
            return True
    return False


def missing_facts(facts: Iterable[list[str]], text: str) -> list[list[str]]:
    return [alternatives for alternatives in facts if not fact_present(alternatives, text)]


def source_ok(expected: Iterable[str], paths: Sequence[str]) -> bool:
    return bool(set(expected) & set(paths[:SOURCE_DEPTH]))


def verdict(case: AnswerCase, answer: Answer, missing: Sequence[list[str]]) -> Verdict:
    if not case.answerable:
        return "false_answer" if answer.answered else "declined"
    if not answer.answered:
        return "false_refusal"
    cited = source_ok(case.expected, [source.path for source in answer.sources])
    if cited and not missing:
        return "correct"
    if cited or len(missing) < len(case.facts):
        return "partial"
    return "wrong"


def content_lines(text: str) -> list[str]:
    """The answer's lines as a reader takes them in: bullet and citation markers removed, blank
    and marker-only lines dropped."""
    lines = []
    for raw in text.splitlines():
        line = _MARKERS.sub("", _BULLET.sub("", raw.strip())).strip()
        if line:
            lines.append(line)
    return lines


def is_fragment_line(line: str) -> bool:
    # The particle rule only ever matches Japanese lines and the connector rule English ones,
    # so neither needs to know the line's language.
    return (
        line[0] in _LEADING_PUNCTUATION
        or _PARTICLE_START.match(line) is not None
        or _CONNECTOR_START.match(line) is not None
    )


def has_fragment(text: str) -> bool:
    """A line that starts mid-sentence, or a last line that promises content ("Steps:") and
    stops: the knowledge was quoted in pieces instead of whole units."""
    lines = content_lines(text)
    if not lines:
        return False
    return any(is_fragment_line(line) for line in lines) or lines[-1].endswith((":", "："))


def is_residue_line(line: str) -> bool:
    stripped = line.strip()
    if "**" in stripped or "__" in stripped or _TABLE_RULE.search(stripped):
        return True
    # A quoted table row or heading is residue behind a bullet as well as on its own.
    return any(
        text.startswith(("|", "> ")) or _HEADING.match(text) is not None
        for text in (stripped, _BULLET.sub("", stripped))
    )


def has_residue(text: str) -> bool:
    """Markdown that Slack and the terminal would print literally."""
    return any(is_residue_line(line) for line in text.splitlines())


def is_polluted(case: AnswerCase, paths: Sequence[str]) -> bool:
    """A topic change answered from the previous topic's documents: led by one of them, or
    with one of them cited and none of the new topic's."""
    if case.kind != "topic_change" or not paths:
        return False
    top = set(paths[:SOURCE_DEPTH])
    previous = set(case.previous_topic)
    return paths[0] in previous or (not top & set(case.expected) and bool(top & previous))


def score_case(case: AnswerCase, answer: Answer) -> CaseResult:
    missing = missing_facts(case.facts, answer.answer) if case.answerable else []
    return CaseResult(
        case=case,
        answer=answer,
        verdict=verdict(case, answer, missing),
        missing_facts=missing,
        # Readability is judged on answers only: the not-found message is a fixed template.
        fragment=answer.answered and has_fragment(answer.answer),
        residue=answer.answered and has_residue(answer.answer),
        polluted=is_polluted(case, [source.path for source in answer.sources]),
    )
