"""Hybrid retrieval: dense and BM25 candidates, scored exactly on both sides, fused by trust.

Plain reciprocal-rank fusion treats both rankings as equally good. They are not: an English
embedding model ranks Japanese text almost at random while BM25 with a Japanese tokenizer is
excellent. So each side gets a weight for the question's language (how far the embedding
model can be trusted there), and scores, not ranks, are fused after min-max normalisation over
the union of candidates, so a strong lexical match is not diluted by a weak dense one. The
share of the question's terms a passage contains (coverage) is added as a third, small signal.

Lexical evidence only counts for passages in the question's language: for an English question
over Japanese text, BM25 matches only numbers and stray Latin words, and that noise pushed the
right passage down (reciprocal-rank fusion took English-over-Japanese hit@5 from 0.95 to 0.70).
Passages in another language are ranked by the multilingual dense side alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ingest.audience import Audience, visible
from ingest.embeddings import Embedder
from ingest.glossary import Glossary
from ingest.language import detect_language
from ingest.lexical import LexicalIndex
from ingest.models import Chunk, Hit
from ingest.spelling import corrected_terms, corrections
from ingest.state import IndexState
from ingest.tokenize import tokenize
from ingest.vectors import VectorStore

Mode = Literal["hybrid", "dense", "lexical"]

_LATIN = re.compile(r"[A-Za-z]{4,}")


@dataclass(frozen=True)
class FusionOptions:
    #: Dense weight for languages the embedding model understands, and for the others.
    #: 0.55 and the coverage weight were chosen on the first half of JSQuAD validation with
    #: the multilingual model; 0.05 keeps an English-only model out of Japanese rankings.
    trusted_dense_weight: float = 0.55
    untrusted_dense_weight: float = 0.05
    coverage_weight: float = 0.3
    #: Added to a chunk's fused score when its document is written for the asker's role.
    role_boost: float = 0.12
    #: Share of the best other passage's score of the same document added to a passage in
    #: another language than the question (`with_document_support`); chosen on the
    #: cross-lingual set.
    document_support: float = 0.3
    candidates: int = 40


def normalize_role(role: str | None) -> str | None:
    if not role:
        return None
    return "-".join(role.strip().lower().replace("_", " ").split())


#: A document listing more roles than this is for everyone (the vision, the FAQ, policies):
#: it gets no role boost, so the asker's own role guide can come first.
_SHARED_DOCUMENT_ROLES = 2


def is_for_role(chunk: Chunk, role: str) -> bool:
    """Whether a chunk's document is written for this role in particular."""
    roles = [normalize_role(r) for r in chunk.roles]
    return role in roles and (
        chunk.doc_type == "role-guide" or len(roles) <= _SHARED_DOCUMENT_ROLES
    )


def _minmax(values: dict[str, float]) -> dict[str, float]:
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    spread = high - low
    if spread < 1e-9:
        return {key: (1.0 if high > 0 else 0.0) for key in values}
    return {key: (value - low) / spread for key, value in values.items()}


_LANGUAGE_FOLDER = re.compile(r"^(?:([a-z]{2})/)")


def translation_pairs(state: IndexState) -> dict[tuple[str, str], str]:
    """(path, language) -> the path of that document's translation into the language.

    Pairs are the same path under language folders (`en/roles/x.md`, `ja/roles/x.md`) or a
    `translation_of` key in either file's front matter."""
    pairs: dict[tuple[str, str], str] = {}
    files = state.files

    def link(a: str, b: str) -> None:
        if a in files and b in files and files[a].language != files[b].language:
            pairs[(a, files[b].language)] = b
            pairs[(b, files[a].language)] = a

    for path, item in files.items():
        if item.translation_of:
            link(path, item.translation_of)
        match = _LANGUAGE_FOLDER.match(path)
        if match:
            for other in ("en", "ja"):
                if other != match.group(1):
                    link(path, f"{other}/{path[match.end() :]}")
    return pairs


def with_document_support(
    fused: Sequence[tuple[float, str]],
    path_of: Callable[[str], str],
    share: float,
    applies: Callable[[str], bool] = lambda cid: True,
) -> list[tuple[float, str]]:
    """Add to a passage's score `share` of the best other passage of its document (the
    document's best passage ends up scored best + share x second best), for the passages
    `applies` to. Used where the dense side is the only evidence (a passage in another
    language than the question): one vector match across languages is noisy, a document
    that matches in several places is likelier the answer (cross-lingual hit@5 0.900/0.867
    -> 0.967/0.967). Not within a language: there it favours long documents (JSQuAD fused
    hit@1 0.930 -> 0.903)."""
    if share <= 0:
        return list(fused)
    top: dict[str, list[float]] = {}
    for score, cid in fused:
        best = top.setdefault(path_of(cid), [])
        best.append(score)
        best.sort(reverse=True)
        del best[2:]
    supported = []
    for score, cid in fused:
        best = top[path_of(cid)]
        other = best[0] if score < best[0] else (best[1] if len(best) > 1 else 0.0)
        bonus = share * max(other, 0.0) if applies(cid) else 0.0
        supported.append((score + bonus, cid))
    return supported


