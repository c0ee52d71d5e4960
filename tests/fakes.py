"""In-memory fakes for the bot's seams (index, answerer, stores, Slack) and a `SlackContext`
built from them: unit tests call listeners and the kudos service alone, with no model, index,
database or Slack."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from slack_sdk import WebClient

from bot.answering.models import Answer, Source, Turn
from bot.answering.stream import AnswerStream
from bot.kudos.models import Kudos
from bot.kudos.ports import KudosPolicy
from bot.kudos.service import KudosService
from bot.settings import Settings
from bot.slack.context import SlackContext
from bot.store import FeedbackItem, Gap, QuestionRecord
from ingest.audience import Audience
from ingest.index import IndexStatus
from ingest.models import Chunk, Hit
from ingest.search import Mode
from ingest.state import IndexedFile
from ingest.structure import Section
from ingest.sync import SyncReport

LEAD = "ULEAD"
MANAGER = "UMGR1"


class FakeKnowledge:
    """A `KnowledgeBase` over a few chunks; words shared with the query stand in for BM25."""

    def __init__(self, chunks: Sequence[Chunk] = ()) -> None:
        self.chunks = {c.id: c for c in chunks}
        self._files: dict[str, IndexedFile] = {}
        for chunk in sorted(chunks, key=lambda c: (c.path, c.position)):
            indexed = self._files.setdefault(
                chunk.path,
                IndexedFile(
                    path=chunk.path,
                    title=chunk.title,
                    content_hash="h",
                    chunk_ids=[],
                    language=chunk.language,
                    doc_type=chunk.doc_type,
                    owner=chunk.owner,
                ),
            )
            indexed.chunk_ids.append(chunk.id)

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        role: str | None = None,
        mode: Mode = "hybrid",
        audience: Audience = None,
    ) -> list[Hit]:
        return []

    def known_roles(self) -> set[str]:
        return {role for chunk in self.chunks.values() for role in chunk.roles}

    def files(self) -> Mapping[str, IndexedFile]:
        return self._files

    def file(self, path: str) -> IndexedFile | None:
        return self._files.get(path)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.chunks.get(chunk_id)

    def chunk_ids(self, path: str) -> list[str]:
        indexed = self._files.get(path)
        return list(indexed.chunk_ids) if indexed else []

    def sections(self, path: str) -> list[Section]:
        return []

    def translation(self, path: str, language: str) -> str | None:
        return None

    def status(self, today: dt.date | None = None) -> IndexStatus:
        return IndexStatus(
            documents=len(self._files),
            chunks=len(self.chunks),
            last_sync=None,
            embedding_model="fake",
            collection="fake",
            generation="g1",
            problems=[],
            overdue=[],
        )

    def generation(self) -> str | None:
        return "g1"

    def trusts_language(self, language: str) -> bool:
        return False

    def lexical_scores(self, query: str, ids: Sequence[str]) -> dict[str, float]:
        words = set(query.casefold().split())
        return {i: float(len(words & set(self.chunks[i].text.casefold().split()))) for i in ids}

    def similarity(self, query: str, ids: Sequence[str]) -> dict[str, float]:
        return {}


def chunk(path: str, section: str, text: str, *, doc_type: str = "other", **extra: Any) -> Chunk:
    position = extra.pop("position", 0)
    return Chunk(
        id=f"{path}#{section}",
        path=path,
        title=path,
        section=section,
        text=text,
        language=extra.pop("language", "en"),
        position=position,
        doc_type=doc_type,
        **extra,
    )


class FakeAnswerer:
    """Answers every question with the same text, from one source; remembers the questions."""

    can_stream = False

    def __init__(self) -> None:
        self.questions: list[tuple[str, str | None]] = []

    def answer(
        self,
        question: str,
        *,
        role: str | None = None,
        history: Sequence[Turn] = (),
        use_chat: bool = True,
        audience: Audience = None,
    ) -> Answer:
        self.questions.append((question, role))
        source = Source(path="en/refunds.md", title="Refunds", section="", score=1.0, snippet="")
        return Answer(answer="Up to ¥5,000.", answered=True, sources=[source], language="en")

    def stream(
        self,
        question: str,
        *,
        role: str | None = None,
        history: Sequence[Turn] = (),
        audience: Audience = None,
    ) -> AnswerStream | None:
        return None


class FakeStore:
    """The bot's database as the Slack edge sees it (`SlackStore`), in memory."""

    def __init__(self) -> None:
        self.roles: dict[str, str] = {}
        self.questions: list[QuestionRecord] = []
        self.feedback: dict[tuple[int, str], bool] = {}
        self.events: set[tuple[str, str]] = set()

    def release_event(self, event_id: str, *, kind: str = "event") -> None:
        self.events.discard((kind, event_id))

    def claim_event(self, event_id: str, *, kind: str = "event") -> bool:
        if (kind, event_id) in self.events:
            return False
        self.events.add((kind, event_id))
        return True

    def get_role(self, user_id: str) -> str | None:
        return self.roles.get(user_id)

    def set_role(self, user_id: str, role: str | None) -> None:
        if role is None:
            self.roles.pop(user_id, None)
        else:
            self.roles[user_id] = role

    def log_question(self, *, user_id: str, channel_id: str | None, **fields: Any) -> int:
        record = QuestionRecord(
            id=len(self.questions) + 1,
            user_id=user_id,
            channel_id=channel_id,
            thread_ts=fields.pop("thread_ts", None),
            created_at=dt.datetime.now(dt.UTC),
            **fields,
        )
        self.questions.append(record)
        return record.id

    def get_question(self, question_id: int) -> QuestionRecord | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def record_feedback(
        self, *, question_id: int, user_id: str, helpful: bool, comment: str | None = None
    ) -> None:
        self.feedback[(question_id, user_id)] = helpful

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> list[Gap]:
        return []

    def negative_feedback(self, *, since: dt.datetime, limit: int = 10) -> list[FeedbackItem]:
        return []


