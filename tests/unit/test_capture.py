"""An answer captured from a thread becomes a knowledge file the index reads correctly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.knowledge.capture import CapturedAnswer, default_title, slug, write_answer
from bot.knowledge.history import Author
from ingest.loaders import load_document
from ingest.models import DocType

NOW = dt.datetime(2026, 12, 3, 11, 30, tzinfo=dt.UTC)
KEN = Author("Ken Sato", "UKEN@users.slack")


def test_the_approved_answer_is_a_markdown_file_with_full_front_matter(tmp_path: Path) -> None:
    draft = CapturedAnswer(
        question="<@UBOT> Can I refund a gift card bought online?",
        answer="Yes: gift cards are refunded to the original payment within 14 days.\n"
        "Call taro@example.com if unsure.",
        title=default_title("<@UBOT> Can I refund a gift card bought online?"),
        language="en",
        roles=["customer-support", "store staff; rm -rf"],
        audience=["managers"],
        owner="Ken Sato",
    ).redacted()
    path, commit = write_answer(tmp_path, draft, approver=KEN, now=NOW, review_days=180)
    assert path == "en/answers/can-i-refund-a-gift-card-bought-online.md" and commit is None
    doc = load_document(tmp_path / path, tmp_path)
    assert doc.meta.type is DocType.faq and doc.title == "Can I refund a gift card bought online?"
    assert doc.meta.roles == ["customer-support"]  # the malformed role dropped
    assert doc.meta.audience == ["managers"] and doc.meta.owner == "Ken Sato"
    assert doc.meta.updated == dt.date(2026, 12, 3)
    assert doc.meta.review_by == dt.date(2027, 6, 1)
    assert "within 14 days" in doc.text and "taro@example.com" not in doc.text
    # A second answer with the same title never overwrites the first.
    again, _ = write_answer(tmp_path, draft, approver=KEN, now=NOW, review_days=180)
    assert again == "en/answers/can-i-refund-a-gift-card-bought-online-2.md"


def test_a_japanese_title_gets_a_dated_file_name(tmp_path: Path) -> None:
    draft = CapturedAnswer(
        question="ギフトカードは返金できますか？",
        answer="はい、14日以内に元の支払い方法へ返金します。",
        title="ギフトカードの返金",
        language="ja",
    )
    path, _ = write_answer(tmp_path, draft, approver=KEN, now=NOW, review_days=90)
    assert path.startswith("ja/answers/answer-20261203-") and path.endswith(".md")
    doc = load_document(tmp_path / path, tmp_path)
    assert doc.language == "ja" and doc.title == "ギフトカードの返金"
    assert slug("Déjà vu: returns!", fallback="x") == "deja-vu-returns"
