"""Loaders against real files built in tmp_path: every format, every way a file can be broken."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ingest import loaders
from ingest.loaders import (
    Parsed,
    load_document,
    loader_for,
    register,
    supported_suffixes,
)
from ingest.models import DocType, Document, DocumentMeta, LoadError


def write(root: Path, name: str, data: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def load_error(path: Path, root: Path) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_document(path, root)
    return caught.value


# --- registry --------------------------------------------------------------------------------


def test_builtin_suffixes_registered() -> None:
    assert supported_suffixes() >= {
        ".md",
        ".markdown",
        ".txt",
        ".pdf",
        ".docx",
        ".html",
        ".htm",
        ".csv",
    }
    assert loader_for(Path("GUIDE.MD")) is loader_for(Path("guide.md"))
    assert loader_for(Path("deck.pptx")) is None


def test_registered_loader_is_used_and_its_crash_becomes_load_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A private copy of the registry, so the test formats do not leak into other tests.
    monkeypatch.setattr(loaders, "_REGISTRY", dict(loaders._REGISTRY))

    @register(".note")
    def load_note(path: Path) -> Parsed:
        return Parsed(text=path.read_text(encoding="utf-8"), title="A note")

    @register("boom")
    def load_boom(path: Path) -> Parsed:
        raise RuntimeError("parser bug")

    doc = load_document(write(tmp_path, "x.note", "Be kind to customers."), tmp_path)
    assert (doc.title, doc.text) == ("A note", "Be kind to customers.")
    error = load_error(write(tmp_path, "x.boom", "data"), tmp_path)
    assert "parser bug" in error.reason


def test_unsupported_suffix(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "deck.pptx", b"PK\x03\x04"), tmp_path)
    assert ".pptx" in error.reason and ".md" in error.reason


@pytest.mark.parametrize("name", ["empty.md", "empty.txt", "empty.csv", "empty.pdf"])
@pytest.mark.parametrize("data", [b"", b"  \n\n\t\n"])
def test_empty_file(tmp_path: Path, name: str, data: bytes) -> None:
    assert "empty" in load_error(write(tmp_path, name, data), tmp_path).reason


def test_missing_file_and_file_outside_root(tmp_path: Path) -> None:
    assert "cannot read" in load_error(tmp_path / "gone.md", tmp_path).reason
    outside = write(tmp_path, "a.md", "# A\n\nText.")
    assert "outside" in load_error(outside, tmp_path / "knowledge").reason


# --- Markdown --------------------------------------------------------------------------------

FULL_FRONT_MATTER = """\
---
title: Refunds on the spot
type: policy
roles: [call-centre, store]
language: en
owner: Ana Lima
updated: 2025-03-01
review_by: 2025-09-01
tags: refunds, empowerment
---
# Refunds

