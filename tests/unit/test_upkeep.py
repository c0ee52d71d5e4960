"""Knowledge upkeep on in-memory fakes: nudges once a week per owner, verify and snooze for
owners and leads only, captured answers approved exactly once into the knowledge folder."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.knowledge.capture import CapturedAnswer
from bot.knowledge.ports import DraftRecord, DraftStatus
from bot.knowledge.service import KnowledgeUpkeep
from bot.slack import upkeep as surface
from bot.slack.upkeep_blocks import ACTION_SNOOZE, ACTION_VERIFY
from ingest.models import Chunk, Hit
from ingest.state import IndexedFile
from ingest.structure import Section
from tests.fakes import FakeWebClient, Recorder, bolt, slack_client, slack_context

NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
DOC = """---
title: Refunds
owner: Ken Sato
updated: 2026-05-01
review_by: 2026-11-01
---
# Refunds

Store staff may refund up to ¥5,000.
"""


class MemoryUpkeep:
    """Snoozes, drafts, resolved gaps and health signals in memory."""

    def __init__(self) -> None:
        self.snoozes: dict[str, dt.datetime] = {}
        self.drafts: dict[int, DraftRecord] = {}
        self.resolved: list[tuple[str, str]] = []
        self.ids = itertools.count(1)

    def snooze(self, path: str, *, user_id: str, until: dt.datetime) -> None:
        self.snoozes[path] = until

    def snoozed(self, *, now: dt.datetime) -> set[str]:
        return {p for p, until in self.snoozes.items() if until > now}

    def add_draft(self, draft: CapturedAnswer, **where: Any) -> int:
        number = next(self.ids)
        self.drafts[number] = DraftRecord(id=number, draft=draft, status="pending", **where)
        return number

    def get_draft(self, draft_id: int) -> DraftRecord | None:
        return self.drafts.get(draft_id)

    def edit_draft(self, draft_id: int, draft: CapturedAnswer) -> bool:
        record = self.drafts[draft_id]
        if record.status != "pending":
            return False
        self.drafts[draft_id] = record.model_copy(update={"draft": draft})
        return True

    def decide_draft(self, draft_id: int, status: DraftStatus) -> bool:
        record = self.drafts.get(draft_id)
        if record is None or record.status != "pending":
            return False
        self.drafts[draft_id] = record.model_copy(update={"status": status})
        return True

    def set_draft_path(self, draft_id: int, path: str) -> None:
        self.drafts[draft_id] = self.drafts[draft_id].model_copy(update={"path": path})

    def resolve_gap(self, question: str, *, path: str) -> int:
        self.resolved.append((question, path))
        return 1

    def downvotes_by_document(self, *, since: dt.datetime) -> Mapping[str, int]:
        return {}

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> Sequence[Any]:
        return []


class FolderIndex:
    """The knowledge folder's Markdown files, front matter read by the real loader."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def files(self) -> Mapping[str, IndexedFile]:
        from ingest.loaders import load_document

        found = {}
        for file in sorted(self.root.rglob("*.md")):
            doc = load_document(file, self.root)
            found[doc.path] = IndexedFile(
                path=doc.path,
                title=doc.title,
                content_hash=doc.content_hash,
                chunk_ids=[],
                language=doc.language,
                doc_type="policy",
                owner=doc.meta.owner,
                review_by=doc.meta.review_by,
            )
        return found

    def sections(self, path: str) -> list[Section]:
        return []

    def translation(self, path: str, language: str) -> str | None:
        return None

    def file(self, path: str) -> IndexedFile | None:
        return self.files().get(path)

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        chunk = Chunk(
            id="c",
            path="en/refunds.md",
            title="Refunds",
            section="",
            text="",
            language="en",
            position=0,
        )
        return [Hit(chunk=chunk, score=0.4)]


def make_upkeep(tmp_path: Path) -> tuple[KnowledgeUpkeep, MemoryUpkeep, list[int]]:
    (tmp_path / "knowledge" / "en").mkdir(parents=True)
    (tmp_path / "knowledge" / "en" / "refunds.md").write_text(DOC, encoding="utf-8")
    memory, syncs = MemoryUpkeep(), []
    upkeep = KnowledgeUpkeep(
        index=FolderIndex(tmp_path / "knowledge"),
        signals=memory,
        snoozes=memory,
        drafts=memory,
        gaps=memory,
        knowledge_dir=tmp_path / "knowledge",
        sync=lambda: syncs.append(1),
        owners={"ken sato": "UKEN"},
        leads=frozenset({"ULEAD"}),
        review_days=90,
        clock=lambda: NOW,
    )
    return upkeep, memory, syncs


