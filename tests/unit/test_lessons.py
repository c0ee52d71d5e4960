"""Weekly micro-lessons from the knowledge, over a small Markdown folder read without any
model or index (`MarkdownKnowledge` stands in for the index's read side)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.lessons import (
    HandWritten,
    Lesson,
    MemoryHistory,
    UnknownRoleError,
    lessons_for,
    load_lessons,
    next_lesson,
    preview,
)
from bot.lessons.generate import generated_lessons
from bot.lessons.knowledge import section_text
from bot.lessons.repetition import pick
from ingest.audience import key as audience_key
from ingest.audience import parse as parse_audience
from ingest.index import iter_knowledge_files
from ingest.loaders import load_document
from ingest.models import Chunk, Document
from ingest.state import IndexedFile
from ingest.structure import Section, document_sections
from tests.conftest import write

STORE_EN = """---
title: "Role guide: Store staff"
type: role-guide
roles: [store-staff]
language: en
---
# Role guide: Store staff

## What the mantra means for you

"Make every day feel like home" means a customer should feel as welcome in our store as in
a friend's living room. They may browse and change their mind.

## What you can decide alone

You may give a refund or goodwill credit of **up to ¥5,000 per case** without approval.
You may also swap a ¥39,800 sofa for the same sofa in another colour.

Examples within your authority:
- giving a ¥1,000 gift voucher to a customer whose collection order wasn't ready;

**Needs approval:**
- **Over ¥5,000 and up to ¥50,000:** the store manager or shift lead on duty.
- **Over ¥50,000:** the CX lead, Aiko Tanaka (@aiko), approves within one business day.

## Common situations

### A customer praises a colleague
Thank them, and tell your store manager so it can be posted in #cx-wins.

### A return without a receipt
Look the customer up by phone number or app account. If the purchase is not there, offer
store credit within your limit, or ask your shift lead.

### A customer upset about a long queue
Apologise, call a colleague to open another till if you can, and thank them for waiting.

### A customer who lost a glove
Help them look for it and keep their number in case it turns up.

## Who to ask

- **Shift lead or store manager:** approvals over ¥5,000, difficult situations — #store-leads
- **CX lead, Aiko Tanaka (@aiko):** anything over ¥50,000 — #cx-questions
- **Guide owner, Yuki Nakamura:** questions about this guide
"""

STORE_JA = """---
title: "役割ガイド：店舗スタッフ"
type: role-guide
roles: [store-staff]
language: ja
---
# 役割ガイド：店舗スタッフ

## マントラがあなたにとって意味すること

「毎日を、わが家のように。」とは、友人の家のリビングにいるような気持ちで、お店でくつろいでいただくことです。

## ひとりで決めてよいこと

1件あたり **¥5,000（5千円）まで** の返金またはお詫びのクレジットは、承認なしで決めてかまいません。

**承認が必要なもの：**
- **¥5,000を超え¥50,000まで：** その場にいる店長またはシフトリーダーが承認できます。
- **¥50,000を超えるもの：** CXリードの田中 愛子（@aiko）が1営業日以内に承認します。

## よくある場面

### お客さまが同僚をほめてくださった
お礼を伝え、店長に伝えて #cx-wins に投稿してもらいましょう。

## 困ったときの相談先

- **シフトリーダー・店長：** ¥5,000を超える承認、難しい場面 — #store-leads
- **CXリード 田中 愛子（@aiko）：** ¥50,000を超えるもの — #cx-questions
"""

WAREHOUSE_EN = """---
title: "Role guide: Warehouse"
type: role-guide
roles: [warehouse]
language: en
---
# Role guide: Warehouse

## What you can decide alone

You may authorise a free re-delivery or an express reshipment **worth up to ¥8,000** per case.

## Common situations

### The same mug keeps arriving broken
Reship each one, then report it in #warehouse-quality with photos.

### A rug was damaged in transit
Ask your shift supervisor to approve the reshipment; they answer within 30 minutes.

## Who to ask

