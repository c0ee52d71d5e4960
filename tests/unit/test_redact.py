from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kudos.redact import Redaction, find_personal_data, redact

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


# English -------------------------------------------------------------------------------------


def test_english_quote_with_every_kind() -> None:
    text = (
        "Reach me at taro@example.com or (415) 555-0100, card 4111 1111 1111 1111, "
        "I live at 12 Baker Street, Apt 4B."
    )
    assert redact(text) == (
        "Reach me at [email] or [phone], card [card number], I live at [address]."
    )


def test_english_addresses_and_zip_codes() -> None:
    assert redact("Visit 350 Fifth Avenue, Apt 4B, New York, NY 10118 today") == (
        "Visit [address] today"
    )
    assert redact("Mail it to Springfield, IL 62704 please") == (
        "Mail it to Springfield, IL [postal code] please"
    )
    assert redact("zip code 94103") == "zip code [postal code]"
    assert redact("1600 Pennsylvania Ave NW was lovely") == "[address] was lovely"


def test_card_numbers_must_pass_luhn() -> None:
    assert redact("card 4111-1111-1111-1111") == "card [card number]"
    assert redact("card 378282246310005 (amex)") == "card [card number] (amex)"
    assert redact("card 3782 822463 10005") == "card [card number]"
    assert redact("ref 4111 1111 1111 1112") == "ref 4111 1111 1111 1112"
    assert redact("ref 12 4111 1111 1111 1111") == "ref 12 [card number]"


@pytest.mark.parametrize(
    "number",
    [
        "03-1234-5678",
        "090-1234-5678",
        "0120-123-456",
        "(03)1234-5678",
        "+81 90 1234 5678",
        "+81-3-1234-5678",
        "09012345678",
        "+1 415 555 0100",
        "+44 20 7946 0958",
        "(415) 555-0100",
        "415-555-0100",
    ],
)
def test_phone_formats(number: str) -> None:
    assert redact(f"call {number} please") == "call [phone] please"


def test_links_with_secrets_go_but_plain_links_stay() -> None:
    text = "survey https://s.example.com/r?token=abc123 ticket https://help.example.com/t/42"
    assert redact(text) == "survey [link] ticket https://help.example.com/t/42"


# Japanese ------------------------------------------------------------------------------------


def test_japanese_quote_gets_japanese_placeholders() -> None:
    text = "田中様から090-1234-5678にお電話をいただき、東京都渋谷区神南1-2-3の店舗で対応しました。"
    assert redact(text) == "田中様から[電話番号]にお電話をいただき、[住所]の店舗で対応しました。"


def test_japanese_full_width_digits_and_dashes() -> None:
    text = (
        "田中様から０９０ー１２３４ー５６７８にお電話、"
        "〒１５０－００４１ 東京都渋谷区神南１－２－３"
    )
    assert redact(text) == "田中様から[電話番号]にお電話、[郵便番号] [住所]"


def test_japanese_email_with_full_width_at_keeps_the_rest_as_typed() -> None:
    text = "メールはｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍまで。ＡＢＣ店です"
    assert redact(text) == "メールは[メールアドレス]まで。ＡＢＣ店です"
    assert redact("連絡先 taro＠example.co.jp です") == "連絡先 [メールアドレス] です"


def test_japanese_card_and_postal_codes() -> None:
    card = "カード番号は４１１１ １１１１ １１１１ １１１１です"
    assert redact(card) == "カード番号は[カード番号]です"
    assert redact("〒1500041へ送りました") == "[郵便番号]へ送りました"
    assert redact("郵便番号：１５０－００４１です") == "郵便番号：[郵便番号]です"


@pytest.mark.parametrize(
    "address",
    [
        "東京都渋谷区神南1-2-3",
        "大阪府大阪市北区梅田3丁目1番1号",
        "北海道札幌市中央区北1条西2丁目",
        "神奈川県横浜市西区みなとみらい２－３－１",
        "京都府京都市下京区東塩小路町７２１－１",
        "渋谷区神南一丁目2-3",
    ],
)
def test_japanese_addresses(address: str) -> None:
    assert redact(f"お客様の住所は{address}です。") == "お客様の住所は[住所]です。"


def test_japanese_phone_formats_in_a_sentence() -> None:
    text = "店舗(03)1234-5678、フリーダイヤル0120-123-456、携帯+81 90 1234 5678まで"
    assert redact(text) == "店舗[電話番号]、フリーダイヤル[電話番号]、携帯[電話番号]まで"


