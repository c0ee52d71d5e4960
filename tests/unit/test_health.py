"""Knowledge health on in-memory fakes: review dates, votes, gaps and translation parity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.health import knowledge_health
from bot.knowledge.nudges import plan_nudges, reasons, week_key
from ingest.models import Chunk, Hit
from ingest.state import IndexedFile
from ingest.structure import Block, Section

NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
EARLIER = NOW - dt.timedelta(days=20)


def indexed(path: str, language: str, **fields: object) -> IndexedFile:
    values: dict[str, object] = {
        "path": path,
        "title": path,
        "content_hash": "h",
        "chunk_ids": [],
        "language": language,
        "doc_type": "policy",
        "owner": "Aiko",
        "changed_at": EARLIER,
    }
    values.update(fields)
    return IndexedFile.model_validate(values)


def section(text: str) -> list[Section]:
    return [Section(heading="Limits", blocks=[Block(kind="paragraph", lines=[text])])]


@dataclass
class Gap:
    question: str
    count: int


class FakeIndex:
    def __init__(self, files: list[IndexedFile], texts: dict[str, str]) -> None:
        self._files = {f.path: f for f in files}
        self.texts = texts

    def files(self) -> Mapping[str, IndexedFile]:
        return self._files

    def sections(self, path: str) -> list[Section]:
        return section(self.texts.get(path, ""))

    def translation(self, path: str, language: str) -> str | None:
        other = f"{language}/{path.split('/', 1)[1]}"
        return other if other in self._files and other != path else None

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        path = "en/warehouse.md" if "pack" in query else "en/refunds.md"
        chunk = Chunk(id="c", path=path, title="t", section="", text="x", language="en", position=0)
        return [Hit(chunk=chunk, score=0.5)][:k]


class FakeSignals:
    def downvotes_by_document(self, *, since: dt.datetime) -> Mapping[str, int]:
        assert since == NOW - dt.timedelta(days=30)
        return {"en/warehouse.md": 2}

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> Sequence[Gap]:
        return [Gap("how do I pack glass?", 3), Gap("refund a gift card?", 1)]


def test_each_document_says_what_needs_attention_worst_first() -> None:
    files = [
        indexed("en/refunds.md", "en", review_by=dt.date(2027, 6, 1), changed_at=NOW),
        indexed("ja/refunds.md", "ja", review_by=dt.date(2027, 6, 1)),
        indexed("en/warehouse.md", "en", review_by=dt.date(2026, 12, 10)),
        indexed("en/vision.md", "en", review_by=dt.date(2026, 11, 1), owner=None),
        indexed("en/calm.md", "en", review_by=dt.date(2027, 12, 1)),
        indexed("wins/1.md", "en"),
    ]
    texts = {
        "en/refunds.md": "Store staff may refund up to ¥7,000.",
        "ja/refunds.md": "店舗スタッフは5,000円まで返金できます。",
    }
    health = knowledge_health(FakeIndex(files, texts), FakeSignals(), now=NOW)
    by_path = {h.path: h for h in health}
    assert "wins/1.md" not in by_path  # generated, nobody to nudge

    ja = by_path["ja/refunds.md"]
    assert ja.translation.pair == "en/refunds.md" and ja.translation.lagging
    assert ja.translation.differing_figures == ["¥5,000", "¥7,000"]
    en = by_path["en/refunds.md"]
    assert not en.translation.lagging and en.translation.differing_figures == ["¥5,000", "¥7,000"]
    assert en.gaps == 1 and en.gap_questions == ["refund a gift card?"]

    warehouse = by_path["en/warehouse.md"]
    assert warehouse.due_soon and not warehouse.overdue
    assert warehouse.downvotes == 2 and warehouse.gaps == 3
    assert by_path["en/vision.md"].overdue and by_path["en/vision.md"].owner is None
    assert not by_path["en/calm.md"].needs_attention

    assert [h.path for h in health][:2] == ["ja/refunds.md", "en/refunds.md"]
    assert health[-1].path == "en/calm.md"
    report = ja.report()
    assert {"path", "owner", "review_by", "overdue", "downvotes", "gaps"} <= report.keys()
    assert report["translation"] == {
        "pair": "en/refunds.md",
        "lagging": True,
        "differing_figures": ["¥5,000", "¥7,000"],
    }
    assert report["review_by"] == "2027-06-01"


def test_nudges_go_to_owners_unknown_owners_to_the_leads_and_skip_the_snoozed() -> None:
    files = [
        indexed("en/a.md", "en", review_by=dt.date(2026, 11, 1), owner="Ken Sato"),
        indexed("en/b.md", "en", review_by=dt.date(2026, 11, 2), owner="ken sato"),
        indexed("en/c.md", "en", review_by=dt.date(2026, 11, 3), owner="Someone Else"),
        indexed("en/d.md", "en", review_by=dt.date(2026, 11, 4), owner="Ken Sato"),
        indexed("en/fine.md", "en", review_by=dt.date(2027, 11, 4), owner="Aiko"),
    ]

    class Quiet(FakeSignals):
        def downvotes_by_document(self, *, since: dt.datetime) -> Mapping[str, int]:
            return {}

        def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> Sequence[Gap]:
            return []

    health = knowledge_health(FakeIndex(files, {}), Quiet(), now=NOW)
    nudges = plan_nudges(
        health,
        owners={"Ken Sato": "UKEN", "Aiko": "UAIKO"},
        leads=["ULEAD", "ULEAD2"],
        snoozed=lambda path: path == "en/d.md",
    )
    sent = {n.user_id: ([d.path for d in n.documents], n.as_lead) for n in nudges}
    assert sent == {
        "UKEN": (["en/a.md", "en/b.md"], False),
        "ULEAD": (["en/c.md"], True),
        "ULEAD2": (["en/c.md"], True),
    }
    assert reasons(health[0]) == ["overdue"]
    assert week_key(NOW) == "2026-W49"
    assert (
        plan_nudges(
            [h for h in health if h.path == "en/fine.md"],
            owners={},
            leads=["U"],
            snoozed=lambda _: False,
        )
        == []
    )
