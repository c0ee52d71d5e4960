"""Prompt templates and fixed wording, loaded from `prompts/` and checked for their variables."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import yaml


def _prompts_dir() -> Path:
    """The `prompts` package's folder: the source tree, or site-packages once installed."""
    import prompts

    return Path(prompts.__file__).resolve().parent


PROMPTS_DIR = _prompts_dir()


class PromptError(ValueError):
    """A template file is missing, or a variable it needs was not given (or vice versa)."""


def template_variables(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@lru_cache(maxsize=32)
def load_template(name: str, directory: Path = PROMPTS_DIR) -> str:
    path = directory / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"Prompt file not found: {path}") from exc


def render(name: str, directory: Path = PROMPTS_DIR, /, **values: str) -> str:
    """Fill a template; fails on a variable it needs that was not given, and on extra ones."""
    template = load_template(name, directory)
    needed = template_variables(template)
    missing = needed - values.keys()
    if missing:
        raise PromptError(f"{name}: missing variable(s) {', '.join(sorted(missing))}")
    extra = values.keys() - needed
    if extra:
        raise PromptError(f"{name}: unknown variable(s) {', '.join(sorted(extra))}")
    return template.format(**values)


@lru_cache(maxsize=4)
def messages(directory: Path = PROMPTS_DIR) -> dict[str, dict[str, str]]:
    data = yaml.safe_load(load_template("messages.yaml", directory))
    if not isinstance(data, dict) or "en" not in data:
        raise PromptError("prompts/messages.yaml must map languages to messages, with 'en'")
    return data


def message(key: str, language: str, directory: Path = PROMPTS_DIR, /, **values: str) -> str:
    """Wording in the asker's language, falling back to English for other languages."""
    table = messages(directory)
    text = table.get(language, table["en"]).get(key) or table["en"][key]
    needed = template_variables(text)
    missing = needed - values.keys()
    if missing:
        raise PromptError(f"message {key!r}: missing variable(s) {', '.join(sorted(missing))}")
    return text.format(**{k: v for k, v in values.items() if k in needed})
