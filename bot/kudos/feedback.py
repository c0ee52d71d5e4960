"""Reading customer-feedback exports (CSV or JSONL survey files) into `FeedbackRow`s.

Pure: no Slack, no database. A row that cannot be read is reported with its physical line
number and a reason, and skipped, so one bad row never stops an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import itertools
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.kudos.models import FeedbackRow, RowProblem
from ingest.language import detect_language

Scale = Literal["csat", "nps", "stars"]

#: Column names recognised without a mapping, compared after `_key` (case, width, spaces as
#: "_"), first name first. Bare "email" and "name" are left out on purpose: in survey exports
#: they are usually the customer's, and would credit the customer's address as the employee's.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    field: tuple(names.split())
    for field, names in {
        "text": "comment comments feedback verbatim message text review コメント ご意見 自由回答",
        "rating": "rating score csat nps stars csat_score nps_score 満足度 評価 推奨度",
        "employee_email": "employee_email agent_email staff_email 担当者メール",
        "employee_name": "employee agent staff employee_name agent_name 担当者",
        "touchpoint": "channel touchpoint 接点",
        "source": "survey source ticket link url",
        "submitted_at": "date submitted_at created_at timestamp 回答日時 日付",
        "id": "id response_id 回答id",
    }.items()
}
FIELDS: tuple[str, ...] = (*DEFAULT_COLUMNS, "scale")
SCALE_RANGES: dict[str, tuple[float, float]] = {"nps": (0, 10), "csat": (1, 5), "stars": (0, 5)}
# A rating column's own name is better evidence of its scale than the values in one file (a
# week of NPS answers can all be 5 or less). First hint found wins.
_SCALE_HINTS: dict[str, Scale] = {"nps": "nps", "recommend": "nps", "推奨": "nps", "csat": "csat",
                                  "star": "stars", "星": "stars"}  # fmt: skip
# What survey tools and people type for "no answer"; treated like an empty cell.
_BLANK = frozenset({"", "-", "n/a", "na", "null", "none", "なし", "特になし"})
# Common spellings of the touchpoints the kudos side knows; anything else is kept as given.
_TOUCHPOINTS = {name: touchpoint for touchpoint, names in {
    "phone": "phone call telephone 電話 コールセンター", "store": "store shop in_store 店舗 店頭",
    "delivery": "delivery 配送 配達 宅配", "chat": "chat live_chat チャット",
    "email": "email e_mail mail メール", "social": "social sns twitter instagram",
}.items() for name in names.split()}  # fmt: skip
_EMAIL = re.compile(r"[^\s<>@,;()]+@[^\s<>@,;()]+\.[^\s<>@,;()]+")
_RATING = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:/\s*\d+(?:\.\d+)?)?\s*(?:点|stars?|pts?|points?)?")
_DATE = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s*\([^)]*\))?"  # (金): a weekday
    r"(?:(?:T|\s+)(\d{1,2})[:時](\d{1,2})分?(?::(\d{1,2})(?:\.\d+)?)?)?\s*(Z|[+-]\d\d:?\d\d)?"
)
_SPEC_PART = re.compile(r'(?:"[^"]*"|[^,])+')  # commas inside "..." belong to a column name


def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold().strip()


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", _norm(name))


class ColumnMapping(BaseModel):
    """Which column (CSV header, or JSONL key, "a.b" for nested) holds what. Unset fields are
    found by the common names in `DEFAULT_COLUMNS`; an unset scale is inferred."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    rating: str | None = None
    employee_email: str | None = None
    employee_name: str | None = None
    touchpoint: str | None = None
    source: str | None = None
    submitted_at: str | None = None
    id: str | None = None
    scale: Scale | None = None

    @classmethod
    def parse(cls, spec: str) -> ColumnMapping:
        """From a CLI option: "text=Comment,rating=Score,employee_email=Agent Email,scale=nps".
        A column name holding a comma is written in double quotes."""
        values: dict[str, str] = {}
        for part in (p.strip() for p in _SPEC_PART.findall(spec)):
            name, sep, column = part.strip('"').partition("=")
            field, column = _key(name), column.strip().strip('"').strip()
            if not sep or not field or not column:
                raise ValueError(f"{part!r}: expected field=Column, e.g. text=Comment")
            if field not in FIELDS:
                close = difflib.get_close_matches(field, FIELDS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValueError(
                    f"{part!r}: unknown field {field!r}{hint}; fields are {', '.join(FIELDS)}"
                )
            if field in values:
                raise ValueError(f"{part!r}: {field} is mapped twice")
            if field == "scale":
                column = column.lower()
                if column not in SCALE_RANGES:
                    raise ValueError(f"{part!r}: scale must be one of {', '.join(SCALE_RANGES)}")
            values[field] = column
        if not values:
            raise ValueError("empty column mapping: expected field=Column, e.g. text=Comment")
        return cls.model_validate(values)

    def resolve(self, keys: list[str], *, nested: bool = False) -> tuple[dict[str, str], list[str]]:
        """Field -> column among `keys`, and the explicitly mapped fields whose column is not
        there. Explicit names match exactly, else ignoring case and width; with `nested`
        (JSON) a dotted name not among the keys is kept as a path into nested objects."""
        by_key = {_key(k): k for k in reversed(keys)}  # reversed: the first duplicate wins
        found: dict[str, str] = {}
        missing: list[str] = []
        for field in DEFAULT_COLUMNS:
            column = getattr(self, field)
            if column is not None:
                match = column if column in keys else by_key.get(_key(column))
                if match is None and not (nested and "." in column):
                    missing.append(field)
                found[field] = match or column  # a dotted name may be a nested JSON key
        for field, names in DEFAULT_COLUMNS.items():
            taken = set(found.values())
            for name in names if field not in found else ():
                if name in by_key and by_key[name] not in taken:
                    found[field] = by_key[name]
                    break
        return found, missing


def read_feedback(
    path: Path, mapping: ColumnMapping | None = None
) -> tuple[list[FeedbackRow], list[RowProblem]]:
    """Rows that could be read, and a problem (line, reason) for each that could not."""
    mapping = mapping or ColumnMapping()
    text, problems = _decode(path.read_bytes())
    jsonl = path.suffix.lower() in (".jsonl", ".ndjson", ".json") or (
        path.suffix.lower() not in (".csv", ".tsv", ".txt") and text.lstrip().startswith("{")
    )
    keys: list[str] = []
    if jsonl:
        records = _jsonl_records(text, problems)
        for _, record in records:
            keys.extend(k for k in record if k not in keys)
    else:
        header_line, keys, records = _csv_records(text, problems)
    if not records:
        return [], sorted(problems, key=lambda p: p.line)
    columns, missing = mapping.resolve(keys, nested=jsonl)
    # Whole-file problems point at the header (CSV) or the first record (JSONL).
    where = records[0][0] if jsonl else header_line
    if "text" not in columns or "text" in missing:
        reason = f"no column for the customer's words among: {', '.join(keys)}; map one (text=NAME)"
        problems.append(RowProblem(line=where, reason=reason))
        return [], sorted(problems, key=lambda p: p.line)
    for field in missing:
        reason = f"no column {getattr(mapping, field)!r} for {field} among: {', '.join(keys)}"
        problems.append(RowProblem(line=where, reason=reason))
    rows = _rows(records, columns, mapping.scale, problems)  # adds the rows' problems
    return rows, sorted(problems, key=lambda p: p.line)


def _rows(
    records: list[tuple[int, dict[str, Any]]],
    columns: dict[str, str],
    scale: Scale | None,
    problems: list[RowProblem],
) -> list[FeedbackRow]:
    def get(record: dict[str, Any], field: str) -> str | None:
        return _scalar(_lookup(record, columns.get(field)))

    readable: list[tuple[int, dict[str, Any], str, float | None]] = []
    for line, record in records:
        comment = get(record, "text")
        if comment is None:
            problems.append(RowProblem(line=line, reason=f"missing text ({columns['text']!r})"))
            continue
        raw = _lookup(record, columns.get("rating"))
        try:
            rating = _rating(raw)
        except ValueError:
            problems.append(RowProblem(line=line, reason=f"unparsable rating {raw!r}"))
            continue
        readable.append((line, record, comment, rating))
    found = scale or _infer_scale(columns.get("rating"), [r for *_, r in readable if r is not None])
    rows: list[FeedbackRow] = []
    for line, record, comment, rating in readable:
        low, high = SCALE_RANGES.get(found, (-math.inf, math.inf))
        if rating is not None and not low <= rating <= high:
            problems.append(RowProblem(
                line=line, reason=f"rating {rating:g} is outside the {found} scale {low:g}-{high:g}"
            ))  # fmt: skip
            continue
        email = _EMAIL.search(get(record, "employee_email") or "")
        touchpoint = get(record, "touchpoint")
        rows.append(FeedbackRow(
            line=line,
            text=comment,
            rating=rating,
            scale=found,
            employee_email=email.group().lower() if email else None,
            employee_name=get(record, "employee_name"),
            touchpoint=_TOUCHPOINTS.get(_key(touchpoint), touchpoint) if touchpoint else None,
            source=get(record, "source"),
            submitted_at=parse_date(_lookup(record, columns.get("submitted_at"))),
            external_id=get(record, "id"),
            language=detect_language(comment),
        ))  # fmt: skip
    return rows


def dedupe_key(row: FeedbackRow) -> str:
    """The same response gets the same key on every re-import and in a re-export whose rows
    are in another order (no line numbers or timestamps in it). With the export's own id, the
    source is included too, because ids such as "1" restart in every survey."""
    if row.external_id:
        basis = f"id\x1f{row.external_id}\x1f{_norm(row.source or '')}"
    else:
        text = " ".join(_norm(row.text).split())
        who = row.employee_email or _norm(row.employee_name or "")
        day = row.submitted_at.date().isoformat() if row.submitted_at else ""
        basis = f"text\x1f{text}\x1f{who}\x1f{day}"
    return "import:" + hashlib.sha256(basis.encode()).hexdigest()


def parse_date(value: Any) -> dt.datetime | None:
    """ISO 8601, "2026/05/01 10:00", "2026年5月1日(金) 10時30分"; None for anything else.
    A time without a zone is taken as UTC, because the store only keeps aware times."""
    match = _DATE.fullmatch(unicodedata.normalize("NFKC", str(value or "")).strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    tz = dt.UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:]))
        tz = dt.timezone(sign * offset)
    try:
        return dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                           int(second or 0), tzinfo=tz)  # fmt: skip
    except ValueError:
        return None  # 2026-02-30: a date, but not a real one


