"""How sure retrieval is that the knowledge answers a question, and the options that set
the bar for answering (`AnswerOptions`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.models import Hit


@dataclass(frozen=True)
class AnswerOptions:
    top_k: int = 5
    min_confidence: float = 0.5
    cx_lead: str = "your CX lead"
    company: str = "our company"
    llm_timeout_seconds: float = 20.0
    # Cosine similarities that map to confidence 0 and 1 for a trusted embedding model; None:
    # the embedding model's own range (`ingest.embeddings.cosine_range`).
    dense_floor: float | None = None
    dense_ceiling: float | None = None
    # Per language, a cosine that vouches for an answer on its own when the passage shares
    # some of the question's words (`ingest.embeddings.vouching_cosine`); None: the model's.
    vouching_cosine: dict[str, float] | None = None
    vouching_coverage: float = 0.2
    # What a vouching cosine is worth: the default bar, so a stricter CX_MIN_CONFIDENCE
    # still holds.
    vouched_confidence: float = 0.5
    # Where only BM25 can vouch (languages the embedding model does not know), the share of
    # the question's terms one passage must contain for full confidence.
    lexical_full_coverage: float = 0.72
    # How far under min_confidence a question may be answered when the quote itself matches
    # it this well (`Scorer.score`); chosen on answer sets A and B.
    doubt_margin: float = 0.06
    settling_quote_score: float = 1.0


def confidence(
    hits: Sequence[Hit], *, dense_trusted: bool, options: AnswerOptions, language: str = "en"
) -> float:
    """How sure retrieval is that the knowledge answers the question, in [0, 1].

    Lexical evidence is the share of the question's (IDF-weighted) terms found in one passage;
    dense evidence is the best cosine similarity, rescaled, and only counts in languages the
    embedding model understands. A cosine at the model's vouching level for the language,
    with some of the question's words in the passage, is enough to answer: a long question
    told as a story shares few words with the rule that answers it.
    """
    if not hits:
        return 0.0
    lexical = max(h.coverage for h in hits[:3])
    if not dense_trusted:
        return min(lexical / options.lexical_full_coverage, 1.0)
    best_cosine = max((h.dense for h in hits[:3] if h.dense is not None), default=0.0)
    floor, ceiling = options.dense_floor or 0.0, options.dense_ceiling or 1.0
    dense = min(max((best_cosine - floor) / (ceiling - floor), 0.0), 1.0)
    # Either side alone can vouch (discounted), and agreement between them counts most.
    sure = max(0.5 * lexical + 0.5 * dense, 0.9 * dense, 0.9 * lexical)
    vouching = (options.vouching_cosine or {}).get(language)
    if vouching is not None and best_cosine >= vouching and lexical >= options.vouching_coverage:
        sure = max(sure, options.vouched_confidence)
    return sure
