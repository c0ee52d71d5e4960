"""Answer-level evaluation with a fake answering service: replay, verdicts, readability, report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.answering.models import Answer, Source, Turn
from bot.evaluation.answers import (
    AnswerCase,
    DatasetError,
    fact_present,
    has_fragment,
    has_residue,
    read_cases,
    replay,
    score_case,
)
from bot.evaluation.report import evaluate_answers, format_answers_table

ROOT = Path(__file__).resolve().parents[2]


class FakeService:
    """Answers from a queue, recording each question with the role and history it came with."""

    def __init__(self) -> None:
        self.queue: list[Answer] = []
        self.calls: list[tuple[str, str | None, tuple[Turn, ...]]] = []

    def enqueue(self, *answers: Answer) -> None:
        self.queue.extend(answers)

    def answer(
        self, question: str, *, role: str | None = None, history: Sequence[Turn] = ()
    ) -> Answer:
        self.calls.append((question, role, tuple(history)))
        return self.queue.pop(0)


def reply(text: str, *paths: str, answered: bool = True, language: str = "en") -> Answer:
    sources = [
        Source(path=p, title=p, section="", score=1.0, snippet="") for p in paths if answered
    ]
    return Answer(answer=text, answered=answered, sources=sources, language=language)


BASE: dict[str, Any] = {
    "id": "t-001",
    "question": "how much can I refund?",
    "language": "en",
    "role": None,
    "history": [],
    "kind": "single",
    "answerable": True,
    "expected": ["en/refunds.md"],
    "facts": [["¥10,000", "10,000 yen"]],
    "previous_topic": [],
}


def case(**fields: Any) -> AnswerCase:
    return AnswerCase(**(BASE | fields))


def test_conversation_replay_passes_the_history_so_far() -> None:
    service = FakeService()
    service.enqueue(reply("first"), reply("second"), reply("final"))
    item = case(kind="followup", role="warehouse", history=["q1", "q2"], question="and then?")

    assert replay(service, item).answer == "final"

    user = Turn(role="user", text="q1"), Turn(role="assistant", text="first")
    more = Turn(role="user", text="q2"), Turn(role="assistant", text="second")
    assert service.calls == [
        ("q1", "warehouse", ()),
        ("q2", "warehouse", user),
        ("and then?", "warehouse", user + more),
    ]


def test_a_single_question_has_no_history() -> None:
    service = FakeService()
    service.enqueue(reply("¥10,000", "en/refunds.md"))
    replay(service, case())
    assert service.calls == [("how much can I refund?", None, ())]


@pytest.mark.parametrize(
    ("answer", "fields", "expected"),
    [
        (reply("Up to ¥10,000.", "en/refunds.md"), {}, "correct"),
        (reply("Ask your lead.", "en/refunds.md"), {}, "partial"),
        (reply("Up to ¥10,000.", "en/other.md"), {}, "partial"),
        (reply("Ask your lead.", "en/other.md"), {}, "wrong"),
        # The expected document fourth is too far down for a reader to find.
        (reply("Ask.", "en/a.md", "en/b.md", "en/c.md", "en/refunds.md"), {}, "wrong"),
        (reply("Not covered.", answered=False), {}, "false_refusal"),
        (
            reply("Not covered.", answered=False),
            {"kind": "unanswerable", "answerable": False, "expected": [], "facts": []},
            "declined",
        ),
        (
            reply("Parking is free.", "en/faq.md"),
            {"kind": "unanswerable", "answerable": False, "expected": [], "facts": []},
            "false_answer",
        ),
    ],
)
def test_verdicts(answer: Answer, fields: dict[str, Any], expected: str) -> None:
    assert score_case(case(**fields), answer).verdict == expected


def test_every_fact_must_be_present_for_correct() -> None:
    item = case(facts=[["¥10,000"], ["team lead"]])
    result = score_case(item, reply("Up to ¥10,000.", "en/refunds.md"))
    assert result.verdict == "partial"
    assert result.missing_facts == [["team lead"]]


def test_any_alternative_and_thousands_separators_match() -> None:
    assert fact_present(["10,000 yen", "¥10,000"], "refunds up to ¥10000 on the spot")
    assert fact_present(["¥8000"], "up to ¥8,000")
    assert fact_present(["8,000円"], "8000円まで返金できます")
    assert fact_present(["Own it"], "Our values:   OWN\n IT, make it easy")
    assert not fact_present(["¥8,000"], "¥18,000")
    assert not fact_present(["1,2"], "12")  # not a thousands separator: kept on both sides


def test_nfkc_folds_full_width_digits_and_signs() -> None:
    assert fact_present(["¥8,000"], "上限は￥８，０００です")
    assert fact_present(["5%"], "値引きは５％まで")


@pytest.mark.parametrize(
    "text",
    [
        "Here is what our CX knowledge says:\n\n• は、返金の上限です。 [1]",
        "• とは、お客様の声のことです。",
        "• 、または店長に相談します。 [1]",
        "• and the team lead approves it. [1]",
        "• To escalate, follow these steps: [1]",
        "エスカレーションの手順：\n\n[1]",
        "1. ; then call back",
    ],
)
def test_fragments_are_found(text: str) -> None:
    assert has_fragment(text)


@pytest.mark.parametrize(
    "text",
    [
        "Here is what our CX knowledge says:\n\n• Refund up to ¥10,000 on the spot. [1]",
        "CXナレッジには次のように書かれています。\n\n• のれん分けの店舗も対象です。 [1]",
        "• And that is why we own it. [1]\n[2]",
        "Steps:\n  Apologise\n  Refund [1]",
    ],
)
def test_whole_sentences_are_not_fragments(text: str) -> None:
    assert not has_fragment(text)


@pytest.mark.parametrize(
    "text",
    [
        "• **Own it**: fix it now. [1]",
        "• Use the __escalation__ form.",
        "| Role | Limit |",
        "• | Role | Limit |",
        "|---|---|",
        "## Refunds",
        "> quoted policy",
    ],
)
def test_markdown_residue_is_found(text: str) -> None:
    assert has_residue(text)


def test_a_slack_channel_is_not_a_heading() -> None:
    assert not has_residue("• #support-leads is where leads approve refunds. [1]")


def test_readability_is_not_judged_on_a_decline() -> None:
    result = score_case(case(), reply("**Sorry**, ask this person:", answered=False))
    assert not result.fragment and not result.residue


@pytest.mark.parametrize(
    ("paths", "polluted"),
    [
        (["en/vision.md", "en/refunds.md"], True),  # led by the old topic
        (["en/faq.md", "en/other.md", "en/vision.md"], True),  # old topic, no new one
        (["en/refunds.md", "en/vision.md"], False),  # new topic leads
        (["en/faq.md", "en/other.md"], False),  # wrong, but not the old topic
        ([], False),
    ],
)
def test_topic_change_pollution(paths: list[str], polluted: bool) -> None:
    item = case(
        kind="topic_change", history=["what is our mantra"], previous_topic=["en/vision.md"]
    )
    answer = reply("An answer.", *paths) if paths else reply("No.", answered=False)
    assert score_case(item, answer).polluted is polluted


def run_report() -> dict[str, Any]:
    unanswerable = {"kind": "unanswerable", "answerable": False, "expected": [], "facts": []}
    cases = [
        case(id="c-1"),
        case(
            id="c-2",
            language="ja",
            kind="role",
            role="warehouse",
            expected=["ja/refunds.md"],
            facts=[["8,000円"]],
        ),
        case(id="c-3", **unanswerable),
        case(
            id="c-4",
            kind="topic_change",
            history=["mantra?"],
            previous_topic=["en/vision.md"],
        ),
    ]
    service = FakeService()
    service.enqueue(
        reply("• Ask your team lead. [1]", "en/refunds.md"),
        reply("• **上限**は8000円です。 [1]", "ja/refunds.md", language="ja"),
        reply("Not covered.", answered=False),
        reply("• Every day, like home. [1]", "en/vision.md"),
        reply("• and ¥10,000 [1]", "en/vision.md", "en/refunds.md"),
    )
    return evaluate_answers(service, cases, dataset="eval/test.jsonl")


def test_json_report_shape() -> None:
    report = run_report()
    json.dumps(report)  # serialisable as is

    assert report["kind"] == "answers" and report["dataset"] == "eval/test.jsonl"
    assert report["cases"] == 4
    assert report["headline"]["fully_correct/en"] == {"share": 0.5, "n": 1, "of": 2}
    assert report["headline"]["fully_correct/ja"] == {"share": 1.0, "n": 1, "of": 1}
    assert report["headline"]["unanswerable_declined"] == {"share": 1.0, "n": 1, "of": 1}
    assert report["headline"]["followup_correct"] == {"share": None, "n": 0, "of": 0}
    assert report["headline"]["topic_change_polluted"]["n"] == 1
    assert report["headline"]["fragments"] == {"share": 0.3333, "n": 1, "of": 3}
    assert report["headline"]["residue"]["n"] == 1
    assert report["by_language"]["en"]["correct"] == 1
    assert report["by_language"]["en"]["shares"]["partial"] == 0.5
    assert report["by_kind"]["conversation"]["cases"] == 1
    assert report["by_kind"]["unanswerable"]["shares"]["declined"] == 1.0
    assert report["overall"]["cases"] == 4


def test_failures_list_every_case_not_clean() -> None:
    failures = {f["id"]: f for f in run_report()["failures"]}
    assert set(failures) == {"c-1", "c-2", "c-4"}  # c-2 is correct but keeps its "**"
    assert failures["c-1"]["verdict"] == "partial"
    assert failures["c-1"]["missing_facts"] == [["¥10,000", "10,000 yen"]]
    assert failures["c-2"]["residue"] and failures["c-2"]["verdict"] == "correct"
    assert set(failures["c-4"]) == {
        "id",
        "kind",
        "language",
        "question",
        "history",
        "verdict",
        "answer",
        "sources",
        "missing_facts",
        "fragment",
        "residue",
    }
    assert failures["c-4"]["sources"] == ["en/vision.md", "en/refunds.md"]
    assert failures["c-4"]["history"] == ["mantra?"]
    assert failures["c-4"]["fragment"] and failures["c-4"]["verdict"] == "correct"


def test_table_shows_groups_and_headline() -> None:
    table = format_answers_table(run_report())
    assert "false-ref" in table and "topic_change" in table
    assert "fully correct/en" in table and "50.0%  (1/2)" in table
    assert "followup" not in table.split("\n\n")[2]  # a kind with no cases gets no row


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "x"}', "question: Field required"),
        ("not json", "Invalid JSON"),
        (json.dumps(BASE | {"id": "t-9", "facts": [["¥1", " "]]}), "non-empty"),
        (json.dumps(BASE | {"id": "t-9", "kind": "followup"}), "needs the earlier messages"),
        (json.dumps(BASE), "duplicate id 't-001' (first on line 1)"),
    ],
)
def test_a_bad_line_is_reported_as_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps(BASE) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        read_cases(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:3: ") and reason in message


def test_the_project_datasets_are_valid() -> None:
    for name in ("answers-a.jsonl", "answers-b.jsonl"):
        assert len(read_cases(ROOT / "eval" / name)) == 110
