"""Reading survey exports: column mapping, problems with their line numbers, encodings,
delimiters, nested JSON keys, scale inference, dedupe keys; and the import on top of it."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from bot.kudos.feedback import ColumnMapping, dedupe_key, parse_date, read_feedback
from bot.kudos.importer import import_feedback
from bot.kudos.models import FeedbackRow
from bot.store import Store
from tests import servers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feedback"
SURVEY_CSV = FIXTURES / "survey.csv"
SURVEY_JSONL = FIXTURES / "survey.jsonl"
SURVEY_CP932 = FIXTURES / "survey_cp932.csv"
JSONL_MAPPING = (
    "text=answers.comment,rating=answers.nps,employee_email=agent.email,"
    "employee_name=agent.name,submitted_at=submitted"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(path: Path, mapping: ColumnMapping | None = None) -> list[tuple[int, str]]:
    return [(p.line, p.reason) for p in read_feedback(path, mapping)[1]]


# --- column mapping ----------------------------------------------------------------------


def test_mapping_parses_a_cli_option() -> None:
    mapping = ColumnMapping.parse(
        'text=Comment, rating = Score,Employee-Email=Agent Email,"source=Survey, 2026",scale=NPS'
    )
    assert mapping == ColumnMapping(
        text="Comment",
        rating="Score",
        employee_email="Agent Email",
        source="Survey, 2026",
        scale="nps",
    )
    assert ColumnMapping.parse('source="Survey, 2026",text=c').source == "Survey, 2026"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty column mapping"),
        ("text", r"'text': expected field=Column"),
        ("text=", r"'text=': expected field=Column"),
        ("text=Comment,txt=Other", r"'txt=Other': unknown field 'txt' \(did you mean 'text'\?\)"),
        ("comment=Comment", r"unknown field 'comment'; fields are text, rating"),
        ("text=A,text=B", r"'text=B': text is mapped twice"),
        ("scale=percent", r"'scale=percent': scale must be one of nps, csat, stars"),
    ],
)
def test_mapping_errors_name_the_bad_part(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ColumnMapping.parse(spec)


def test_default_names_are_recognised_ignoring_case_width_and_spaces(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "export.csv",
        "RESPONSE_ID,Staff Email,ＳＴＡＦＦ,Touchpoint,Score,Verbatim,Customer Email\n"
        "7,Aya@Hinode.example,Aya,Phone,5,Lovely,customer@example.com\n",
    )
    [row], problems = read_feedback(path)
    assert problems == []
    assert (row.external_id, row.employee_email, row.employee_name) == (
        "7",
        "aya@hinode.example",
        "Aya",
    )
    assert (row.touchpoint, row.rating, row.text) == ("phone", 5.0, "Lovely")


def test_an_explicit_column_wins_and_a_missing_one_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "id,comment,Notes,Mail\n1,unused,Great help,a@x.example\n")
    mapping = ColumnMapping.parse("text=notes,employee_email=Agent Mail")
    [row], problems = read_feedback(path, mapping)
    assert row.text == "Great help" and row.employee_email is None
    assert problems[0].line == 1
    assert "no column 'Agent Mail' for employee_email" in problems[0].reason


def test_no_text_column_is_one_clear_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "id,score\n1,5\n2,4\n")
    rows, problems = read_feedback(path)
    assert rows == []
    assert [(p.line, p.reason.split(";")[0]) for p in problems] == [
        (1, "no column for the customer's words among: id, score")
    ]


# --- the sample files --------------------------------------------------------------------


def test_csv_fixture_reports_each_bad_row_with_its_physical_line() -> None:
    rows, problems = read_feedback(SURVEY_CSV)
    assert [(p.line, p.reason) for p in problems] == [
        (6, "unparsable rating 'five'"),
        (7, "missing text ('Comment')"),
        (18, "wrong column count: expected 7, found 5"),
        (19, "rating 7 is outside the csat scale 1-5"),
    ]
    by_line = {row.line: row for row in rows}
    assert len(rows) == 17
    # Record r08 spans lines 9-10 (a quoted line break); the next record is line 11.
    assert by_line[9].text.endswith("He even carried the box inside.")
    assert by_line[11].external_id == "r09" and by_line[11].touchpoint == "phone"
    assert by_line[16].rating is None  # "N/A" is no rating, not a bad one
    assert by_line[22].rating == 4.0  # "4/5"
    assert by_line[23].employee_email == "ken@hinode.example"
    assert by_line[14].employee_email is None and by_line[14].employee_name == "Mei Kobayashi"
    assert {row.scale for row in rows} == {"csat"}
    assert by_line[8].language == "ja" and by_line[2].language == "en"
    assert by_line[8].submitted_at == dt.datetime(2026, 5, 4, tzinfo=dt.UTC)
    assert by_line[4].submitted_at == dt.datetime(2026, 5, 2, 11, 30, tzinfo=dt.UTC)


def test_jsonl_fixture_with_nested_keys_and_broken_lines() -> None:
    rows, problems = read_feedback(SURVEY_JSONL, ColumnMapping.parse(JSONL_MAPPING))
    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [
        (4, "invalid JSON"),
        (5, "invalid JSON"),
        (7, "unparsable rating 'ten'"),
        (8, "missing text ('answers.comment')"),
    ]
    assert [row.line for row in rows] == [1, 2, 3, 9, 10, 11, 12]
    first = rows[0]
    assert (first.scale, first.rating, first.employee_email) == (
        "nps",
        10.0,
        "kenji@hinode.example",
    )
    assert first.employee_name == "Kenji Sato" and first.touchpoint == "phone"
    assert first.submitted_at == dt.datetime(2026, 5, 1, 1, tzinfo=dt.UTC)
    assert first.submitted_at.utcoffset() == dt.timedelta(hours=9)
    assert rows[2].rating is None and rows[2].language == "ja"  # "nps": null
    assert rows[5].submitted_at == dt.datetime(2026, 5, 4, tzinfo=dt.UTC)  # 2026年5月4日


def test_jsonl_without_a_mapping_says_which_keys_it_saw() -> None:
    rows, problems = read_feedback(SURVEY_JSONL)
    assert rows == []
    assert problems[0].line == 1
    assert "id, submitted, agent, channel, answers" in problems[0].reason


def test_cp932_fixture_from_japanese_excel() -> None:
    raw = SURVEY_CP932.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows, problems = read_feedback(SURVEY_CP932)
    assert [(p.line, p.reason) for p in problems] == [(7, "missing text ('ご意見')")]
    first = rows[0]
    assert first.employee_name == "髙橋 健"  # a cp932-only character, not in plain Shift_JIS
    assert first.text.endswith("ありがとうございました①")
    assert (first.language, first.touchpoint, first.scale) == ("ja", "phone", "csat")
    assert first.submitted_at == dt.datetime(2026, 5, 1, 10, 30, tzinfo=dt.UTC)
    assert rows[3].rating == 4.0  # full-width "４"
    assert rows[4].submitted_at is None  # "不明": no date, and no problem either


# --- encodings and delimiters ------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "utf-16"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, "x.csv", "コメント,評価\nとても親切でした,5\n", encoding)
    [row], problems = read_feedback(path)
    assert problems == [] and (row.text, row.rating) == ("とても親切でした", 5.0)


def test_undecodable_bytes_are_reported_on_their_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"comment,rating\nfine,5\nbad \x81\xff here,4\n")
    rows, problems = read_feedback(path)
    assert len(rows) == 2 and problems[0].line == 3
    assert "neither UTF-8 nor Shift_JIS" in problems[0].reason


@pytest.mark.parametrize(
    "content",
    [
        "comment;rating;agent\nFast, friendly, thanks;5;Aya\nRude, late;1;Ken\n",
        "comment\trating\tagent\nFast, friendly, thanks\t5\tAya\nRude, late\t1\tKen\n",
        'comment,rating,agent\n"Fast, friendly, thanks",5,Aya\n"Rude, late",1,Ken\n',
    ],
    ids=["semicolon", "tab", "comma"],
)
def test_delimiter_is_sniffed(tmp_path: Path, content: str) -> None:
    rows, problems = read_feedback(write(tmp_path, "x.csv", content))
    assert problems == []
    assert [(r.text, r.rating, r.employee_name) for r in rows] == [
        ("Fast, friendly, thanks", 5.0, "Aya"),
        ("Rude, late", 1.0, "Ken"),
    ]


def test_crlf_blank_lines_and_excel_trailing_cells(tmp_path: Path) -> None:
    content = "comment,rating\r\n\r\nGreat,5,,\r\nToo many,4,x\r\n"
    rows, problems = read_feedback(write(tmp_path, "x.csv", content))
    assert [(r.line, r.text) for r in rows] == [(3, "Great")]
    assert [(p.line, p.reason) for p in problems] == [
        (4, "wrong column count: expected 2, found 3")
    ]


def test_empty_file(tmp_path: Path) -> None:
    assert read_feedback(write(tmp_path, "x.csv", "")) == ([], [])


def test_a_jsonl_key_with_a_literal_dot_and_case_insensitive_nesting(tmp_path: Path) -> None:
    lines = [
        json.dumps({"answer.text": "Flat key wins", "Answer": {"Text": "nested"}}),
        json.dumps({"Answer": {"Text": "Nested, any case"}}),
    ]
    path = write(tmp_path, "x.jsonl", "\n".join(lines))
    rows, _ = read_feedback(path, ColumnMapping.parse("text=answer.text"))
    assert [r.text for r in rows] == ["Flat key wins", "Nested, any case"]


# --- ratings and scales ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "values", "mapping", "scale"),
    [
        ("rating", ["5", "3"], None, "csat"),  # values stay within 1-5
        ("rating", ["9", "3"], None, "nps"),  # a value above 5
        ("NPS", ["5", "3"], None, "nps"),  # the column name says so
        ("Likelihood to recommend", ["4"], "rating=Likelihood to recommend", "nps"),
        ("CSAT score", ["2"], "rating=CSAT score", "csat"),
        ("Stars", ["4.5"], None, "stars"),
        ("rating", ["5"], "scale=nps", "nps"),  # explicit wins
        ("rating", ["", ""], None, "unknown"),  # no ratings at all
    ],
)
def test_scale_inference(
    tmp_path: Path, header: str, values: list[str], mapping: str | None, scale: str
) -> None:
    content = f"comment,{header}\n" + "".join(f"ok,{v}\n" for v in values)
    rows, problems = read_feedback(
        write(tmp_path, "x.csv", content), ColumnMapping.parse(mapping) if mapping else None
    )
    assert problems == [] and {r.scale for r in rows} == {scale}


@pytest.mark.parametrize(
    ("raw", "rating"),
    [("4", 4.0), ("4.5", 4.5), ("4,5", 4.5), ("8/10", 8.0), ("８点", 8.0), ("3 stars", 3.0)],
)
def test_lenient_ratings(tmp_path: Path, raw: str, rating: float) -> None:
    path = write(tmp_path, "x.csv", f'comment;score\nok;"{raw}"\n')
    [row], _ = read_feedback(path, ColumnMapping.parse("scale=nps"))
    assert row.rating == rating


def test_out_of_range_and_non_numeric_ratings_are_problems(tmp_path: Path) -> None:
    content = "comment,nps\nok,11\nok,-1\nok,great\nok,10\n"
    rows, problems = read_feedback(write(tmp_path, "x.csv", content))
    assert [r.line for r in rows] == [5]
    assert [(p.line, p.reason) for p in problems] == [
        (2, "rating 11 is outside the nps scale 0-10"),
        (3, "unparsable rating '-1'"),
        (4, "unparsable rating 'great'"),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-05-01", dt.datetime(2026, 5, 1, tzinfo=dt.UTC)),
        ("2026-05-01T10:00:00Z", dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)),
        ("2026-05-01T10:00:00.123+0900", dt.datetime(2026, 5, 1, 1, tzinfo=dt.UTC)),
        ("2026/05/01 10:00", dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)),
        ("2026/5/1", dt.datetime(2026, 5, 1, tzinfo=dt.UTC)),
        ("2026年5月1日", dt.datetime(2026, 5, 1, tzinfo=dt.UTC)),
        ("2026年5月1日(金) 10時30分", dt.datetime(2026, 5, 1, 10, 30, tzinfo=dt.UTC)),
        ("２０２６年５月１日", dt.datetime(2026, 5, 1, tzinfo=dt.UTC)),
        ("2026-02-30", None),
        ("last Tuesday", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_parsed_leniently(raw: str | None, expected: dt.datetime | None) -> None:
    assert parse_date(raw) == expected


# --- dedupe keys -------------------------------------------------------------------------


def keys_of(path: Path, mapping: ColumnMapping | None = None) -> list[str]:
    return [dedupe_key(row) for row in read_feedback(path, mapping)[0]]


def test_dedupe_keys_are_stable_across_reimports_and_reordered_exports(tmp_path: Path) -> None:
    first, again = keys_of(SURVEY_CSV), keys_of(SURVEY_CSV)
    assert first == again
    assert len(set(first)) == len(first) - 1  # r01 is in the file twice
    with SURVEY_CSV.open(encoding="utf-8", newline="") as source:
        header, *records = list(csv.reader(source))
    shuffled = tmp_path / "reexport.csv"
    with shuffled.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows([header, *reversed(records)])
    assert set(keys_of(shuffled)) == set(first)
    jsonl = keys_of(SURVEY_JSONL, ColumnMapping.parse(JSONL_MAPPING))
    assert jsonl[0] == jsonl[4]  # j1 twice


def test_dedupe_keys_without_ids_use_text_employee_and_day(tmp_path: Path) -> None:
    content = (
        "date,agent_email,comment\n"
        "2026-05-01 09:00,k@hinode.example,Thank  you!\n"
        "2026-05-02 09:00,k@hinode.example,Thank you!\n"
        "2026-05-01 09:00,m@hinode.example,Thank you!\n"
    )
    keys = keys_of(write(tmp_path, "a.csv", content))
    assert len(set(keys)) == 3  # another day, another employee: other responses
    reexport = (
        "Comment,Agent Email,Date\n"
        "ＴＨＡＮＫ YOU!,K@hinode.example,2026/05/01 18:30\n"  # other layout, case, width, time
    )
    assert keys_of(write(tmp_path, "b.csv", reexport)) == keys[:1]
    assert all(key.startswith("import:") and len(key) == 7 + 64 for key in keys)


def test_dedupe_key_with_an_id_is_scoped_to_the_source() -> None:
    def row(**fields: str) -> FeedbackRow:
        return FeedbackRow.model_validate({"line": 2, "text": "x", **fields})

    assert dedupe_key(row(external_id="1", text="a")) == dedupe_key(row(external_id="1"))
    assert dedupe_key(row(external_id="1", source="Q1 survey")) != dedupe_key(
        row(external_id="1", source="Q2 survey")
    )


# --- the import on top of the reader -----------------------------------------------------


def test_import_picks_praise_reports_bad_rows_and_is_idempotent(tmp_path: Path) -> None:
    store = Store.for_data_dir(tmp_path, servers.current().database_url)
    store.create_all()
    kudos = store.kudos
    slack = {"kenji@hinode.example": "U0KENJI", "ken@hinode.example": "U0KEN"}
    report = import_feedback(SURVEY_CSV, kudos, lookup=slack.get)
    assert [p.line for p in report.problems] == [6, 7, 18, 19]
    assert (report.rows, report.praise, report.not_praise) == (17, 11, 6)
    assert (report.added, report.duplicates) == (10, 1)  # r01 twice
    queued = kudos.wins(statuses=("queued",))
    by_quote = {k.quote[:10]: k for k in queued}
    assert by_quote["Kenji call"].recipients == ["U0KENJI"]
    assert by_quote["Ken solved"].recipients == ["U0KEN"]  # KEN@HINODE.EXAMPLE
    assert by_quote["Yuki was s"].recipient_names == ["Yuki Nakamura"]
    japanese = next(k for k in queued if k.quote.startswith("ご丁寧に"))
    assert "taro@example.com" not in japanese.quote and japanese.language == "ja"
    assert "The driver was late and rude." not in {k.quote for k in queued}
    again = import_feedback(SURVEY_CSV, kudos, lookup=slack.get)
    assert (again.added, again.duplicates) == (0, 11)
    assert len(kudos.wins(statuses=("queued",))) == 10