class MemoryKudos:
    """`KudosRecords` in memory, with the same outbox rules: "pending" is owed, a claim is
    taken once, a posted message's ts ends it."""

    def __init__(self) -> None:
        self.rows: dict[int, Kudos] = {}
        self.posted: dict[int, str] = {}
        self._ids = itertools.count(1)
        self.broken = False  # True: every read fails, as a database that is down

    def add(self, kudos: Kudos) -> tuple[Kudos, bool]:
        for existing in self.rows.values():
            if kudos.dedupe_key and existing.dedupe_key == kudos.dedupe_key:
                return existing, False
        stored = kudos.model_copy(
            update={"id": next(self._ids), "created_at": dt.datetime.now(dt.UTC)}
        )
        self.rows[stored.id or 0] = stored
        if stored.status in ("broadcast", "nominated"):
            self.posted[stored.id or 0] = "pending"
        return stored, True

    def get(self, kudos_id: int) -> Kudos | None:
        return self.rows.get(kudos_id)

    def transition(self, kudos_id: int, *, from_status: str, to_status: str) -> bool:
        kudos = self.rows.get(kudos_id)
        if kudos is None or kudos.status != from_status:
            return False
        self.rows[kudos_id] = kudos.model_copy(update={"status": to_status})
        if to_status in ("broadcast", "nominated"):
            self.posted[kudos_id] = "pending"
        return True

    def claim_post(self, kudos_id: int) -> str | None:
        if self.posted.get(kudos_id) != "pending":
            return None
        self.posted[kudos_id] = f"claim:{kudos_id}"
        return self.posted[kudos_id]

    def release(self, kudos_id: int, claim: str) -> None:
        if self.posted.get(kudos_id) == claim:
            self.posted[kudos_id] = "pending"

    def mark_posted(
        self, kudos_id: int, *, channel: str, ts: str, claim: str | None = None
    ) -> None:
        if claim is None or self.posted.get(kudos_id) == claim:
            self.posted[kudos_id] = ts

    def unposted(self) -> list[Kudos]:
        if self.broken:
            raise ConnectionError("database down")
        return [self.rows[i] for i, marker in sorted(self.posted.items()) if marker == "pending"]

    def received(self, user_id: str, *, limit: int = 5) -> list[Kudos]:
        return [k for k in self.wins(limit=500) if user_id in k.recipients][:limit]

    def wins(
        self,
        *,
        since: dt.datetime | None = None,
        limit: int = 100,
        statuses: tuple[str, ...] = ("broadcast",),
    ) -> list[Kudos]:
        found = [k for k in self.rows.values() if k.status in statuses]
        return sorted(found, key=lambda k: k.id or 0, reverse=True)[:limit]


