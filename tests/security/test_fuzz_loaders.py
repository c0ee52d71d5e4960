"""Fuzzing the knowledge loaders: whatever bytes a file holds, loading it either gives a
`Document` or raises `LoadError` (which the sync reports), never another exception, never a
hang. Text formats get random and hostile text; PDF and Word get random bytes and damaged
copies of real files (random bytes alone are rejected at the first byte).
"""

from __future__ import annotations

import io
import signal
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from docx import Document as WordDocument
from fpdf import FPDF
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

from ingest.loaders import load_document
from ingest.models import Document, LoadError

SECONDS_PER_FILE = 10.0
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRONT_MATTER = (
    "---\n",
    "---",
    "title: ",
    "type: policy",
    "type: nope",
    "roles: [a, b]",
    "roles: 5",
    "language: ja-JP",
    "language: [x]",
    "updated: 2025-13-45",
    "updated: 2025-01-01",
    "review_by: yesterday",
    "owner: ",
    "tags: {a: 1}",
    "&a [1, 2]",
    "*a",
    "*missing",
    "!!python/object/apply:os.system ['true']",
    "!!binary AAAA",
    "%YAML 1.1\n",
    "? ",
    ": ",
    "- ",
    "|\n  ",
    ">\n",
    "'",
    '"',
    "\t",
    "[",
    "{",
    "}",
    "]",
    "\n",
    " ",
    "#",
    "\x00",
    "\ufeff",
    "\r",
    "\x85",
    "\u2028",
    "# Title\n",
    "Refunds are fine.",
    "お客様",
    "===\n",
)
HTML = (
    "<html>",
    "<head>",
    "<title>",
    "</title>",
    "<meta charset='cp932'>",
    "<body>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&#0;",
    "&#x110000;",
    "&amp",
    "&nbsp;",
    "<table><tr><td>",
    "</td>",
    "<h1>",
    "<p>",
    "<br/>",
    "<",
    ">",
    "</",
    "\x00",
    "<nav>",
    "<svg><foreignObject>",
    "<template>",
    "text",
    "お客様",
    "\n",
)
CSV = (
    ",",
    ";",
    "\t",
    '"',
    '""',
    "\n",
    "\r\n",
    "\x00",
    "Question",
    "Answer",
    "a",
    "お客様",
    " ",
    "=cmd|' /C calc'!A0",
    "\ufeff",
)


def alias_bomb(levels: int) -> bytes:
    lines = ["---", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    last = f"*a{levels - 1}"
    lines += [f"title: {last}", f"roles: {last}", f"tags: {last}", "---", "# Bomb", "text"]
    return "\n".join(lines).encode()


BOMB = alias_bomb(9)


def pieces(words: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(words), max_size=60).map(lambda p: "".join(p).encode())


ANY_TEXT = st.one_of(
    st.binary(max_size=1500),
    st.text(max_size=800).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=200).map(lambda t: t.encode("utf-16")),
    st.text(max_size=200).map(lambda t: t.encode("cp932", "ignore")),
)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"loading took longer than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def note(outcome: str) -> None:
    if currently_in_test_context():  # the statistics show both outcomes are exercised
        event(outcome)


