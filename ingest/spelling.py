"""Typo tolerance for English questions: a word the knowledge never uses is replaced by the
known word one edit away ("refnud" -> "refund", "custmer" -> "customer").

Only deletions, insertions and swaps of neighbouring letters are tried. Substitutions would
also turn real words into other real words ("parking" -> "parting"), and a question about
something the knowledge does not cover must stay unanswered. A candidate counts when its
stem is a term of the index; the most frequent one wins. A real English word the knowledge
happens not to use ("long" in a folder that says "log in") is never a typo: pyspellchecker's
bundled word list (MIT, offline) says which words are real.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from ingest.tokenize import english_tokens

_WORD = re.compile(r"[a-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_MIN_LENGTH = 4  # short words have too many neighbours to guess from
#: How often (in the word list's subtitle counts) a word must occur to count as real English:
#: rare entries include common misspellings.
_REAL_WORD_COUNT = 50


@cache
def _word_counts() -> Callable[[str], int]:
    try:
        from spellchecker import SpellChecker
    except ImportError:  # pragma: no cover - a hard dependency; degrade to the index alone
        return lambda word: 0
    counts = SpellChecker(language="en").word_frequency
    return lambda word: int(counts[word])


def is_real_word(word: str) -> bool:
    """An English word in common use (not a typo of another one)."""
    return _word_counts()(word.lower()) >= _REAL_WORD_COUNT


def _edits(word: str) -> Iterable[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]  # deletion
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]  # swap
        for letter in _LETTERS:
            yield left + letter + right  # insertion


def _stem(word: str) -> str | None:
    stems = english_tokens(word)
    return stems[0] if stems else None


def corrections(text: str, doc_freq: Callable[[str], int]) -> dict[str, str]:
    """Stem of each unknown English word of `text` -> stem of its likely intended word.

    `doc_freq(stem)`: in how many passages of the index a stem occurs (0: unknown)."""
    found: dict[str, str] = {}
    for word in dict.fromkeys(_WORD.findall(text.lower())):
        if len(word) < _MIN_LENGTH:
            continue
        stem = _stem(word)
        if stem is None or doc_freq(stem) > 0 or is_real_word(word):
            continue  # a stopword, a word the knowledge uses, or a real word it does not
        best: tuple[int, str] | None = None
        for candidate in set(_edits(word)):
            candidate_stem = _stem(candidate)
            if candidate_stem is None or candidate_stem == stem:
                continue
            frequency = doc_freq(candidate_stem)
            if frequency > 0 and (best is None or frequency > best[0]):
                best = (frequency, candidate_stem)
        if best is not None:
            found[stem] = best[1]
    return found


def corrected_terms(terms: list[str], fixes: dict[str, str]) -> list[str]:
    return [fixes.get(term, term) for term in terms]
