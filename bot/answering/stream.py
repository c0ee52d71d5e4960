"""A grounded answer streamed while the chat model writes it, citations checked on the way."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator

from bot.answering.chat_model import (
    NOT_FOUND,
    CitationStream,
    StreamingChatModel,
    drop_unsourced_links,
    filter_citations,
)
from bot.answering.models import Answer
from bot.answering.plan import to_source
from bot.answering.prompts import message
from ingest.models import Hit

log = logging.getLogger(__name__)


class StreamFailedError(RuntimeError):
    """The chat model failed or stalled before writing anything: answer the usual way."""


class AnswerStream:
    """Pieces of a grounded answer as the chat model writes them, citations filtered on the
    way; `result()` is the final `Answer` once the pieces are consumed."""

    def __init__(
        self,
        chat: StreamingChatModel,
        messages: list[tuple[str, str]],
        passages: list[Hit],
        *,
        language: str,
        role: str | None,
        confidence: float,
        timeout: float,
        not_found: Callable[[], Answer],
    ) -> None:
        self._chat = chat
        self._messages = messages
        self._passages = passages
        self._language = language
        self._role = role
        self._confidence = confidence
        self._timeout = timeout
        self._not_found = not_found
        self._citations = CitationStream(len(passages))
        self._text: list[str] = []
        self._shown = 0
        self.interrupted = False

    def pieces(self) -> Iterator[str]:
        """Yields text; raises StreamFailedError if nothing arrives in time."""
        items: queue.Queue[str | BaseException | None] = queue.Queue()

        def produce() -> None:
            try:
                for piece in self._chat.stream(self._messages):
                    items.put(piece)
                items.put(None)
            except BaseException as exc:  # handed to the consumer, which decides
                items.put(exc)

        threading.Thread(target=produce, name="llm-stream", daemon=True).start()
        while True:
            try:
                item = items.get(timeout=self._timeout)
            except queue.Empty:
                item = TimeoutError(f"no reply from the chat model in {self._timeout}s")
            if item is None:
                break
            if isinstance(item, BaseException):
                if not self._text:
                    raise StreamFailedError(str(item)) from item
                log.warning("Chat model stream broke off: %s", item)
                self.interrupted = True
                break
            self._text.append(item)
            # Hold the start back until it cannot be the NOT_FOUND sentinel any more.
            so_far = "".join(self._text).lstrip()
            if len(so_far) <= len(NOT_FOUND) and NOT_FOUND.startswith(so_far):
                continue
            if so_far.startswith(NOT_FOUND):
                continue
            visible = self._citations.feed("".join(self._text[self._shown :]))
            self._shown = len(self._text)
            if visible:
                yield visible
        if self.found:
            tail = self._citations.feed("".join(self._text[self._shown :]))
            tail += self._citations.flush()
            if tail:
                yield tail

    @property
    def found(self) -> bool:
        raw = "".join(self._text).strip()
        return bool(raw) and not raw.startswith(NOT_FOUND)

    def result(self) -> Answer:
        raw = "".join(self._text)
        if not self.found:
            return self._not_found()
        text, order = filter_citations(raw, len(self._passages))
        text = drop_unsourced_links(
            text, [h.chunk.text for h in self._passages], message("link_removed", self._language)
        )
        cited = [self._passages[n - 1] for n in order] or self._passages[:1]
        return Answer(
            answer=text,
            answered=True,
            sources=[to_source(h) for h in cited],
            language=self._language,
            confidence=round(self._confidence, 4),
            mode="llm",
            role=self._role,
        )
