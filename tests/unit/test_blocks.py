"""Block Kit builders for answers, notices and the App Home tab."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from bot.answering.models import Answer, Source
from bot.slack.blocks import (
    ACTION_ASK_PERSON,
    ACTION_FEEDBACK_DOWN,
    ACTION_FEEDBACK_UP,
    ACTION_SHARE,
    answer_blocks,
    answer_text,
    error_blocks,
    feedback_ack_blocks,
    help_blocks,
    thinking_blocks,
)
from bot.slack.home import LeadPanel, home_view
from bot.slack.mrkdwn import to_mrkdwn

TODAY = dt.date(2026, 6, 1)
KB = "https://kb.example.com/cx/"


def source(n: int = 1, **changes: Any) -> Source:
    fields: dict[str, Any] = {
        "path": f"en/roles/warehouse-{n}.md",
        "title": "Role guide: Warehouse",
        "section": "What you can decide alone",
        "score": 1.0,
        "snippet": "Pack with care.",
        "owner": "Daisuke Ito",
        "updated": dt.date(2026, 2, 24),
        "review_by": dt.date(2027, 2, 28),
    }
    fields.update(changes)
    return Source(**fields)


def answer(text: str = "**Pack** with care. [1]", **changes: Any) -> Answer:
    fields: dict[str, Any] = {
        "answer": text,
        "answered": True,
        "sources": [source()],
        "language": "en",
    }
    fields.update(changes)
    return Answer(**fields)


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def texts(blocks: Any) -> list[str]:
    return [n["text"] for n in walk(blocks) if isinstance(n.get("text"), str)]


def check_limits(blocks: list[dict[str, Any]], max_blocks: int = 50) -> None:
    """Slack's Block Kit limits; a message that breaks one is rejected as a whole."""
    assert len(blocks) <= max_blocks
    json.dumps(blocks)
    for block in blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        elif block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= 2000 for e in block["elements"])
        elif block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        elif block["type"] == "actions":
            assert 0 < len(block["elements"]) <= 25
            ids = [e["action_id"] for e in block["elements"]]
            assert len(set(ids)) == len(ids)
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75
                assert len(element["action_id"]) <= 255 and len(element["value"]) <= 2000


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def sources_text(blocks: list[dict[str, Any]]) -> str:
    found = [t for b in blocks if b["type"] == "context" for t in texts(b) if "[1]" in t]
    assert len(found) == 1
    return found[0]


def test_answer_blocks_structure() -> None:
    blocks = answer_blocks(answer(), question_id=42, today=TODAY)
    check_limits(blocks)
    assert [b["type"] for b in blocks] == ["section", "context", "context", "actions"]
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": "*Pack* with care. [1]"}
    assert sources_text(blocks) == (
        "*Sources*\n[1] Role guide: Warehouse › What you can decide alone"
        " · Daisuke Ito · updated 2026-02-24"
    )
    assert texts(blocks[2]) == ["Helpful?"]


def test_buttons_and_values() -> None:
    blocks = answer_blocks(answer(), question_id=42, today=TODAY)
    found = buttons(blocks)
    assert [b["action_id"] for b in found] == [
        ACTION_FEEDBACK_UP,
        ACTION_FEEDBACK_DOWN,
        ACTION_ASK_PERSON,
    ]
    assert [b["text"]["text"] for b in found] == ["👍 Helpful", "👎 Not helpful", "Ask a person"]
    assert {b["value"] for b in found} == {"42"}
    assert all("style" not in b for b in found)


def test_share_button_only_when_shareable() -> None:
    found = buttons(answer_blocks(answer(), question_id=7, today=TODAY, shareable=True))
    share = found[-1]
    assert share["action_id"] == ACTION_SHARE == "cx_share_answer"
    assert share["style"] == "primary" and share["value"] == "7"
    assert share["text"]["text"] == "Share in channel"


def test_not_found_has_no_sources_and_only_ask_a_person() -> None:
    text = "I couldn't find this in our CX knowledge. Please ask Aiko Tanaka."
    missing = answer(text, answered=False, sources=[], mode="not_found")
    blocks = answer_blocks(missing, question_id=3, today=TODAY, shareable=True, assumed_role="x")
    check_limits(blocks)
    assert [b["type"] for b in blocks] == ["section", "actions"]
    assert blocks[0]["text"]["text"] == text
    assert [b["action_id"] for b in buttons(blocks)] == [ACTION_ASK_PERSON]


