"""Verification writes the front matter in place, byte for byte, and commits if git."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from bot.knowledge.frontmatter import read_keys, set_keys
from bot.knowledge.history import Author
from bot.knowledge.verify import VerifyError, review_interval, verify_document

NOW = dt.datetime(2026, 12, 3, 11, 30, tzinfo=dt.UTC)
AIKO = Author("Aiko Tanaka", "aiko@example.com")

DOC = (
    "---\n"
    "title: Refunds   # the policy, not the FAQ\n"
    "roles: [customer-support, store-staff]\n"
    "owner: Aiko Tanaka\n"
    "updated: 2026-05-01\n"
    "review_by: 2026-11-01\n"
    "---\n"
    "# Refunds\n\nSupport agents may refund up to ¥10,000.\n"
)


def test_only_the_named_keys_change() -> None:
    changed = set_keys(DOC, {"review_by": dt.date(2027, 5, 3), "verified_by": "Aiko Tanaka"})
    assert changed == DOC.replace("review_by: 2026-11-01\n", "review_by: 2027-05-03\n").replace(
        "---\n# Refunds", "verified_by: Aiko Tanaka\n---\n# Refunds"
    )


def test_line_endings_bom_and_leading_blank_lines_are_kept() -> None:
    crlf = "\ufeff\r\n" + DOC.replace("\n", "\r\n")
    changed = set_keys(crlf, {"review_by": dt.date(2027, 5, 3)})
    assert changed == crlf.replace("review_by: 2026-11-01", "review_by: 2027-05-03")
    added = set_keys(crlf, {"verified_by": "Ken"})
    assert "verified_by: Ken\r\n---\r\n" in added and added.startswith("\ufeff\r\n---\r\n")


def test_a_file_without_front_matter_gets_one() -> None:
    assert set_keys("# Notes\n", {"owner": "Ken: CX"}) == '---\nowner: "Ken: CX"\n---\n# Notes\n'
    assert read_keys(set_keys("# Notes\n", {"owner": "Ken: CX"})) == {"owner": "Ken: CX"}


def test_unclosed_front_matter_is_refused() -> None:
    with pytest.raises(ValueError, match="never closed"):
        set_keys("---\ntitle: x\n# body\n", {"owner": "Ken"})


@pytest.mark.parametrize(
    ("keys", "days"),
    [
        ({"review_every": 30}, 30),
        ({"review_every": "6 months"}, 180),
        ({"review_every": "2 weeks", "review_by": "2027-01-01"}, 14),
        ({"updated": dt.date(2026, 5, 1), "review_by": dt.date(2026, 11, 1)}, 184),
        ({"verified_at": "2026-10-01T09:00:00+00:00", "review_by": dt.date(2026, 12, 31)}, 91),
        ({"review_by": dt.date(2026, 12, 31)}, 120),
        ({"review_every": "often"}, 120),
    ],
)
def test_the_review_interval_is_the_documents_own(keys: dict[str, object], days: int) -> None:
    assert review_interval(keys, default_days=120) == dt.timedelta(days=days)


def test_verify_moves_review_by_and_records_who_and_when(tmp_path: Path) -> None:
    doc = tmp_path / "en" / "refunds.md"
    doc.parent.mkdir()
    doc.write_text(DOC, encoding="utf-8")
    doc.chmod(0o640)
    done = verify_document(tmp_path, "en/refunds.md", verifier=AIKO, now=NOW, default_days=90)
    assert done.review_by == dt.date(2027, 6, 5) and done.commit is None  # 184 days on
    keys = read_keys(doc.read_text(encoding="utf-8"))
    assert keys["review_by"] == dt.date(2027, 6, 5) and keys["verified_by"] == "Aiko Tanaka"
    assert str(keys["verified_at"]).startswith("2026-12-03")
    assert doc.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in doc.parent.iterdir()] == ["refunds.md"]  # no temporary left


@pytest.mark.parametrize("path", ["../outside.md", "en/missing.md", "en/table.csv"])
def test_only_markdown_documents_inside_the_folder_can_be_verified(
    tmp_path: Path, path: str
) -> None:
    (tmp_path / "outside.md").write_text(DOC, encoding="utf-8")
    knowledge = tmp_path / "knowledge"
    (knowledge / "en").mkdir(parents=True)
    (knowledge / "en" / "table.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(VerifyError):
        verify_document(knowledge, path, verifier=AIKO, now=NOW, default_days=90)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_in_a_git_folder_the_verification_is_committed_by_the_verifier(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    doc = tmp_path / "en" / "refunds.md"
    doc.parent.mkdir()
    doc.write_text(DOC, encoding="utf-8")
    other = tmp_path / "en" / "draft.md"
    other.write_text("# A lead's draft\n", encoding="utf-8")
    git(tmp_path, "add", "en/refunds.md")
    git(tmp_path, "-c", "user.name=Lead", "-c", "user.email=l@x", "commit", "-qm", "first")
    git(tmp_path, "add", "en/draft.md")  # staged, not the bot's to commit
    done = verify_document(tmp_path, "en/refunds.md", verifier=AIKO, now=NOW, default_days=90)
    assert done.commit == git(tmp_path, "rev-parse", "HEAD")
    assert git(tmp_path, "log", "-1", "--format=%an <%ae>|%s") == (
        "Aiko Tanaka <aiko@example.com>|Verify en/refunds.md: still correct (next review "
        "2027-06-05)"
    )
    assert git(tmp_path, "show", "--name-only", "--format=", "HEAD") == "en/refunds.md"
    assert "A  en/draft.md" in git(tmp_path, "status", "--short")
