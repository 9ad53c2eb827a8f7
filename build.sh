#!/usr/bin/env bash
# NbaPredict build / test entry point.
#
#   ./build.sh            build the solution (Release)
#   ./build.sh build      same
#   ./build.sh test       build, start throwaway PostgreSQL 15 + Redis on loopback,
#                         run every test of the solution, stop the servers again.
#                         The last line of output is always "N passed, N failed".
#
# Environment:
#   NBAPREDICT_TEST_FILTER    optional, passed to `dotnet test --filter`
#   NBAPREDICT_TEST_RESULTS   optional, TRX output dir (default: <repo>/TestResults, wiped per run)
#   NBAPREDICT_PG_BIN         optional, PostgreSQL bin dir (default: /usr/lib/postgresql/15/bin)
#   NBAPREDICT_KEEP_TMP=1     optional, keep the server temp dir (logs) after the run
#
# Exported to the tests (see docs/decisions/0002-test-infrastructure.md):
#   NBAPREDICT_TEST_POSTGRES  Npgsql connection string to the throwaway server (superuser "postgres")
#   NBAPREDICT_TEST_REDIS     StackExchange.Redis configuration "127.0.0.1:<port>"
#   NBAPREDICT_CHROMIUM       Chromium for the browser test (apt package chromium, installed when missing)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

SLN="NbaPredict.sln"
CONFIGURATION="Release"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [[ "${CI:-}" == "true" ]]; then
  # No long-lived MSBuild worker nodes in CI: they can outlive the job.
  export MSBUILDDISABLENODEREUSE=1
fi

log()  { printf '==> %s\n' "$*"; }
warn() { printf '==> WARNING: %s\n' "$*" >&2; }
die()  { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
usage: ./build.sh [build|test]
  build   dotnet build $SLN -c $CONFIGURATION (default)
  test    build, start throwaway PostgreSQL + Redis, run all tests;
          prints "N passed, N failed" as the last line
EOF
}

do_build() {
  log "dotnet build $SLN -c $CONFIGURATION"
  dotnet build "$SLN" -c "$CONFIGURATION"
}