@dataclass(frozen=True)
class _Evidence:
    candidates: list[str]
    dense: dict[str, float]  # cosine similarity per candidate (when the dense side ran)
    lexical: dict[str, float]  # raw BM25 per candidate


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
        self.translations = translation_pairs(state)
        self._audience_keys = frozenset(item.chunk.audience for item in state.chunks.values())
        self._masks: dict[frozenset[str], npt.NDArray[np.bool_]] = {}

    def dense_weight(self, language: str) -> float:
        opts = self.options
        return (
            opts.trusted_dense_weight
            if self.trusts_language(language)
            else (opts.untrusted_dense_weight)
        )

    def coverage(self, terms: Sequence[str]) -> Callable[[Sequence[str]], float]:
        """IDF-weighted share of the question's terms that a passage contains (or says in
        other words, per the glossary); the question's weights are looked up once."""
        weights = {t: self.lexical.idf(t) for t in set(terms)}
        total = sum(weights.values())
        glossary = self.glossary

        def share(chunk_terms: Sequence[str]) -> float:
            if total <= 0:
                return 0.0
            present = set(chunk_terms)
            covered = sum(
                weight
                for term, weight in weights.items()
                if term in present
                or (glossary is not None and glossary.synonyms_covered(term, terms, present))
            )
            return covered / total

        return share

    def query_terms(self, query: str) -> list[str]:
        """The question's lexical terms, with English typos mended ("refnud" -> "refund")."""
        terms = tokenize(query)
        fixes = corrections(query, self.lexical.doc_freq) if _LATIN.search(query) else {}
        return corrected_terms(terms, fixes) if fixes else terms

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        role: str | None = None,
        mode: Mode = "hybrid",
        language: str | None = None,
        audience: Audience = None,
    ) -> list[Hit]:
        """`audience`: the tokens the reader holds (`ingest.audience`); None sees everything.
        Documents outside it are filtered out on both sides before anything is ranked."""
        if not self.state.chunks or not query.strip():
            return []
        lang = language or detect_language(query)
        terms = self.query_terms(query)
        dense_weight = {"dense": 1.0, "lexical": 0.0}.get(mode, self.dense_weight(lang))
        allowed = self.allowed_keys(audience)
        evidence = self._gather(query, terms, dense_weight, allowed)
        live = self.state.chunks
        candidates = evidence.candidates
        d_norm = _minmax({c: evidence.dense.get(c, 0.0) for c in candidates})
        # Lexical evidence only from passages in the question's language (module docstring).
        same = {c for c in candidates if live[c].chunk.language in (lang, "")}
        if mode == "lexical" or not evidence.dense:
            same = set(candidates)
        l_norm = _minmax(
            {c: evidence.lexical.get(c, 0.0) if c in same else 0.0 for c in candidates}
        )
        share = self.coverage(terms)
        coverage = {c: share(live[c].terms) for c in candidates}
        wanted_role = normalize_role(role)
        coverage_weight = self.options.coverage_weight if mode == "hybrid" else 0.0

        fused: list[tuple[float, str]] = []
        for cid in candidates:
            score = dense_weight * d_norm.get(cid, 0.0) + (1 - dense_weight) * l_norm.get(cid, 0.0)
            if cid in same:
                score += coverage_weight * coverage[cid]
            if wanted_role and is_for_role(live[cid].chunk, wanted_role):
                score += self.options.role_boost
            fused.append((score, cid))
        fused = with_document_support(
            fused,
            lambda cid: live[cid].chunk.path,
            self.options.document_support,
            applies=lambda cid: cid not in same,
        )
        fused.sort(key=lambda pair: pair[0], reverse=True)  # stable: ties keep candidate order
        return [
            Hit(
                chunk=live[cid].chunk,
                score=score,
                dense=evidence.dense.get(cid),
                lexical=evidence.lexical.get(cid, 0.0),
                coverage=coverage[cid],
            )
            for score, cid in fused[:k]
        ]

    def allowed_keys(self, audience: Audience) -> frozenset[str] | None:
        """The audience keys a reader may see, or None when that is all of them."""
        if audience is None:
            return None
        keys = frozenset(k for k in self._audience_keys if visible(k, audience))
        return None if keys == self._audience_keys else keys

    def _mask(self, keys: frozenset[str]) -> npt.NDArray[np.bool_]:
        mask = self._masks.get(keys)
        if mask is None:
            ids = (cid for cid, item in self.state.chunks.items() if item.chunk.audience in keys)
            mask = self._masks[keys] = self.lexical.mask(ids)
        return mask

    def _gather(
        self, query: str, terms: list[str], dense_weight: float, allowed: frozenset[str] | None
    ) -> _Evidence:
        """Candidates from both sides, each scored exactly on both (a candidate one side
        missed is looked up, not counted as zero), from the documents the reader may see."""
        n = self.options.candidates
        live = self.state.chunks
        dense: dict[str, float] = {}
        query_vector = None
        keys = sorted(allowed) if allowed is not None else None
        if dense_weight > 0 and (keys is None or keys):
            query_vector = self.embedder.embed_queries([query])[0]
            # Over-fetch a little: vectors of a sync in progress may not be live yet.
            found = self.vectors.query(query_vector, n + 10, audiences=keys)
            dense = {cid: s for cid, s in found if cid in live}
        all_lexical = self.lexical.scores(self.glossary.expand(terms) if self.glossary else terms)
        mask = self._mask(allowed) if allowed is not None else None
        lexical = dict(all_lexical.top(n, mask)) if dense_weight < 1 else {}
        candidates = list(dict.fromkeys([*dense, *lexical]))[: 2 * n]
        if query_vector is not None and dense_weight < 1:
            self._fill_dense(candidates, dense, query_vector)
        for cid in candidates:
            lexical.setdefault(cid, all_lexical.get(cid))
        return _Evidence(candidates, dense, lexical)

    def _fill_dense(
        self, candidates: list[str], dense: dict[str, float], query_vector: np.ndarray
    ) -> None:
        missing = [c for c in candidates if c not in dense]
        if not missing:
            return
        for cid, vector in self.vectors.vectors(missing).items():
            dense[cid] = float(np.dot(vector, query_vector))
