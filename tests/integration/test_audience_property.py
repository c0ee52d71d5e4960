"""A property (issue 13): for any reader and any question, nothing from a document outside
the reader's audience comes back from retrieval, reaches the chat model, or appears in an
answer, its sources, its snippets, its Slack blocks or a streamed piece.

Documents get audiences drawn with a fixed seed (all staff, roles, `managers`, `leads`, user
groups, combinations); hypothesis draws readers and questions. Each document carries a
marker word of its own (which questions may use) and a secret word (which no question
contains), so a leak is visible as text, whatever path it took. Vectors come
from a word-hash embedder: the subject is the filtering, not the model.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.confidence import AnswerOptions
from bot.answering.service import AnsweringService
from bot.slack.blocks import answer_blocks, answer_text
from ingest.audience import key, parse, visible
from ingest.index import KnowledgeIndex
from tests.conftest import make_index, write
from tests.integration.test_index_processes import HashEmbedder

TOKENS = ["store-staff", "warehouse", "managers", "leads", "S0GROUPA1", "S0GROUPB2"]
WORDS = ["refund", "approval", "limit", "customer", "escalation", "voucher", "manager", "phone"]
DOCUMENTS = 18


def _documents() -> list[tuple[str, tuple[str, ...], str]]:
    """(path, audience tokens, marker) for each document; a third are for all staff."""
    rng = random.Random(13)
    found = []
    for n in range(DOCUMENTS):
        audience = () if n % 3 == 0 else tuple(rng.sample(TOKENS, rng.randint(1, 2)))
        found.append((f"en/doc{n:02d}.md", audience, f"mark{n:02d}zq"))
    return found


DOCS = _documents()
MARKERS = [marker for _, _, marker in DOCS]


def secret(marker: str) -> str:
    return marker.replace("mark", "secret")


def _text(n: int, audience: tuple[str, ...], marker: str) -> str:
    rng = random.Random(n)
    lines = ["---", f"title: Policy {marker}", "type: policy", "language: en"]
    if audience:
        lines.append(f"audience: [{', '.join(audience)}]")
    body = [
        f"The {marker} rule ({secret(marker)}): a {' '.join(rng.sample(WORDS, 4))} of "
        f"¥{1000 * (n + 1):,} applies."
        for _ in range(3)
    ]
    return "\n".join([*lines, "---", f"# Policy {marker}", "", "## Rules", *body, ""])


class EchoChat:
    """A chat model that writes back everything it was given: whatever reaches it would
    reach the asker."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def invoke(self, messages: Sequence[tuple[str, str]]) -> str:
        text = "\n".join(content for _, content in messages)
        self.seen.append(text)
        return text

    def stream(self, messages: Sequence[tuple[str, str]]) -> Iterator[str]:
        text = self.invoke(messages)
        for start in range(0, len(text), 40):
            yield text[start : start + 40]


@pytest.fixture(scope="module")
def audience_index(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeIndex:
    root = tmp_path_factory.mktemp("audiences")
    for n, (path, audience, marker) in enumerate(DOCS):
        write(root / "knowledge" / path, _text(n, audience, marker))
    index = make_index(root / "data", HashEmbedder())
    index.sync_folder(root / "knowledge")
    return index


def allowed(reader: frozenset[str]) -> set[str]:
    return {m for _, audience, m in DOCS if visible(key(parse(audience)), reader)}


readers = st.frozensets(st.sampled_from(TOKENS), max_size=3)
questions = st.lists(st.sampled_from(WORDS + MARKERS), min_size=1, max_size=5).map(" ".join)
quick = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@quick
@given(reader=readers, question=questions, mode=st.sampled_from(["hybrid", "dense", "lexical"]))
def test_search_returns_nothing_outside_the_readers_audience(
    audience_index: KnowledgeIndex, reader: frozenset[str], question: str, mode: str
) -> None:
    hits = audience_index.search(question, k=20, mode=mode, audience=reader)  # type: ignore[arg-type]
    assert all(visible(hit.chunk.audience, reader) for hit in hits)
    leaked = {secret(m) for m in set(MARKERS) - allowed(reader)}
    assert not [m for m in leaked if any(m in hit.chunk.text for hit in hits)]


@quick
@given(reader=readers, question=questions, chat=st.booleans())
def test_nothing_outside_the_audience_reaches_an_answer_or_its_blocks(
    audience_index: KnowledgeIndex, reader: frozenset[str], question: str, chat: bool
) -> None:
    model = EchoChat() if chat else None
    answering = AnsweringService(
        index=audience_index, chat=model, options=AnswerOptions(min_confidence=0.0)
    )
    answer = answering.answer(question, audience=reader)
    blocks = answer_blocks(answer, question_id=1, today=dt.date(2026, 6, 1), shareable=True)
    sent = json.dumps(blocks, ensure_ascii=False) + answer_text(answer) + answer.answer
    sent += "".join(s.path + s.title + s.snippet for s in answer.sources)
    if model is not None:
        stream = answering.stream(question, audience=reader)
        if stream is not None:
            sent += "".join(stream.pieces()) + stream.result().answer
        sent += "".join(model.seen)
    leaked = {secret(m) for m in set(MARKERS) - allowed(reader)}
    assert not [m for m in leaked if m in sent], (sorted(reader), question)
    hidden_paths = {p for p, audience, _ in DOCS if not visible(key(parse(audience)), reader)}
    assert not {s.path for s in answer.sources} & hidden_paths


def test_the_documents_cover_every_kind_of_audience(audience_index: KnowledgeIndex) -> None:
    keys = {f.audience for f in audience_index.files().values()}
    assert "" in keys and any("," in k for k in keys) and any(k.startswith("S0") for k in keys)
    assert len(audience_index.files()) == DOCUMENTS


def test_a_reader_with_every_token_sees_every_document(tmp_path: Path) -> None:
    assert allowed(frozenset(TOKENS)) == set(MARKERS)
    assert allowed(frozenset()) == {m for _, a, m in DOCS if not a}