- **Logistics desk:** reshipments, customer contact — #logistics-desk
- **Shift supervisor:** approvals over ¥8,000
"""

WAREHOUSE_JA = """---
title: "役割ガイド：倉庫"
type: role-guide
roles: [warehouse]
language: ja
---
# 役割ガイド：倉庫

## ひとりで決めてよいこと

1件あたり **¥8,000まで** の無料再配達、または速達での再発送を承認なしで決めてかまいません。

## 困ったときの相談先

- **物流デスク：** 再発送、お客さまへの連絡 — #logistics-desk
"""

SUPPORT_EN = """---
title: "Role guide: Customer support"
type: role-guide
roles: [customer-support]
language: en
---
# Role guide: Customer support

## What you can decide alone

You may refund, or give a goodwill credit, of **up to ¥10,000 per case** without asking anyone.

**Needs approval:**
- **Over ¥10,000:** your team lead. Post in #support-leads; leads reply within 2 hours.

## Who to ask

- **Team lead on shift:** approvals over ¥10,000 — #support-leads
"""

POLICY_EN = """---
title: Refunds and remedies
type: policy
roles: [store-staff, warehouse, customer-support]
language: en
---
# Refunds and remedies

## Returns window

- Customers may return an item within **30 days** of delivery or purchase.
- Card refunds arrive within 7 business days.
- B2B credits are capped at 5% of the order.

## Remedy limits by role

| Role | Authority on the spot |
| --- | --- |
| Store staff | Refund or goodwill credit up to **¥5,000** |
| Warehouse | Re-delivery or reshipment up to **¥8,000** |
"""

POLICY_JA = """---
title: 返金と補償
type: policy
roles: [store-staff, warehouse, customer-support]
language: ja
---
# 返金と補償

## 返品の受付期間

- 商品のお届け日から **30日以内** であれば返品できます。
- カードの返金は7営業日以内に反映されます。
"""

MANAGERS_EN = """---
title: For managers
type: policy
roles: [store-staff]
audience: [managers]
language: en
---
# For managers

## Secret limits

Managers may approve up to ¥77,000 and must answer within 45 minutes in #secret-room.
"""

HIGHLIGHT_EN = """---
title: Customer stories
type: highlight
roles: [store-staff]
language: en
---
# Customer stories

## A big order

A customer thanked us for a ¥99,000 refund processed within 9 days.
"""

VISION_EN = """---
title: Our CX vision
type: vision
roles: [store-staff, warehouse, customer-support]
language: en
---
# Our CX vision

## Our mantra

**"Make every day feel like home."**

Everything else follows.
"""

VISION_JA = """---
title: 私たちのCXビジョン
type: vision
roles: [store-staff, warehouse, customer-support]
language: ja
---
# 私たちのCXビジョン

## 私たちのマントラ

