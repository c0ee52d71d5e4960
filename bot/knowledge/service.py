"""Knowledge upkeep as one service: health, nudges, verification, snoozes, captured answers.

Slack-free: the Slack edge (bot/slack/upkeep.py) and the CLI call it; the database and the
index come in as protocols.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.knowledge.capture import CapturedAnswer, write_answer
from bot.knowledge.health import DocumentHealth, HealthIndex, HealthSignals, knowledge_health
from bot.knowledge.history import Author
from bot.knowledge.nudges import SNOOZE, Nudge, plan_nudges
from bot.knowledge.ports import DraftRecord, Drafts, Snoozes
from bot.knowledge.verify import Verified, verify_document

log = logging.getLogger(__name__)


class GapResolver(Protocol):
    def resolve_gap(self, question: str, *, path: str) -> int:
        """Mark the unanswered questions asked this way as answered by `path`."""
        ...


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class KnowledgeUpkeep:
    index: HealthIndex
    signals: HealthSignals
    snoozes: Snoozes
    drafts: Drafts
    gaps: GapResolver
    knowledge_dir: Path
    sync: Callable[[], object]  # re-sync the knowledge folder into the index
    owners: Mapping[str, str] = field(default_factory=dict)  # owner name -> Slack user ID
    leads: frozenset[str] = frozenset()
    review_days: int = 180
    clock: Callable[[], dt.datetime] = _utc_now

    # -- health and nudges -------------------------------------------------------------------

    def health(self) -> list[DocumentHealth]:
        return knowledge_health(self.index, self.signals, now=self.clock())

    def nudges(self) -> list[Nudge]:
        snoozed = self.snoozes.snoozed(now=self.clock())
        return plan_nudges(
            self.health(), owners=self.owners, leads=self.leads, snoozed=snoozed.__contains__
        )

    def owner_id(self, path: str) -> str | None:
        item = self.index.files().get(path)
        owner = (item.owner or "").strip().casefold() if item else ""
        return self.owners_by_name().get(owner)

    def may_maintain(self, user_id: str, path: str) -> bool:
        """Owners may verify or snooze their documents; leads any document."""
        return user_id in self.leads or self.owner_id(path) == user_id

    def find_path(self, text: str) -> str | None:
        """A document from what someone typed: its path, the end of its path, or its title."""
        wanted = text.strip().strip("`").removeprefix("/")
        files = self.index.files()
        if wanted in files:
            return wanted
        folded = wanted.casefold()
        matches = [
            p
            for p, item in files.items()
            if p.casefold().endswith("/" + folded) or item.title.casefold() == folded
        ]
        return matches[0] if len(matches) == 1 else None

    # -- verification and snoozes -------------------------------------------------------------

    def verify(self, path: str, verifier: Author) -> Verified:
        done = verify_document(
            self.knowledge_dir,
            path,
            verifier=verifier,
            now=self.clock(),
            default_days=self.review_days,
        )
        self._resync()
        return done

    def snooze(self, path: str, user_id: str) -> dt.datetime:
        until = self.clock() + SNOOZE
        self.snoozes.snooze(path, user_id=user_id, until=until)
        return until

    # -- captured answers ---------------------------------------------------------------------

    def reviewers(self, draft: CapturedAnswer) -> list[str]:
        """The owner named on the draft when known, else the CX leads."""
        owner = self.owners_by_name().get((draft.owner or "").strip().casefold())
        return [owner] if owner else sorted(self.leads)

    def owners_by_name(self) -> dict[str, str]:
        return {name.casefold(): user for name, user in self.owners.items()}

    def may_decide(self, user_id: str, record: DraftRecord) -> bool:
        return user_id in self.leads or user_id in self.reviewers(record.draft)

    def submit(
        self,
        draft: CapturedAnswer,
        *,
        submitted_by: str,
        asker_id: str | None,
        channel_id: str | None,
        thread_ts: str | None,
    ) -> int:
        return self.drafts.add_draft(
            draft.redacted(),
            submitted_by=submitted_by,
            asker_id=asker_id,
            channel_id=channel_id,
            thread_ts=thread_ts,
        )

    def approve(self, draft_id: int, approver: Author) -> DraftRecord | None:
        """Write the draft into the knowledge folder, once: None if someone decided first."""
        if not self.drafts.decide_draft(draft_id, "approved"):
            return None
        record = self.drafts.get_draft(draft_id)
        if record is None:
            return None
        path, _ = write_answer(
            self.knowledge_dir,
            record.draft,
            approver=approver,
            now=self.clock(),
            review_days=self.review_days,
        )
        self.drafts.set_draft_path(draft_id, path)
        self._resync()
        self.gaps.resolve_gap(record.draft.question, path=path)
        return record.model_copy(update={"path": path, "status": "approved"})

    def decline(self, draft_id: int) -> DraftRecord | None:
        if not self.drafts.decide_draft(draft_id, "declined"):
            return None
        return self.drafts.get_draft(draft_id)

    def _resync(self) -> None:
        try:
            self.sync()
        except Exception:  # the file is written; the watcher or the next sync picks it up
            log.exception("Re-syncing the knowledge folder after an upkeep change failed")
