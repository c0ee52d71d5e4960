"""Grounded answers from a chat model: the seam, the LangChain adapter, citation checking."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from bot.models import Turn
from bot.prompts import render
from ingest.models import Hit

NOT_FOUND = "NOT_FOUND"
_CITATION = re.compile(r"\[(\d+(?:\s*[,、]\s*\d+)*)\]")
_LANGUAGE_NAMES = {"en": "English", "ja": "Japanese (日本語)"}


class ChatModel(Protocol):
    """Anything that turns (role, text) messages into a reply."""

    def invoke(self, messages: Sequence[tuple[str, str]]) -> str: ...


class LangChainChatModel:
    """A chat model from `provider:model` through langchain's `init_chat_model`."""

    def __init__(self, model: str, *, temperature: float = 0.2) -> None:
        from langchain.chat_models import init_chat_model

        self.name = model
        self._model = init_chat_model(model, temperature=temperature)

    def invoke(self, messages: Sequence[tuple[str, str]]) -> str:
        reply = self._model.invoke(list(messages))
        content = reply.content
        if isinstance(content, str):
            return content
        # Some providers return content blocks; keep the text ones.
        parts = [b.get("text", "") if isinstance(b, dict) else str(b) for b in content]
        return "".join(parts)


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


def filter_citations(text: str, given: int) -> tuple[str, list[int]]:
    """Drop citations to sources the model was not given; renumber the rest 1..n.

    Returns the cleaned text and the original source numbers in their new order.
    """
    order: list[int] = []

    def keep(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*[,、]\s*", match.group(1))]
        valid = [n for n in numbers if 1 <= n <= given]
        for n in valid:
            if n not in order:
                order.append(n)
        if not valid:
            return ""
        return "".join(f"[{order.index(n) + 1}]" for n in dict.fromkeys(valid))

    cleaned = _CITATION.sub(keep, text)
    cleaned = re.sub(r"[ \t]+([.,。、!?])", r"\1", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    return cleaned, order
