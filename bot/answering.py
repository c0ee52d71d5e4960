"""The answering service: question (+ role, + earlier turns) -> retrieve -> compose -> Answer.

Nothing here knows about Slack; the CLI, the terminal chat and the bot all call `answer()`.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from typing import Protocol

from bot.extractive import best_sentences, select_passages
from bot.llm import (
    NOT_FOUND,
    ChatModel,
    CitationStream,
    StreamingChatModel,
    build_messages,
    drop_unsourced_links,
    filter_citations,
)
from bot.models import Answer, Source, Turn
from bot.prompts import message
from ingest.embeddings import Embedder, cosine_range
from ingest.language import detect_language
from ingest.models import Hit
from ingest.search import Mode

log = logging.getLogger(__name__)

#: Questions computed at once (search, sentence scoring): one per core. More threads on the
#: same cores only slow each answer down and starve the threads that acknowledge Slack's
#: requests; waiting for a chat model does not count, so many answers can wait on it at once.
_COMPUTE = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))

_SNIPPET_CHARS = 240
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•・]|\d+[.)])\s+")


class Retriever(Protocol):
    embedder: Embedder

    def search(
        self, query: str, *, k: int = 5, role: str | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]: ...

    def trusts_language(self, language: str) -> bool: ...

    def idf(self, term: str) -> float: ...


@dataclass(frozen=True)
class AnswerOptions:
    top_k: int = 5
    min_confidence: float = 0.45
    cx_lead: str = "your CX lead"
    company: str = "our company"
    llm_timeout_seconds: float = 20.0
    # Cosine similarities that map to confidence 0 and 1 for a trusted embedding model; None:
    # the embedding model's own range (`ingest.embeddings.cosine_range`).
    dense_floor: float | None = None
    dense_ceiling: float | None = None
    # Where only BM25 can vouch (languages the embedding model does not know), the share of
    # the question's terms one passage must contain for full confidence.
    lexical_full_coverage: float = 0.72


def confidence(hits: Sequence[Hit], *, dense_trusted: bool, options: AnswerOptions) -> float:
    """How sure retrieval is that the knowledge answers the question, in [0, 1].

    Lexical evidence is the share of the question's (IDF-weighted) terms found in one passage;
    dense evidence is the best cosine similarity, rescaled, and only counts in languages the
    embedding model understands.
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
    return max(0.5 * lexical + 0.5 * dense, 0.9 * dense, 0.9 * lexical)


def to_source(hit: Hit, snippet: str | None = None) -> Source:
    chunk = hit.chunk
    return Source(
        path=chunk.path,
        title=chunk.title,
        section=chunk.section,
        score=round(hit.score, 4),
        snippet=snippet if snippet is not None else chunk.text[:_SNIPPET_CHARS],
        owner=chunk.owner,
        updated=chunk.updated,
        review_by=chunk.review_by,
    )


