"""How kudos are given and approved: the rules, with Slack behind a `Poster`.

Order of work, so nothing is lost: redact, store (durable, deduplicated, with its post owed
in the same row), then post. A post that fails stays owed and is retried on a timer and on the
next start; a claim in the database makes sure only one retry posts it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

from bot.knowledge_base import KnowledgeBase
from bot.kudos.models import Kudos
from bot.kudos.ports import Directory, KudosPolicy, KudosRecords, Poster
from bot.kudos.redact import redact
from bot.kudos.values import suggest_value, value_names
from ingest.index import SyncBusyError
from ingest.language import detect_language

log = logging.getLogger(__name__)

# Seconds between retries of owed posts while Slack is down; after the last one the next
# start (or the next failure) tries again.
RETRY_DELAYS: tuple[float, ...] = (15.0, 60.0, 300.0, 900.0)


class Submitted(NamedTuple):
    kudos: Kudos
    new: bool  # False: the same kudos was stored before (a double click)
    delivered: bool  # False: Slack failed; stored, and posted by a retry later


class Review(NamedTuple):
    outcome: Literal["approved", "declined", "not_a_manager", "already_reviewed"]
    kudos: Kudos | None = None  # as stored: `sender` is who nominated it


class KudosService:
    def __init__(
        self,
        *,
        records: KudosRecords,
        poster: Poster,
        directory: Directory,
        index: KnowledgeBase,
        policy: KudosPolicy,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        on_celebrated: Callable[[], None] | None = None,
    ) -> None:
        """`on_celebrated`: called after a win is posted (the bot indexes wins as knowledge)."""
        self.records = records
        self.poster = poster
        self.directory = directory
        self.index = index
        self.policy = policy
        self.retry_delays = tuple(retry_delays)
        self.on_celebrated = on_celebrated or (lambda: None)
        self._groups: tuple[float, frozenset[str]] | None = None
        self._lock = threading.Lock()
        self._retrying = False

    # -- who ------------------------------------------------------------------------------

    def is_manager(self, user: str) -> bool:
        if user in self.policy.managers:
            return True
        group = self.policy.manager_group
        if not group:
            return False
        with self._lock:
            cached = self._groups
        if cached is not None and time.monotonic() - cached[0] <= self.policy.group_refresh_seconds:
            return user in cached[1]
        members = cached[1] if cached is not None else frozenset()
        try:
            members = self.directory.group_members(group)
        except Exception:
            log.warning("Could not read user group %s", group, exc_info=True)
        with self._lock:
            self._groups = (time.monotonic(), members)
        return user in members

    def sender_language(self, user: str | None) -> str | None:
        """The language of the sender's Slack locale: "ja" or "en" (None when unknown)."""
        if not user:
            return None
        try:
            locale = self.directory.locale(user)
        except Exception:
            log.warning("Could not read the locale of %s", user, exc_info=True)
            return None
        if not locale:
            return None
        return "ja" if locale.casefold().startswith("ja") else "en"

    # -- values -----------------------------------------------------------------------------

    def value_names(self, language: str) -> list[str]:
        return value_names(self.index, language)

    def suggest_value(self, quote: str, language: str) -> str | None:
        return suggest_value(self.index, quote, language)

    # -- giving and reviewing -----------------------------------------------------------------

    def submit(self, kudos: Kudos) -> Submitted:
        """Redact, store, then broadcast (manager) or send for review (anyone else)."""
        quote_language = detect_language(kudos.quote)
        kudos = kudos.model_copy(
            update={
                "quote": redact(kudos.quote),
                "source": redact(kudos.source) if kudos.source else None,
                # The celebration speaks the sender's language (their Slack locale), else
                # the customer's.
                "language": self.sender_language(kudos.sender) or quote_language,
            }
        )
        if not kudos.value:
            kudos.value = self.suggest_value(kudos.quote, quote_language)
        manager = bool(kudos.sender) and self.is_manager(kudos.sender or "")
        kudos.status = "broadcast" if manager else "nominated"
        stored, new = self.records.add(kudos)
        if not new:
            return Submitted(stored, False, True)
        return Submitted(stored, True, self.deliver(stored))

    def approve(self, kudos_id: int, *, reviewer: str) -> Review:
        return self._review(kudos_id, reviewer=reviewer, approved=True)

    def decline(self, kudos_id: int, *, reviewer: str) -> Review:
        return self._review(kudos_id, reviewer=reviewer, approved=False)

    def _review(self, kudos_id: int, *, reviewer: str, approved: bool) -> Review:
        if not self.is_manager(reviewer):
            return Review("not_a_manager")
        target = "broadcast" if approved else "declined"
        # One conditional update: of two managers clicking at once, exactly one reviews.
        if not self.records.transition(kudos_id, from_status="nominated", to_status=target):
            return Review("already_reviewed")
        kudos = self.records.get(kudos_id)
        assert kudos is not None
        if approved:
            self.deliver(kudos.model_copy(update={"sender": reviewer}), nominator=kudos.sender)
        return Review("approved" if approved else "declined", kudos)

    def tell_nominator(self, review: Review) -> None:
        """Let the nominator know what a manager decided (after the review is shown)."""
        kudos = review.kudos
        if kudos is None or not kudos.sender or review.outcome not in ("approved", "declined"):
            return
        self.poster.tell_nominator(kudos.sender, kudos, approved=review.outcome == "approved")

    # -- posting, and posting again -------------------------------------------------------------

    def deliver(self, kudos: Kudos, nominator: str | None = None) -> bool:
        """Post a stored kudos (a celebration, or a nomination for review) if it is still
        owed and nobody else is posting it. False when the post failed: it stays owed, and a
        retry is scheduled."""
        celebration = kudos.status == "broadcast"
        channel = self.policy.wins_channel if celebration else self.policy.review_channel
        if not channel or kudos.id is None:
            log.warning("No %s channel set: kudos %s waits in storage", kudos.status, kudos.id)
            return True
        claim = self.records.claim_post(kudos.id)
        if claim is None:
            return True  # posted already, or being posted by another retry
        try:
            if celebration:
                ts = self.poster.celebrate(channel, kudos, nominator=nominator)
            else:
                ts = self.poster.nominate(channel, kudos)
        except Exception:
            log.warning("Posting kudos %s failed; it stays owed", kudos.id, exc_info=True)
            self.records.release(kudos.id, claim)
            self.retry_later()
            return False
        self.records.mark_posted(kudos.id, channel=channel, ts=ts, claim=claim)
        if celebration:
            self.thank_recipients(kudos)
            self.on_celebrated()
        return True

    def thank_recipients(self, kudos: Kudos) -> None:
        """Each celebrated person hears the customer's words directly (once: only the one
        process that posted the celebration gets here). A failed DM is only logged."""
        for recipient in dict.fromkeys(kudos.recipients):
            try:
                self.poster.tell_recipient(recipient, kudos)
            except Exception:
                log.warning("Could not DM kudos %s to %s", kudos.id, recipient, exc_info=True)

    def retry_unposted(self) -> int:
        """Post every owed win and nomination; returns how many are still owed (-1: the
        store could not be read)."""
        try:
            owed = self.records.unposted()
        except Exception:  # the database is down too: the next retry will see them
            log.warning("Could not read the kudos still to post", exc_info=True)
            self.retry_later()
            return -1
        return sum(1 for kudos in owed if not self.deliver(kudos))

    def retry_later(self) -> None:
        """One background retry loop at a time, backing off, until nothing is owed."""
        with self._lock:
            if self._retrying:
                return
            self._retrying = True

        def run() -> None:
            try:
                for delay in self.retry_delays:
                    time.sleep(delay)  # waiting for Slack to come back, not for a thread
                    if self.retry_unposted() == 0:
                        return
            finally:
                with self._lock:
                    self._retrying = False

        threading.Thread(target=run, name="cx-kudos-retry-later", daemon=True).start()

    # -- reading --------------------------------------------------------------------------------

    def recent_wins(self, limit: int = 5) -> list[Kudos]:
        return self.records.wins(limit=limit)

    def received(self, user: str) -> list[Kudos]:
        return self.records.received(user)


def index_in_background(sync: Callable[[], object], *, attempts: int = 5) -> None:
    """Run an index sync off the request path; while another ingest holds the index, try
    again shortly (the next sync would pick the change up anyway)."""

    def run() -> None:
        for attempt in range(attempts):
            try:
                sync()
                return
            except SyncBusyError:
                time.sleep(2 * (attempt + 1))
            except Exception:
                log.exception("Indexing wins failed")
                return

    threading.Thread(target=run, name="cx-index-wins", daemon=True).start()
