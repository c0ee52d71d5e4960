"""Kudos storage, celebration wording, parsing and wins-as-knowledge, without Slack."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from bot.kudos.blocks import celebration_blocks, nomination_blocks
from bot.kudos.knowledge import export_wins, win_documents
from bot.kudos.models import Kudos
from bot.kudos.store import KudosStore
from bot.slack.kudos import parse_kudos_text
from bot.store import Store
from ingest.loaders import load_document
from tests import servers


def store(tmp_path: Path) -> KudosStore:
    base = Store.for_data_dir(tmp_path, servers.current().database_url)
    base.create_all()
    return KudosStore(base)


def win(**kwargs: object) -> Kudos:
    fields: dict[str, object] = {
        "recipients": ["U0KENJI"],
        "quote": "So kind, thank you!",
        "sender": "UMGR1",
        "status": "broadcast",
        "touchpoint": "delivery",
        "value": "Be warm and human",
    }
    return Kudos.model_validate(fields | kwargs)


def test_dedupe_key_makes_one_kudos(tmp_path: Path) -> None:
    kudos = store(tmp_path)
    first, new = kudos.add(win(dedupe_key="view:V1"))
    again, new_again = kudos.add(win(dedupe_key="view:V1", quote="different"))
    assert new and not new_again and again.id == first.id and again.quote == "So kind, thank you!"


def test_only_one_reviewer_wins_the_race(tmp_path: Path) -> None:
    kudos = store(tmp_path)
    stored, _ = kudos.add(win(status="nominated"))
    assert stored.id is not None
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                kudos.transition(stored.id or 0, from_status="nominated", to_status="broadcast")
            )
        )
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]


def test_unposted_broadcasts_are_found_for_a_retry(tmp_path: Path) -> None:
    kudos = store(tmp_path)
    posted, _ = kudos.add(win())
    pending, _ = kudos.add(win(quote="Another one"))
    kudos.mark_posted(posted.id or 0, channel="CWINS", ts="1.2")
    assert [k.id for k in kudos.unposted_broadcasts()] == [pending.id]


def test_celebration_escapes_the_quote_and_names_the_value() -> None:
    blocks = celebration_blocks(win(id=1, quote="<!channel> thanks <@U999>!"))
    text = str(blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<@U0KENJI>" in text and "Be warm and human" in text and "🚚" in text


def test_japanese_celebration_wording() -> None:
    text = str(celebration_blocks(win(id=2, quote="ありがとうございました", language="ja")))
    assert "体現したバリュー" in text and "配送" in text


def test_nomination_has_approve_and_decline() -> None:
    text = str(nomination_blocks(win(id=7, status="nominated", sender="U0NOM")))
    assert "kudos_approve" in text and "kudos_decline" in text and "'value': '7'" in text


def test_parse_kudos_text() -> None:
    assert parse_kudos_text("<@U0A|ann> <@U0B>, the customer said thanks") == (
        ["U0A", "U0B"],
        "the customer said thanks",
    )
    assert parse_kudos_text("no mentions here") == ([], "no mentions here")
    assert parse_kudos_text("") == ([], "")


def test_wins_export_is_valid_knowledge_and_idempotent(tmp_path: Path) -> None:
    kudos = store(tmp_path / "db")
    kudos.add(win(created_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)))
    folder = tmp_path / "knowledge"
    [path] = export_wins(kudos, folder)
    assert export_wins(kudos, folder) == []
    document = load_document(path, folder)
    assert document.meta.type.value == "highlight" and "So kind" in document.text
    # Exported wins are indexed from the file, not twice.
    assert win_documents(kudos, folder) == []
    assert len(win_documents(kudos, tmp_path / "elsewhere")) == 1