def context_with(tmp_path: Path, upkeep: KnowledgeUpkeep) -> Any:
    ctx = slack_context(tmp_path)
    ctx.upkeep = upkeep
    return ctx


def test_owner_is_nudged_once_a_week_and_snoozing_silences_the_document(tmp_path: Path) -> None:
    upkeep, _, _ = make_upkeep(tmp_path)
    ctx = context_with(tmp_path, upkeep)
    fake = FakeWebClient()
    assert surface.send_nudges(ctx, slack_client(fake)) == 1
    assert surface.send_nudges(ctx, slack_client(fake)) == 0  # claimed for this week
    [dm] = fake.to("chat_postMessage")
    assert dm["channel"] == "UKEN" and "en/refunds.md" in str(dm["blocks"])
    actions = [
        e["action_id"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == [ACTION_VERIFY, ACTION_SNOOZE]
    upkeep.snooze("en/refunds.md", "UKEN")
    assert upkeep.nudges() == []


def click(ctx: Any, handler: Any, user: str, value: str) -> Recorder:
    respond, fake = Recorder(), FakeWebClient()
    body = {"user": {"id": user}, "actions": [{"value": value}], "trigger_id": "t"}
    handler(ctx, bolt(Recorder()), body, slack_client(fake), bolt(respond))
    return respond


def test_still_correct_is_for_the_owner_or_a_lead_and_moves_review_by(tmp_path: Path) -> None:
    upkeep, _, syncs = make_upkeep(tmp_path)
    ctx = context_with(tmp_path, upkeep)
    refused = click(ctx, surface.verify_clicked, "USOMEONE", "en/refunds.md")
    assert "Only the owner" in refused.last["text"] and syncs == []
    done = click(ctx, surface.verify_clicked, "UKEN", "en/refunds.md")
    assert "next review 2027-06-05" in done.last["text"] and syncs == [1]
    text = (tmp_path / "knowledge" / "en" / "refunds.md").read_text(encoding="utf-8")
    assert "review_by: 2027-06-05" in text and "verified_by: UKEN" in text
    assert "Store staff may refund up to ¥5,000." in text
    assert surface.verify_document(ctx, slack_client(FakeWebClient()), "ULEAD", "refunds.md")
    unknown = surface.verify_document(ctx, slack_client(FakeWebClient()), "ULEAD", "nope.md")
    assert "can't find" in unknown


def test_a_captured_answer_is_approved_once_and_the_asker_is_told(tmp_path: Path) -> None:
    upkeep, memory, syncs = make_upkeep(tmp_path)
    ctx = context_with(tmp_path, upkeep)
    draft = CapturedAnswer(
        question="Can I refund a gift card?",
        answer="Yes, to the original payment. Mail me at ken@example.com.",
        title="Gift card refunds",
        owner="Ken Sato",
    )
    draft_id = upkeep.submit(
        draft, submitted_by="UHELPER", asker_id="UASKER", channel_id="C1", thread_ts="1.0"
    )
    assert "ken@example.com" not in memory.drafts[draft_id].draft.answer  # redacted
    assert upkeep.reviewers(draft) == ["UKEN"]
    refused = click(ctx, surface.approve_draft, "UHELPER", str(draft_id))
    assert "Only the document's owner" in refused.last["text"]
    fake = FakeWebClient()
    respond = Recorder()
    body = {"user": {"id": "UKEN"}, "actions": [{"value": str(draft_id)}]}
    surface.approve_draft(ctx, bolt(Recorder()), body, slack_client(fake), bolt(respond))
    assert (tmp_path / "knowledge" / "en" / "answers" / "gift-card-refunds.md").exists()
    told = fake.to("chat_postMessage")
    assert told[0]["channel"] == "C1" and told[0]["thread_ts"] == "1.0"
    assert "knowledge now covers this" in told[0]["text"] and "<@UASKER>" in told[0]["text"]
    assert memory.resolved == [("Can I refund a gift card?", "en/answers/gift-card-refunds.md")]
    assert syncs == [1]
    again = click(ctx, surface.approve_draft, "UKEN", str(draft_id))
    assert "already decided" in again.last["text"]
    assert len(list((tmp_path / "knowledge" / "en" / "answers").iterdir())) == 1
