"""Document structure: sentences that stay whole, blocks with their lead-ins, readable tables."""

from __future__ import annotations

from ingest.models import Document, DocumentMeta
from ingest.structure import (
    document_sections,
    parse_blocks,
    plain_inline,
    split_sentences,
    table_row_text,
)


def doc(text: str, title: str = "Guide", path: str = "guide.md") -> Document:
    return Document(
        path=path,
        title=title,
        text=text,
        meta=DocumentMeta(),
        language="en",
        content_hash="h",
    )


def test_a_quoted_sentence_end_stays_inside_its_sentence() -> None:
    text = (
        "「毎日を、わが家のように。」とは、箱を開けるときに家族から荷物が届いたような"
        "気持ちになっていただくことです。全部そろっていて、開けやすい。"
    )
    sentences = split_sentences(text)
    assert len(sentences) == 2
    assert sentences[0].startswith("「毎日を、わが家のように。」とは、")
    assert not any(s.startswith(("とは", "は、")) for s in sentences)


def test_parentheses_and_abbreviations_do_not_end_sentences() -> None:
    text = "Call the customer (they asked for it.) Then leave. Mr. Sato agreed. See e.g. page 2."
    assert split_sentences(text) == [
        "Call the customer (they asked for it.) Then leave.",
        "Mr. Sato agreed.",
        "See e.g. page 2.",
    ]


def test_a_list_keeps_its_lead_in_and_wrapped_items() -> None:
    blocks = parse_blocks(
        [
            "You may refund up to ¥5,000 without approval.",
            "**Needs approval:**",
            "- **Over ¥5,000:** the store manager,",
            "  who can approve on the spot.",
            "- **Over ¥50,000:** the CX lead.",
        ]
    )
    assert [b.kind for b in blocks] == ["paragraph", "list"]
    assert blocks[0].lines == ["You may refund up to ¥5,000 without approval."]
    assert blocks[1].lead == "**Needs approval:**"
    assert blocks[1].lines[0] == "**Over ¥5,000:** the store manager, who can approve on the spot."


def test_japanese_lead_in_and_numbered_steps() -> None:
    blocks = parse_blocks(["手順は次のとおりです。", "", "1. まず聴く。", "2. 受け止める。"])
    assert blocks[0].kind == "list" and blocks[0].ordered
    assert blocks[0].lead == "手順は次のとおりです。"
    assert blocks[0].lines == ["まず聴く。", "受け止める。"]


def test_tables_are_read_as_rows_never_as_a_header() -> None:
    blocks = parse_blocks(
        [
            "| Role | May decide alone |",
            "| --- | --- |",
            "| Store staff | Refund up to ¥5,000 |",
            "| Warehouse | Reshipment up to ¥8,000 |",
        ]
    )
    assert blocks[0].kind == "table"
    assert blocks[0].rows[0] == ["Role", "May decide alone"]
    assert "| Store staff | Refund up to ¥5,000 |" in blocks[0].text()  # as indexed
    three = table_row_text(["Remedy", "What", "When"], ["Refund", "Money back", "Unwanted"])
    assert three == "Refund: What: Money back; When: Unwanted"


def test_hard_wrapped_quotes_and_plain_text_headings() -> None:
    blocks = parse_blocks(
        [
            "> The store manager approved it",
            "> the same day. Thank you!",
            "",
            "Returns",
            "",
            "Customers may return an item",
            "within 30 days.",
        ]
    )
    assert blocks[0].kind == "quote"
    assert blocks[0].lines == ["The store manager approved it the same day. Thank you!"]
    assert blocks[1].kind == "heading" and blocks[1].lines == ["Returns"]
    # A short first line that the next line continues was not a heading.
    assert blocks[2].kind == "paragraph"
    assert blocks[2].lines == ["Customers may return an item within 30 days."]


def test_sections_follow_headings_without_the_title() -> None:
    text = "# Guide\n\nIntro.\n\n## Limits\n\nUp to ¥5,000.\n\n### Above\n\nAsk a lead.\n"
    sections = document_sections(doc(text))
    assert [s.heading for s in sections] == ["", "Limits", "Limits > Above"]


def test_inline_markdown_is_removed_for_display() -> None:
    assert plain_inline("**Own it** and *care*: see [the guide](https://x.example/g)") == (
        "Own it and care: see the guide (https://x.example/g)"
    )


def test_plain_text_headings_start_sections() -> None:
    text = (
        "Returns and refunds\n\nLast updated: 3 March 2026\n\n"
        "Refunds\nWe refund within 5 working days.\n\n"
        "Items we cannot take back\nSome items cannot be returned:\n- pillows\n- mattresses\n"
    )
    sections = document_sections(doc(text, path="returns.txt"))
    assert [s.heading for s in sections] == [
        "Returns and refunds",  # "Last updated: …" is a label and its value, not a heading
        "Refunds",
        "Items we cannot take back",
    ]
    assert sections[1].blocks[0].lines == ["We refund within 5 working days."]
    assert sections[2].blocks[0].lead == "Some items cannot be returned:"


def test_a_faq_question_heads_its_answer_without_the_markers() -> None:
    text = (
        "Q. 配送料はいくらですか？\nA. 5,500円以上で送料無料です。それ未満は550円です。\n\n"
        "How long does delivery take?\nMost orders arrive in 3-5 days.\n"
    )
    sections = document_sections(doc(text, path="faq.txt"))
    assert [(s.heading, s.blocks[0].lines) for s in sections] == [
        ("配送料はいくらですか？", ["5,500円以上で送料無料です。", "それ未満は550円です。"]),
        ("How long does delivery take?", ["Most orders arrive in 3-5 days."]),
    ]


def test_a_short_first_line_of_a_wrapped_sentence_is_not_a_heading() -> None:
    text = "Our promise to\nevery customer is simple.\n"
    assert [s.heading for s in document_sections(doc(text, path="promise.txt"))] == [""]


def test_a_markdown_file_s_own_lines_are_never_plain_headings() -> None:
    # The mantra on a line of its own is content; Markdown marks its headings with #.
    text = '## Our mantra\n\n**"Make every day feel like home."**\n\nEverything else follows.\n'
    sections = document_sections(doc(text))
    assert [s.heading for s in sections] == ["Our mantra"]


def test_japanese_bullets_need_no_space() -> None:
    blocks = parse_blocks(
        ["返品できない商品", "", "・セール品", "・オーダーメイド家具", "・開封済みの寝具"]
    )
    lists = [b for b in blocks if b.kind == "list"]
    assert lists and lists[0].lines == ["セール品", "オーダーメイド家具", "開封済みの寝具"]
    assert parse_blocks(["①まず聴く", "②受け止める"])[0].lines == ["まず聴く", "受け止める"]
