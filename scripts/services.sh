#!/usr/bin/env bash
# Throwaway PostgreSQL and Chroma servers on loopback: for the integration suite
# (scripts/test-servers.sh) and for trying the production set-up on one machine.
#
#   scripts/services.sh start [--holder PID]  install PostgreSQL if missing, start both servers,
#                                             wait until they answer, print the settings
#   scripts/services.sh release PID           forget a holder; stop when no live holder is left
#                                             (servers started without --holder stay up)
#   scripts/services.sh env                   print the settings (KEY=VALUE lines, for .env)
#   scripts/services.sh status                exit 0 when both servers answer
#   scripts/services.sh stop                  stop both servers (data is kept)
#   scripts/services.sh reset                 stop both and delete their data
#
# Idempotent: `start` on running servers only prints the settings. Everything lives under
# .data/services (gitignored). Only stdout carries the KEY=VALUE lines; progress goes to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${CX_SERVICES_DIR:-$ROOT/.data/services}"
PG_PORT="${CX_SERVICES_PG_PORT:-55432}"
CHROMA_PORT="${CX_SERVICES_CHROMA_PORT:-58000}"
PG_ROLE=cx
PG_DATABASE=cx
# A real password (scram-sha-256 on loopback), so the URL carries a secret like production's.
PG_PASSWORD="${CX_SERVICES_PG_PASSWORD:-cx-test-password}"
PG_DATA="$STATE/pg"
PG_LOG="$STATE/pg.log"
CHROMA_DATA="$STATE/chroma"
CHROMA_PID="$STATE/chroma.pid"
CHROMA_LOG="$STATE/chroma.log"
CHROMA_BIN="${CX_SERVICES_CHROMA_BIN:-$ROOT/.venv/bin/chroma}"
HOLDERS="$STATE/holders"
WAIT_SECONDS="${CX_SERVICES_WAIT_SECONDS:-90}"

say() { printf 'services: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# -- PostgreSQL ---------------------------------------------------------------------------

pg_bindir() {
    # Debian keeps the server binaries out of PATH, one folder per major version.
    local dir found=""
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]] && found="$dir"
    done
    if [[ -z "$found" ]] && command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        found="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    fi
    printf '%s' "$found"
}

install_postgres() {
    say "PostgreSQL not found; installing it from the Debian packages"
    local sudo=()
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; then
        "${sudo[@]}" apt-get update -q >&2
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    fi
}

# PostgreSQL refuses to run as root: as root the cluster belongs to a system user.
pg_os_user() {
    if [[ $EUID -ne 0 ]]; then
        id -un
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        id cx-postgres >/dev/null 2>&1 || useradd --system --no-create-home cx-postgres
        echo cx-postgres
    fi
}

as_pg() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u "$PG_USER" -- "$@"
    else
        "$@"
    fi
}

