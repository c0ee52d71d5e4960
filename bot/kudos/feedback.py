"""Reading customer-feedback exports (CSV or JSONL) into `FeedbackRow`s, with line numbers for
every row that cannot be read. Pure: no Slack, no database."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.kudos.models import FeedbackRow, RowProblem
from ingest.language import detect_language

_DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "comment",
        "comments",
        "feedback",
        "verbatim",
        "message",
        "text",
        "review",
        "コメント",
        "ご意見",
        "自由回答",
    ),
    "rating": ("rating", "score", "csat", "nps", "stars", "満足度", "評価"),
    "employee_email": ("employee_email", "agent_email", "staff_email", "email", "担当者メール"),
    "employee_name": ("employee", "agent", "staff", "employee_name", "担当者"),
    "touchpoint": ("touchpoint", "channel", "接点"),
    "source": ("source", "survey", "ticket", "link", "url"),
    "submitted_at": ("submitted_at", "date", "created_at", "timestamp", "回答日時", "日付"),
    "id": ("id", "response_id", "回答id"),
}
FIELDS = (*_DEFAULT_NAMES, "scale")


class ColumnMapping(BaseModel):
    """Which column holds what; unset fields are found by common names (any case)."""

    columns: dict[str, str] = {}
    scale: str | None = None

    @classmethod
    def parse(cls, spec: str) -> ColumnMapping:
        columns: dict[str, str] = {}
        scale = None
        for part in (p.strip() for p in spec.split(",") if p.strip()):
            field, sep, column = part.partition("=")
            field = field.strip()
            if not sep or not column.strip():
                raise ValueError(f"{part!r}: use field=Column, e.g. text=Comment")
            if field not in FIELDS:
                raise ValueError(f"{field!r} is not a field; use one of {', '.join(FIELDS)}")
            if field == "scale":
                if column.strip() not in ("csat", "nps", "stars"):
                    raise ValueError("scale must be csat, nps or stars")
                scale = column.strip()
            else:
                columns[field] = column.strip()
        return cls(columns=columns, scale=scale)

    def resolve(self, headers: list[str]) -> dict[str, str]:
        folded = {h.casefold().strip(): h for h in headers}
        found = {}
        for field, names in _DEFAULT_NAMES.items():
            if field in self.columns:
                found[field] = self.columns[field]
                continue
            for name in names:
                if name.casefold() in folded:
                    found[field] = folded[name.casefold()]
                    break
        return found


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _get(record: dict[str, Any], key: str | None) -> Any:
    if not key:
        return None
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):  # nested JSON: "agent.email"
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _date(value: Any) -> dt.datetime | None:
    if not value:
        return None
    text = str(value).strip()
    text = re.sub(r"(\d{4})年(\d{1,2})月(\d{1,2})日", r"\1-\2-\3", text).replace("/", "-")
    for candidate in (text, text.replace(" ", "T")):
        try:
            parsed = dt.datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _records(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem]]:
    text = _decode(path.read_bytes())
    problems: list[RowProblem] = []
    records: list[tuple[int, dict[str, Any]]] = []
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(RowProblem(line=number, reason=f"invalid JSON: {exc.msg}"))
                continue
            if not isinstance(item, dict):
                problems.append(RowProblem(line=number, reason="not a JSON object"))
                continue
            records.append((number, item))
        return records, problems
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    headers = next(reader, None) or []
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(headers):
            problems.append(
                RowProblem(line=number, reason=f"expected {len(headers)} columns, found {len(row)}")
            )
            continue
        records.append((number, dict(zip(headers, row, strict=True))))
    return records, problems


def _scale(column: str | None, ratings: list[float], explicit: str | None) -> str:
    if explicit:
        return explicit
    name = (column or "").casefold()
    for scale in ("nps", "csat", "stars"):
        if scale in name:
            return scale
    return "nps" if ratings and max(ratings) > 5 else "csat"


def read_feedback(
    path: Path, mapping: ColumnMapping | None = None
) -> tuple[list[FeedbackRow], list[RowProblem]]:
    mapping = mapping or ColumnMapping()
    records, problems = _records(path)
    headers = sorted({k for _, r in records for k in r})
    columns = mapping.resolve(headers) | {f: c for f, c in mapping.columns.items() if "." in c}
    parsed: list[tuple[int, dict[str, Any], float | None]] = []
    for number, record in records:
        text = str(_get(record, columns.get("text")) or "").strip()
        if not text:
            problems.append(RowProblem(line=number, reason="no customer comment"))
            continue
        raw = _get(record, columns.get("rating"))
        rating = None
        if raw not in (None, ""):
            try:
                rating = float(str(raw).strip())
            except ValueError:
                problems.append(RowProblem(line=number, reason=f"rating {raw!r} is not a number"))
                continue
        parsed.append((number, record, rating))
    scale = _scale(columns.get("rating"), [r for _, _, r in parsed if r is not None], mapping.scale)
    rows = []
    for number, record, rating in parsed:
        text = str(_get(record, columns.get("text"))).strip()

        def field(name: str, record: dict[str, Any] = record) -> str | None:
            value = _get(record, columns.get(name))
            return str(value).strip() or None if value not in (None, "") else None

        rows.append(
            FeedbackRow(
                line=number,
                text=text,
                rating=rating,
                scale=scale,  # type: ignore[arg-type]
                employee_email=(field("employee_email") or "").lower() or None,
                employee_name=field("employee_name"),
                touchpoint=field("touchpoint"),
                source=field("source"),
                submitted_at=_date(_get(record, columns.get("submitted_at"))),
                external_id=field("id"),
                language=detect_language(text),
            )
        )
    problems.sort(key=lambda p: p.line)
    return rows, problems


def dedupe_key(row: FeedbackRow) -> str:
    """Stable across re-imports and re-exports with rows in another order."""
    if row.external_id:
        basis = f"id:{row.external_id}"
    else:
        text = " ".join(row.text.casefold().split())
        day = row.submitted_at.date().isoformat() if row.submitted_at else ""
        basis = f"{text}|{row.employee_email or row.employee_name or ''}|{day}"
    return "import:" + hashlib.sha256(basis.encode()).hexdigest()[:40]
