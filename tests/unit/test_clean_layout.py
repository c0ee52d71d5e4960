"""Plain-text layout (tables typed with spaces, tabs or bars; symbol bullets and titles) read
as the structure it shows, so an answer can quote the row or the steps that answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean_web_text
from ingest.loaders import guess_type, load_document
from ingest.models import DocType, Document, DocumentMeta
from ingest.structure import document_sections, join_lines


def _blocks(text: str, name: str = "page.txt") -> list[tuple[str, str, list[str], list[list[str]]]]:
    """(heading, kind, lines, rows) of every block of a cleaned plain-text page."""
    doc = Document(
        path=name,
        title="Page",
        text=clean_web_text(text),
        language="en",
        meta=DocumentMeta(),
        content_hash="0",
    )
    return [
        (section.heading, block.kind, block.lines, block.rows)
        for section in document_sections(doc)
        for block in section.blocks
    ]


def test_columns_aligned_with_spaces_become_a_table_with_wrapped_cells_joined() -> None:
    text = (
        "Severity levels\n---------------\n\n"
        "  Level   Definition                                 Update cadence\n"
        "  P1      Over 10,000 customers affected, OR any     every 60 minutes\n"
        "          loss of emergency calls in an area\n"
        "  P2      1,000 to 10,000 customers affected         every 2 hours\n"
    )
    cleaned = clean_web_text(text)
    assert "| Level | Definition | Update cadence |" in cleaned
    assert (
        "| P1 | Over 10,000 customers affected, OR any loss of emergency calls in an area "
        "| every 60 minutes |" in cleaned
    )
    tables = [rows for _, kind, _, rows in _blocks(text) if kind == "table"]
    assert tables and tables[0][2] == ["P2", "1,000 to 10,000 customers affected", "every 2 hours"]


def test_a_rule_under_the_first_row_marks_it_as_the_header() -> None:
    text = (
        "  Measure                          Target 2026     Q1 result\n"
        "  -------------------------------  --------------  ---------\n"
        "  First contact resolution         80%             77%\n"
        "  Complaints per 1,000 customers   below 1.5       1.6\n"
    )
    cleaned = clean_web_text(text)
    assert cleaned.splitlines()[0] == "| Measure | Target 2026 | Q1 result |"
    assert "-----" not in cleaned.replace("|---|", "")


def test_label_and_value_columns_without_a_header_become_a_list() -> None:
    text = (
        "Where to get information\n\n"
        "  #outage-updates    The only official source for frontline. Read-only,\n"
        "                     posted by the incident lead.\n"
        "  #cx-floor-support  Ask questions about an outage here.\n"
    )
    lines = clean_web_text(text).splitlines()
    assert (
        "- #outage-updates: The only official source for frontline. Read-only, posted by the "
        "incident lead." in lines
    )
    assert "- #cx-floor-support: Ask questions about an outage here." in lines


def test_tab_separated_rows_become_a_table_under_their_symbol_title() -> None:
    text = (
        "■3. 決裁権限表（1件あたり）\n"
        "金額\t決裁者\t備考\n"
        "5,000円以下\t担当者本人\t当日中にTLへ事後報告\n"
        "5,001円～3万円\t課長\tCRMで申請\n"
        "※累計で10万円を超える場合は部長の決裁とします。\n"
    )
    blocks = _blocks(text)
    table = next(b for b in blocks if b[1] == "table")
    assert table[0] == "3. 決裁権限表（1件あたり）"
    assert table[3] == [
        ["金額", "決裁者", "備考"],
        ["5,000円以下", "担当者本人", "当日中にTLへ事後報告"],
        ["5,001円～3万円", "課長", "CRMで申請"],
    ]
    assert any("累計で10万円" in line for b in blocks for line in b[2])


def test_japanese_columns_typed_with_full_width_spaces_or_bars_become_tables() -> None:
    spaced = (
        "項目　　　　　担当者の判断　　　　承認が必要な場合\n"
        "延滞利息の免除　初回かつ1,000円以下　それ以外はSV承認\n"
        "分割払い　　　不可　　　　　　　　最大6回まで、課長承認\n"
    )
    assert clean_web_text(spaced).splitlines()[:3] == [
        "| 項目 | 担当者の判断 | 承認が必要な場合 |",
        "|---|---|---|",
        "| 延滞利息の免除 | 初回かつ1,000円以下 | それ以外はSV承認 |",
    ]
    barred = (
        "場面　　　｜避けたい対応　　｜望ましい対応\n"
        "料金が高いとの声｜「使った分です」で終える｜理由を一緒に確認する\n"
    )
    assert clean_web_text(barred).splitlines()[0] == "| 場面 | 避けたい対応 | 望ましい対応 |"


@pytest.mark.parametrize(
    "prose",
    [
        # Two spaces after a full stop are a typing habit, not a column.
        "We reply within two days.  Most replies are faster.\nAsk your lead.  They can help.\n",
        "Owner: Retail Operations\nLast updated 5 March 2026\n",
        "Menu | Search | Sign in\n",
    ],
)
def test_prose_and_single_lines_are_not_tables(prose: str) -> None:
    assert "|---|" not in clean_web_text(prose)
    assert not clean_web_text(prose).startswith("- ")


def test_symbol_titles_head_sections_and_symbol_bullets_are_list_items() -> None:
    text = (
        "■電話での案内（定型文）\n"
        "●第一報の段階\n"
        "「ただいま一部地区でガスの供給が止まっております。」\n\n"
        "【お詫びの品】\n"
        "◆お詫びの品は1件につき3,000円までとする。\n"
        "◆商品券・金券類は使わない。\n"
    )
    blocks = _blocks(text)
    assert blocks[0][0] == "電話での案内（定型文） > 第一報の段階"
    items = next(b for b in blocks if b[1] == "list")
    assert items[0] == "お詫びの品"
    assert items[2] == ["お詫びの品は1件につき3,000円までとする。", "商品券・金券類は使わない。"]


def test_japanese_numbering_becomes_numbered_steps() -> None:
    text = "手順\n（1）受付を記録する。\n（2）事実を確認する。\n③ 対応を決める。\n"
    steps = next(b for b in _blocks(text) if b[1] == "list")
    assert steps[2] == ["受付を記録する。", "事実を確認する。", "対応を決める。"]


def test_numbered_titles_over_a_rule_and_caps_titles_before_a_blank_line_are_headings() -> None:
    text = (
        "1. RETURNS IN STORE\n===================\n\n"
        "Customers can return a phone within 14 days.\n\n"
        "LATE PAYMENT FEES\n\nThe late payment fee is $10.\n"
    )
    headings = [b[0] for b in _blocks(text)]
    # The rule of "=" makes a top heading; the caps title nests under it.
    assert headings == ["1. RETURNS IN STORE", "1. RETURNS IN STORE > LATE PAYMENT FEES"]


def test_a_label_title_over_indented_text_heads_it() -> None:
    text = (
        "Support options\n\n"
        "Domestic abuse: Safe Connections\n"
        "  Transfer to the Safe Connections line on extension 3030.\n"
    )
    assert _blocks(text)[0][0] == "Domestic abuse: Safe Connections"


def test_layout_rules_are_idempotent() -> None:
    text = (
        "  Window      Time            Days\n"
        "  Morning     8:00 - 12:00    Monday to Saturday\n"
        "  Evening     17:00 - 20:00   Monday to Friday\n\n"
        "■ 運用\n・毎朝の朝礼で読み上げます。\n"
    )
    once = clean_web_text(text)
    assert clean_web_text(once) == once


def test_a_japanese_hard_wrap_inside_a_number_joins_without_a_space() -> None:
    assert join_lines("作業管理センター（内線3", "300）にも報告する。") == (
        "作業管理センター（内線3300）にも報告する。"
    )
    assert join_lines("call the team on", "extension 3030.") == "call the team on extension 3030."


@pytest.mark.parametrize(
    ("path", "title", "expected"),
    [
        ("en/feedback/customer-feedback-highlights.txt", "Highlights", DocType.highlight),
        ("ja/voice/okyakusama-no-koe.txt", "お客さまの声", DocType.highlight),
        ("en/playbooks/outage.txt", "Outage Communication Playbook", DocType.playbook),
        ("en/help/staff-faq.txt", "Staff FAQ", DocType.faq),
        ("ja/policies/owabi.txt", "お詫びの基準", DocType.policy),
        ("en/teams/field-visit-guide.txt", "Customer Visit Guide", DocType.other),
    ],
)
def test_a_file_without_front_matter_gets_its_type_from_path_and_title(
    path: str, title: str, expected: DocType
) -> None:
    assert guess_type(path, title) is expected


def test_front_matter_type_wins_over_the_guess(tmp_path: Path) -> None:
    page = tmp_path / "feedback.md"
    page.write_text("---\ntype: policy\n---\n# Feedback policy\n\nText.\n", encoding="utf-8")
    assert load_document(page, tmp_path).meta.type is DocType.policy


def test_drawn_rules_between_parts_go_but_an_underlined_title_stays_a_heading() -> None:
    text = "「とても助かりました。」\n━━━━━━━━━━\n次のお便りです。\n\nReturns\n=======\n\nKeep it."
    assert clean_web_text(text) == (
        "「とても助かりました。」\n次のお便りです。\n\n# Returns\n\nKeep it."
    )


def test_a_page_s_first_title_becomes_its_title_but_not_the_site_name() -> None:
    body = "\n".join(f"Paragraph {n} of the policy text." for n in range(10))
    page = f"Brightline Hub\n\nCOMPLAINT HANDLING PROCEDURE\n\n{body}\n"
    assert "\n# COMPLAINT HANDLING PROCEDURE\n" in clean_web_text(page)
    japanese = f"■お詫び・返金・補償の基準\n\n■1. 目的\n{body}\n"
    assert clean_web_text(japanese).startswith("# お詫び・返金・補償の基準\n")
    # A snippet's first line is not a page title.
    assert not clean_web_text("Email\nsupport@acme.example\n").startswith("#")
