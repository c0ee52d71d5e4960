from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest.embeddings import (
    EmbeddingModelError,
    SentenceTransformerEmbedder,
    Vectors,
    default_prefixes,
    resolve_model_path,
)


def test_packaged_model_embeds_offline(real_embedder: SentenceTransformerEmbedder) -> None:
    vectors = real_embedder.embed_passages(["Refund the customer.", "Pack the box with care."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    query = real_embedder.embed_queries(["Can I give money back?"])[0]
    assert float(vectors[0] @ query) > float(vectors[1] @ query)


def test_any_model_path_works() -> None:
    folder = resolve_model_path("")
    embedder = SentenceTransformerEmbedder(folder)
    assert Path(folder).is_dir() and embedder.embed_queries(["hello"]).shape == (1, 384)


def test_e5_models_get_their_prefixes() -> None:
    assert default_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert default_prefixes("packaged:all-MiniLM-L6-v2") == ("", "")
    embedder = SentenceTransformerEmbedder("intfloat/multilingual-e5-small", query_prefix="q: ")
    assert (embedder.query_prefix, embedder.passage_prefix) == ("q: ", "passage: ")


def test_a_model_that_cannot_be_downloaded_fails_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = SentenceTransformerEmbedder("intfloat/multilingual-e5-small")
    with pytest.raises(EmbeddingModelError) as caught:
        embedder.embed_queries(["hello"])
    message = str(caught.value)
    assert "multilingual-e5-small" in message and "network" in message
    assert "CX_EMBEDDING_MODEL" in message


def test_answering_processes_embed_on_one_thread_unless_told() -> None:
    from bot.settings import Settings
    from bot.wiring import build_embedder

    auto = Settings(_env_file=None)  # type: ignore[call-arg]
    assert build_embedder(auto, answering=True)._threads == 1
    assert build_embedder(auto)._threads is None  # ingest: every core
    fixed = Settings(_env_file=None, embedding_threads=3)  # type: ignore[call-arg]
    assert build_embedder(fixed, answering=True)._threads == 3
    assert build_embedder(fixed)._threads == 3


def test_a_question_is_embedded_once_per_answer(real_embedder: SentenceTransformerEmbedder) -> None:
    calls: list[int] = []
    original = real_embedder._encode

    def counting(texts: Sequence[str], prefix: str) -> Vectors:
        calls.append(len(texts))
        return original(texts, prefix)

    real_embedder._encode = counting  # type: ignore[method-assign]
    try:
        first = real_embedder.embed_queries(["a question seen twice in one answer"])
        second = real_embedder.embed_queries(["a question seen twice in one answer"])
    finally:
        del real_embedder._encode
    assert calls == [1]
    assert np.allclose(first, second)
    second[0][0] = 42.0  # callers may not change the kept vector
    assert real_embedder.embed_queries(["a question seen twice in one answer"])[0][0] != 42.0
