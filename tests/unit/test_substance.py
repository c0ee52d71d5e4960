"""A quote that shares only a name or an everyday word with the question does not answer it."""

from __future__ import annotations

from bot.answering.substance import (
    GENERIC_SHARE,
    STORY_GENERIC_SHARE,
    english_names,
    japanese_names,
    only_names_in_common,
)
from ingest.tokenize import tokenize

# IDF as a small knowledge folder would give it: everyday words low, specific words high.
_IDF = {"store": 1.0, "custom": 0.5, "店": 1.0, "deliveri": 1.2, "sofa": 2.0}


def idf(term: str) -> float:
    return _IDF.get(term, 6.0)


def off_topic(question: str, *quoted: str, share: float = GENERIC_SHARE) -> bool:
    terms = tokenize(question)
    return only_names_in_common(question, quoted, terms=terms, idf=idf, generic_share=share)


STORY = (
    '"The store manager approved a replacement the next morning." — Customer at the Osaka '
    "Umeda store, October"
)


def test_only_a_name_in_common_is_off_topic() -> None:
    assert off_topic("what are the osaka umeda opening hours", STORY)
    assert off_topic(
        "渋谷店って何時まで開いてる？", "渋谷店のお客さま3名から、エラーが出ると聞きました。"
    )


def test_a_story_with_a_name_and_an_everyday_word_in_common_is_off_topic() -> None:
    question = "is there customer parking at the osaka umeda store?"
    assert off_topic(question, STORY, share=STORY_GENERIC_SHARE)
    # Outside stories an everyday word still counts: in a small folder about returns,
    # "return" is everywhere and still answers.
    assert not off_topic(question, STORY)


def test_a_quote_that_says_what_was_asked_is_on_topic() -> None:
    assert not off_topic("who approved the replacement at the osaka umeda store", STORY)
    assert not off_topic("how do i flag a damaged delivery", "Flag a damaged delivery at once.")


def test_nothing_missing_or_nothing_shared_leaves_it_to_retrieval() -> None:
    assert not off_topic("osaka umeda store", STORY)  # nothing else was asked
    assert not off_topic("parking rules", STORY)  # no overlap: confidence decides


def test_names_are_capitalised_inside_sentences_in_english_and_proper_nouns_in_japanese() -> None:
    assert {"osaka", "umeda"} <= english_names(STORY)
    assert "store" not in english_names(STORY)  # also written in lower case
    assert "store" not in english_names("Store staff may refund.")  # a sentence start
    assert {"神奈川", "渋谷"} <= japanese_names("神奈川物流センターと渋谷店")
    assert "csat" not in english_names("We ask for CSAT after a visit.")  # an acronym


def test_a_story_must_share_more_than_the_folder_s_common_words() -> None:
    story = "The driver carried the sofa up four floors. — Customer in Tokyo, May"
    question = "how long does sofa delivery to tokyo take"
    terms = tokenize(question)
    assert not only_names_in_common(question, [story], terms=terms, idf=idf)
    assert only_names_in_common(
        question, [story], terms=terms, idf=idf, generic_share=STORY_GENERIC_SHARE
    )
