"""clean_web_text: clutter goes, every content sentence stays, cleaning twice changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_web_text

ENGLISH_PAGE = """\
Skip to main content
Home | Products | Support | About us | Contact
Sign in / Register
Home > Support > Returns

Returns and refunds
===================

We want every customer to leave happy, even when a product did not work out.

HOW RETURNS WORK
You can return any item within 30 days of delivery.
Bring the receipt or the order number.

Refund limits:
- Staff may refund up to $50 without approval.
- Team leads may approve refunds up to $200.

Q: Can I refund a customer who has no receipt?
A: Yes. Look up the order by email address and refund to the original payment method.

Be kind.

Share on Facebook | Tweet | Print this page
Was this article helpful? Yes No
Related articles
How to track an order
Changing a delivery address

Subscribe to our newsletter
Enter your email address
We use cookies to improve your experience. By continuing to browse, you agree to our use of cookies.
Accept all
Cookie settings

Products
Gift cards
Stores
Careers
Contact us
Back to top
© 2025 Acme Retail Ltd. All rights reserved.
"""

ENGLISH_CONTENT = [
    "We want every customer to leave happy, even when a product did not work out.",
    "You can return any item within 30 days of delivery.",
    "Bring the receipt or the order number.",
    "- Staff may refund up to $50 without approval.",
    "- Team leads may approve refunds up to $200.",
    "Q: Can I refund a customer who has no receipt?",
    "A: Yes. Look up the order by email address and refund to the original payment method.",
    "Be kind.",
]

ENGLISH_CLUTTER = [
    "Skip to main content",
    "About us",
    "Sign in",
    "Home >",
    "Share on Facebook",
    "Tweet",
    "helpful",
    "Related articles",
    "How to track an order",
    "Changing a delivery address",
    "newsletter",
    "Enter your email",
    "cookies",
    "Accept all",
    "Cookie settings",
    "Gift cards",
    "Careers",
    "Back to top",
    "©",
    "All rights reserved",
]

JAPANESE_PAGE = """\
メインコンテンツへスキップ
ホーム | 製品 | サポート | 会社概要 | お問い合わせ
ログイン / 新規登録
ホーム > サポート > 返品について

返品と返金について
==================

お客様に満足していただくことが私たちの目標です。

返品の流れ：
- 商品到着後30日以内であれば返品できます。
- レシートまたは注文番号をご用意ください。

Q：レシートがない場合も返金できますか？
A：はい。メールアドレスで注文を検索し、元の支払い方法に返金してください。

このページをシェア
この記事は役に立ちましたか？
はい
いいえ
関連記事
配送状況の確認方法
お届け先住所の変更

