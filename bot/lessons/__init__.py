"""Onboarding and micro-lessons, Slack-free: the role card and the weekly lesson, both built
from the CX knowledge (Block Kit rendering lives in `bot.slack`)."""

from bot.lessons.handwritten import HandWritten, load_lessons
from bot.lessons.models import (
    AnswerRecord,
    CardLine,
    Lesson,
    LessonProblem,
    LessonSource,
    RoleCard,
)
from bot.lessons.ports import AnswerHistory, LessonIndex, MemoryHistory
from bot.lessons.role_card import NoRoleGuideError, role_card
from bot.lessons.service import (
    NoLessonError,
    UnknownRoleError,
    lessons_for,
    next_lesson,
    preview,
)

__all__ = [
    "AnswerHistory",
    "AnswerRecord",
    "CardLine",
    "HandWritten",
    "Lesson",
    "LessonIndex",
    "LessonProblem",
    "LessonSource",
    "MemoryHistory",
    "NoLessonError",
    "NoRoleGuideError",
    "RoleCard",
    "UnknownRoleError",
    "lessons_for",
    "load_lessons",
    "next_lesson",
    "preview",
    "role_card",
]
