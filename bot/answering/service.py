"""The answering service: question (+ role, + earlier turns) -> retrieve -> compose -> Answer.

Nothing here knows about Slack; the CLI, the terminal chat and the bot all call `answer()`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Protocol

from bot.answering.chat_model import (
    NOT_FOUND,
    ChatModel,
    StreamingChatModel,
    build_messages,
    drop_unsourced_links,
    filter_citations,
)
from bot.answering.confidence import AnswerOptions, confidence
from bot.answering.conversation import (
    Reading,
    asks_about_another_amount,
    asks_for_more,
    readings,
    target_role,
)
from bot.answering.models import Answer, Turn
from bot.answering.plan import (
    Knowledge,
    Plan,
    extractive_answer,
    plan_answer,
    plan_passages,
    to_source,
)
from bot.answering.prompts import message
from bot.answering.stream import AnswerStream
from bot.answering.substance import unknown_terms
from ingest.audience import Audience
from ingest.embeddings import Embedder, cosine_range, vouching_cosine
from ingest.language import detect_language
from ingest.models import Hit
from ingest.search import Mode, is_for_role

log = logging.getLogger(__name__)


def compute_limiter() -> threading.BoundedSemaphore:
    """Questions computed at once (search, sentence scoring): one per core. More threads on
    the same cores only slow each answer down and starve the threads that acknowledge Slack's
    requests; waiting for a chat model does not count, so many answers can wait on it at once.
    """
    return threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


#: Hits searched per reading: enough for a handful of distinct sections to choose from.
_SECTIONS_SEARCHED = 8
#: How deep to search when the answer is for a role, and how many of the role's own guide's
#: passages to add from there.
_ROLE_DEPTH = 30
_OWN_GUIDE_HITS = 2
#: The likelier reading of a question wins unless the other is this much more confident.
_READING_EDGE = 0.05
#: A self-contained question this confident is not searched again with the earlier topic.
_SURE_ENOUGH = 0.6


def own_guide_hits(hits: Sequence[Hit], role: str | None) -> list[Hit]:
    """The best passages of the role's own guide among deeper hits."""
    if not role:
        return []
    own = [h for h in hits if h.chunk.doc_type == "role-guide" and is_for_role(h.chunk, role)]
    return own[:_OWN_GUIDE_HITS]


class Retriever(Knowledge, Protocol):
    embedder: Embedder

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        role: str | None = None,
        mode: Mode = "hybrid",
        audience: Audience = None,
    ) -> list[Hit]: ...

    def trusts_language(self, language: str) -> bool: ...


@dataclass(frozen=True)
class Retrieval:
    """What one reading of the question found, and how sure that it answers."""

    reading: Reading
    hits: list[Hit]
    confidence: float
    degraded: bool
    role: str | None
    audience: Audience = None  # what the asker may read (`ingest.audience`); None: everything


