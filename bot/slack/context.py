"""What every Slack listener needs, built once by `build_app` and shared."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from bot.answering.roles import canonical_role, role_from_title
from bot.answering.service import AnsweringService
from bot.settings import Settings
from bot.store import Store
from ingest.index import KnowledgeIndex

log = logging.getLogger(__name__)


@dataclass
class ResolvedRole:
    role: str | None
    source: str | None  # "set" (by /cx role), "title" (guessed from the Slack profile), None


@dataclass
class SlackContext:
    settings: Settings
    index: KnowledgeIndex
    answerer: AnsweringService
    store: Store
    _profiles: dict[str, tuple[float, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def today(self) -> dt.date:
        return dt.datetime.now(dt.UTC).date()

    def is_lead(self, user_id: str) -> bool:
        return user_id in self.settings.lead_ids()

    def known_roles(self) -> set[str]:
        roles: set[str] = set()
        for item in self.index.state.chunks.values():
            roles.update(item.chunk.roles)
        return roles

    def _title(self, client: WebClient, user_id: str) -> str:
        now = time.monotonic()
        with self._lock:
            cached = self._profiles.get(user_id)
        if cached and now - cached[0] < self.settings.profile_cache_seconds:
            return cached[1]
        title = ""
        try:
            info: Any = client.users_info(user=user_id)
            title = str(((info.get("user") or {}).get("profile") or {}).get("title") or "")
        except Exception:  # a missing scope or a deleted user must not stop an answer
            log.warning("Could not read the Slack profile of %s", user_id, exc_info=True)
        with self._lock:
            self._profiles[user_id] = (now, title)
        return title

    def resolve_role(self, client: WebClient, user_id: str) -> ResolvedRole:
        stored = self.store.get_role(user_id)
        if stored:
            return ResolvedRole(stored, "set")
        guessed = role_from_title(self._title(client, user_id), self.settings.title_roles())
        if guessed:
            return ResolvedRole(canonical_role(guessed, self.known_roles()), "title")
        return ResolvedRole(None, None)
