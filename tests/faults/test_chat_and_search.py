"""The chat model times out, or the vector store (Chroma) is unreachable: the asker still
gets an answer from the knowledge, with its sources and a note saying what happened, and the
full answer returns when the service does."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pytest

from tests.faults.conftest import Faults, text_of, wait_until

QUESTION = "How much can store staff refund without approval?"


class SlowChat:
    """A chat model that answers after `delay` seconds (a hosted model under load)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.calls = 0

    def invoke(self, messages: Sequence[tuple[str, str]]) -> str:
        self.calls += 1
        time.sleep(self.delay)
        return "Store staff can refund up to the limit in the policy on the spot [1]."


def test_chat_model_timeout_gives_the_extractive_answer_with_a_note(faults: Faults) -> None:
    chat = SlowChat(delay=5.0)
    bot = faults.start_bot(chat=chat, llm_timeout=1.0)
    started = time.monotonic()
    bot.ask(QUESTION, event_id="EvChat1")
    [answer] = faults.wait_posted("C1")
    took = time.monotonic() - started
    assert took < 1.0 + 3.0  # the timeout plus a margin, not the model's 5 s
    text = text_of(answer)
    assert "Sources" in text and "[1]" in text
    assert "writing assistant is not responding" in text
    [logged] = faults.questions("U0001")
    assert logged.answered and logged.sources
    # The model is fast again: the next answer is written by it, without the note.
    chat.delay = 0.0
    bot.ask(QUESTION, event_id="EvChat2", user="U0002")
    [_, second] = faults.wait_posted("C1", count=2)
    assert "on the spot" in text_of(second)
    assert "not responding" not in text_of(second)


def test_vector_store_down_answers_from_lexical_search(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = faults.start_bot()

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("Could not connect to the Chroma server")

    searcher = faults.index.searcher()
    with monkeypatch.context() as patch:
        patch.setattr(searcher.vectors, "query", unreachable)
        bot.ask(QUESTION, event_id="EvVec1")
        [answer] = faults.wait_posted("C1")
    text = text_of(answer)
    assert "Sources" in text and "Sorry" not in text
    assert "Part of the search is unavailable" in text
    [logged] = faults.questions("U0001")
    assert logged.answered
    # Back: a normal answer, no note.
    bot.ask(QUESTION, event_id="EvVec2", user="U0002")
    [_, second] = faults.wait_posted("C1", count=2)
    assert "Sources" in text_of(second) and "unavailable" not in text_of(second)


def test_search_entirely_down_gets_a_kind_apology_then_recovers(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = faults.start_bot()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("index files unreadable")

    with monkeypatch.context() as patch:
        patch.setattr(faults.index, "search", broken)
        bot.ask(QUESTION, event_id="EvIdx1")
        [apology] = faults.wait_posted("C1")
    assert "try again in a moment" in text_of(apology)
    bot.ask(QUESTION, event_id="EvIdx2")
    wait_until(lambda: len(faults.posted("C1")) == 2, what="the answer after recovery")
    assert "Sources" in text_of(faults.posted("C1")[1])