当サイトではサービス向上のためCookieを使用しています。
同意する
ページの先頭へ
© 2025 サンプル株式会社. すべての権利を保有します。
"""

JAPANESE_CONTENT = [
    "お客様に満足していただくことが私たちの目標です。",
    "- 商品到着後30日以内であれば返品できます。",
    "- レシートまたは注文番号をご用意ください。",
    "Q：レシートがない場合も返金できますか？",
    "A：はい。メールアドレスで注文を検索し、元の支払い方法に返金してください。",
]

JAPANESE_CLUTTER = [
    "スキップ",
    "会社概要",
    "ログイン",
    "新規登録",
    "ホーム",
    "シェア",
    "役に立ちましたか",
    "いいえ",
    "関連記事",
    "配送状況の確認方法",
    "お届け先住所の変更",
    "Cookie",
    "同意する",
    "ページの先頭へ",
    "すべての権利",
    "©",
]


@pytest.mark.parametrize(
    ("page", "content", "clutter"),
    [
        (ENGLISH_PAGE, ENGLISH_CONTENT, ENGLISH_CLUTTER),
        (JAPANESE_PAGE, JAPANESE_CONTENT, JAPANESE_CLUTTER),
    ],
    ids=["english", "japanese"],
)
def test_realistic_page_loses_clutter_and_keeps_every_sentence(
    page: str, content: list[str], clutter: list[str]
) -> None:
    cleaned = clean_web_text(page)
    lines = cleaned.split("\n")
    for sentence in content:
        assert sentence in lines, sentence
    for junk in clutter:
        assert junk not in cleaned, junk


def test_realistic_pages_get_markdown_headings() -> None:
    english = clean_web_text(ENGLISH_PAGE)
    assert english.startswith("# Returns and refunds\n")
    assert "\n## HOW RETURNS WORK\n" in english
    assert "\n## Refund limits\n" in english
    japanese = clean_web_text(JAPANESE_PAGE)
    assert japanese.startswith("# 返品と返金について\n")
    assert "\n## 返品の流れ\n" in japanese


@pytest.mark.parametrize(
    "text",
    [
        # A privacy policy explains cookies; without banner buttons nothing is dropped.
        "We use cookies to remember what is in your basket.",
        # Navigation instructions inside an article are not a breadcrumb trail.
        "Settings > Privacy > Download data",
        "Copyright of customer photos stays with the customer.",
        "Customers can subscribe to our newsletter from their account page.",
        "Mon | 9:00-17:00 | Open",
        "| Refund | Up to $50 | No approval |",
        "Email\nsupport@acme.example",
        "Yes\nNo",
        "We have four teams:\nSupport\nHelp\nContact\nCareers",
        "Teams:\n- Support\n- Help\n- Contact\n- Careers",
        "Our values\nCare\nOwnership\nSpeed\nHonesty",
        "Related articles\nSee the refund playbook for the details.",
        "Care | Ownership | Speed | Honesty",
        "Top/bottom shelves hold the heavy items.",
        "Home/office delivery is free",
        "(c) Refunds over $200 need a manager.",
        "Powered by our people.",
    ],
)
def test_content_that_looks_like_clutter_is_kept(text: str) -> None:
    cleaned = clean_web_text(text)
    for line in text.split("\n"):
        if line not in ("Related articles", "Teams:"):
            assert line in cleaned.split("\n"), line


def test_repeated_page_furniture_goes_but_repeated_steps_stay() -> None:
    page = "\n\n".join(
        f"Acme Help Centre\n\nSection {n} explains one more thing.\n\n- Ask for the order."
        for n in range(5)
    )
    cleaned = clean_web_text(page)
    assert "Acme Help Centre" not in cleaned
    assert cleaned.count("- Ask for the order.") == 5
    assert cleaned.count("explains one more thing.") == 5


def test_menu_run_of_labels_is_dropped_but_not_a_single_label() -> None:
    cleaned = clean_web_text("Home\nProducts\nServices\nBlog\nContact\n\nWe reply within a day.")
    assert cleaned == "We reply within a day."
    assert (
        clean_web_text("Contact\n\nWe reply within a day.") == "Contact\n\nWe reply within a day."
    )


def test_helpful_prompt_with_buttons_on_their_own_lines() -> None:
    cleaned = clean_web_text("Refunds take 5 days.\n\nWas this page helpful?\nYes\nNo\n")
    assert cleaned == "Refunds take 5 days."


def test_cookie_banner_with_buttons_on_the_same_line() -> None:
    text = "We use cookies to improve the site. Accept all Reject all\n\nRefunds take 5 days."
    assert clean_web_text(text) == "Refunds take 5 days."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title\n-----\nBody text here.", "## Title\nBody text here."),
        ("SHIPPING\nWe ship every weekday.", "## SHIPPING\nWe ship every weekday."),
        ("Next steps:\n- Call the customer.", "## Next steps\n- Call the customer."),
        ("Note:\nKeep the receipt.", "Note:\nKeep the receipt."),  # a label, not a heading
        ("Call them back:\n", "Call them back:"),  # nothing follows
        ("We said\nTHE END\nmore", "We said\nTHE END\nmore"),  # inside a paragraph
        ("Sentence one.\n-----", "Sentence one."),  # a rule, not a heading (and dropped)
    ],
)
def test_headings_only_when_clearly_headings(text: str, expected: str) -> None:
    assert clean_web_text(text) == expected


def test_whitespace_and_width_normalised() -> None:
    text = "Ｒｅｆｕｎｄ １２３  \r\nline\u00a0two\r\n\r\n\r\n\r\n\r\nｶﾀｶﾅ？（注）。\t\n"
    assert clean_web_text(text) == "Refund 123\nline two\n\nカタカナ？（注）。"


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_never_raises_and_is_idempotent_on_random_text(text: str) -> None:
    once = clean_web_text(text)
    assert clean_web_text(once) == once


_PIECES = st.sampled_from(
    [
        *ENGLISH_PAGE.split("\n"),
        *JAPANESE_PAGE.split("\n"),
        "",
        "",
        "Yes",
        "Home",
        "=====",
        "-----",
        "TITLE",
        "Heading:",
        "Related articles",
        "Acme Help Centre",
        "| a | b |",
    ]
)


@given(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=40))
@settings(max_examples=300, deadline=None)
def test_idempotent_on_shuffled_page_lines(lines: list[str]) -> None:
    once = clean_web_text("\n".join(lines))
    assert clean_web_text(once) == once


def test_related_questions_in_japanese_go_with_their_links() -> None:
    page = (
        "配送について\n\n商品は3日でお届けします。\n\n"
        "関連するご質問\n返品・交換について\nお支払い方法について\n"
    )
    assert clean_web_text(page) == "配送について\n\n商品は3日でお届けします。"