# ---------------------------------------------------------------------------
# test mode state (used by the EXIT trap)
# ---------------------------------------------------------------------------
TEST_MODE=0
TMP_ROOT=""
PGDATA_DIR=""
PG_PORT=""
PG_STARTED=0
REDIS_PORT=""
REDIS_PIDFILE=""
REDIS_STARTED=0
CHILD_PID=""
CLEANED=0
SUM_PASSED=0
SUM_FAILED=1   # pessimistic default: anything that stops us before counting is a failure

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Run a PostgreSQL server binary as the postgres user when we are root
# (initdb / pg_ctl refuse to run as root).
as_pg() {
  if is_root; then
    (cd "$TMP_ROOT" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

port_in_use() {
  local p="$1"
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Htan "sport = :$p" 2>/dev/null)" ]] && return 0
  fi
  # Fallback / double check: can we connect to it?
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0
  return 1
}

# Pick a free loopback TCP port below the default ephemeral range.
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((15000 + (RANDOM * 32768 + RANDOM) % 17000))
    [[ "$p" == "${PG_PORT:-}" || "$p" == "${REDIS_PORT:-}" ]] && continue
    if ! port_in_use "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# Test prerequisites from apt: redis-server, and chromium for the GraphQL IDE browser test
# (tests/NbaPredict.IntegrationTests/Ide), which drives the system Chromium and never downloads a browser.
ensure_prerequisites() {
  local missing=()
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    missing+=(redis-server)
  fi
  if [[ -z "${NBAPREDICT_CHROMIUM:-}" ]] && ! command -v chromium >/dev/null 2>&1; then
    missing+=(chromium)
  fi
  if ((${#missing[@]})); then
    log "${missing[*]} not found, installing with apt-get"
    local sudo=()
    if ! is_root; then
      command -v sudo >/dev/null 2>&1 || die "${missing[*]} missing and we are not root (no sudo); install ${missing[*]}"
      sudo=(sudo -n)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]+"${sudo[@]}"}" apt-get update </dev/null
    "${sudo[@]+"${sudo[@]}"}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server still not on PATH after apt-get install"
  export NBAPREDICT_CHROMIUM="${NBAPREDICT_CHROMIUM:-$(command -v chromium || true)}"
  if [[ -n "$NBAPREDICT_CHROMIUM" ]]; then
    log "NBAPREDICT_CHROMIUM=$NBAPREDICT_CHROMIUM"
  else
    warn "chromium still not on PATH after apt-get install: the GraphQL IDE browser test will fail"
  fi
}

find_pg_bin() {
  PG_BIN="${NBAPREDICT_PG_BIN:-/usr/lib/postgresql/15/bin}"
  if [[ ! -x "$PG_BIN/pg_ctl" ]]; then
    local c
    c="$(command -v pg_ctl 2>/dev/null || true)"
    [[ -n "$c" ]] || die "PostgreSQL binaries not found (looked in $PG_BIN and PATH); set NBAPREDICT_PG_BIN"
    PG_BIN="$(dirname "$c")"
  fi
  for b in initdb pg_ctl pg_isready psql; do
    [[ -x "$PG_BIN/$b" ]] || die "$PG_BIN/$b missing"
  done
}

print_file() {
  local title="$1" file="$2"
  echo "----- $title ($file) -----" >&2
  if [[ -r "$file" ]]; then tail -n 100 "$file" >&2; else echo "(no log file)" >&2; fi
  echo "----- end of $title -----" >&2
}

start_postgres() {
  local pgdir="$TMP_ROOT/pg"
  PGDATA_DIR="$pgdir/data"
  PG_LOG="$pgdir/postgres.log"
  mkdir -p "$pgdir"
  if is_root; then chown postgres:postgres "$pgdir"; fi

  log "initdb ($("$PG_BIN/postgres" --version)) in $PGDATA_DIR"
  if ! as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" --auth=trust -U postgres -E UTF8 --no-locale \
      --no-sync --no-instructions >"$TMP_ROOT/initdb.log" 2>&1; then
    print_file "initdb output" "$TMP_ROOT/initdb.log"
    die "initdb failed"
  fi

  as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null <<EOF

# --- throwaway test server (build.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pgdir'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 30min
max_wal_size = 2GB
autovacuum = off
log_min_messages = warning
log_min_error_statement = error
EOF

  local attempt
  for attempt in 1 2 3; do
    PG_PORT="$(free_port)" || die "no free port for PostgreSQL"
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    if as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -o "-p $PG_PORT" -w -t 60 start \
        </dev/null >"$TMP_ROOT/pg_ctl.log" 2>&1; then
      PG_STARTED=1
      break
    fi
    PG_STARTED=1   # make sure cleanup tries to stop a half-started server
    if grep -qi 'address already in use' "$PG_LOG" 2>/dev/null && [[ $attempt -lt 3 ]]; then
      warn "port $PG_PORT was taken meanwhile, retrying with another port"
      as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
      PG_STARTED=0
      continue
    fi
    print_file "pg_ctl output" "$TMP_ROOT/pg_ctl.log"
    print_file "PostgreSQL log" "$PG_LOG"
    die "PostgreSQL failed to start"
  done

  local deadline=$((SECONDS + 60))
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres; do
    if ((SECONDS >= deadline)); then
      print_file "PostgreSQL log" "$PG_LOG"
      die "PostgreSQL on 127.0.0.1:$PG_PORT not ready after 60s"
    fi
    sleep 0.2
  done

  local version
  if ! version="$("$PG_BIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
      -v ON_ERROR_STOP=1 -Atqc 'show server_version' 2>&1)"; then
    echo "$version" >&2
    print_file "PostgreSQL log" "$PG_LOG"
    die "psql cannot connect to 127.0.0.1:$PG_PORT"
  fi
  log "PostgreSQL $version ready on 127.0.0.1:$PG_PORT"
}

start_redis() {
  local rdir="$TMP_ROOT/redis"
  mkdir -p "$rdir"
  REDIS_PIDFILE="$rdir/redis.pid"
  local rlog="$rdir/redis.log"

  local attempt
  for attempt in 1 2 3; do
    REDIS_PORT="$(free_port)" || die "no free port for Redis"
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    : >"$rlog"
    if ! redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
        --daemonize yes --pidfile "$REDIS_PIDFILE" --logfile "$rlog" --dir "$rdir" \
        </dev/null >"$rdir/stdout.log" 2>&1; then
      print_file "redis-server output" "$rdir/stdout.log"
      die "redis-server failed to start"
    fi
    REDIS_STARTED=1

    local deadline=$((SECONDS + 30)) ok=0
    while ((SECONDS < deadline)); do
      if [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; then
        ok=1
        break
      fi
      if grep -qi 'address already in use' "$rlog" 2>/dev/null; then
        break
      fi
      sleep 0.2
    done
    if ((ok)); then
      log "Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') ready on 127.0.0.1:$REDIS_PORT"
      return 0
    fi
    if grep -qi 'address already in use' "$rlog" 2>/dev/null && [[ $attempt -lt 3 ]]; then
      warn "port $REDIS_PORT was taken meanwhile, retrying with another port"
      stop_redis
      continue
    fi
    print_file "Redis log" "$rlog"
    die "Redis on 127.0.0.1:$REDIS_PORT did not answer PING within 30s"
  done
}

pid_alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }

wait_gone() {
  local pid="$1" i
  for ((i = 0; i < 100; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  return 1
}

stop_redis() {
  ((REDIS_STARTED)) || return 0
  local pid=""
  [[ -r "$REDIS_PIDFILE" ]] && pid="$(head -n1 "$REDIS_PIDFILE" 2>/dev/null || true)"
  log "stopping Redis (127.0.0.1:$REDIS_PORT)"
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if [[ -n "$pid" ]] && ! wait_gone "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  fi
  REDIS_STARTED=0
}

stop_postgres() {
  ((PG_STARTED)) || return 0
  local pid=""
  [[ -r "$PGDATA_DIR/postmaster.pid" ]] && pid="$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)"
  log "stopping PostgreSQL (127.0.0.1:$PG_PORT)"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  if [[ -n "$pid" ]] && ! wait_gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" || true
  fi
  PG_STARTED=0
}

# All descendants of a pid (children first listed after their parent).
descendants() {
  ps -eo pid=,ppid= 2>/dev/null | awk -v root="$1" '
    { parent[NR] = $2; pid[NR] = $1 }
    END {
      want[root] = 1; changed = 1
      while (changed) {
        changed = 0
        for (i = 1; i <= NR; i++)
          if (want[parent[i]] && !want[pid[i]]) { want[pid[i]] = 1; changed = 1; print pid[i] }
      }
    }'
}

# Stop the running dotnet child and everything it spawned (vstest.console, testhosts, ...).
stop_child() {
  [[ -n "$CHILD_PID" ]] && pid_alive "$CHILD_PID" || return 0
  local pids p
  pids="$CHILD_PID $(descendants "$CHILD_PID" | tr '\n' ' ')"
  log "stopping running dotnet process tree ($pids)"
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null
  local i alive
  for ((i = 0; i < 100; i++)); do
    alive=""
    for p in $pids; do pid_alive "$p" && alive+=" $p"; done
    [[ -z "$alive" ]] && break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  [[ -n "$alive" ]] && kill -KILL $alive 2>/dev/null
  CHILD_PID=""
}

cleanup() {
  ((CLEANED)) && return 0
  CLEANED=1
  set +e
  stop_child
  stop_redis
  stop_postgres
  if [[ -n "$TMP_ROOT" && -d "$TMP_ROOT" ]]; then
    if [[ "${NBAPREDICT_KEEP_TMP:-}" == "1" ]]; then
      log "keeping $TMP_ROOT"
    else
      rm -rf "$TMP_ROOT"
    fi
  fi
}

on_exit() {
  local rc=$?
  cleanup
  if ((TEST_MODE)); then
    # Must stay the very last line of output.
    echo "$SUM_PASSED passed, $SUM_FAILED failed"
  fi
  exit "$rc"
}

on_signal() {
  local sig="$1" code="$2"
  trap - INT TERM
  warn "interrupted by SIG$sig"
  exit "$code"
}

# Run a command in the background and wait for it, so INT/TERM traps fire promptly.
run_child() {
  local rc=0
  "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}

trx_attr() {
  # trx_attr <name> <counters-element>  -> numeric attribute value or 0
  local v
  v="$(sed -n "s/.*[[:space:]]$1=\"\([0-9][0-9]*\)\".*/\1/p" <<<"$2")"
  echo "${v:-0}"
}

count_trx() {
  local dir="$1" f counters n=0 p f_ total
  local passed=0 failed=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    counters="$(tr '\r\n' '  ' <"$f" | grep -o '<Counters[[:space:]][^>]*>' | head -n1 || true)"
    if [[ -z "$counters" ]]; then
      warn "no <Counters> element in $f (counted as 1 failure)"
      failed=$((failed + 1))
      continue
    fi
    total="$(trx_attr total "$counters")"
    p="$(trx_attr passed "$counters")"
    f_=$(($(trx_attr failed "$counters") + $(trx_attr error "$counters") \
      + $(trx_attr timeout "$counters") + $(trx_attr aborted "$counters")))
    log "$(basename "$f"): total=$total passed=$p failed=$f_"
    passed=$((passed + p))
    failed=$((failed + f_))
  done < <(find "$dir" -type f -name '*.trx' -print0 2>/dev/null)
  if ((n == 0)); then
    warn "no TRX files found in $dir"
    return 1
  fi
  SUM_PASSED=$passed
  SUM_FAILED=$failed
  return 0
}

do_test() {
  TEST_MODE=1
  trap on_exit EXIT
  trap 'on_signal INT 130' INT
  trap 'on_signal TERM 143' TERM

  local results="${NBAPREDICT_TEST_RESULTS:-$ROOT/TestResults}"

  # 1. build (a compile failure is reported here, before any server starts)
  if ! run_child dotnet build "$SLN" -c "$CONFIGURATION"; then
    warn "build failed"
    exit 1
  fi

  # 2. servers
  ensure_prerequisites
  find_pg_bin
  TMP_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/nbapredict-test.XXXXXX")"
  chmod 755 "$TMP_ROOT"
  start_postgres
  start_redis

  export NBAPREDICT_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=postgres;Database=postgres;Pooling=true"
  export NBAPREDICT_TEST_REDIS="127.0.0.1:$REDIS_PORT"
  log "NBAPREDICT_TEST_POSTGRES=$NBAPREDICT_TEST_POSTGRES"
  log "NBAPREDICT_TEST_REDIS=$NBAPREDICT_TEST_REDIS"

  # 3. tests
  rm -rf "$results"
  mkdir -p "$results"
  local args=(test "$SLN" -c "$CONFIGURATION" --no-build
    --logger "trx" --logger "console;verbosity=normal"
    --results-directory "$results")
  if [[ -n "${NBAPREDICT_TEST_FILTER:-}" ]]; then
    log "test filter: $NBAPREDICT_TEST_FILTER"
    args+=(--filter "$NBAPREDICT_TEST_FILTER")
  fi
  log "dotnet ${args[*]}"
  local test_rc=0
  run_child dotnet "${args[@]}" || test_rc=$?
  log "dotnet test exited with $test_rc"

  # 4. count
  if ! count_trx "$results"; then
    SUM_PASSED=0
    SUM_FAILED=1
    exit 1
  fi
  log "TRX results in $results"
  if ((test_rc != 0 && SUM_FAILED == 0)); then
    # e.g. a crashed test host whose results never reached a TRX file
    warn "dotnet test failed (exit $test_rc) although no TRX reports a failure; counting 1 failure"
    SUM_FAILED=1
  fi
  if ((test_rc == 0 && SUM_FAILED == 0 && SUM_PASSED > 0)); then
    exit 0
  fi
  ((SUM_PASSED > 0)) || warn "no test passed"
  exit 1
}

case "${1:-build}" in
  build) do_build ;;
  test) do_test ;;
  -h | --help | help) usage ;;
  *)
    echo "build.sh: unknown command '$1'" >&2
    usage >&2
    exit 2
    ;;
esac
