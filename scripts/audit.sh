#!/usr/bin/env bash
# Audit the dependencies installed in the project's virtual environment (what `make install`
# resolved and the tests ran against) for known vulnerabilities, with pip-audit.
#
#   scripts/audit.sh            AUDIT_SERVICE=osv scripts/audit.sh
#
# Exit codes: 0 clean; 1 known vulnerabilities; 2 a usage or tool problem;
#             3 the vulnerability service could not be reached or answered for nothing.
# Vulnerabilities without a fix are ignored only through audit-ignore.txt ("ID  reason").
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
SERVICE=${AUDIT_SERVICE:-pypi}
IGNORE_FILE=${AUDIT_IGNORE_FILE:-audit-ignore.txt}
PY="$VENV/bin/python"

if [[ ! -x "$VENV/bin/pip-audit" ]]; then
  echo "audit: $VENV/bin/pip-audit not found; run make install (dev extra)." >&2
  exit 2
fi

ignores=()
if [[ -f "$IGNORE_FILE" ]]; then
  while read -r id reason; do
    [[ -z "$id" || "$id" == \#* ]] && continue
    if [[ -z "$reason" ]]; then
      echo "audit: $IGNORE_FILE: $id has no reason; every ignored vulnerability needs one." >&2
      exit 2
    fi
    ignores+=(--ignore-vuln "$id")
    echo "audit: ignoring $id: $reason"
  done < "$IGNORE_FILE"
fi

report=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$report" "$errors"' EXIT

"$VENV/bin/pip-audit" --local --skip-editable --vulnerability-service "$SERVICE" \
  --format json --progress-spinner off --timeout 30 "${ignores[@]}" >"$report" 2>"$errors"
status=$?

if [[ $status -gt 1 || ! -s "$report" ]]; then
  # pip-audit stops with a traceback when the service cannot be reached at all (OSV).
  if grep -qiE "connection|timed? ?out|resolve|network|unreachable|HTTPError|SSLError" "$errors"; then
    echo "AUDIT NOT DONE: the vulnerability service ($SERVICE) could not be reached:" >&2
    grep -iE "error" "$errors" | tail -n 3 >&2
    exit 3
  fi
  echo "audit: pip-audit failed (exit $status):" >&2
  tail -n 20 "$errors" >&2
  exit 2
fi

"$PY" scripts/audit_report.py "$SERVICE" <"$report"
