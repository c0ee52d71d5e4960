#!/usr/bin/env bash
# The suite again on real servers: PostgreSQL and a Chroma server on loopback
# (scripts/services.sh), every test with PostgreSQL and Chroma databases of its own
# (tests/servers.py), plus the multi-process tests in tests/integration/test_processes.py.
#
#   scripts/test-servers.sh                      the whole suite but the JSQuAD run (see below)
#   scripts/test-servers.sh -x --durations=10    the same, with pytest options
#   scripts/test-servers.sh tests/unit/test_store.py -k claim
#   scripts/test-servers.sh tests                everything (JSQuAD takes minutes more)
#
# Servers this run started are stopped afterwards; ones another run is still using stay up.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PY:-.venv/bin/python}"

settings="$(scripts/services.sh start --holder $$)"
trap 'scripts/services.sh release $$' EXIT
while IFS= read -r line; do
    [[ -n "$line" ]] && export "${line?}"
done <<<"$settings"
export CX_TEST_SERVERS=1 HF_HUB_OFFLINE=1

paths=0
for arg in "$@"; do
    [[ "$arg" != -* && -e "${arg%%::*}" ]] && paths=1
done
if ((paths == 0)); then
    # The JSQuAD run (marked slow) measures retrieval quality, which the golden-set tests
    # already check on the servers; it would add minutes of the same HNSW search over HTTP.
    set -- "$@" -m "not slow" tests
fi
"$PY" -m pytest "$@"
