"""`cxbot lessons preview` and `cxbot lessons card`: what a role's next lesson and role card
look like, from the terminal. Mount with `app.add_typer(lessons_app, name="lessons")`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from bot.lessons.handwritten import HandWritten
    from bot.lessons.models import Lesson, RoleCard
    from bot.settings import Settings
    from ingest.index import KnowledgeIndex

lessons_app = typer.Typer(
    help="Weekly micro-lessons and role cards, built from the CX knowledge.",
    no_args_is_help=True,
)

RoleOption = Annotated[str, typer.Option("--role", help="The role, e.g. store-staff.")]
LanguageOption = Annotated[str, typer.Option("--language", help="en or ja.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@lessons_app.command("preview")
def preview_command(
    role: RoleOption, language: LanguageOption = "en", as_json: JsonOption = False
) -> None:
    """The next lesson for someone new in the role: question, three options, answer, source."""
    from bot.lessons.service import NoLessonError, UnknownRoleError, preview

    settings, index = _open(language)
    hand_written = _hand_written(settings, index)
    try:
        lesson = preview(index, role, language, hand_written=hand_written)
    except (UnknownRoleError, NoLessonError) as exc:
        _fail(str(exc), 1)
    if as_json:
        print(json.dumps(lesson.public(), ensure_ascii=False))
    else:
        _print_lesson(lesson)


@lessons_app.command("card")
def card_command(
    role: RoleOption, language: LanguageOption = "en", as_json: JsonOption = False
) -> None:
    """The role card: the mantra for the role, its limits, who to ask, common situations."""
    from bot.lessons.role_card import NoRoleGuideError, role_card
    from bot.lessons.service import UnknownRoleError

    _, index = _open(language)
    try:
        card = role_card(index, role, language)
    except (UnknownRoleError, NoRoleGuideError) as exc:
        _fail(str(exc), 1)
    if as_json:
        print(card.model_dump_json())
    else:
        _print_card(card)


def _open(language: str) -> tuple[Settings, KnowledgeIndex]:
    from bot.cli.common import ensure_index, load_settings, open_index
    from bot.lessons.service import LANGUAGES

    if language not in LANGUAGES:
        _fail(f"--language must be one of: {', '.join(LANGUAGES)}", 2)
    settings = load_settings()
    index = open_index(settings)
    ensure_index(settings, index)
    return settings, index


def _hand_written(settings: Settings, index: KnowledgeIndex) -> list[HandWritten]:
    """Hand-written lessons; a malformed one is reported and left out."""
    from bot.cli.common import err
    from bot.lessons.handwritten import load_lessons

    lessons, problems = load_lessons(settings.knowledge_dir, index)
    for problem in problems:
        err.print(f"  skipped lesson {problem.describe()}", style="yellow", markup=False)
    return lessons


def _fail(message: str, code: int) -> NoReturn:
    from bot.cli.common import err

    err.print(message, markup=False)
    raise typer.Exit(code)


_HEADINGS = {
    "en": (
        "What it means for you",
        "What you can decide alone",
        "Above your limit",
        "Common situations",
        "Answer",
        "Source",
    ),
    "ja": (
        "あなたにとっての意味",
        "ひとりで決めてよいこと",
        "上限を超えるとき",
        "よくある場面",
        "正解",
        "出典",
    ),
}


def _say(text: str, *, bold: bool = False) -> None:
    from bot.cli.common import out

    out.print(text, style="bold" if bold else None, markup=False, highlight=False, soft_wrap=True)


def _print_lesson(lesson: Lesson) -> None:
    words = _HEADINGS.get(lesson.language, _HEADINGS["en"])
    _say(lesson.question)
    for letter, option in zip("ABC", lesson.options, strict=True):
        _say(f"  {letter}. {option}")
    _say(f"{words[4]}: {lesson.answer}")
    _say(f"{words[5]}: {lesson.source.path} — {lesson.source.section}")


def _print_card(card: RoleCard) -> None:
    words = _HEADINGS.get(card.language, _HEADINGS["en"])
    _say(card.title, bold=True)
    if card.mantra is not None:
        _say(card.mantra.text)
    sections = (card.meaning, card.decide_alone, card.ask, card.situations)
    for name, lines in zip(words, sections, strict=False):
        if lines:
            _say(f"\n{name}", bold=True)
        for line in lines:
            label = f"{line.label}: " if line.label else ""
            _say(f"  • {label}{line.text}")