pg_running() { [[ -f "$PG_DATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

pg_init() {
    say "creating a PostgreSQL cluster in $PG_DATA (port $PG_PORT)"
    rm -rf "$PG_DATA"
    mkdir -p "$PG_DATA"
    chown "$PG_USER" "$PG_DATA"
    chmod 700 "$PG_DATA"
    local pwfile="$STATE/.initdb-password"
    (umask 077 && printf '%s\n' "$PG_PASSWORD" >"$pwfile")
    chown "$PG_USER" "$pwfile"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_ROLE" --pwfile="$pwfile" -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$STATE/initdb.log" 2>&1 \
        || { cat "$STATE/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
    # Loopback only, no Unix socket; durability traded for speed: this cluster is throwaway.
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# scripts/services.sh: a throwaway test cluster
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 300
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

pg_start() {
    PG_BIN="$(pg_bindir)"
    if [[ -z "$PG_BIN" ]]; then
        install_postgres
        PG_BIN="$(pg_bindir)"
        [[ -n "$PG_BIN" ]] || die "PostgreSQL is still missing after apt-get install"
    fi
    PG_USER="$(pg_os_user)"
    if pg_running; then
        say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    else
        [[ -f "$PG_DATA/PG_VERSION" ]] || pg_init
        touch "$PG_LOG"
        chown "$PG_USER" "$PG_LOG"
        say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$WAIT_SECONDS" start >/dev/null 9>&- \
            || { tail -20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
    fi
    local deadline=$((SECONDS + WAIT_SECONDS))
    until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do
        ((SECONDS < deadline)) || die "PostgreSQL does not answer on port $PG_PORT (log: $PG_LOG)"
        sleep 0.2
    done
    local exists
    exists="$(PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" \
        -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")"
    if [[ "$exists" != 1 ]]; then
        PGPASSWORD="$PG_PASSWORD" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" \
            "$PG_DATABASE"
    fi
}

pg_stop() {
    PG_BIN="$(pg_bindir)"
    [[ -n "$PG_BIN" ]] || return 0
    PG_USER="$(pg_os_user)"
    if pg_running; then
        say "stopping PostgreSQL"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null
    fi
}

# -- Chroma -------------------------------------------------------------------------------

chroma_answers() {
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat" 2>/dev/null
}

chroma_pid() {
    local pid
    [[ -f "$CHROMA_PID" ]] || return 1
    pid="$(cat "$CHROMA_PID")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

chroma_start() {
    if chroma_pid >/dev/null && chroma_answers; then
        say "Chroma already running on 127.0.0.1:$CHROMA_PORT"
        return 0
    fi
    if chroma_answers; then
        die "port $CHROMA_PORT answers but is not our Chroma (no live $CHROMA_PID); set CX_SERVICES_CHROMA_PORT"
    fi
    [[ -x "$CHROMA_BIN" ]] || die "no chroma CLI at $CHROMA_BIN (pip install chromadb)"
    mkdir -p "$CHROMA_DATA"
    say "starting Chroma on 127.0.0.1:$CHROMA_PORT"
    # setsid: the server outlives this script and ignores the caller's Ctrl+C.
    ANONYMIZED_TELEMETRY=False setsid "$CHROMA_BIN" run --path "$CHROMA_DATA" --host 127.0.0.1 \
        --port "$CHROMA_PORT" >"$CHROMA_LOG" 2>&1 </dev/null 9>&- &
    echo $! >"$CHROMA_PID"
    local deadline=$((SECONDS + WAIT_SECONDS))
    until chroma_answers; do
        chroma_pid >/dev/null || { tail -20 "$CHROMA_LOG" >&2; die "Chroma exited (log: $CHROMA_LOG)"; }
        ((SECONDS < deadline)) || die "Chroma does not answer on port $CHROMA_PORT (log: $CHROMA_LOG)"
        sleep 0.2
    done
}

chroma_stop() {
    local pid
    pid="$(chroma_pid)" || { rm -f "$CHROMA_PID"; return 0; }
    say "stopping Chroma (pid $pid)"
    kill "$pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            kill -9 "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    rm -f "$CHROMA_PID"
}

# -- commands -----------------------------------------------------------------------------

print_env() {
    printf 'CX_DATABASE_URL=postgresql+psycopg://%s:%s@127.0.0.1:%s/%s\n' \
        "$PG_ROLE" "$PG_PASSWORD" "$PG_PORT" "$PG_DATABASE"
    printf 'CX_CHROMA_HOST=127.0.0.1\n'
    printf 'CX_CHROMA_PORT=%s\n' "$CHROMA_PORT"
}

live_holders() {
    local file
    for file in "$HOLDERS"/*; do
        [[ -e "$file" ]] || continue
        if [[ ! "$(basename "$file")" =~ ^[0-9]+$ ]] || kill -0 "$(basename "$file")" 2>/dev/null; then
            echo "$(basename "$file")"
        else
            rm -f "$file"
        fi
    done
}

stop_all() {
    chroma_stop
    pg_stop
}

lock() {
    # One start/stop at a time: two test runs starting together must not both run initdb.
    # The servers are started with fd 9 closed, or they would hold this lock forever.
    mkdir -p "$STATE"
    exec 9>"$STATE/.lock"
    flock 9
}

command="${1:-}"
case "$command" in
start)
    lock
    mkdir -p "$HOLDERS"
    if [[ "${2:-}" == "--holder" ]]; then
        : >"$HOLDERS/${3:?--holder needs a PID}"
    else
        # Started by hand: only `stop` stops them, not the end of a test run.
        : >"$HOLDERS/by-hand"
    fi
    pg_start
    chroma_start
    print_env
    ;;
release)
    lock
    rm -f "$HOLDERS/${2:?release needs a PID}"
    if [[ -z "$(live_holders)" ]]; then
        stop_all
    else
        say "still used by $(live_holders | tr '\n' ' '); leaving the servers running"
    fi
    ;;
stop)
    lock
    rm -rf "$HOLDERS"
    stop_all
    ;;
reset)
    lock
    stop_all
    rm -rf "$PG_DATA" "$CHROMA_DATA" "$HOLDERS" "$PG_LOG" "$CHROMA_LOG" "$STATE/initdb.log"
    ;;
status)
    PG_BIN="$(pg_bindir)"
    [[ -n "$PG_BIN" ]] && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && chroma_answers
    ;;
env)
    print_env
    ;;
*)
    sed -n "2,15p" "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