# Slack text ----------------------------------------------------------------------------------


def test_mention_markup_is_left_for_the_escaping_layer() -> None:
    quote = "Thanks! Mail taro@example.com or call 090-1234-5678. <!here> Kenji was kind."
    assert redact(quote) == "Thanks! Mail [email] or call [phone]. <!here> Kenji was kind."
    assert redact("<@U012345678> and <!subteam^S0123456789> helped") == (
        "<@U012345678> and <!subteam^S0123456789> helped"
    )


def test_slack_autolinks_become_one_placeholder() -> None:
    text = "<mailto:taro@example.com|taro@example.com> or <tel:09012345678|090-1234-5678>"
    assert redact(text) == "[email] or [phone]"


# Offsets and merging -------------------------------------------------------------------------


def test_findings_are_offsets_into_the_original_text() -> None:
    text = "電話は０９０ー１２３４ー５６７８です"
    [found] = find_personal_data(text)
    assert found == Redaction(kind="phone", start=3, end=16)
    assert text[found.start : found.end] == "０９０ー１２３４ー５６７８"


def test_overlapping_findings_merge() -> None:
    text = "at 12 Baker Street, Springfield, IL 62704 ok"
    assert [f.kind for f in find_personal_data(text)] == ["address"]
    found = find_personal_data("<tel:09012345678|090-1234-5678>")
    assert [(f.kind, f.start, f.end) for f in found] == [("phone", 0, 31)]


# Ordinary numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Paid ¥10,000 on 2026-05-01 at 10:30, order 12345, 98% happy, $25.99.",
        "She gave us 5 stars and 10% off; the 2026/05/01 delivery at 9:30 was on time.",
        "Order 4155550100 and invoice 2026-0501 arrived in 3 boxes",
        "We waited 3 Days for the 2 Main Course dishes, rated 4.5 out of 5",
        "5月1日に3,000円のクーポン、注文番号 12345、★5、2-3人で来店",
        "2026年5月1日 14:00に東京都の店舗で1,980円のお買い物",
        "満足度は95%、評価は5つ星です",
        "データ送信 1ー2 回目",
    ],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert find_personal_data(text) == []
    assert redact(text) == text


# Properties ----------------------------------------------------------------------------------

_FRAGMENTS = [
    "taro@example.com",
    "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "090-1234-5678",
    "０９０ー１２３４ー５６７８",
    "+1 415 555 0100",
    "〒150-0041",
    "東京都渋谷区神南1-2-3",
    "12 Baker Street",
    "<!here>",
    "<@U012345678>",
    "¥10,000",
    "2026-05-01",
    "[email]",
    " ",
    "ー",
    "@",
]
_cards = st.text(alphabet="0123456789", min_size=15, max_size=15).map(with_check_digit)
_card_formats = _cards.flatmap(
    lambda card: st.sampled_from(
        [
            card,
            " ".join(card[i : i + 4] for i in range(0, 16, 4)),
            "-".join(card[i : i + 4] for i in range(0, 16, 4)),
            unicodedata.normalize("NFKC", card).translate(
                str.maketrans("0123456789", "０１２３４５６７８９")
            ),
        ]
    )
)
_mixed_text = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(_FRAGMENTS), _card_formats), max_size=8
).map("".join)


def _leaks(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text)
    cards = [run for run in SIXTEEN_DIGITS.findall(folded) if luhn_valid(run)]
    return cards + EMAIL.findall(folded)


@settings(max_examples=300, deadline=None)
@given(_mixed_text)
def test_redact_never_raises_and_leaves_no_card_or_email(text: str) -> None:
    assert _leaks(redact(text)) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_redact_handles_any_text(text: str) -> None:
    result = redact(text)
    assert _leaks(result) == []
    for found in find_personal_data(text):
        assert 0 <= found.start < found.end <= len(text)


def test_idempotent_examples() -> None:
    text = "mail a.b@example.jp, tel 03-1234-5678, 〒100-0001 東京都千代田区千代田1-1"
    assert redact(redact(text)) == redact(text)
    # The phone only shows once the e-mail before it is gone; one call still takes both.
    assert redact("x@a.jp09012345678") == "[email][phone]"
    chain = "0@0.AA0 Aa Street0 Aa Street0 Aa Street02000000000"
    assert redact(redact(chain)) == redact(chain)


@settings(max_examples=200, deadline=None)
@given(_mixed_text)
def test_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