def load(name: str, data: bytes) -> Document | None:
    """Load `data` as a knowledge file called `name`; None when it was reported as bad."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / name
        path.write_bytes(data)
        try:
            with time_limit(SECONDS_PER_FILE):
                document = load_document(path, root)
        except LoadError as exc:
            assert str(exc).strip()  # a reason the sync can show
            note("rejected")
            return None
    note("loaded")
    assert isinstance(document, Document) and document.text.strip()
    assert document.path == name and document.title.strip() and document.language
    return document


@FUZZ
@given(st.sampled_from(["a.md", "b.markdown", "c.txt", "d.html", "e.htm", "f.csv"]), ANY_TEXT)
def test_text_formats_survive_random_bytes(name: str, data: bytes) -> None:
    load(name, data)


FIELDS = (
    "title: Refunds\n",
    "type: policy\n",
    "roles: [store-staff]\n",
    "language: en\n",
    "owner: Aiko\n",
    "updated: 2026-05-01\n",
    "review_by: 2027-05-01\n",
    "tags: [a]\n",
)
MARKDOWN = st.tuples(pieces(FIELDS + FRONT_MATTER), st.text(max_size=200)).map(
    lambda parts: b"---\n" + parts[0] + b"\n---\n# Title\n" + parts[1].encode()
)


@FUZZ
@given(st.one_of(pieces(FRONT_MATTER), MARKDOWN))
@example(
    b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    b"title: *d\n---\n# Bomb\ntext"
)  # alias expansion ("billion laughs", small)
@example(BOMB)  # the full bomb: 9**9 items once expanded; it hung the sync before
@example(b"---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n# T\nx")
@example(b"---\n- just\n- a list\n---\nbody")
def test_markdown_front_matter_survives_hostile_yaml(data: bytes) -> None:
    document = load("hostile.md", data)
    if document is not None:
        assert "pwned" not in document.title


@FUZZ
@given(pieces(HTML))
def test_html_survives_hostile_markup(data: bytes) -> None:
    load("page.html", data)


@FUZZ
@given(pieces(CSV))
def test_csv_survives_hostile_rows(data: bytes) -> None:
    load("sheet.csv", data)


def make_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_title("Refunds")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Store staff may refund up to 5,000 yen without approval.")
    return bytes(pdf.output())


def make_docx() -> bytes:
    word = WordDocument()
    word.core_properties.title = "Refunds"
    word.add_heading("Refunds", level=1)
    word.add_paragraph("Store staff may refund up to 5,000 yen without approval.")
    table = word.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Limit"
    table.rows[0].cells[1].text = "5,000"
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


SEEDS = {"pdf": make_pdf(), "docx": make_docx()}


def damaged(seed: bytes) -> st.SearchStrategy[bytes]:
    """The seed with some bytes overwritten, a slice cut out, or its tail lost."""
    size = len(seed)
    flips = st.lists(
        st.tuples(st.integers(0, size - 1), st.integers(0, 255)), min_size=1, max_size=8
    )

    def flip(changes: list[tuple[int, int]]) -> bytes:
        data = bytearray(seed)
        for position, value in changes:
            data[position] = value
        return bytes(data)

    return st.one_of(
        flips.map(flip),
        st.integers(1, size - 1).map(lambda n: seed[:n]),
        st.tuples(st.integers(0, size - 1), st.integers(1, 200)).map(
            lambda cut: seed[: cut[0]] + seed[cut[0] + cut[1] :]
        ),
    )


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_seeds_load(kind: str) -> None:
    document = load(f"seed.{kind}", SEEDS[kind])
    assert document is not None and "5,000" in document.text


@FUZZ
@given(st.one_of(st.binary(max_size=600), damaged(SEEDS["pdf"])))
def test_pdf_survives_random_and_damaged_bytes(data: bytes) -> None:
    load("guide.pdf", data)


XML = (
    "<",
    ">",
    "</w:p>",
    "<w:p>",
    "<w:t>",
    "</w:t>",
    "&",
    "&#0;",
    "<!DOCTYPE x [<!ENTITY a 'a'>]>",
    "&a;",
    "\x00",
    '"',
    "<w:tbl>",
    "<w:tc>",
    "]]>",
    "お客様",
    "<?xml?>",
)


def rezipped(seed: bytes, member: str) -> st.SearchStrategy[bytes]:
    """The seed with hostile markup inserted into one XML part, zipped again (valid CRCs)."""
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts[member]

    def insert(edits: list[tuple[int, str]]) -> bytes:
        data = bytearray(xml)
        for position, text in sorted(edits, reverse=True):
            data[position % (len(data) + 1) : position % (len(data) + 1)] = text.encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, content in parts.items():
                archive.writestr(name, bytes(data) if name == member else content)
        return out.getvalue()

    edit = st.tuples(st.integers(0, len(xml)), st.sampled_from(XML))
    return st.lists(edit, min_size=1, max_size=6).map(insert)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=600),
        damaged(SEEDS["docx"]),
        rezipped(SEEDS["docx"], "word/document.xml"),
        rezipped(SEEDS["docx"], "docProps/core.xml"),
    )
)
def test_docx_survives_random_and_damaged_bytes(data: bytes) -> None:
    load("guide.docx", data)
