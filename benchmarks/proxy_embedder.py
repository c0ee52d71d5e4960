"""Stand-in passage vectors for building very large benchmark indexes on a small machine.

The real model embeds about 5-10 chunks a second on this machine, so a 100k-chunk index
would take hours. Query latency hardly depends on what the stored vectors are, only on how
many there are (HNSW search, Chroma lookups) and on the lexical side (real terms either way).
So while *indexing*, passages get a deterministic random projection of their character
trigrams (similar texts get similar vectors, as with a real model); questions, and the
sentences an extractive answer scores, still go through the real model, so every timed step
costs what it costs in production. Dense relevance is meaningless in this mode: the
benchmark says so next to its quality column.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from ingest.embeddings import Embedder, Vectors

_BUCKETS = 1 << 14


class ProxyPassageEmbedder:
    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.indexing = False  # True only around the benchmark's sync calls
        rng = np.random.default_rng(20260501)
        self._projection = rng.standard_normal((_BUCKETS, inner.dimension)).astype(np.float32)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not self.indexing:
            return self.inner.embed_passages(texts)
        rows: list[int] = []
        cols: list[int] = []
        for row, text in enumerate(texts):
            lowered = text.lower()
            for start in range(max(len(lowered) - 2, 1)):
                rows.append(row)
                cols.append(zlib.crc32(lowered[start : start + 3].encode()) % _BUCKETS)
        counts = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), _BUCKETS)
        )
        vectors = np.asarray(counts @ self._projection, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)