**「毎日を、わが家のように。」**
"""

KNOWLEDGE = {
    "en/roles/store-staff.md": STORE_EN,
    "ja/roles/store-staff.md": STORE_JA,
    "en/roles/warehouse.md": WAREHOUSE_EN,
    "ja/roles/warehouse.md": WAREHOUSE_JA,
    "en/roles/customer-support.md": SUPPORT_EN,
    "en/policies/refunds.md": POLICY_EN,
    "ja/policies/refunds.md": POLICY_JA,
    "en/managers/limits.md": MANAGERS_EN,
    "en/highlights/stories.md": HIGHLIGHT_EN,
    "en/vision.md": VISION_EN,
    "ja/vision.md": VISION_JA,
}


class MarkdownKnowledge:
    """The read side of the index (`bot.lessons.LessonIndex`) over a folder, loaded with the
    real loaders and structure parser: what the index would hold, without embeddings."""

    def __init__(self, root: Path) -> None:
        self.docs: dict[str, Document] = {}
        for path in iter_knowledge_files(root):
            doc = load_document(path, root)
            self.docs[doc.path] = doc

    def files(self) -> Mapping[str, IndexedFile]:
        return {
            path: IndexedFile(
                path=path,
                title=doc.title,
                content_hash=doc.content_hash,
                chunk_ids=[f"{path}#0"],
                language=doc.language,
                doc_type=doc.meta.type.value,
                translation_of=doc.meta.translation_of,
                audience=audience_key(parse_audience(doc.meta.audience)),
            )
            for path, doc in self.docs.items()
        }

    def sections(self, path: str) -> list[Section]:
        doc = self.docs.get(path)
        return document_sections(doc) if doc is not None else []

    def translation(self, path: str, language: str) -> str | None:
        head, _, rest = path.partition("/")
        other = f"{language}/{rest}"
        if head in ("en", "ja") and other in self.docs and other != path:
            return other
        return None

    def known_roles(self) -> set[str]:
        return {role for doc in self.docs.values() for role in doc.meta.roles}

    def chunk_ids(self, path: str) -> list[str]:
        return [f"{path}#0"] if path in self.docs else []

    def chunk(self, chunk_id: str) -> Chunk | None:
        doc = self.docs.get(chunk_id.rsplit("#", 1)[0])
        if doc is None:
            return None
        return Chunk(
            id=chunk_id,
            path=doc.path,
            title=doc.title,
            section="",
            text=doc.text,
            language=doc.language,
            position=0,
            doc_type=doc.meta.type.value,
            roles=doc.meta.roles,
        )


def knowledge_folder(root: Path, files: Mapping[str, str] = KNOWLEDGE) -> Path:
    for path, text in files.items():
        write(root / path, text)
    return root


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return knowledge_folder(tmp_path / "knowledge")


@pytest.fixture()
def index(folder: Path) -> MarkdownKnowledge:
    return MarkdownKnowledge(folder)


def all_text(index: MarkdownKnowledge, language: str) -> str:
    """Every public section of a language, as indexed and without Markdown (lower case)."""
    texts = []
    for path, info in index.files().items():
        if info.language == language and not info.audience:
            for section in index.sections(path):
                texts.append(section_text(index.sections(path), section.heading) or "")
    return "\n".join(texts).casefold()


def assert_sound(lesson: Lesson, index: MarkdownKnowledge) -> None:
    assert len(lesson.options) == 3 and len(set(lesson.options)) == 3
    assert lesson.answer in lesson.options
    text = section_text(index.sections(lesson.source.path), lesson.source.section)
    assert text is not None and lesson.answer in text
    corpus = all_text(index, lesson.language)
    for option in lesson.options:
        assert option.casefold() in corpus, option


# -- generation -------------------------------------------------------------------------


def test_the_first_lesson_is_the_roles_own_limit(index: MarkdownKnowledge) -> None:
    lesson = generated_lessons(index, "store-staff", "en")[0]
    assert lesson.answer == "¥5,000"
    assert lesson.source.path == "en/roles/store-staff.md"
    assert lesson.source.section == "What you can decide alone"
    assert "_____" in lesson.question and "¥5,000" not in lesson.question
    # Wrong options are other roles' limits, written elsewhere in the knowledge.
    assert set(lesson.options) - {"¥5,000"} <= {"¥8,000", "¥10,000", "¥50,000"}
    assert_sound(lesson, index)


def test_every_generated_lesson_is_sound(index: MarkdownKnowledge) -> None:
    for role in ("store-staff", "warehouse", "customer-support"):
        for language in ("en", "ja"):
            for lesson in generated_lessons(index, role, language):
                assert lesson.language == language
                assert lesson.source.path.startswith(f"{language}/")
                assert_sound(lesson, index)


def test_kinds_of_fact(index: MarkdownKnowledge) -> None:
    lessons = generated_lessons(index, "store-staff", "en")
    by_answer = {lesson.answer: lesson for lesson in lessons}
    assert by_answer["one business day"].kind == "time"
    assert by_answer["#cx-wins"].kind == "channel"
    assert "Situation: A customer praises a colleague." in by_answer["#cx-wins"].question
    contact = by_answer["Shift lead or store manager"]
    assert contact.kind == "contact"
    assert "approvals over ¥5,000, difficult situations" in contact.question
    lead = by_answer["CX lead, Aiko Tanaka (@aiko)"]
    assert "anything over ¥50,000" in lead.question
    # The same person under another spelling is never a wrong option.
    assert not any("aiko" in o.lower() for o in lead.options if o != lead.answer)
    assert by_answer["30 days"].source.path == "en/policies/refunds.md"


def test_a_fact_is_asked_once(index: MarkdownKnowledge) -> None:
    answers = [lesson.answer for lesson in generated_lessons(index, "store-staff", "en")]
    assert answers.count("¥5,000") == 1


def test_prices_and_examples_are_not_facts(index: MarkdownKnowledge) -> None:
    for language in ("en", "ja"):
        for lesson in generated_lessons(index, "store-staff", language):
            assert "¥39,800" not in lesson.options


def test_wrong_options_come_only_from_what_staff_may_read(index: MarkdownKnowledge) -> None:
    for role in ("store-staff", "warehouse", "customer-support"):
        for lesson in generated_lessons(index, role, "en"):
            hidden = {"¥77,000", "45 minutes", "#secret-room", "¥99,000", "9 days"}
            assert not hidden & set(lesson.options), lesson
            assert lesson.source.path != "en/managers/limits.md"


def test_no_lesson_without_two_real_wrong_options(index: MarkdownKnowledge) -> None:
    # "5%" is the only percentage in the knowledge: no lesson invents two more.
    answers = {lesson.answer for lesson in generated_lessons(index, "store-staff", "en")}
    assert "5%" not in answers


def test_japanese_lessons_come_from_the_japanese_copy(index: MarkdownKnowledge) -> None:
    lessons = generated_lessons(index, "store-staff", "ja")
    first = lessons[0]
    assert first.language == "ja" and first.source.path == "ja/roles/store-staff.md"
    assert first.answer == "¥5,000"
    # 「¥5,000（5千円）」: the parenthesis says the answer again, so it goes with the blank.
    assert "5千円" not in first.question and "＿＿＿" in first.question
    assert "空欄に入る金額" in first.question
    assert {lesson.answer for lesson in lessons} >= {"1営業日", "#cx-wins"}


def test_the_same_fact_in_other_words_is_never_a_wrong_option(tmp_path: Path) -> None:
    files = dict(KNOWLEDGE)
    files["ja/policies/limits.md"] = (
        "---\ntitle: 上限\ntype: policy\nroles: [store-staff]\nlanguage: ja\n---\n# 上限\n\n"
        "## 金額\n\n店舗スタッフは5千円まで返金できます。"
        "倉庫は¥8,000まで、サポートは1万円までです。\n"
    )
    index = MarkdownKnowledge(knowledge_folder(tmp_path / "k", files))
    first = generated_lessons(index, "store-staff", "ja")[0]
    assert first.answer == "¥5,000"
    assert "5千円" not in first.options


# -- options order ----------------------------------------------------------------------


def test_options_are_shuffled_per_person_and_week(index: MarkdownKnowledge) -> None:
    monday = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    orders = set()
    for user in ("U1", "U2", "U3", "U4", "U5", "U6"):
        one = next_lesson(
            index, "store-staff", "en", user=user, history=MemoryHistory(), now=monday
        )
        again = next_lesson(
            index,
            "store-staff",
            "en",
            user=user,
            history=MemoryHistory(),
            now=monday + dt.timedelta(days=3),
        )
        assert one.options == again.options  # the same week: the same order
        assert sorted(one.options) == sorted(
            generated_lessons(index, "store-staff", "en")[0].options
        )
        orders.add(tuple(one.options))
    assert len(orders) > 1


# -- hand-written lessons ---------------------------------------------------------------

GOOD_LESSON = """---
roles: [store-staff]
language: en
question: A customer praises a colleague. Where does your store manager post it?
options: ["#cx-wins", "#logistics-desk", "#support-leads"]
answer: "#cx-wins"
source: en/roles/store-staff.md#Common situations > A customer praises a colleague
---
Notes for other leads.
"""


def lesson_file(folder: Path, name: str, text: str) -> None:
    write(folder / "lessons" / name, text)


def test_a_hand_written_lesson_is_preferred(folder: Path, index: MarkdownKnowledge) -> None:
    lesson_file(folder, "praise.md", GOOD_LESSON)
    lessons, problems = load_lessons(folder, index)
    assert problems == []
    lesson = preview(index, "store-staff", "en", hand_written=lessons)
    assert lesson.kind == "hand-written"
    assert lesson.answer == "#cx-wins"
    assert lesson.source.section == "Common situations > A customer praises a colleague"
    assert_sound(lesson, index)
    # Not for another role or language.
    assert preview(index, "warehouse", "en", hand_written=lessons).kind != "hand-written"
    assert preview(index, "store-staff", "ja", hand_written=lessons).kind != "hand-written"


def test_the_section_may_be_left_out_or_named_by_its_last_heading(
    folder: Path, index: MarkdownKnowledge
) -> None:
    lesson_file(folder, "a.md", GOOD_LESSON.replace("#Common situations > ", "#"))
    lesson_file(
        folder,
        "b.md",
        GOOD_LESSON.replace("#Common situations > A customer praises a colleague", ""),
    )
    lessons, problems = load_lessons(folder, index)
    assert problems == []
    assert [h.lesson.source.section for h in lessons] == [
        "Common situations > A customer praises a colleague"
    ] * 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (('answer: "#cx-wins"', 'answer: "#cx-praise"'), "one of the options"),
        (('"#support-leads"]', '"#support-leads", "#more"]'), "exactly three"),
        (('"#logistics-desk"', '"#CX-WINS"'), "all be different"),
        (("en/roles/store-staff.md#", "en/roles/nobody.md#"), "not in the knowledge index"),
        (
            ("A customer praises a colleague\n", "Nowhere\n"),
            "no section 'Common situations > Nowhere'",
        ),
        (
            ("A customer praises a colleague\n", "A customer upset about a long queue\n"),
            "word for word",
        ),
        (("language: en", "language: ja"), "is in 'en'"),
        (("roles: [store-staff]", "roles: [astronaut]"), "no known role"),
        (("question: A customer", "question: [A customer"), "invalid front matter"),
        (
            (
                "question: A customer praises a colleague. Where does your store manager post "
                "it?\n",
                "",
            ),
            "'question'",
        ),
    ],
)
def test_a_malformed_lesson_is_reported_and_skipped(
    folder: Path, index: MarkdownKnowledge, change: tuple[str, str], reason: str
) -> None:
    assert change[0] in GOOD_LESSON
    lesson_file(folder, "bad.md", GOOD_LESSON.replace(*change))
    lesson_file(folder, "good.md", GOOD_LESSON)
    lessons, problems = load_lessons(folder, index)
    assert [h.file for h in lessons] == ["lessons/good.md"]
    assert len(problems) == 1 and problems[0].path == "lessons/bad.md"
    assert reason in problems[0].reason, problems[0].reason
    assert problems[0].describe().startswith("lessons/bad.md: ")


def test_lesson_files_are_not_indexed_as_knowledge(folder: Path) -> None:
    lesson_file(folder, "praise.md", GOOD_LESSON)
    indexed = [p.relative_to(folder).as_posix() for p in iter_knowledge_files(folder)]
    assert "lessons/praise.md" not in indexed
    assert "en/roles/store-staff.md" in indexed


# -- spaced repetition ------------------------------------------------------------------


def test_the_next_lesson_favours_what_the_person_missed(index: MarkdownKnowledge) -> None:
    history = MemoryHistory()
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    first = next_lesson(index, "store-staff", "en", user="U1", history=history, now=start)
    history.record("U1", first.key, True, start)
    second = next_lesson(index, "store-staff", "en", user="U1", history=history, now=start)
    assert second.key != first.key
    week = dt.timedelta(weeks=1)
    history.record("U1", second.key, False, start + dt.timedelta(hours=1))
    # Next week the missed fact comes back, before anything new.
    again = next_lesson(index, "store-staff", "en", user="U1", history=history, now=start + week)
    assert again.key == second.key
    history.record("U1", second.key, True, start + week)
    third = next_lesson(index, "store-staff", "en", user="U1", history=history, now=start + week)
    assert third.key not in (first.key, second.key)
    # Another person's answers change nothing for U1, and vice versa.
    other = next_lesson(index, "store-staff", "en", user="U2", history=history, now=start)
    assert other.key == first.key


def test_right_answers_come_back_once_their_interval_passed(index: MarkdownKnowledge) -> None:
    lessons = lessons_for(index, "store-staff", "en")[:2]
    start = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    history = MemoryHistory()
    history.record("U1", lessons[0].key, True, start)
    history.record("U1", lessons[1].key, True, start + dt.timedelta(days=1))
    records = history.history("U1")
    # Neither is due after a week: the one seen longest ago comes first.
    assert pick(lessons, records, start + dt.timedelta(weeks=1)).key == lessons[0].key
    history.record("U1", lessons[0].key, True, start + dt.timedelta(weeks=1))
    records = history.history("U1")
    # Two right answers in a row: four weeks before it is due; the other is due at two.
    soon = start + dt.timedelta(weeks=2, days=2)
    assert pick(lessons, records, soon).key == lessons[1].key


def test_missed_lessons_come_back_oldest_first(index: MarkdownKnowledge) -> None:
    lessons = lessons_for(index, "store-staff", "en")[:3]
    start = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    history = MemoryHistory()
    history.record("U1", lessons[2].key, False, start)
    history.record("U1", lessons[1].key, False, start + dt.timedelta(days=1))
    assert pick(lessons, history.history("U1"), start + dt.timedelta(days=7)) == lessons[2]


# -- preview and its JSON ---------------------------------------------------------------


def test_preview_of_an_unknown_role(index: MarkdownKnowledge) -> None:
    with pytest.raises(UnknownRoleError, match="astronaut"):
        preview(index, "astronaut", "en")


def test_preview_json_has_exactly_the_contract_keys(index: MarkdownKnowledge) -> None:
    lesson = preview(index, "warehouse", "ja")
    data = json.loads(json.dumps(lesson.public(), ensure_ascii=False))
    assert set(data) == {"question", "options", "answer", "source", "language"}
    assert set(data["source"]) == {"path", "section"}
    assert data["language"] == "ja" and len(data["options"]) == 3


def test_cli_preview_prints_the_json(
    monkeypatch: pytest.MonkeyPatch, folder: Path, index: MarkdownKnowledge
) -> None:
    from bot.lessons import cli

    hand: list[HandWritten] = []
    monkeypatch.setattr(cli, "_open", lambda language: (None, index))
    monkeypatch.setattr(cli, "_hand_written", lambda settings, index: hand)
    runner = CliRunner()
    result = runner.invoke(cli.lessons_app, ["preview", "--role", "store-staff", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answer"] == "¥5,000" and data["source"]["path"] == "en/roles/store-staff.md"
    result = runner.invoke(
        cli.lessons_app, ["preview", "--role", "store-staff", "--language", "ja", "--json"]
    )
    assert json.loads(result.stdout)["language"] == "ja"


def test_lessons_know_nothing_of_slack_or_the_database() -> None:
    from tests.unit.test_architecture import imported_modules, python_files

    forbidden = ("bot.slack", "slack_bolt", "slack_sdk", "bot.store", "sqlalchemy")
    offending = [
        f"{path.name} imports {name}"
        for path in python_files("bot/lessons")
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]
    assert not offending


def test_a_blank_takes_whole_mentions_only(tmp_path: Path) -> None:
    files = dict(KNOWLEDGE)
    files["en/policies/refunds.md"] = POLICY_EN.replace(
        "Card refunds arrive within 7 business days.",
        "Card refunds arrive within 7 business days, bank transfers within 17 business days.",
    )
    index = MarkdownKnowledge(knowledge_folder(tmp_path / "k", files))
    lesson = next(
        lesson
        for lesson in generated_lessons(index, "store-staff", "en")
        if lesson.answer == "7 business days"
    )
    assert "within _____, bank transfers within 17 business days." in lesson.question
