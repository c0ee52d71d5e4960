"""BM25 over the chunks' lexical terms, with per-term postings so a sync updates it in place.

The scoring is bm25s's default (Lucene): idf(t) * tf / (tf + k1 * (1 - b + b * len / avglen)),
idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)), with k1, b and the average length taken per
script (see `_PARAMS`). bm25s precomputes that product for every
(term, chunk) pair, which ties the index to one N and one average length: adding a single
chunk changes both, so every sync had to rebuild the whole index from the stored terms. Here
the postings keep raw term frequencies and the product is taken at query time over the
postings of the query's terms only, so a new generation shares every untouched posting list
with the previous one and costs time in proportion to the change, with scores identical to a
full rebuild (same integers in, same arithmetic).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

#: (k1, b) for chunks in English and other space-separated languages (group 0: Lucene's
#: defaults), and for Japanese (group 1). Japanese text is tokenised twice over (Sudachi's short
#: and long units, so a compound matches its parts), which inflates term frequencies and
#: lengths: a lower k1 saturates repeated terms sooner, a lower b leans less on length. Chosen
#: on the first half of JSQuAD validation, fused with the multilingual dense side (issue 10):
#: +0.004 hit@1 over 1.5/0.75 there; the English golden set preferred Lucene's defaults.
_PARAMS: dict[int, tuple[float, float]] = {0: (1.5, 0.75), 1: (0.9, 0.25)}
_GROUPS = {"ja": 1}
_EMPTY_SLOTS = np.zeros(0, dtype=np.int32)
_EMPTY_TF = np.zeros(0, dtype=np.float32)

Scores = npt.NDArray[np.float64]


class LexicalScores:
    """BM25 scores of every chunk for one query: top-k and exact lookups from one pass."""

    def __init__(
        self, ids: Sequence[str | None], positions: Mapping[str, int], scores: Scores
    ) -> None:
        self._ids = ids
        self._positions = positions
        self._scores = scores

    def top(self, k: int, allowed: npt.NDArray[np.bool_] | None = None) -> list[tuple[str, float]]:
        """The k best chunks; `allowed`: a mask over slots (`LexicalIndex.mask`), applied
        before choosing, so chunks a reader may not see never take a place."""
        if k <= 0:
            return []
        scores = self._scores if allowed is None else np.where(allowed, self._scores, 0.0)
        matched = np.flatnonzero(scores > 0)  # removed slots and non-matches score exactly 0
        if matched.size > k:
            matched = matched[np.argpartition(-scores[matched], k - 1)[:k]]
        # Stable on slot order, so equal scores come out in one deterministic order.
        ordered = matched[np.argsort(-scores[matched], kind="stable")]
        return [(str(self._ids[i]), float(scores[i])) for i in ordered]

    def get(self, chunk_id: str) -> float:
        position = self._positions.get(chunk_id)
        return 0.0 if position is None else float(self._scores[position])


class LexicalIndex:
    """An immutable BM25 index of one generation; built from stored terms, never re-tokenised.

    Chunks live in *slots*. Removing a chunk empties its slot (its postings are dropped, its
    length zeroed); new chunks take new slots at the end, so posting lists stay sorted by
    appending. When more than half the slots are empty the next generation is compacted.
    """

    def __init__(
        self,
        ids: Sequence[str] = (),
        corpus_terms: Sequence[Sequence[str]] = (),
        languages: Mapping[str, str] | None = None,
    ) -> None:
        """`languages`: chunk id -> language, for the per-script BM25 parameters (default
        English's)."""
        self._slot_ids: list[str | None] = []
        self._positions: dict[str, int] = {}
        self._vocab: dict[str, int] = {}
        self._docs: list[npt.NDArray[np.int32]] = []  # per term id: slots containing it
        self._tfs: list[npt.NDArray[np.float32]] = []  # per term id: frequency in each slot
        self._slot_terms: list[npt.NDArray[np.int64] | None] = []  # per slot: its term ids
        self._lengths = np.zeros(0, dtype=np.float64)
        self._groups = np.zeros(0, dtype=np.int8)  # per slot: its `_PARAMS` group
        self._norm = np.zeros(0, dtype=np.float64)
        if ids:
            self._apply((), dict(zip(ids, corpus_terms, strict=True)), languages or {})

    # -- reading ---------------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return [cid for cid in self._slot_ids if cid is not None]

    def __len__(self) -> int:
        return len(self._positions)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._positions

    def doc_freq(self, term: str) -> int:
        tid = self._vocab.get(term)
        return 0 if tid is None else int(self._docs[tid].size)

    def idf(self, term: str) -> float:
        """Smoothed IDF; an unseen term gets the highest weight (it is the most specific)."""
        n = max(len(self._positions), 1)
        df = self.doc_freq(term)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, terms: Sequence[str]) -> LexicalScores:
        """BM25 of every chunk; a term repeated in the query counts again, as in bm25s."""
        out = np.zeros(len(self._slot_ids), dtype=np.float64)
        n = len(self._positions)
        for term in terms:
            tid = self._vocab.get(term)
            if tid is None:
                continue
            docs = self._docs[tid]
            if docs.size == 0:
                continue
            tf = self._tfs[tid]
            idf = math.log(1 + (n - docs.size + 0.5) / (docs.size + 0.5))
            out[docs] += idf * tf / (self._norm[docs] + tf)
        return LexicalScores(self._slot_ids, self._positions, out)

    def mask(self, chunk_ids: Iterable[str]) -> npt.NDArray[np.bool_]:
        """A mask over this index's slots that is true for the given chunks."""
        allowed = np.zeros(len(self._slot_ids), dtype=bool)
        slots = [self._positions[c] for c in chunk_ids if c in self._positions]
        allowed[slots] = True
        return allowed

    def contains_terms(self, chunk_id: str, terms: Iterable[str]) -> set[str]:
        """Which of `terms` the chunk contains (without rebuilding the chunk's term set)."""
        slot = self._positions.get(chunk_id)
        own = self._slot_terms[slot] if slot is not None else None
        if own is None:
            return set()
        found: set[str] = set()
        for term in terms:
            tid = self._vocab.get(term)
            if tid is not None:
                at = int(np.searchsorted(own, tid))
                if at < own.size and own[at] == tid:
                    found.add(term)
        return found

    # -- the next generation ---------------------------------------------------------------

    def updated(
        self,
        removed_ids: Iterable[str],
        added: Mapping[str, Sequence[str]],
        languages: Mapping[str, str] | None = None,
    ) -> LexicalIndex:
        """A new index: this one without `removed_ids` and with `added` (chunk id -> terms;
        `languages`: chunk id -> language for the added ones).

        This index is left untouched (a query may still be using it); the two share every
        posting list the change does not touch. An added id already present is replaced."""
        new = LexicalIndex.__new__(LexicalIndex)
        new._slot_ids = list(self._slot_ids)
        new._positions = dict(self._positions)
        new._vocab = self._vocab  # copied by _apply before it adds a term
        new._docs = list(self._docs)
        new._tfs = list(self._tfs)
        new._slot_terms = list(self._slot_terms)
        new._lengths = self._lengths.copy()
        new._groups = self._groups
        new._norm = self._norm
        new._apply(removed_ids, added, languages or {})
        return new

    def _apply(
        self,
        removed_ids: Iterable[str],
        added: Mapping[str, Sequence[str]],
        languages: Mapping[str, str],
    ) -> None:
        gone = {cid for cid in removed_ids if cid in self._positions}
        gone.update(cid for cid in added if cid in self._positions)
        if gone:
            self._remove(sorted(self._positions[cid] for cid in gone))
        if added:
            self._add(added)
            groups = [_GROUPS.get(languages.get(cid, ""), 0) for cid in added]
            self._groups = np.concatenate([self._groups, np.asarray(groups, dtype=np.int8)])
        if len(self._slot_ids) > 2 * len(self._positions) + 1024:
            self._compact()
        self._norm = np.zeros(len(self._slot_ids), dtype=np.float64)
        alive = np.fromiter((cid is not None for cid in self._slot_ids), dtype=bool)
        for group, (k1, b) in _PARAMS.items():
            members = self._groups == group
            live = int(np.count_nonzero(members & alive))
            average = float(self._lengths[members & alive].sum()) / live if live else 1.0
            self._norm[members] = k1 * (1 - b + b * self._lengths[members] / (average or 1.0))

    def _remove(self, slots: list[int]) -> None:
        dead = np.zeros(len(self._slot_ids), dtype=bool)
        dead[slots] = True
        touched: set[int] = set()
        for slot in slots:
            cid = self._slot_ids[slot]
            assert cid is not None
            del self._positions[cid]
            self._slot_ids[slot] = None
            own = self._slot_terms[slot]
            if own is not None:
                touched.update(own.tolist())
            self._slot_terms[slot] = None
        self._lengths[slots] = 0.0
        for tid in touched:
            keep = ~dead[self._docs[tid]]
            self._docs[tid] = self._docs[tid][keep]
            self._tfs[tid] = self._tfs[tid][keep]

    def _add(self, added: Mapping[str, Sequence[str]]) -> None:
        start = len(self._slot_ids)
        count = len(added)
        vocab = dict(self._vocab)
        term_lists = list(added.values())
        flat = [vocab.setdefault(t, len(vocab)) for terms in term_lists for t in terms]
        self._vocab = vocab
        grow = len(vocab) - len(self._docs)
        self._docs.extend([_EMPTY_SLOTS] * grow)
        self._tfs.extend([_EMPTY_TF] * grow)
        lengths = np.fromiter((len(t) for t in term_lists), dtype=np.int64, count=count)
        self._slot_ids.extend(added)
        self._positions.update((cid, start + i) for i, cid in enumerate(added))
        self._lengths = np.concatenate([self._lengths, lengths.astype(np.float64)])

        # (term, slot) pairs with their counts, grouped by term then slot, in one sort.
        span = start + count
        slots = np.repeat(np.arange(start, span, dtype=np.int64), lengths)
        pairs, tfs = np.unique(np.asarray(flat, dtype=np.int64) * span + slots, return_counts=True)
        pair_terms, pair_slots = np.divmod(pairs, span)
        bounds = np.flatnonzero(np.diff(pair_terms)) + 1
        for lo, hi in zip(
            np.concatenate([[0], bounds]).tolist(),
            np.concatenate([bounds, [pairs.size]]).tolist(),
            strict=True,
        ):
            if lo == hi:
                continue
            tid = int(pair_terms[lo])
            docs = pair_slots[lo:hi].astype(np.int32)
            freq = tfs[lo:hi].astype(np.float32)
            if self._docs[tid].size:
                docs = np.concatenate([self._docs[tid], docs])
                freq = np.concatenate([self._tfs[tid], freq])
            self._docs[tid] = docs
            self._tfs[tid] = freq

        # Each new slot's own term ids (sorted), for removal and membership tests.
        by_slot = np.argsort(pair_slots, kind="stable")
        per_slot = np.bincount(pair_slots - start, minlength=count)
        self._slot_terms.extend(np.split(pair_terms[by_slot], np.cumsum(per_slot)[:-1]))

    def _compact(self) -> None:
        """Renumber the live slots 0..n-1 (same order), dropping the empty ones."""
        live = np.array([cid is not None for cid in self._slot_ids], dtype=bool)
        remap = np.cumsum(live, dtype=np.int64) - 1
        kept = [cid for cid in self._slot_ids if cid is not None]
        self._slot_ids = list(kept)
        self._positions = {cid: i for i, cid in enumerate(kept)}
        self._slot_terms = [t for t, alive in zip(self._slot_terms, live, strict=True) if alive]
        self._lengths = self._lengths[live]
        self._groups = self._groups[live]
        self._docs = [remap[d].astype(np.int32) if d.size else d for d in self._docs]