def test_links_to_the_knowledge_base() -> None:
    blocks = answer_blocks(
        answer(sources=[source(path="en/roles/warehouse & logistics.md")]),
        question_id=1,
        today=TODAY,
        knowledge_base_url=KB,
    )
    line = sources_text(blocks)
    url = "https://kb.example.com/cx/en/roles/warehouse%20%26%20logistics.md"
    assert f"[1] <{url}|Role guide: Warehouse> › What you can decide alone" in line


def test_unsafe_knowledge_base_url_gives_no_link() -> None:
    for base in ["javascript:alert(1)//", "https://evil|click", "https://x>y"]:
        blocks = answer_blocks(answer(), question_id=1, today=TODAY, knowledge_base_url=base)
        assert "<" not in sources_text(blocks)


def test_review_flag() -> None:
    overdue = source(1, review_by=dt.date(2026, 5, 31))
    due_today = source(2, review_by=TODAY)
    unknown = source(3, review_by=None, updated=None, owner=None, section="")
    blocks = answer_blocks(
        answer(sources=[overdue, due_today, unknown]), question_id=1, today=TODAY
    )
    lines = sources_text(blocks).split("\n")
    assert lines[1].endswith(" · ⚠️ past its review date")
    assert "review" not in lines[2]
    assert lines[3] == "[3] Role guide: Warehouse"


def test_role_line() -> None:
    blocks = answer_blocks(answer(), question_id=1, today=TODAY, assumed_role="warehouse")
    assert texts(blocks[1]) == [
        "_Answered for the role *warehouse* (from your Slack title)."
        " Change it with `/cx role &lt;role&gt;`._"
    ]
    plain = answer_blocks(answer(), question_id=1, today=TODAY)
    assert not any("Answered for the role" in t for t in texts(plain))


def test_role_line_escapes_and_keeps_formatting() -> None:
    blocks = answer_blocks(answer(), question_id=1, today=TODAY, assumed_role="<!here>*_x")
    assert "*&lt;!here&gt;x*" in texts(blocks[1])[0]


def test_japanese_labels() -> None:
    ja = answer(
        "まずお詫びします。[1]",
        language="ja",
        sources=[source(review_by=TODAY.replace(day=1) - dt.timedelta(days=1))],
    )
    blocks = answer_blocks(ja, question_id=5, today=TODAY, assumed_role="倉庫", shareable=True)
    all_text = "\n".join(texts(blocks))
    assert sources_text(blocks).startswith("*出典*\n[1] ")
    assert "更新 2026-02-24" in all_text and "⚠️ 見直し期限を過ぎています" in all_text
    assert "ロール *倉庫* として回答しました" in all_text
    assert "役に立ちましたか？" in all_text
    labels = [b["text"]["text"] for b in buttons(blocks)]
    assert labels == ["👍 役に立った", "👎 役に立たなかった", "担当者に聞く", "チャンネルで共有"]
    missing = answer("見つかりませんでした。", language="ja", answered=False, sources=[])
    assert [
        b["text"]["text"] for b in buttons(answer_blocks(missing, question_id=1, today=TODAY))
    ] == ["担当者に聞く"]


def test_long_answer_and_many_sources_stay_within_limits() -> None:
    sentences = ("Be kind and fix it on the spot. " * 20).strip()
    paragraphs = [f"Paragraph {n}: {sentences}" for n in range(31)]
    long_text = "\n\n".join(paragraphs)
    assert len(long_text) > 20_000
    many = [source(n, title="T" * 400, section="S" * 400, owner="O" * 200) for n in range(12)]
    blocks = answer_blocks(
        answer(long_text, sources=many),
        question_id=9,
        today=TODAY,
        knowledge_base_url=KB,
        assumed_role="warehouse",
        shareable=True,
    )
    check_limits(blocks)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) >= 7
    # Split at paragraph boundaries: every section starts a paragraph, none is lost.
    assert all(s.startswith("Paragraph") for s in sections)
    assert "\n\n".join(sections) == to_mrkdwn(long_text)
    lines = sources_text(blocks).split("\n")
    assert len(lines) == 1 + 5  # capped at five sources
    assert lines[-1].startswith("[5] ")


def test_one_giant_paragraph_is_split_and_capped() -> None:
    blocks = answer_blocks(answer("word " * 40_000), question_id=1, today=TODAY)
    check_limits(blocks)
    assert len(blocks) == 50
    sections = [b for b in blocks if b["type"] == "section"]
    assert sections[-1]["text"]["text"].endswith("…")


