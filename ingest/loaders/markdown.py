"""Markdown files with optional YAML front matter.

CX leads edit these by hand, so every front-matter mistake is reported with the line in the
file (not in the YAML block) and, for a bad field, with what would have been accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler
from pydantic import ValidationError

from ingest.loaders import Parsed, register
from ingest.loaders.text import read_text
from ingest.models import DocType, DocumentMeta, LoadError

_HANDLER = YAMLHandler()
_DOC_TYPES = ", ".join(t.value for t in DocType)
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$")


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date (2025-13-45) as text, so the field check can
    name the field and its line instead of failing with a bare ValueError, and that refuses
    aliases: front matter never needs them, and nested ones ("billion laughs") expand into
    billions of items that hung the sync."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


def _lenient_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    assert isinstance(node, yaml.ScalarNode)
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)


class _FieldError(ValueError):
    pass


@register(".md", ".markdown")
def load_markdown(path: Path) -> Parsed:
    text = read_text(path)
    body = text.lstrip()
    # Lines dropped by the lstrip still count for the line numbers we report.
    offset = text[: len(text) - len(body)].count("\n")
    opening = _HANDLER.FM_BOUNDARY.match(body) if _HANDLER.FM_BOUNDARY else None
    if opening is None:
        return Parsed(text=body.strip(), meta=DocumentMeta())
    try:
        front, content = _HANDLER.split(body)
    except ValueError as exc:
        raise LoadError("front matter opened with '---' is never closed", line=offset + 1) from exc
    # YAML marks count from the start of `front`, which begins right after the opening `---`.
    offset += body[: opening.end()].count("\n")
    data = _parse_yaml(front, offset)
    meta = _build_meta(data, front, offset)
    return Parsed(text=content.strip(), meta=meta)


def _parse_yaml(front: str, offset: int) -> dict[str, object]:
    try:
        data = yaml.load(front, Loader=_FrontMatterLoader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = offset + mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "syntax error"
        raise LoadError(f"invalid YAML in front matter: {problem}", line=line) from exc
    except yaml.reader.ReaderError as exc:
        line = offset + front[: exc.position].count("\n") + 1
        raise LoadError(f"invalid character in front matter: {exc.reason}", line=line) from exc
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML in front matter: {exc}", line=offset + 1) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        raise LoadError(
            f"front matter must be 'key: value' lines, found {kind}",
            line=offset + _first_content_line(front) + 1,
        )
    return {str(k): v for k, v in data.items()}


def _build_meta(data: dict[str, object], front: str, offset: int) -> DocumentMeta:
    fields: dict[str, object] = {}
    for key, value in data.items():
        check = _CHECKS.get(key)
        if check is None:
            continue  # unknown keys are the author's own notes; DocumentMeta ignores them too
        try:
            cleaned = check(key, value)
        except _FieldError as exc:
            raise LoadError(str(exc), line=_key_line(front, key, offset)) from exc
        if cleaned is not None:
            fields[key] = cleaned
    try:
        return DocumentMeta.model_validate(fields)
    except ValidationError as exc:  # a safety net: the checks above should catch everything
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        raise LoadError(
            f"front matter field '{key}': {first['msg']}", line=_key_line(front, key, offset)
        ) from exc


def _text(key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _FieldError(f"'{key}' must be text, got {_shown(value)}")
    return str(value).strip() or None


def _language(key: str, value: object) -> str | None:
    code = _text(key, value)
    if code is not None and not _LANGUAGE_CODE.match(code.lower()):
        raise _FieldError(f"'{key}' must be a language code such as en or ja, got {code!r}")
    return code.lower() if code else None


def _doc_type(key: str, value: object) -> str | None:
    name = _text(key, value)
    if name is None:
        return None
    normalised = re.sub(r"[\s_]+", "-", name.lower())
    if normalised not in {t.value for t in DocType}:
        raise _FieldError(f"'{key}' must be one of: {_DOC_TYPES} (got {name!r})")
    return normalised


def _names(key: str, value: object) -> list[str] | None:
    # "roles: warehouse" and "roles: warehouse, call-centre" are what people naturally write.
    if value is None:
        return None
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list):
        items = value
    else:
        raise _FieldError(
            f"'{key}' must be a list of names or a comma-separated text, got {_shown(value)}"
        )
    names: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise _FieldError(f"'{key}' items must be names, got {_shown(item)}")
        if str(item).strip():
            names.append(str(item).strip())
    return names


def _date(key: str, value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _FieldError(f"'{key}' must be a date like 2025-01-31, got {_shown(value)}")


_CHECKS: dict[str, Callable[[str, object], object]] = {
    "title": _text,
    "owner": _text,
    "translation_of": _text,
    "language": _language,
    "type": _doc_type,
    "roles": _names,
    "tags": _names,
    "audience": _names,
    "updated": _date,
    "review_by": _date,
}


def _key_line(front: str, key: str, offset: int) -> int | None:
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return offset + key_node.start_mark.line + 1
    return None


def _first_content_line(front: str) -> int:
    for index, line in enumerate(front.split("\n")):
        if line.strip() and not line.lstrip().startswith("#"):
            return index
    return 0


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
