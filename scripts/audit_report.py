"""Summarise a `pip-audit --format json` report and choose the audit's exit code.

Reads the JSON on standard input. Exit codes (scripts/audit.sh passes them on):
  0  every audited package is free of known vulnerabilities
  1  at least one known vulnerability (not listed in audit-ignore.txt)
  3  the vulnerability service answered for too few packages to vouch for anything
     (pip-audit itself then says "No known vulnerabilities found", which would be a lie)
"""

from __future__ import annotations

import json
import sys
from typing import Any

CLEAN, VULNERABLE, UNREACHABLE = 0, 1, 3
# pip-audit's reason when the service had no record of a package (or could not be asked).
_NOT_FOUND = "could not be audited"


def decide(report: dict[str, Any], *, service: str) -> tuple[int, list[str]]:
    dependencies: list[dict[str, Any]] = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    unknown = [d for d in dependencies if _NOT_FOUND in str(d.get("skip_reason", ""))]
    vulnerable = [d for d in audited if d.get("vulns")]
    lines = [
        f"pip-audit ({service}): {len(dependencies)} installed packages, {len(audited)} audited, "
        f"{len(unknown)} unknown to the service."
    ]
    # Local-only packages (the bundled model wheel) are unknown anywhere; most of the
    # environment being unknown means the service did not really answer.
    if not audited or len(unknown) > len(audited):
        lines.append(
            f"AUDIT NOT DONE: the vulnerability service ({service}) could not be used: it had "
            f"no answer for {len(unknown)} of {len(dependencies)} packages. Check network "
            "access to it (PyPI's JSON API or api.osv.dev), or run with AUDIT_SERVICE=osv|pypi."
        )
        return UNREACHABLE, lines
    for dependency in unknown:
        lines.append(f"  not audited: {dependency['name']} ({dependency['skip_reason']})")
    if not vulnerable:
        lines.append("No known vulnerabilities.")
        return CLEAN, lines
    count = sum(len(d["vulns"]) for d in vulnerable)
    lines.append(f"{count} known vulnerabilities in {len(vulnerable)} packages:")
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            lines.append(
                f"  {dependency['name']} {dependency.get('version', '?')}: {vuln['id']}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in: {fixes}"
            )
    lines.append(
        "Upgrade the package, or, when no fix exists, add the ID with a reason to audit-ignore.txt."
    )
    return VULNERABLE, lines


def main() -> int:
    service = sys.argv[1] if len(sys.argv) > 1 else "pypi"
    try:
        report = json.load(sys.stdin)
    except json.JSONDecodeError:
        print("AUDIT NOT DONE: pip-audit gave no report.", file=sys.stderr)
        return UNREACHABLE
    code, lines = decide(report, service=service)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