class FakePoster:
    """The kudos service's `Poster` and `Directory`; `failures` posts fail before one works."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str, Kudos, str | None]] = []  # kind, channel, kudos, nominator
        self.told: list[tuple[str, int | None, bool]] = []
        self.thanked: list[tuple[str, int | None]] = []
        self.locales: dict[str, str] = {}
        self.groups: dict[str, frozenset[str]] = {}
        self.failures = 0
        self._lock = threading.Lock()

    def _post(self, kind: str, channel: str, kudos: Kudos, nominator: str | None) -> str:
        with self._lock:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("Slack is down")
            self.posts.append((kind, channel, kudos, nominator))
            return f"17000000{len(self.posts)}.0001"

    def celebrate(self, channel: str, kudos: Kudos, *, nominator: str | None = None) -> str:
        return self._post("celebrate", channel, kudos, nominator)

    def nominate(self, channel: str, kudos: Kudos) -> str:
        return self._post("nominate", channel, kudos, None)

    def tell_nominator(self, nominator: str, kudos: Kudos, *, approved: bool) -> None:
        self.told.append((nominator, kudos.id, approved))

    def tell_recipient(self, recipient: str, kudos: Kudos) -> None:
        self.thanked.append((recipient, kudos.id))

    def locale(self, user: str) -> str | None:
        return self.locales.get(user)

    def group_members(self, group: str) -> frozenset[str]:
        return self.groups[group]  # an unknown group fails, as Slack would


class Recorder:
    """Stands for Bolt's `ack`, `respond` or `say`: remembers each call's arguments."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append({"args": args, **kwargs})

    @property
    def last(self) -> dict[str, Any]:
        return self.calls[-1]


class FakeWebClient:
    """Stands for `WebClient`: any Web API method is recorded and answers `{"ok": True}`
    (or what `replies` holds for it)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.replies: dict[str, dict[str, Any]] = {}

    def __getattr__(self, method: str) -> Callable[..., dict[str, Any]]:
        def call(**kwargs: Any) -> dict[str, Any]:
            self.calls.append((method, kwargs))
            return self.replies.get(method, {"ok": True, "ts": "1700000000.0001"})

        return call

    def to(self, method: str) -> list[dict[str, Any]]:
        return [kwargs for name, kwargs in self.calls if name == method]


def slack_client(fake: FakeWebClient) -> WebClient:
    return cast(WebClient, fake)


def bolt(recorder: Recorder) -> Any:
    """A recorder passed where a listener takes Bolt's `Ack`, `Respond` or `Say`."""
    return recorder


def settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "knowledge_dir": tmp_path / "knowledge",
        "data_dir": tmp_path / "data",
        "leads": LEAD,
        "wins_channel": "CWINS",
        "review_channel": "CREVIEW",
        "kudos_managers": MANAGER,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


def kudos_service(
    *,
    records: MemoryKudos | None = None,
    poster: FakePoster | None = None,
    index: FakeKnowledge | None = None,
    policy: KudosPolicy | None = None,
    **options: Any,
) -> KudosService:
    poster = poster or FakePoster()
    return KudosService(
        records=records or MemoryKudos(),
        poster=poster,
        directory=poster,
        index=index or FakeKnowledge(),
        policy=policy
        or KudosPolicy(
            wins_channel="CWINS", review_channel="CREVIEW", managers=frozenset({MANAGER})
        ),
        **options,
    )


def slack_context(
    tmp_path: Path,
    *,
    index: FakeKnowledge | None = None,
    kudos: KudosService | None = None,
    sync: Callable[[], SyncReport] = SyncReport,
) -> SlackContext:
    return SlackContext(
        settings=settings(tmp_path),
        index=index or FakeKnowledge(),
        answerer=FakeAnswerer(),
        store=FakeStore(),
        kudos=kudos or kudos_service(index=index),
        sync=sync,
    )
