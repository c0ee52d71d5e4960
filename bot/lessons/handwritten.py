"""Lessons CX leads write by hand, in `knowledge/lessons/*.md`.

Front matter (the body is optional: notes for other leads)::

    roles: [store-staff]            # or "all"
    language: en
    question: "A customer brings back a cracked ¥12,000 lamp..."
    options: ["...", "...", "..."]  # exactly three, all different
    answer: "..."                   # one of the options, quoted from the source
    source: en/roles/store-staff.md#Common situations > A customer wants to return ...

`source` may also be a mapping {path, section}; without a section, the first section that
contains the answer is cited. A file that breaks any rule is reported with its path and
skipped: the correct option must appear verbatim in the cited section, as for generated
lessons. The folder is not indexed for answers (`ingest.index.iter_knowledge_files`), so a
lesson's wrong options never come back as answers.
"""

from __future__ import annotations

from pathlib import Path

import frontmatter
import yaml
from pydantic import BaseModel

from bot.lessons.knowledge import section_text
from bot.lessons.models import Lesson, LessonProblem, LessonSource, fact_key
from bot.lessons.ports import LessonIndex

LESSONS_FOLDER = "lessons"
ALL_ROLES = "all"


class HandWritten(BaseModel):
    """A hand-written lesson and the roles it is for."""

    file: str  # relative to the knowledge folder
    roles: list[str]
    lesson: Lesson

    def fits(self, role: str, language: str) -> bool:
        return self.lesson.language == language and (role in self.roles or ALL_ROLES in self.roles)


class _Invalid(ValueError):
    pass


def load_lessons(
    knowledge_dir: Path, index: LessonIndex
) -> tuple[list[HandWritten], list[LessonProblem]]:
    """Every usable lesson in `<knowledge>/lessons/*.md`, and what is wrong with the rest."""
    folder = knowledge_dir / LESSONS_FOLDER
    lessons: list[HandWritten] = []
    problems: list[LessonProblem] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        relative = path.relative_to(knowledge_dir).as_posix()
        try:
            lessons.append(parse_lesson(relative, path.read_text(encoding="utf-8"), index))
        except _Invalid as exc:
            problems.append(LessonProblem(path=relative, reason=str(exc)))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(LessonProblem(path=relative, reason=f"cannot read: {exc}"))
    return lessons, problems


def parse_lesson(file: str, text: str, index: LessonIndex) -> HandWritten:
    """One lesson file's text, checked against the knowledge; raises `_Invalid`."""
    try:
        meta = frontmatter.loads(text).metadata
    except yaml.YAMLError as exc:
        raise _Invalid(f"invalid front matter: {exc}") from exc
    roles = _names(meta.get("roles"), "roles")
    known = index.known_roles()
    if ALL_ROLES not in roles and not known.intersection(roles):
        raise _Invalid(f"'roles' names no known role (known: {', '.join(sorted(known))})")
    language = _text(meta.get("language"), "language").lower()
    question = _text(meta.get("question"), "question")
    options = _options(meta.get("options"))
    answer = _text(meta.get("answer"), "answer")
    if answer not in options:
        raise _Invalid("'answer' must be one of the options, word for word")
    source = _source(meta.get("source"), answer, language, index)
    lesson = Lesson(
        question=question,
        options=options,
        answer=answer,
        source=source,
        language=language,
        key=fact_key(source.path, source.section, "hand-written", file),
        kind="hand-written",
    )
    return HandWritten(file=file, roles=roles, lesson=lesson)


def _text(value: object, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid(f"'{key}' is missing or is not text")
    text = str(value).strip()
    if not text:
        raise _Invalid(f"'{key}' is empty")
    return text


def _names(value: object, key: str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _Invalid(f"'{key}' must be a list of role names (or 'all')")
    names = [str(item).strip() for item in items if str(item).strip()]
    if not names:
        raise _Invalid(f"'{key}' names no role")
    return names


def _options(value: object) -> list[str]:
    if not isinstance(value, list):
        raise _Invalid("'options' must be a list of three texts")
    options = [_text(item, "options") for item in value]
    if len(options) != 3:
        raise _Invalid(f"'options' must have exactly three texts, found {len(options)}")
    if len({o.casefold() for o in options}) != 3:
        raise _Invalid("'options' must all be different")
    return options


def _source(value: object, answer: str, language: str, index: LessonIndex) -> LessonSource:
    """The cited section, checked: it exists, is in the lesson's language, holds the answer."""
    if isinstance(value, dict):
        path, section = _text(value.get("path"), "source.path"), value.get("section")
    else:
        path, _, section = _text(value, "source").partition("#")
    path = path.strip()
    info = index.files().get(path)
    if info is None:
        raise _Invalid(f"'source' {path} is not in the knowledge index")
    if info.language != language:
        raise _Invalid(f"'source' {path} is in '{info.language}', the lesson in '{language}'")
    sections = index.sections(path)
    wanted = str(section).strip() if section else None
    headings = [s.heading for s in sections]
    if wanted is not None:
        # "What you can decide alone" names "Role guide: Store staff > What you can decide
        # alone" too: leads write the heading they see.
        headings = [h for h in headings if h == wanted or h.endswith(f" > {wanted}")][:1]
        if not headings:
            raise _Invalid(f"'source' {path} has no section '{wanted}'")
    for heading in headings:
        text = section_text(sections, heading)
        if text is not None and answer in text:
            return LessonSource(path=path, section=heading)
    where = f"section '{wanted}' of {path}" if wanted is not None else path
    raise _Invalid(f"the answer does not appear word for word in {where}")
