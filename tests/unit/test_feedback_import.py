"""Survey import: praise picked by rating or detector, bad rows reported, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.kudos.feedback import ColumnMapping, dedupe_key, read_feedback
from bot.kudos.importer import import_feedback
from bot.kudos.models import FeedbackRow
from bot.kudos.praise import is_praise, praise_score
from bot.kudos.store import KudosStore
from bot.store import Store

SURVEY = Path(__file__).resolve().parent.parent / "fixtures" / "feedback" / "survey.csv"


def kudos_store(tmp_path: Path) -> KudosStore:
    store = Store.for_data_dir(tmp_path)
    store.create_all()
    return KudosStore(store)


def test_import_picks_praise_reports_bad_rows_and_is_idempotent(tmp_path: Path) -> None:
    kudos = kudos_store(tmp_path)
    slack = {"kenji@hinode.example": "U0KENJI"}
    report = import_feedback(SURVEY, kudos, lookup=slack.get)
    assert [(p.line, p.reason.split(" ")[0]) for p in report.problems] == [
        (6, "rating"),
        (7, "no"),
        (10, "expected"),
    ]
    assert (report.praise, report.added, report.duplicates) == (4, 3, 1)  # r1 twice
    assert report.not_praise == 2
    queued = kudos.wins(statuses=("queued",))
    by_quote = {k.quote[:10]: k for k in queued}
    assert by_quote["Kenji call"].recipients == ["U0KENJI"]
    assert by_quote["Yuki was s"].recipient_names == ["Yuki Nakamura"]
    japanese = next(k for k in queued if k.language == "ja")
    assert "taro@example.com" not in japanese.quote and "[メールアドレス]" in japanese.quote
    assert "haruka@hinode.example" in report.unmatched_emails
    again = import_feedback(SURVEY, kudos, lookup=slack.get)
    assert (again.added, again.duplicates) == (0, 4)
    assert len(kudos.wins(statuses=("queued",))) == 3


def test_jsonl_with_a_broken_line_and_nested_keys(tmp_path: Path) -> None:
    path = tmp_path / "survey.jsonl"
    lines = [
        json.dumps({"id": "a", "answer": {"text": "Amazing service, thank you!"}, "nps": 10}),
        "{not json",
        json.dumps({"id": "b", "answer": {"text": "Terrible."}, "nps": 2}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    rows, problems = read_feedback(path, ColumnMapping.parse("text=answer.text,rating=nps"))
    assert [p.line for p in problems] == [2]
    assert [(r.line, r.scale, r.rating) for r in rows] == [(1, "nps", 10.0), (3, "nps", 2.0)]
    assert [is_praise(r) for r in rows] == [True, False]


def test_cp932_japanese_excel_export(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_bytes("回答ID,満足度,コメント\nx1,5,とても親切でした。ありがとう\n".encode("cp932"))
    rows, problems = read_feedback(path)
    assert problems == [] and rows[0].text == "とても親切でした。ありがとう"
    assert rows[0].language == "ja" and rows[0].external_id == "x1"


def test_mapping_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="not a field"):
        ColumnMapping.parse("txt=Comment")
    with pytest.raises(ValueError, match="field=Column"):
        ColumnMapping.parse("text")
    with pytest.raises(ValueError, match="scale"):
        ColumnMapping.parse("scale=percent")


def test_dedupe_key_ignores_row_order_and_spacing() -> None:
    a = FeedbackRow(line=2, text="Thank  you!", employee_email="k@x")
    b = FeedbackRow(line=9, text="thank you!", employee_email="k@x")
    assert dedupe_key(a) == dedupe_key(b)
    assert dedupe_key(FeedbackRow(line=1, text="x", external_id="r1")) != dedupe_key(a)


@pytest.mark.parametrize(
    ("text", "praise"),
    [
        ("Thank you so much, Kenji was amazing!", True),
        ("The staff went above and beyond for us.", True),
        ("Very friendly and helpful driver, I recommend Hinode.", True),
        ("ご丁寧に対応いただき、本当に助かりました。", True),
        ("笑顔で親切に案内してくださり、感動しました。", True),
        ("The driver was rude and late.", False),
        ("Not helpful at all.", False),
        ("Worst experience ever, never again.", False),
        ("配送が遅く、とても残念でした。", False),
        ("親切ではありませんでした。", False),
        ("不親切な対応で不満です。", False),
        ("The product arrived.", False),
    ],
)
def test_praise_detector(text: str, praise: bool) -> None:
    assert (praise_score(text) >= 0.6) is praise
