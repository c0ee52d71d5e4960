"""Does a quote share the substance of the question, or only a name or an everyday word?

Retrieval is confident about "is there parking at the Osaka Umeda store?" because a customer
story names the Osaka Umeda store; the story says nothing about parking. A quote answers only
when it shares more with the question than names (places, people, the company) and words the
knowledge uses everywhere ("store", "customer"), while what the question is really about
("parking", 「住所」) is missing from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from bot.answering.patterns import STOPWORDS
from ingest.tokenize import sudachi_tokenizer, tokenize

#: A term whose IDF is below this share of an unseen term's is an everyday word here. Zero
#: outside stories: in a small folder about one topic, the topic's words are everywhere and
#: still answer ("return" in a returns policy), so only names do not count there.
GENERIC_SHARE = 0.0
#: A customer story is an example, not a rule: beside a name, the words it shares with a
#: question must be more than the folder's common words ("store", "sofa") for it to answer.
STORY_GENERIC_SHARE = 0.42
_UNSEEN = "\x00unseen\x00"
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(\n•\-])[\s*_>#]*$")
# How a question is asked, not what it is about ("something", "supposed"): never the thing
# a quote must say.
_FILLERS = frozenset(t for word in STOPWORDS for t in tokenize(word))


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    terms = tokenize(word)
    return terms[0] if len(terms) == 1 else ""


def english_names(text: str) -> set[str]:
    """Terms written capitalised wherever they stand inside a sentence ("the Osaka Umeda
    store"); a word seen in lower case anywhere in the text is not a name."""
    capital: set[str] = set()
    lower: set[str] = set()
    for match in _WORD.finditer(text):
        word = match.group()
        term = _stem(word.casefold())
        if not term:
            continue
        if word[0].islower() or word.isupper():
            lower.add(term)  # an acronym (CSAT, NPS) names a topic, not a place or a person
        elif not _SENTENCE_START.search(text[: match.start()]):
            capital.add(term)
    return capital - lower


@lru_cache(maxsize=4096)
def japanese_names(text: str) -> frozenset[str]:
    """Proper nouns (places, people, named sites: 渋谷, 神奈川物流センター) in Japanese text."""
    if not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text):
        return frozenset()
    from sudachipy import SplitMode

    names: set[str] = set()
    for mode in (SplitMode.A, SplitMode.C):
        after_name = False
        for morpheme in sudachi_tokenizer().tokenize(text[:4000], mode):  # type: ignore[attr-defined]
            pos = morpheme.part_of_speech()
            # A suffix belongs to the name before it: 渋谷店, 梅田店.
            if pos[1] == "固有名詞" or (after_name and pos[0] == "接尾辞"):
                names.add(morpheme.normalized_form())
            after_name = pos[1] == "固有名詞"
    return frozenset(names)


def only_names_in_common(
    question: str,
    quoted: Iterable[str],
    *,
    terms: list[str],
    idf: Callable[[str], float],
    says_otherwise: Callable[[str, set[str]], bool] | None = None,
    generic_share: float = GENERIC_SHARE,
) -> bool:
    """True when the quote shares with the question only names and everyday words, and a
    specific word of the question (what it is really about) is missing from the quote."""
    texts = list(quoted)
    present: set[str] = set().union(*(tokenize(t) for t in texts)) if texts else set()
    asked = [
        t
        for t in dict.fromkeys(terms)
        if t not in present and says_otherwise is not None and says_otherwise(t, present)
    ]
    present |= set(asked)  # said in other words (the glossary) counts as said
    asked = list(dict.fromkeys(terms))
    matched = [t for t in asked if t in present]
    if not matched:
        return False  # nothing in common at all: retrieval's confidence speaks for itself
    floor = generic_share * idf(_UNSEEN)
    missing = [t for t in asked if t not in present and idf(t) >= floor and t not in _FILLERS]
    if not missing:
        return False
    names = english_names("\n".join(texts))
    japanese = japanese_names(question)
    # A part of a Japanese proper noun (物流 in 神奈川物流センター) is part of the name.
    names |= {t for t in matched if any(t in name for name in japanese)}
    return all(t in names or idf(t) < floor for t in matched)


def unknown_terms(terms: Iterable[str], idf: Callable[[str], float]) -> list[str]:
    """The question's words the knowledge never uses ("uniform" in "do store staff get a
    uniform allowance?"), leaving out figures and how-a-question-is-asked words."""
    unseen = idf(_UNSEEN)
    return [
        t
        for t in dict.fromkeys(terms)
        if t not in _FILLERS and not any(c.isdigit() for c in t) and idf(t) >= unseen - 1e-9
    ]
