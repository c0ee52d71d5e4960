"""BM25 over the chunks' lexical terms (bm25s: sparse matrices, fast on one core)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import bm25s
import numpy as np
import numpy.typing as npt


class LexicalScores:
    """BM25 scores of every chunk for one query: top-k and exact lookups from one pass."""

    def __init__(
        self, ids: Sequence[str], positions: dict[str, int], scores: npt.NDArray[np.float32]
    ):
        self._ids = ids
        self._positions = positions
        self._scores = scores

    def top(self, k: int) -> list[tuple[str, float]]:
        if len(self._scores) == 0:
            return []
        k = min(k, len(self._scores))
        top = np.argpartition(-self._scores, k - 1)[:k]
        top = top[np.argsort(-self._scores[top])]
        return [(self._ids[i], float(self._scores[i])) for i in top if self._scores[i] > 0]

    def get(self, chunk_id: str) -> float:
        position = self._positions.get(chunk_id)
        return 0.0 if position is None else float(self._scores[position])


class LexicalIndex:
    """An immutable BM25 index of one generation; built from stored terms, never re-tokenised."""

    def __init__(self, ids: Sequence[str], corpus_terms: Sequence[Sequence[str]]) -> None:
        self.ids = list(ids)
        self._positions = {cid: i for i, cid in enumerate(self.ids)}
        self._doc_freq: Counter[str] = Counter()
        for terms in corpus_terms:
            self._doc_freq.update(set(terms))
        self._bm25: bm25s.BM25 | None = None
        if self.ids:
            self._bm25 = bm25s.BM25()
            self._bm25.index([list(t) for t in corpus_terms], show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    def idf(self, term: str) -> float:
        """Smoothed IDF; an unseen term gets the highest weight (it is the most specific)."""
        n = max(len(self.ids), 1)
        df = self._doc_freq.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, terms: Sequence[str]) -> LexicalScores:
        if self._bm25 is None or not terms:
            empty = np.zeros(len(self.ids), dtype=np.float32)
            return LexicalScores(self.ids, self._positions, empty)
        values = np.asarray(self._bm25.get_scores(list(terms)), dtype=np.float32)
        return LexicalScores(self.ids, self._positions, values)