Staff may refund up to $50 without approval.
"""


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "policies/refunds.md", FULL_FRONT_MATTER)
    doc = load_document(path, tmp_path)
    assert doc.path == "policies/refunds.md"
    assert doc.title == "Refunds on the spot"
    assert doc.text == "# Refunds\n\nStaff may refund up to $50 without approval."
    assert doc.language == "en"
    assert doc.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    meta = doc.meta
    assert meta.type is DocType.policy
    assert meta.roles == ["call-centre", "store"]
    assert meta.tags == ["refunds", "empowerment"]
    assert (meta.owner, str(meta.updated), str(meta.review_by)) == (
        "Ana Lima",
        "2025-03-01",
        "2025-09-01",
    )


def test_markdown_lenient_field_forms(tmp_path: Path) -> None:
    text = (
        "---\nroles: warehouse\ntags: [2025, peak]\ntype: Role_Guide\nlanguage: ja-JP\n---\n本文。"
    )
    doc = load_document(write(tmp_path, "g.md", text), tmp_path)
    assert doc.meta.roles == ["warehouse"]
    assert doc.meta.tags == ["2025", "peak"]
    assert doc.meta.type is DocType.role_guide
    assert doc.language == "ja"


def test_markdown_without_front_matter_uses_h1_and_detects_japanese(tmp_path: Path) -> None:
    text = "\ufeff# 返品ポリシー\r\n\r\nお客様の声を大切にします。\r\n"
    doc = load_document(write(tmp_path, "返品.md", text), tmp_path)
    assert doc.title == "返品ポリシー"
    assert doc.language == "ja"
    # No front matter: the title says what kind of document it is.
    assert doc.meta == DocumentMeta(type=DocType.policy)
    assert "\r" not in doc.text


def test_title_falls_back_to_readable_file_name(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "return-policy_v2.md", "No heading here."), tmp_path)
    assert doc.title == "Return policy v2"
    assert doc.language == "en"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: Returns\ntype: policy\n  owner: Ann\n---\nBody.", 4),
        ("\n\n---\ntitle: Returns\ntype: policy\n  owner: Ann\n---\nBody.", 6),
        ("---\ntitle: Returns\n\towner: Ann\n---\nBody.", 3),
        ("---\n\ntitle: [unclosed\nowner: Ann\n---\nBody.", 4),
    ],
)
def test_bad_yaml_reports_line_in_file(tmp_path: Path, text: str, line: int) -> None:
    error = load_error(write(tmp_path, "bad.md", text), tmp_path)
    assert "YAML" in error.reason
    assert error.line == line


@pytest.mark.parametrize(
    ("field_line", "field", "words", "line"),
    [
        ("updated: not-a-date", "updated", ["date", "2025-01-31"], 3),
        ("updated: 2025-13-45", "updated", ["date"], 3),
        ("type: unknown-kind", "type", ["role-guide", "playbook", "unknown-kind"], 3),
        ("roles: 5", "roles", ["list", "comma"], 3),
        ("tags: {a: 1}", "tags", ["list"], 3),
        ("owner: [a, b]", "owner", ["text"], 3),
        ("language: Japanese", "language", ["en", "ja"], 3),
    ],
)
def test_wrong_field_kind_names_field_and_line(
    tmp_path: Path, field_line: str, field: str, words: list[str], line: int
) -> None:
    text = f"---\ntitle: Returns\n{field_line}\n---\nBody."
    error = load_error(write(tmp_path, "bad.md", text), tmp_path)
    assert f"'{field}'" in error.reason
    for word in words:
        assert word in error.reason
    assert error.line == line


def test_front_matter_not_a_mapping(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "bad.md", "---\n- a\n- b\n---\nBody."), tmp_path)
    assert "key: value" in error.reason and error.line == 2


def test_unclosed_front_matter(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "bad.md", "---\ntitle: Returns\n\nBody."), tmp_path)
    assert "never closed" in error.reason and error.line == 1


def test_front_matter_only_is_an_empty_document(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "fm.md", "---\ntitle: Only\n---\n"), tmp_path)
    assert "no text" in error.reason


# --- plain text and encodings ------------------------------------------------------------------


def test_cp932_japanese_text(tmp_path: Path) -> None:
    text = "返品について\r\n\r\nお客様には丁寧に対応してください。\r\n"
    doc = load_document(write(tmp_path, "sjis.txt", text.encode("cp932")), tmp_path)
    assert "お客様には丁寧に対応してください。" in doc.text
    assert doc.language == "ja"


def test_text_file_is_cleaned_and_titled_from_underlined_heading(tmp_path: Path) -> None:
    text = "Skip to main content\nReturns\n=======\n\nKeep every receipt.\nBack to top\n"
    doc = load_document(write(tmp_path, "returns.txt", text), tmp_path)
    assert doc.text == "# Returns\n\nKeep every receipt."
    assert doc.title == "Returns"


def test_undecodable_text_reports_line(tmp_path: Path) -> None:
    data = "Line one\nCaf\u00e9 cr\u00e8me\n".encode("latin-1")
    error = load_error(write(tmp_path, "latin.txt", data), tmp_path)
    assert "UTF-8" in error.reason and error.line == 2


# --- PDF -------------------------------------------------------------------------------------


def make_pdf(lines: list[str], *, title: str = "", author: str = "") -> bytes:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    # RC4 works without the optional cryptography package; AES would need it.
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_text_and_metadata(tmp_path: Path) -> None:
    data = make_pdf(
        ["Refund playbook", "Staff may refund up to 50 dollars without approval."],
        title="Refund playbook",
        author="CX Team",
    )
    doc = load_document(write(tmp_path, "playbook.pdf", data), tmp_path)
    assert "Staff may refund up to 50 dollars without approval." in doc.text
    assert doc.title == "Refund playbook"
    assert doc.meta.owner == "CX Team"
    assert doc.language == "en"


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    data = encrypt_pdf(make_pdf(["Be kind to every customer."]), user_password="")
    doc = load_document(write(tmp_path, "restricted.pdf", data), tmp_path)
    assert "Be kind to every customer." in doc.text


def test_password_protected_pdf(tmp_path: Path) -> None:
    data = encrypt_pdf(make_pdf(["Secret."]), user_password="secret")
    assert "password" in load_error(write(tmp_path, "locked.pdf", data), tmp_path).reason


@pytest.mark.parametrize(
    "data", [bytes(range(256)) * 8, b"%PDF-1.7\n" + bytes(range(200, 256)) * 20]
)
def test_corrupt_pdf(tmp_path: Path, data: bytes) -> None:
    assert "PDF" in load_error(write(tmp_path, "broken.pdf", data), tmp_path).reason


def test_image_only_and_blank_pdfs_say_scanned(tmp_path: Path) -> None:
    image = io.BytesIO()
    Image.new("RGB", (60, 40), "gray").save(image, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=60)
    scanned = write(tmp_path, "scan.pdf", bytes(pdf.output()))
    blank_pdf = FPDF()
    blank_pdf.add_page()
    blank = write(tmp_path, "blank.pdf", bytes(blank_pdf.output()))
    for path in (scanned, blank):
        assert "scanned image" in load_error(path, tmp_path).reason


# --- Word ------------------------------------------------------------------------------------


def test_docx_headings_lists_tables_and_properties(tmp_path: Path) -> None:
    word = WordDocument()
    word.core_properties.title = "Warehouse guide"
    word.core_properties.author = "Ken Sato"
    word.add_paragraph("Warehouse guide", style="Title")
    word.add_heading("Packing", level=1)
    word.add_paragraph("Every parcel is a promise to a customer.")
    word.add_heading("Checks", level=2)
    word.add_paragraph("Check the address twice.", style="List Bullet")
    table = word.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Item", "Limit"), ("Refund", "$50")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    localised = word.styles.add_style("見出し 1", WD_STYLE_TYPE.PARAGRAPH)
    word.add_paragraph("梱包のルール", style=localised)
    word.add_paragraph("丁寧に梱包します。")
    path = tmp_path / "guide.docx"
    word.save(str(path))

    doc = load_document(path, tmp_path)
    assert doc.text.split("\n\n") == [
        "# Warehouse guide",
        "# Packing",
        "Every parcel is a promise to a customer.",
        "## Checks",
        "- Check the address twice.",
        "Item | Limit\nRefund | $50",
        "# 梱包のルール",
        "丁寧に梱包します。",
    ]
    assert doc.title == "Warehouse guide"
    assert doc.meta.owner == "Ken Sato"


def test_japanese_docx_title_from_heading_and_language(tmp_path: Path) -> None:
    word = WordDocument()
    word.core_properties.title = ""
    word.add_heading("クレーム対応", level=1)
    word.add_paragraph("まずはお客様の話を最後まで聞きます。")
    path = tmp_path / "claims.docx"
    word.save(str(path))
    doc = load_document(path, tmp_path)
    assert (doc.title, doc.language) == ("クレーム対応", "ja")


def test_corrupt_docx(tmp_path: Path) -> None:
    not_zip = write(tmp_path, "a.docx", b"this is not a zip file at all")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("hello.txt", "no word document inside")
    wrong_zip = write(tmp_path, "b.docx", archive.getvalue())
    for path in (not_zip, wrong_zip):
        assert "Word" in load_error(path, tmp_path).reason


# --- HTML ------------------------------------------------------------------------------------

PAGE = """\
<!doctype html>
<html><head><title>Returns | Acme Help</title>
<meta name="description" content="Ignore this description">
<style>body { color: red }</style><script>var tracking = "script text";</script></head>
<body>
<header><a href="/">Acme</a> Sign in</header>
<nav><ul><li>Home</li><li>Products</li></ul></nav>
<div class="breadcrumb">Home &gt; Help &gt; Returns</div>
<main>
  <article>
    <header><h1>Returns</h1></header>
    <p>You can return <strong>any item</strong> within 30 days.</p>
    <h2>How to help</h2>
    <ul><li>Say sorry first.<ul><li>Then fix it.</li></ul></li><li>Offer a refund.</li></ul>
    <table><tr><th>Amount</th><th>Approval</th></tr><tr><td>$50</td><td>None</td></tr></table>
    <div class="share-buttons">Share on Facebook</div>
    <p>Was this article helpful? Yes No</p>
  </article>
  <aside>Related articles: Tracking</aside>
