"""Translation parity: figures normalised across languages, and which copy lags."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.parity import differing_figures, figures, lags_behind


@pytest.mark.parametrize(
    ("english", "japanese"),
    [
        ("Support agents may refund up to ¥10,000 per case.", "1件あたり1万円まで返金できます。"),
        ("A goodwill gift of ¥1,000–¥3,000.", "1,000〜3,000円のお詫びの品。"),
        ("Reply within one business day.", "1営業日以内に返信します。"),
        ("Returns are accepted within 14 days.", "14日以内の返品を受け付けます。"),
        ("A 10% discount code.", "10％の割引コード。"),
        ("They usually answer within the hour.", "たいてい1時間以内に返事があります。"),
        ("Safety issues: 24 hours a day, 7 days a week.", "製品安全：24時間365日対応。"),
        ("The towels arrived a week late.", "納品が1週間遅れた。"),
    ],
)
def test_the_same_figure_in_either_language_is_one_figure(english: str, japanese: str) -> None:
    assert figures(english) == figures(japanese)
    assert figures(english)
    assert differing_figures(english, japanese) == []


def test_dates_ordinals_and_frequencies_are_not_figures() -> None:
    assert figures("Updated on 5月1日 and May 1, 2026; 2日目の休み; two e-mails a week") == set()


def test_a_changed_amount_in_one_copy_is_reported() -> None:
    english = "Store staff may refund up to ¥7,000 and reply within 2 business days."
    japanese = "店舗スタッフは5,000円まで返金でき、1営業日以内に返信します。"
    assert differing_figures(english, japanese) == [
        "1 business-day",
        "2 business-day",
        "¥5,000",
        "¥7,000",
    ]


def test_the_copy_changed_earlier_lags_behind_its_translation() -> None:
    monday = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    friday = dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC)
    assert lags_behind(monday, None, friday, None)
    assert not lags_behind(friday, None, monday, None)
    # Front-matter `updated` speaks when the index has no history (older indexes).
    assert lags_behind(None, dt.date(2026, 5, 1), None, dt.date(2026, 6, 1))
    assert not lags_behind(None, dt.date(2026, 6, 1), None, dt.date(2026, 6, 1))
