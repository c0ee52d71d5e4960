"""Incremental sync, crash safety and hybrid search on a real embedded Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.index import KnowledgeIndex, SyncBusyError
from tests.conftest import REFUNDS_EN, CountingEmbedder, make_index, write


def paths(index: KnowledgeIndex, query: str, **kwargs: object) -> list[str]:
    return [h.chunk.path for h in index.search(query, **kwargs)]  # type: ignore[arg-type]


def test_first_sync_indexes_everything(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    report = index.sync_folder(knowledge)
    assert sorted(report.added) == ["en/refunds.md", "en/warehouse.md", "ja/refunds.md"]
    assert report.chunks_embedded == report.chunks_total == embedder.passages > 0
    assert index.status().documents == 3


def test_unchanged_folder_embeds_nothing(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    generation = index.store.current_generation()
    embedder.passages = 0
    report = index.sync_folder(knowledge)
    assert report.unchanged == 3 and not report.changed_anything
    assert embedder.passages == 0
    assert index.store.current_generation() == generation


def test_changed_and_deleted_files(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    before = index.vectors.count()
    write(knowledge / "en" / "refunds.md", REFUNDS_EN.replace("¥10,000", "¥12,000"))
    (knowledge / "en" / "warehouse.md").unlink()
    embedder.passages = 0
    report = index.sync_folder(knowledge)
    assert report.changed == ["en/refunds.md"] and report.deleted == ["en/warehouse.md"]
    assert report.unchanged == 1
    refunds_chunks = len(index.state.files["en/refunds.md"].chunk_ids)
    assert embedder.passages == refunds_chunks  # only the changed file was re-embedded
    assert index.vectors.count() == index.state.chunk_count < before
    top = index.search("How much can a support agent refund without approval?")[0]
    assert "¥12,000" in top.chunk.text
    assert "en/warehouse.md" not in paths(index, "warehouse box packing", k=10)


def test_failed_sync_keeps_the_previous_index_answering(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    generation = index.store.current_generation()
    for i in range(6):
        write(knowledge / "en" / f"extra-{i}.md", f"# Extra {i}\n" + "Delivery promise. " * 200)
    embedder.fail_after = embedder.passages + 3
    with pytest.raises(RuntimeError, match="simulated crash"):
        index.sync_folder(knowledge)
    # Another process (a fresh index object) still reads the old, complete generation.
    reader = make_index(tmp_path / "data", embedder)
    assert reader.store.current_generation() == generation
    assert reader.status().documents == 3
    assert paths(reader, "What may warehouse staff authorise?")[0] == "en/warehouse.md"
    # The next sync finishes the job and cleans up what the crashed one left behind.
    embedder.fail_after = None
    report = reader.sync_folder(knowledge)
    assert len(report.added) == 6
    assert reader.vectors.count() == reader.state.chunk_count


def test_broken_file_is_reported_and_the_rest_indexed(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    write(knowledge / "en" / "broken.md", "---\ntitle: [unclosed\n---\nBody")
    index = make_index(tmp_path / "data", embedder)
    report = index.sync_folder(knowledge)
    assert [p.path for p in report.problems] == ["en/broken.md"]
    assert len(report.added) == 3
    assert [p.path for p in index.status().problems] == ["en/broken.md"]


def test_file_that_breaks_later_keeps_its_last_good_version(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    write(knowledge / "en" / "warehouse.md", "---\ntype: [broken\n---\n")
    report = index.sync_folder(knowledge)
    assert report.problems and report.problems[0].path == "en/warehouse.md"
    assert "en/warehouse.md" in index.state.files
    assert paths(index, "What may warehouse staff authorise?")[0] == "en/warehouse.md"


def test_only_one_sync_at_a_time(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    with index._sync_lock(), pytest.raises(SyncBusyError):
        index.sync_folder(knowledge)


def test_japanese_question_finds_japanese_text(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    assert paths(index, "店舗スタッフはいくらまで返金できますか？")[0] == "ja/refunds.md"
    # The English model alone cannot do this; BM25 with Sudachi carries it.
    assert (
        paths(index, "店舗スタッフはいくらまで返金できますか？", mode="lexical")[0]
        == "ja/refunds.md"
    )


def test_role_prefers_its_guide_without_hiding_the_rest(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    question = "What can I decide alone?"
    with_role = paths(index, question, role="warehouse", k=10)
    assert with_role[0] == "en/warehouse.md"
    assert "en/refunds.md" in with_role
    assert index.search(question, role="Warehouse")[0].chunk.path == "en/warehouse.md"


def test_overdue_documents_are_listed(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    import datetime as dt

    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    assert index.status(dt.date(2026, 11, 23)).overdue == ["en/warehouse.md"]


def test_warm_up_loads_everything_before_the_first_question(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    make_index(tmp_path / "data", embedder).sync_folder(knowledge)
    fresh = make_index(tmp_path / "data", embedder)  # a new process: nothing in memory yet
    assert fresh._searcher is None
    fresh.warm_up()
    assert fresh._searcher is not None  # state and BM25 loaded at start-up
    searcher = fresh._searcher
    assert paths(fresh, "refund limit")  # the first question reuses it
    assert fresh._searcher is searcher


def test_warm_up_on_an_empty_index_does_not_fail(
    tmp_path: Path, embedder: CountingEmbedder
) -> None:
    make_index(tmp_path / "data", embedder).warm_up()


class RenamedEmbedder(CountingEmbedder):
    """The same vectors under another model name: what a changed CX_EMBEDDING_MODEL looks
    like to the index."""

    @property
    def name(self) -> str:
        return "another-model"


def test_a_changed_model_re_embeds_everything_and_says_so(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    first = make_index(tmp_path / "data", embedder)
    first.sync_folder(knowledge)
    assert first.state.embedding_model == embedder.name
    other = RenamedEmbedder(embedder.inner)
    second = make_index(tmp_path / "data", other)
    assert second.vectors.name != first.vectors.name  # never one collection for two models
    report = second.sync_folder(knowledge)
    assert report.replaced_models == [embedder.name]
    assert report.chunks_embedded == report.chunks_total == other.passages > 0
    assert second.state.embedding_model == "another-model"
    assert second.sync_folder(knowledge).replaced_models == []  # said once, on the switch


MANAGERS_ONLY = """---
title: Approval limits for managers
type: policy
audience: [managers]
---
# Approval limits for managers