</main>
<div id="cookie-banner">We use cookies. <button>Accept all</button></div>
<footer>&copy; 2025 Acme. All rights reserved.</footer>
</body></html>
"""


def test_html_keeps_the_article_only(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "returns.html", PAGE), tmp_path)
    assert doc.text == (
        "# Returns\n\nYou can return any item within 30 days.\n\n## How to help\n\n"
        "- Say sorry first.\n  - Then fix it.\n- Offer a refund.\n\n"
        "| Amount | Approval |\n| $50 | None |"
    )
    assert doc.title == "Returns"


def test_html_declared_shift_jis(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="shift_jis"><title>配送について</title></head>'
        "<body><p>ご注文から三日以内にお届けします。</p></body></html>"
    )
    doc = load_document(write(tmp_path, "配送.htm", page.encode("shift_jis")), tmp_path)
    assert doc.text == "ご注文から三日以内にお届けします。"
    assert (doc.title, doc.language) == ("配送について", "ja")


def test_html_without_text(tmp_path: Path) -> None:
    page = "<html><body><nav>Home | Products</nav><script>x()</script></body></html>"
    assert "no text" in load_error(write(tmp_path, "empty.html", page), tmp_path).reason


# --- CSV -------------------------------------------------------------------------------------


def test_csv_rows_become_paragraphs(tmp_path: Path) -> None:
    data = (
        'Question,Answer\nCan I refund?,"Yes, up to $50."\n\nWho approves more?,"A lead,\nalways"\n'
    )
    doc = load_document(write(tmp_path, "faq.csv", data), tmp_path)
    assert doc.text == (
        "Question: Can I refund?; Answer: Yes, up to $50.\n\n"
        "Question: Who approves more?; Answer: A lead, always"
    )
    assert doc.title == "Faq"


def test_csv_semicolons_and_cp932(tmp_path: Path) -> None:
    data = "質問;回答\n返品できますか？;はい、30日以内なら可能です。\n".encode("cp932")
    doc = load_document(write(tmp_path, "よくある質問.csv", data), tmp_path)
    assert doc.text == "質問: 返品できますか？; 回答: はい、30日以内なら可能です。"
    assert doc.language == "ja"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ('Question,Answer\nA,B\nC,"unterminated "quote" here\n', 3),
        ("Question,Answer\nA,B\nC,D,E\n", 3),
    ],
)
def test_bad_csv_reports_line(tmp_path: Path, data: str, line: int) -> None:
    error = load_error(write(tmp_path, "bad.csv", data), tmp_path)
    assert "CSV" in error.reason or "row has" in error.reason
    assert error.line == line


# --- anything at all -------------------------------------------------------------------------


@given(
    suffix=st.sampled_from(sorted(supported_suffixes())),
    data=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda s: s.encode("utf-8")),
        st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"---\n", b"<html>"]).flatmap(
            lambda head: st.binary(max_size=500).map(lambda tail: head + tail)
        ),
    ),
)
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_bytes_give_document_or_load_error(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = write(tmp_path, f"random{suffix}", data)
    try:
        doc = load_document(path, tmp_path)
    except LoadError as error:
        assert error.reason
    else:
        assert isinstance(doc, Document) and doc.text.strip()


def test_html_valid_utf8_wins_over_a_stale_declaration(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"></head>'
        "<body><p>丁寧に対応します。</p></body></html>"
    )
    doc = load_document(write(tmp_path, "stale.html", page), tmp_path)
    assert doc.text == "丁寧に対応します。"
