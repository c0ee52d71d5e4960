"""A tokenizer change re-tokenises stored chunks without embedding anything again."""

from __future__ import annotations

from pathlib import Path

from ingest.state import StateStore
from ingest.tokenize import TOKENIZER_VERSION
from tests.conftest import CountingEmbedder, make_index, write


def test_old_terms_are_redone_without_re_embedding(
    tmp_path: Path, embedder: CountingEmbedder
) -> None:
    knowledge = tmp_path / "knowledge"
    write(
        knowledge / "ja/codes.md", "# 返品コード\n\n注文番号SKU12ABの返品は店舗で受け付けます。\n"
    )
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    embedded = embedder.passages

    # Pretend the index was written by an older tokenizer that split the code apart.
    store = StateStore(index.store.root)
    state = store.load()
    state.tokenizer_version = TOKENIZER_VERSION - 1
    for item in state.chunks.values():
        item.terms = [t for t in item.terms if t != "sku12ab"] + ["sku", "12", "ab"]
    store.save(state)
    stale = make_index(tmp_path / "data", embedder)
    assert not stale.search("SKU12AB", mode="lexical")

    report = stale.sync_folder(knowledge)
    assert not report.changed_anything
    assert embedder.passages == embedded  # nothing embedded again
    hits = stale.search("SKU12AB", mode="lexical")
    assert hits and hits[0].chunk.path == "ja/codes.md"
    assert StateStore(index.store.root).load().tokenizer_version == TOKENIZER_VERSION
