"""Hybrid retrieval: dense and BM25 candidates, scored exactly on both sides, fused by trust.

Plain reciprocal-rank fusion treats both rankings as equally good. They are not: an English
embedding model ranks Japanese text almost at random while BM25 with a Japanese tokenizer is
excellent. So each side gets a weight for the question's language (how far the embedding
model can be trusted there), and scores, not ranks, are fused after min-max normalisation over
the union of candidates, so a strong lexical match is not diluted by a weak dense one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ingest.embeddings import Embedder
from ingest.glossary import Glossary
from ingest.language import detect_language
from ingest.lexical import LexicalIndex
from ingest.models import Hit
from ingest.state import IndexState
from ingest.tokenize import tokenize
from ingest.vectors import VectorStore

Mode = Literal["hybrid", "dense", "lexical"]


@dataclass(frozen=True)
class FusionOptions:
    #: Dense weight for languages the embedding model understands, and for the others.
    trusted_dense_weight: float = 0.5
    untrusted_dense_weight: float = 0.05
    #: Added to a chunk's fused score when its document is written for the asker's role.
    role_boost: float = 0.12
    candidates: int = 40


def normalize_role(role: str | None) -> str | None:
    if not role:
        return None
    return "-".join(role.strip().lower().replace("_", " ").split())


def _minmax(values: dict[str, float]) -> dict[str, float]:
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    spread = high - low
    if spread < 1e-9:
        return {key: (1.0 if high > 0 else 0.0) for key in values}
    return {key: (value - low) / spread for key, value in values.items()}


class HybridSearcher:
    def __init__(
        self,
        state: IndexState,
        lexical: LexicalIndex,
        vectors: VectorStore,
        embedder: Embedder,
        *,
        trusts_language: Callable[[str], bool],
        options: FusionOptions | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.glossary = glossary
        self.state = state
        self.lexical = lexical
        self.vectors = vectors
        self.embedder = embedder
        self.trusts_language = trusts_language
        self.options = options or FusionOptions()

    def dense_weight(self, language: str) -> float:
        opts = self.options
        return (
            opts.trusted_dense_weight
            if self.trusts_language(language)
            else (opts.untrusted_dense_weight)
        )

    def coverage(self, terms: Sequence[str], chunk_terms: set[str]) -> float:
        """IDF-weighted share of the question's terms that the passage contains (or says in
        other words, per the glossary)."""
        unique = set(terms)
        total = sum(self.lexical.idf(t) for t in unique)
        if total <= 0:
            return 0.0
        covered = 0.0
        for term in unique:
            if term in chunk_terms or (
                self.glossary is not None
                and self.glossary.synonyms_covered(term, terms, chunk_terms)
            ):
                covered += self.lexical.idf(term)
        return covered / total

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        role: str | None = None,
        mode: Mode = "hybrid",
        language: str | None = None,
    ) -> list[Hit]:
        if not self.state.chunks or not query.strip():
            return []
        lang = language or detect_language(query)
        terms = tokenize(query)
        n = self.options.candidates
        dense_weight = {"dense": 1.0, "lexical": 0.0}.get(mode, self.dense_weight(lang))
        live = self.state.chunks

        dense: dict[str, float] = {}
        if dense_weight > 0:
            query_vector = self.embedder.embed_queries([query])[0]
            # Over-fetch a little: vectors of a sync in progress may not be live yet.
            dense = {cid: s for cid, s in self.vectors.query(query_vector, n + 10) if cid in live}
        query_terms = self.glossary.expand(terms) if self.glossary else terms
        all_lexical = self.lexical.scores(query_terms)
        lexical_scores: dict[str, float] = {}
        if dense_weight < 1:
            lexical_scores = dict(all_lexical.top(n))

        candidates = list(dict.fromkeys([*dense, *lexical_scores]))[: 2 * n]
        if dense_weight > 0 and dense_weight < 1:
            self._fill_dense(candidates, dense, query_vector)
            for cid in candidates:
                lexical_scores.setdefault(cid, all_lexical.get(cid))
        d_norm = _minmax({c: dense.get(c, 0.0) for c in candidates}) if dense else {}
        l_norm = _minmax({c: lexical_scores.get(c, 0.0) for c in candidates})
        wanted_role = normalize_role(role)

        # Fuse first and describe only the k best: coverage is evidence, not part of the rank.
        fused: list[tuple[float, str]] = []
        for cid in candidates:
            score = dense_weight * d_norm.get(cid, 0.0) + (1 - dense_weight) * l_norm.get(cid, 0.0)
            if wanted_role and any(normalize_role(r) == wanted_role for r in live[cid].chunk.roles):
                score += self.options.role_boost
            fused.append((score, cid))
        fused.sort(key=lambda pair: pair[0], reverse=True)  # stable: ties keep candidate order
        hits: list[Hit] = []
        for score, cid in fused[:k]:
            item = live[cid]
            hits.append(
                Hit(
                    chunk=item.chunk,
                    score=score,
                    dense=dense.get(cid),
                    lexical=lexical_scores.get(cid, all_lexical.get(cid)),
                    coverage=self.coverage(terms, set(item.terms)),
                )
            )
        return hits

    def _fill_dense(
        self, candidates: list[str], dense: dict[str, float], query_vector: np.ndarray
    ) -> None:
        missing = [c for c in candidates if c not in dense]
        if not missing:
            return
        for cid, vector in self.vectors.vectors(missing).items():
            dense[cid] = float(np.dot(vector, query_vector))