def test_answer_escapes_mentions_from_text_titles_and_sections() -> None:
    evil = answer(
        "Hi <!channel> and <@U123> see <https://evil|click> @here",
        sources=[source(title="<!everyone> guide", section="<@U999> <#C1>", owner="<!here>")],
    )
    blocks = answer_blocks(evil, question_id=1, today=TODAY)
    for text in texts(blocks):
        for token in ("<!", "<@", "<#", "<https://evil"):
            assert token not in text
    assert "&lt;!channel&gt;" in blocks[0]["text"]["text"]
    assert "@\u200dhere" in blocks[0]["text"]["text"]
    assert "&lt;!everyone&gt; guide › &lt;@U999&gt; &lt;#C1&gt;" in sources_text(blocks)


def test_answer_text_fallback() -> None:
    plain = answer_text(answer("# Title\n**Bold** <!channel> [guide](https://x.example/a)"))
    assert plain == "Title\nBold &lt;!channel&gt; guide"
    assert len(answer_text(answer("x " * 5000))) <= 3000


def test_notices() -> None:
    for language in ("en", "ja"):
        for blocks in (thinking_blocks(language), error_blocks(language)):
            check_limits(blocks)
    assert texts(error_blocks("en")) == [
        "Sorry, something went wrong while answering. Please try again in a moment."
    ]
    assert "申し訳ありません" in texts(error_blocks("ja"))[0]
    assert "CX" in texts(thinking_blocks("ja"))[0]
    assert texts(feedback_ack_blocks(True))[0].startswith("Thanks")
    assert "ask a person" in texts(feedback_ack_blocks(False))[0]
    assert "ありがとうございます" in texts(feedback_ack_blocks(True, language="ja"))[0]


def test_help_blocks() -> None:
    blocks = help_blocks()
    check_limits(blocks)
    body = "\n".join(texts(blocks))
    for needle in [
        "@CX Assistant",
        "DM",
        "thread",
        "`/cx &lt;question&gt;`",
        "`/cx role &lt;role&gt;`",
        "`/cx help`",
        "`/cx reindex`",
        "CX leads",
        "assistant panel",
        "👍",
        "👎",
    ]:
        assert needle in body
    assert "<" not in body


def test_home_view_for_staff() -> None:
    view = home_view(
        role="warehouse",
        role_source="title",
        mantra="Make it right,\nmake it kind. <!channel>",
        examples=["What does the mantra mean for me?", "<@U1> refund?", " "],
        lead=None,
    )
    assert view["type"] == "home"
    blocks = view["blocks"]
    check_limits(blocks, max_blocks=100)
    body = "\n".join(texts(blocks))
    assert "> Make it right,\n> make it kind. &lt;!channel&gt;" in body
    assert "Your role: `warehouse` (from your Slack title)" in body
    assert "“&lt;@U1&gt; refund?”" in body
    assert "For CX leads" not in body
    assert "<" not in body


def test_home_view_role_set_by_the_user() -> None:
    view = home_view(role="sales", role_source="set", mantra=None, examples=[], lead=None)
    assert "Your role: `sales` (set by you)." in "\n".join(texts(view["blocks"]))


def test_home_view_without_role_or_mantra() -> None:
    view = home_view(role=None, role_source=None, mantra=None, examples=[], lead=None)
    body = "\n".join(texts(view["blocks"]))
    assert "No role set yet" in body and "mantra" not in body


def test_home_view_for_leads_is_escaped_and_bounded() -> None:
    lead = LeadPanel(
        gaps=[(f"<!here> question {n} " + "x" * 500, 30 - n) for n in range(30)],
        negative=[(f"<@U{n}> why?", "snippet <#C1> " * 50) for n in range(30)],
        documents=1234,
        chunks=56789,
        last_sync=dt.datetime(2026, 5, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))),
        problems=["ja/bad.pdf: not a PDF <!channel>"] * 40,
        overdue=["en/vision.md"] * 40,
    )
    view = home_view(role=None, role_source=None, mantra=None, examples=[], lead=lead)
    blocks = view["blocks"]
    check_limits(blocks, max_blocks=100)
    body = "\n".join(texts(blocks))
    assert "<" not in body
    assert "Knowledge gaps, last 30 days" in body and "· asked 30×" in body
    assert "👎 answers, last 30 days" in body
    assert "Documents: 1,234 · Chunks: 56,789 · Last sync: 2026-05-31 14:00 UTC" in body
    assert "…and 30 more" in body  # ten shown of forty
    assert "Files past their review date" in body


def test_home_view_lead_with_nothing_to_report() -> None:
    view = home_view(role=None, role_source=None, mantra=None, examples=[], lead=LeadPanel())
    body = "\n".join(texts(view["blocks"]))
    assert "Nothing unanswered" in body and "Last sync: never" in body
    assert "could not be read" not in body