def _decode(raw: bytes) -> tuple[str, list[RowProblem]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return raw.decode("utf-16"), []
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        return raw.decode("cp932"), []  # Japanese Excel saves CSV as Shift_JIS (Windows-31J)
    except UnicodeDecodeError:
        line = raw[:first_bad].count(b"\n") + 1
        reason = "text is neither UTF-8 nor Shift_JIS (cp932); unreadable bytes replaced by �"
        return raw.decode("utf-8", errors="replace"), [RowProblem(line=line, reason=reason)]


def _jsonl_records(text: str, problems: list[RowProblem]) -> list[tuple[int, dict[str, Any]]]:
    records: list[tuple[int, dict[str, Any]]] = []
    # split("\n"), not splitlines(): U+2028 is legal inside a JSON string and must not split.
    for line, content in enumerate(text.split("\n"), start=1):
        if not content.strip():
            continue
        try:
            item = json.loads(content)
        except json.JSONDecodeError as exc:
            reason = f"invalid JSON: {exc.msg} (column {exc.colno})"
            problems.append(RowProblem(line=line, reason=reason))
            continue
        if isinstance(item, dict):
            records.append((line, item))
        else:
            problems.append(RowProblem(line=line, reason="invalid JSON: not an object"))
    return records


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into most columns with the next rows agreeing.
    csv.Sniffer guesses from character frequencies and is often fooled by commas in comments."""
    best, best_score = ",", (False, 0.0, 0)
    sample = text[:65536]
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            rows = [row for row in itertools.islice(reader, 30) if row]
        except csv.Error:
            continue
        if rows:
            width, following = len(rows[0]), rows[1:]
            if len(sample) < len(text):
                following = following[:-1]  # the sample may end inside this record
            agree = sum(len(r) == width for r in following) / max(1, len(following))
            score = (width > 1, agree, width)
            if score > best_score:
                best, best_score = delimiter, score
    return best


def _csv_records(
    text: str, problems: list[RowProblem]
) -> tuple[int, list[str], list[tuple[int, dict[str, Any]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    header: list[str] = []
    header_line, start = 1, 1
    records: list[tuple[int, dict[str, Any]]] = []
    try:
        for row in reader:
            # line_num counts physical lines read so far, so a quoted multi-line comment
            # still leaves the next record with its real line number.
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if not header:
                header, header_line = [cell.strip() for cell in row], line
                continue
            if len(row) > len(header) and not any(c.strip() for c in row[len(header) :]):
                row = row[: len(header)]  # Excel pads rows with trailing empty cells
            if len(row) != len(header):
                hint = " (an unclosed quote?)" if any("\n" in cell for cell in row) else ""
                reason = f"wrong column count: expected {len(header)}, found {len(row)}{hint}"
                problems.append(RowProblem(line=line, reason=reason))
                continue
            record: dict[str, Any] = {}
            for name, cell in zip(header, row, strict=True):
                record.setdefault(name, cell)
            records.append((line, record))
    except csv.Error as exc:
        problems.append(RowProblem(line=start, reason=f"unreadable CSV from here on: {exc}"))
    return header_line, header, records


def _lookup(record: dict[str, Any], key: str | None) -> Any:
    if key is None:
        return None
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):  # nested JSON: "agent.email"
        if not isinstance(value, dict):
            return None
        if part not in value:
            part = next((k for k in value if _key(k) == _key(part)), part)
        value = value.get(part)
    return value


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON 12345.0 is the id "12345"
    text = str(value).strip()
    return None if _norm(text) in _BLANK else text


def _rating(value: Any) -> float | None:
    """A number, also "4/5", "8点", "4 stars", "4,5" (decimal comma); ValueError if not."""
    if isinstance(value, bool | dict | list):
        raise ValueError(value)
    if isinstance(value, int | float):
        rating = float(value)
    else:
        text = _scalar(value)
        if text is None:
            return None
        match = _RATING.fullmatch(_norm(text))
        if not match:
            raise ValueError(value)
        rating = float(match.group(1).replace(",", "."))
    if not math.isfinite(rating):
        raise ValueError(value)
    return rating


def _infer_scale(
    column: str | None, ratings: list[float]
) -> Literal["csat", "nps", "stars", "unknown"]:
    name = _norm(column or "")
    for hint, scale in _SCALE_HINTS.items():
        if hint in name:
            return scale
    if not ratings:
        return "unknown"
    return "nps" if max(ratings) > 5 else "csat"