class AnsweringService:
    def __init__(
        self,
        *,
        index: Retriever,
        chat: ChatModel | None = None,
        options: AnswerOptions | None = None,
    ) -> None:
        self.index = index
        self.chat = chat
        options = options or AnswerOptions()
        if options.dense_floor is None or options.dense_ceiling is None:
            floor, ceiling = cosine_range(index.embedder.name)
            options = replace(
                options,
                dense_floor=floor if options.dense_floor is None else options.dense_floor,
                dense_ceiling=ceiling if options.dense_ceiling is None else options.dense_ceiling,
            )
        self.options = options
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm") if chat else None

    def retrieval_query(self, question: str, history: Sequence[Turn]) -> str:
        """A follow-up like "and for managers?" needs the thread's topic to be found."""
        earlier = [t.text for t in history if t.role == "user"]
        if not earlier:
            return question
        return f"{earlier[-1]}\n{question}"

    def answer(
        self,
        question: str,
        *,
        role: str | None = None,
        history: Sequence[Turn] = (),
        use_chat: bool = True,
    ) -> Answer:
        """`use_chat=False` answers extractively even when a chat model is configured (after a
        failed stream, so the asker does not wait for the model twice)."""
        question = question.strip()
        language = detect_language(question) if question else "en"
        if not question:
            return Answer(
                answer=message("empty_question", language),
                answered=False,
                language=language,
                mode="not_found",
                role=role,
            )
        passages, sure, degraded = self._retrieve(question, language, role, history)
        note = message("note_lexical_only", language) if degraded else None
        if sure < self.options.min_confidence:
            return self._not_found(language, role, sure).model_copy(update={"note": note})
        if self.chat is not None:
            if use_chat:
                grounded = self._grounded(question, passages, language, role, history, sure)
                if grounded is not None:
                    return grounded.model_copy(update={"note": note})
            # The model timed out or failed (here, or while streaming): say why the answer
            # is quoted passages, so nobody takes this for the best we can do.
            note = note or message("note_chat_unavailable", language)
        answer = self._extractive(question, passages, language, role, sure)
        return answer.model_copy(update={"note": note})

    @property
    def can_stream(self) -> bool:
        return isinstance(self.chat, StreamingChatModel)

    def stream(
        self, question: str, *, role: str | None = None, history: Sequence[Turn] = ()
    ) -> AnswerStream | None:
        """A grounded answer to show while it is written, or None when there is nothing to
        stream (no streaming chat model, or retrieval not confident: use `answer()`)."""
        question = question.strip()
        if not question or not self.can_stream:
            return None
        language = detect_language(question)
        passages, sure, _ = self._retrieve(question, language, role, history)
        if sure < self.options.min_confidence:
            return None
        messages = self._messages(question, passages, language, role, history)
        assert isinstance(self.chat, StreamingChatModel)
        return AnswerStream(
            self.chat,
            messages,
            passages,
            language=language,
            role=role,
            confidence=sure,
            timeout=self.options.llm_timeout_seconds,
            not_found=lambda: self._not_found(language, role, sure),
        )

    def _retrieve(
        self, question: str, language: str, role: str | None, history: Sequence[Turn]
    ) -> tuple[list[Hit], float, bool]:
        """The passages worth quoting, how sure retrieval is that they answer, and whether
        the search ran degraded (lexical only, the vector store being unreachable)."""
        query = self.retrieval_query(question, history)
        degraded = False
        with _COMPUTE:
            try:
                hits = self.index.search(query, k=self.options.top_k, role=role)
            except Exception:
                # The vector store (a Chroma server) is down: words alone still find most
                # answers, which beats an apology. If this fails too, the caller apologises.
                log.warning("Hybrid search failed; answering from lexical search", exc_info=True)
                hits = self.index.search(query, k=self.options.top_k, role=role, mode="lexical")
                degraded = True
        trusted = self.index.trusts_language(language) and not degraded
        sure = confidence(hits, dense_trusted=trusted, options=self.options)
        return select_passages(hits), sure, degraded

    def _messages(
        self,
        question: str,
        passages: list[Hit],
        language: str,
        role: str | None,
        history: Sequence[Turn],
    ) -> list[tuple[str, str]]:
        return build_messages(
            question,
            passages,
            language=language,
            role=role,
            history=history,
            company=self.options.company,
        )

    def _not_found(self, language: str, role: str | None, sure: float) -> Answer:
        lead = self.options.cx_lead
        if lead == AnswerOptions.cx_lead:  # not configured: say it in the asker's language
            lead = message("default_lead", language)
        text = message("not_found", language, cx_lead=lead)
        return Answer(
            answer=text,
            answered=False,
            language=language,
            confidence=round(sure, 4),
            mode="not_found",
            role=role,
        )

    def _extractive(
        self, question: str, passages: list[Hit], language: str, role: str | None, sure: float
    ) -> Answer:
        # Sentences are chosen by the question's terms, not by embedding each one: with the
        # multilingual model that would cost seconds per answer, and term overlap picked the
        # sentence that holds the answer as often (measured in issue 10).
        with _COMPUTE:
            snippets = [best_sentences(question, h, idf=self.index.idf) for h in passages]
        lines = [message("intro", language), ""]
        for number, snippet in enumerate(snippets, start=1):
            # One bullet per source; a quoted list keeps its lines, indented under it.
            items = [_LIST_MARKER.sub("", line) for line in snippet.splitlines()]
            lines.append("• " + "\n  ".join(items) + f" [{number}]")
        return Answer(
            answer="\n".join(lines),
            answered=True,
            sources=[to_source(h, s) for h, s in zip(passages, snippets, strict=True)],
            language=language,
            confidence=round(sure, 4),
            mode="extractive",
            role=role,
        )

    def _grounded(
        self,
        question: str,
        passages: list[Hit],
        language: str,
        role: str | None,
        history: Sequence[Turn],
        sure: float,
    ) -> Answer | None:
        assert self.chat is not None and self._pool is not None
        messages = self._messages(question, passages, language, role, history)
        future = self._pool.submit(self.chat.invoke, messages)
        try:
            reply = future.result(timeout=self.options.llm_timeout_seconds)
        except FutureTimeout:
            log.warning(
                "Chat model timed out after %ss; answering extractively",
                self.options.llm_timeout_seconds,
            )
            return None
        except Exception:
            log.exception("Chat model failed; answering extractively")
            return None
        if NOT_FOUND in reply and len(reply.strip()) <= len(NOT_FOUND) + 5:
            return self._not_found(language, role, sure)
        text, order = filter_citations(reply, len(passages))
        text = drop_unsourced_links(
            text, [h.chunk.text for h in passages], message("link_removed", language)
        )
        if not text:
            return None
        cited = [passages[n - 1] for n in order] or passages[:1]
        return Answer(
            answer=text,
            answered=True,
            sources=[to_source(h) for h in cited],
            language=language,
            confidence=round(sure, 4),
            mode="llm",
            role=role,
        )


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