class AnsweringService:
    def __init__(
        self,
        *,
        index: Retriever,
        chat: ChatModel | None = None,
        options: AnswerOptions | None = None,
        compute: AbstractContextManager[object] | None = None,
    ) -> None:
        """`compute`: held while a question is searched and composed (`compute_limiter()`
        when None); services sharing the cores may share one."""
        self.index = index
        self.chat = chat
        self._compute = compute or compute_limiter()
        options = options or AnswerOptions()
        if options.vouching_cosine is None:
            options = replace(options, vouching_cosine=vouching_cosine(index.embedder.name))
        if options.dense_floor is None or options.dense_ceiling is None:
            floor, ceiling = cosine_range(index.embedder.name)
            options = replace(
                options,
                dense_floor=floor if options.dense_floor is None else options.dense_floor,
                dense_ceiling=ceiling if options.dense_ceiling is None else options.dense_ceiling,
            )
        self.options = options
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm") if chat else None

    def answer(
        self,
        question: str,
        *,
        role: str | None = None,
        history: Sequence[Turn] = (),
        use_chat: bool = True,
        audience: Audience = None,
    ) -> Answer:
        """`use_chat=False` answers extractively even when a chat model is configured (after a
        failed stream, so the asker does not wait for the model twice). `audience`: the tokens
        the asker holds; documents outside it are never searched (None: no restriction)."""
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
        found = self.find(question, language, role, history, audience)
        note = message("note_lexical_only", language) if found.degraded else None
        plan = self._compose(question, found, language, history)
        if plan is None:
            return self._not_found(language, found.role, found.confidence).model_copy(
                update={"note": note}
            )
        if self.chat is not None:
            if use_chat:
                grounded = self._grounded(question, plan, language, found, history)
                if grounded is not None:
                    return grounded.model_copy(update={"note": note})
            # The model timed out or failed (here, or while streaming): say why the answer
            # is quoted passages, so nobody takes this for the best we can do.
            note = note or message("note_chat_unavailable", language)
        answer = extractive_answer(plan, found, language)
        return answer.model_copy(update={"note": note})

    @property
    def can_stream(self) -> bool:
        return isinstance(self.chat, StreamingChatModel)

    def stream(
        self,
        question: str,
        *,
        role: str | None = None,
        history: Sequence[Turn] = (),
        audience: Audience = None,
    ) -> AnswerStream | None:
        """A grounded answer to show while it is written, or None when there is nothing to
        stream (no streaming chat model, or retrieval not confident: use `answer()`)."""
        question = question.strip()
        if not question or not self.can_stream:
            return None
        language = detect_language(question)
        found = self.find(question, language, role, history, audience)
        plan = self._compose(question, found, language, history)
        if plan is None:
            return None
        passages = plan_passages(plan)
        messages = self._messages(question, passages, language, found.role, history)
        assert isinstance(self.chat, StreamingChatModel)
        return AnswerStream(
            self.chat,
            messages,
            passages,
            language=language,
            role=found.role,
            confidence=found.confidence,
            timeout=self.options.llm_timeout_seconds,
            not_found=lambda: self._not_found(language, found.role, found.confidence),
        )

    def find(
        self,
        question: str,
        language: str,
        role: str | None,
        history: Sequence[Turn],
        audience: Audience = None,
    ) -> Retrieval:
        """Search the question as a follow-up (with the conversation's topic) or as a new
        question. A self-contained question answered confidently is kept as it is; one that
        leans on the conversation (cue words, or too short to stand alone) is read with its
        topic whenever either reading finds an answer; otherwise the more confident wins."""
        options = readings(question, history)
        first = self._search(options[0], language, role, audience)
        if len(options) == 1:
            return first
        if options[0].self_contained and first.confidence >= _SURE_ENOUGH:
            return first
        other = self._search(options[1], language, role, audience)
        contextual, fresh = (first, other) if first.reading.follow_up else (other, first)
        sure = self.options.min_confidence
        if options[0].follow_up and max(contextual.confidence, fresh.confidence) >= sure:
            # "and how much is the limit?": the earlier turns' words dilute the combined
            # query's coverage; how sure we are that it is answerable is the better reading's.
            return replace(contextual, confidence=max(contextual.confidence, fresh.confidence))
        if not fresh.reading.self_contained and contextual.confidence >= sure:
            return contextual  # too short to stand alone in a conversation
        # The likelier reading keeps a small edge, so a tie does not flip the topic.
        return other if other.confidence > first.confidence + _READING_EDGE else first

    def _search(
        self, reading: Reading, language: str, asker_role: str | None, audience: Audience
    ) -> Retrieval:
        role = target_role(reading.analysis, asker_role)
        degraded = False
        k = max(self.options.top_k, _SECTIONS_SEARCHED)
        with self._compute:
            try:
                # Searched deeper for a role: the asker's own guide may rank below policies
                # that state every role's rule, and it should be there to choose from.
                found = self.index.search(
                    reading.query, k=_ROLE_DEPTH if role else k, role=role, audience=audience
                )
                hits = found[:k] + own_guide_hits(found[k:], role)
            except Exception:
                # The vector store (a Chroma server) is down: words alone still find most
                # answers, which beats an apology. If this fails too, the caller apologises.
                log.warning("Hybrid search failed; answering from lexical search", exc_info=True)
                hits = self.index.search(
                    reading.query, k=k, role=role, mode="lexical", audience=audience
                )
                degraded = True
        trusted = self.index.trusts_language(language) and not degraded
        # A close match vouches for the question's own words only: searched with the earlier
        # topic, it would vouch for that topic and pull a new question back into it.
        options = (
            self.options if not reading.follow_up else replace(self.options, vouching_cosine={})
        )
        sure = confidence(hits[:k], dense_trusted=trusted, options=options, language=language)
        return Retrieval(reading, hits, sure, degraded, role, audience)

    def _compose(
        self, question: str, found: Retrieval, language: str, history: Sequence[Turn] = ()
    ) -> Plan | None:
        """What the answer will quote, or None when the knowledge does not answer.

        Just under the confidence bar, a quote that matches the question closely (its words
        and the kind of fact asked for) still answers, when every word of the question is
        one the knowledge uses: retrieval's doubt was about the passage as a whole, and the
        quote settles it."""
        sure = self.options.min_confidence
        if found.confidence < sure - self.options.doubt_margin or not found.hits:
            return None
        with self._compute:
            said = [t.text for t in history if t.role == "assistant"][-1:]
            wants_new = asks_for_more(question) or asks_about_another_amount(question, said)
            plan = plan_answer(
                self.index,
                question,
                found,
                language,
                said=said if found.reading.follow_up or wants_new else (),
                wants_new=wants_new,
            )
        if plan is not None and found.confidence < sure:
            settled = plan.composition.units[0].score >= self.options.settling_quote_score
            # ...unless the question names something the knowledge never mentions.
            unknown = unknown_terms(self.index.query_terms(question), self.index.idf)
            return plan if settled and not unknown else None
        return plan

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

    def _grounded(
        self,
        question: str,
        plan: Plan,
        language: str,
        found: Retrieval,
        history: Sequence[Turn],
    ) -> Answer | None:
        assert self.chat is not None and self._pool is not None
        passages = plan_passages(plan)
        messages = self._messages(question, passages, language, found.role, history)
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
            return self._not_found(language, found.role, found.confidence)
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
            confidence=round(found.confidence, 4),
            mode="llm",
            role=found.role,
        )
