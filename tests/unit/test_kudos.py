"""Kudos storage, celebration wording, parsing and wins-as-knowledge, without Slack."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from bot.indexing import win_documents
from bot.kudos.highlights import export_wins
from bot.kudos.models import Kudos
from bot.slack.kudos import parse_kudos_text
from bot.slack.kudos_blocks import celebration_blocks, nomination_blocks
from bot.store import Store
from bot.store.kudos import KudosStore
from ingest.loaders import load_document
from tests import servers


def store(tmp_path: Path) -> KudosStore:
    base = Store.for_data_dir(tmp_path, servers.current().database_url)
    base.create_all()
    return base.kudos


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


def test_the_digest_chart_draws_japanese_and_a_friendly_empty_week(
    recwarn: pytest.WarningsRecorder,
) -> None:
    import io

    from matplotlib import image

    from bot.kudos.digest import Digest, chart_png

    now = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    weeks = [(f"2026-11-{day:02d}", day % 3) for day in range(1, 9)]
    digest = Digest(
        since=now,
        until=now,
        wins=3,
        values=[("Own it (自分ごとにする)", 2), ("寄り添う", 1)],
        recognised=[],
        recognised_names=[],
        quotes=[],
        weekly=weeks,
    )
    empty = digest.model_copy(
        update={"wins": 0, "values": [], "weekly": [(w, 0) for w, _ in weeks]}
    )
    for png in (chart_png(digest), chart_png(empty)):
        assert image.imread(io.BytesIO(png)).shape[0] > 200
    missing = [str(w.message) for w in recwarn if "Glyph" in str(w.message)]
    assert missing == []  # every Japanese character had a glyph


def test_a_value_named_in_both_languages_counts_once_in_the_digest() -> None:
    from collections import Counter

    from bot.kudos.digest import same_values

    counts = Counter(
        {
            "Be warm and human (あたたかく、人らしく)": 4,
            "あたたかく、人らしく（Be warm and human）": 1,
            "Own it (自分ごとにする)": 1,
        }
    )
    assert same_values(counts) == {
        "Be warm and human (あたたかく、人らしく)": 5,
        "Own it (自分ごとにする)": 1,
    }