## Refund approvals
Team leads approve refunds up to ¥50,000; the escalation phone number is 03-1234-5678.
"""


def test_restricted_documents_never_reach_readers_outside_their_audience(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    write(knowledge / "en" / "managers.md", MANAGERS_ONLY)
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    question = "who approves refunds up to 50,000 yen and what is the escalation phone number"
    assert "en/managers.md" in paths(index, question)  # the operator sees everything
    for mode in ("hybrid", "dense", "lexical"):
        staff = paths(index, question, k=20, audience=frozenset(), mode=mode)
        assert staff and "en/managers.md" not in staff, mode
        managers = paths(index, question, k=20, audience=frozenset({"managers"}), mode=mode)
        assert "en/managers.md" in managers, mode
    assert index.file("en/managers.md").audience == "managers"  # type: ignore[union-attr]


def test_each_file_remembers_when_its_content_last_changed(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    first = {path: item.changed_at for path, item in index.files().items()}
    assert all(first.values())
    write(knowledge / "en" / "refunds.md", REFUNDS_EN.replace("¥5,000", "¥6,000"))
    index.sync_folder(knowledge)
    second = {path: item.changed_at for path, item in index.files().items()}
    assert second["ja/refunds.md"] == first["ja/refunds.md"]  # untouched: history kept
    english, japanese = second["en/refunds.md"], second["ja/refunds.md"]
    assert english is not None and japanese is not None and english > japanese


def test_a_front_matter_only_edit_is_not_a_content_change(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    before = index.files()["en/refunds.md"].changed_at
    write(
        knowledge / "en" / "refunds.md",
        REFUNDS_EN.replace("review_by: 2027-05-01", "review_by: 2027-11-01\nverified_by: Aiko"),
    )
    index.sync_folder(knowledge)
    assert index.files()["en/refunds.md"].changed_at == before
