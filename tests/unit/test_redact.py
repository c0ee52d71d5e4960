from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kudos.redact import find_personal_data, redact


def test_english_personal_data() -> None:
    text = (
        "Reach me at taro@example.com or (415) 555-0100, card 4111 1111 1111 1111, "
        "I live at 12 Baker Street, Apt 4B."
    )
    assert redact(text) == (
        "Reach me at [email] or [phone], card [card number], I live at [address]."
    )


def test_japanese_personal_data_with_full_width_digits() -> None:
    text = (
        "田中様から０９０ー１２３４ー５６７８にお電話、"
        "〒150-0041 東京都渋谷区神南1-2-3の店舗でした。"
    )
    assert redact(text) == "田中様から[電話番号]にお電話、[郵便番号] [住所]の店舗でした。"


def test_phone_formats() -> None:
    for number in (
        "03-1234-5678",
        "090-1234-5678",
        "0120-123-456",
        "(03)1234-5678",
        "+81 90 1234 5678",
        "09012345678",
        "+1 415 555 0100",
        "+44 20 7946 0958",
    ):
        assert redact(f"call {number} please") == "call [phone] please", number


def test_ordinary_numbers_stay() -> None:
    text = "Paid ¥10,000 on 2026-05-01 at 10:30, order 12345, 5 stars, 98% happy, $25.99."
    assert redact(text) == text
    assert redact("5月1日に3,000円のクーポン") == "5月1日に3,000円のクーポン"


def test_mentions_are_left_to_the_escaping_layer() -> None:
    assert redact("<!here> a@b.co") == "<!here> [email]"


def test_idempotent() -> None:
    text = "mail a.b@example.jp, tel 03-1234-5678, 〒100-0001 東京都千代田区千代田1-1"
    assert redact(redact(text)) == redact(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_and_leaves_no_email(text: str) -> None:
    result = redact(text)
    assert not re.search(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", result)
    assert isinstance(find_personal_data(text), list)
