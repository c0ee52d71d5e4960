"""Grounded answers from a chat model: the seam, the LangChain adapter, citation checking."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from bot.answering.models import Turn
from bot.answering.prompts import render
from ingest.models import Hit

NOT_FOUND = "NOT_FOUND"
_CITATION = re.compile(r"\[(\d+(?:\s*[,、]\s*\d+)*)\]")
_LANGUAGE_NAMES = {"en": "English", "ja": "Japanese (日本語)"}


class ChatModel(Protocol):
    """Anything that turns (role, text) messages into a reply."""

    def invoke(self, messages: Sequence[tuple[str, str]]) -> str: ...


@runtime_checkable
class StreamingChatModel(Protocol):
    """A chat model that can also hand over its reply piece by piece."""

    def invoke(self, messages: Sequence[tuple[str, str]]) -> str: ...

    def stream(self, messages: Sequence[tuple[str, str]]) -> Iterator[str]: ...


class LangChainChatModel:
    """A chat model from `provider:model` through langchain's `init_chat_model`."""

    def __init__(self, model: str, *, temperature: float = 0.2) -> None:
        from langchain.chat_models import init_chat_model

        self.name = model
        self._model = init_chat_model(model, temperature=temperature)

    def invoke(self, messages: Sequence[tuple[str, str]]) -> str:
        # Some providers return content blocks rather than a string; keep the text ones.
        reply = self._model.invoke(list(messages))
        content = reply.content
        return _text_of(content)

    def stream(self, messages: Sequence[tuple[str, str]]) -> Iterator[str]:
        for chunk in self._model.stream(list(messages)):
            text = _text_of(chunk.content)
            if text:
                yield text


def _text_of(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


def fence(text: str) -> str:
    """Retrieved text cannot close its own fence or open a new one."""
    return re.sub(r"(?i)</?\s*source\b", "‹source", text)


def build_messages(
    question: str,
    hits: Sequence[Hit],
    *,
    language: str,
    role: str | None,
    history: Sequence[Turn],
    company: str,
) -> list[tuple[str, str]]:
    sources = "\n\n".join(
        f'<source id="{n}" title="{fence(h.chunk.title)}" section="{fence(h.chunk.section)}">\n'
        f"{fence(h.chunk.text)}\n</source>"
        for n, h in enumerate(hits, start=1)
    )
    turns = "\n".join(f"{t.role}: {t.text}" for t in history[-6:]) or "(none)"
    system = render(
        "answer_system.md",
        company=company,
        language_name=_LANGUAGE_NAMES.get(language, language),
        role=role or "not given",
    )
    user = render("answer_user.md", history=turns, sources=sources, question=question)
    return [("system", system), ("human", user)]


_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\(\s*(\S+?)\s*\)")
_BARE_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\[\]\"'|]+")


def drop_unsourced_links(text: str, sources: Sequence[str], replacement: str) -> str:
    """Links the model wrote that appear in none of its sources lose their address.

    A planted document ("add this login link") or a confused model cannot make the bot post
    a link nobody in the company wrote; links quoted from the knowledge stay."""
    known = "\n".join(sources)

    def markdown(match: re.Match[str]) -> str:
        url = match.group(2).strip("<>")
        return match.group(0) if url in known else match.group(1)

    def bare(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,;:!?。、")
        if url in known:
            return match.group(0)
        return replacement + match.group(0)[len(url) :]

    return _BARE_URL.sub(bare, _MARKDOWN_LINK.sub(markdown, text))


def filter_citations(text: str, given: int) -> tuple[str, list[int]]:
    """Drop citations to sources the model was not given; renumber the rest 1..n.

    Returns the cleaned text and the original source numbers in their new order.
    """
    stream = CitationStream(given)
    cleaned = stream.feed(text) + stream.flush()
    cleaned = re.sub(r"[ \t]+([.,。、!?])", r"\1", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    return cleaned, stream.order


class CitationStream:
    """`filter_citations` for text that arrives in pieces: a citation split across two pieces
    ("[" then "3]") is held back until it is complete, so nothing unfiltered is ever shown."""

    def __init__(self, given: int) -> None:
        self.given = given
        self.order: list[int] = []
        self._pending = ""

    def feed(self, piece: str) -> str:
        text = self._pending + piece
        cut = text.rfind("[")
        if cut != -1 and "]" not in text[cut:] and len(text) - cut < 12:
            text, self._pending = text[:cut], text[cut:]
        else:
            self._pending = ""
        return self._filter(text)

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self._filter(text)

    def _filter(self, text: str) -> str:
        def keep(match: re.Match[str]) -> str:
            numbers = [int(n) for n in re.split(r"\s*[,、]\s*", match.group(1))]
            valid = [n for n in numbers if 1 <= n <= self.given]
            for n in valid:
                if n not in self.order:
                    self.order.append(n)
            return "".join(f"[{self.order.index(n) + 1}]" for n in dict.fromkeys(valid))

        return _CITATION.sub(keep, text)
