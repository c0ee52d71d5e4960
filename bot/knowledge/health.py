"""Knowledge health: which documents need their owner's attention, and why.

Per document, from the index and the question log: its owner and `review_by` (past due, or
due within two weeks), 👎 answers that cited it, unanswered questions whose nearest document
it is, and translation parity with its other-language copy (lagging behind it, or figures
that differ). Worst first, so App Home and nudges lead with what matters.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from ingest.models import Hit
from ingest.parity import differing_figures, lags_behind
from ingest.state import IndexedFile
from ingest.structure import Section

DUE_SOON_DAYS = 14
WINDOW_DAYS = 30
# Generated documents (celebrated wins) have no owner to nudge.
GENERATED_PREFIXES = ("wins/",)


class HealthIndex(Protocol):
    """What health needs from the index."""

    def files(self) -> Mapping[str, IndexedFile]: ...

    def sections(self, path: str) -> list[Section]: ...

    def translation(self, path: str, language: str) -> str | None: ...

    def search(self, query: str, *, k: int = 5) -> list[Hit]: ...


class UnansweredQuestion(Protocol):
    question: str
    count: int


class HealthSignals(Protocol):
    """What health needs from the question log."""

    def downvotes_by_document(self, *, since: dt.datetime) -> Mapping[str, int]: ...

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> Sequence[UnansweredQuestion]: ...


class Translation(BaseModel):
    pair: str | None = None  # the other-language copy's path
    lagging: bool = False  # the other copy changed after this one
    differing_figures: list[str] = Field(default_factory=list)


class DocumentHealth(BaseModel):
    path: str
    title: str
    owner: str | None
    review_by: dt.date | None
    overdue: bool
    due_soon: bool
    downvotes: int
    gaps: int
    gap_questions: list[str] = Field(default_factory=list)  # a few, most asked first
    translation: Translation

    @property
    def needs_attention(self) -> bool:
        t = self.translation
        return bool(
            self.overdue
            or self.due_soon
            or self.downvotes
            or self.gaps
            or t.lagging
            or t.differing_figures
        )

    @property
    def severity(self) -> tuple[int, ...]:
        """Sort key, worst first: wrong figures and lag, then votes, gaps, overdue, due."""
        t = self.translation
        return (
            -(3 * bool(t.differing_figures) + 2 * t.lagging + 2 * self.overdue),
            -self.downvotes,
            -self.gaps,
            -int(self.due_soon),
        )

    def report(self) -> dict[str, object]:
        """The `cxbot health --json` object (DESIGN.md contract, plus a few extras)."""
        return self.model_dump(mode="json")


def section_text(sections: Sequence[Section]) -> str:
    return "\n".join(
        "\n".join([section.heading, *(block.text() for block in section.blocks)])
        for section in sections
    )


def _translation(index: HealthIndex, item: IndexedFile) -> Translation:
    other_language = "ja" if item.language == "en" else "en"
    pair = index.translation(item.path, other_language)
    other = index.files().get(pair) if pair else None
    if pair is None or other is None:
        return Translation()
    figures = differing_figures(
        section_text(index.sections(item.path)), section_text(index.sections(pair))
    )
    lagging = lags_behind(item.changed_at, item.updated, other.changed_at, other.updated)
    return Translation(pair=pair, lagging=lagging, differing_figures=figures)


def gaps_by_document(
    index: HealthIndex, gaps: Sequence[UnansweredQuestion]
) -> dict[str, list[UnansweredQuestion]]:
    """Each unanswered question under the document nearest to it."""
    nearest: dict[str, list[UnansweredQuestion]] = {}
    for gap in gaps:
        hits = index.search(gap.question, k=1)
        if hits:
            nearest.setdefault(hits[0].chunk.path, []).append(gap)
    return nearest


def knowledge_health(
    index: HealthIndex,
    signals: HealthSignals,
    *,
    now: dt.datetime,
    window_days: int = WINDOW_DAYS,
    due_within_days: int = DUE_SOON_DAYS,
    gap_limit: int = 50,
) -> list[DocumentHealth]:
    """Every document's health, worst first."""
    since = now - dt.timedelta(days=window_days)
    today = now.date()
    downvotes = Counter(signals.downvotes_by_document(since=since))
    gaps = gaps_by_document(index, signals.top_gaps(since=since, limit=gap_limit))
    report: list[DocumentHealth] = []
    for path, item in sorted(index.files().items()):
        if path.startswith(GENERATED_PREFIXES):
            continue
        review_by = item.review_by
        document_gaps = gaps.get(path, [])
        report.append(
            DocumentHealth(
                path=path,
                title=item.title,
                owner=item.owner,
                review_by=review_by,
                overdue=review_by is not None and review_by < today,
                due_soon=review_by is not None
                and today <= review_by <= today + dt.timedelta(days=due_within_days),
                downvotes=downvotes.get(path, 0),
                gaps=sum(g.count for g in document_gaps),
                gap_questions=[g.question for g in document_gaps[:3]],
                translation=_translation(index, item),
            )
        )
    return sorted(report, key=lambda h: (h.severity, h.path))
