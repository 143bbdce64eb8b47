#!/usr/bin/env bash
# The one test command (README; .ci/run calls it). On a fresh machine it installs what the
# suite needs — a virtualenv with the project, PostgreSQL from the system's packages — starts
# a throw-away PostgreSQL cluster as an unprivileged user, then runs ruff, mypy, import-linter
# and the whole pytest suite on SQLite and on PostgreSQL. Extra arguments go to pytest.
# Under CI=true a missing component is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${VENV:-$ROOT/.venv}
CI=${CI:-false}

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Python environment --------------------------------------------------------------
say "Python environment ($VENV)"
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && "$PYTHON" -m venv "$VENV"; } \
    || fail "cannot create a virtualenv: install python3-venv"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev]" 2>&1 \
  | grep -v -E "^(WARNING: Location|DEPRECATION)" || true
"$VENV/bin/python" -c "import aiogram, sqlmodel" || fail "the project did not install"

# --- PostgreSQL ----------------------------------------------------------------------
find_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null && command -v initdb >/dev/null && dirname "$(command -v pg_ctl)"
}

PG_BIN=$(find_pg_bin || true)
if [ -z "$PG_BIN" ]; then
  say "Installing PostgreSQL from the system's packages"
  apt_install postgresql || true
  PG_BIN=$(find_pg_bin || true)
fi
if [ -z "$PG_BIN" ]; then
  [ "$CI" = true ] && fail "PostgreSQL is missing and could not be installed (CI=true: not skipping)"
  echo "test.sh: PostgreSQL not available; only the SQLite run will happen" >&2
fi

PG_DIR=""
PG_USER=""
stop_pg() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
    run_as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap stop_pg EXIT

run_as_pg() {
  if [ -z "$PG_USER" ]; then "$@"; else runuser -u "$PG_USER" -- "$@"; fi
}

start_pg() {
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pakn-pg.XXXXXX")
  if [ "$(id -u)" = 0 ]; then  # initdb refuses root: use the postgres account, or make one
    PG_USER=postgres
    id "$PG_USER" >/dev/null 2>&1 || { PG_USER=pakn-test; id "$PG_USER" >/dev/null 2>&1 \
      || useradd --system --no-create-home "$PG_USER"; }
    chown "$PG_USER" "$PG_DIR"
  fi
  PG_PORT=$("$VENV/bin/python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
  run_as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  run_as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o \
    "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$PG_DIR/log" >&2; fail "PostgreSQL did not start"; }
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres pakn_test
  export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/pakn_test"
}

# --- Redis (conversation state when REDIS_URL is set) ---------------------------------
# A throw-away redis-server on a free local port, keeping nothing on disk; the Redis tests
# find it through TEST_REDIS_URL.
if ! command -v redis-server >/dev/null; then
  say "Installing Redis from the system's packages"
  apt_install redis-server || true
fi
REDIS_PID=""
stop_redis() {
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
}
trap 'stop_pg; stop_redis' EXIT
if command -v redis-server >/dev/null; then
  REDIS_PORT=$("$VENV/bin/python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
  redis-server --save '' --appendonly no --port "$REDIS_PORT" --bind 127.0.0.1 \
    --daemonize no >/dev/null 2>&1 &
  REDIS_PID=$!
  export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  "$VENV/bin/python" - "$TEST_REDIS_URL" <<'PY' || fail "Redis did not start"
import sys, time
import redis
client = redis.Redis.from_url(sys.argv[1])
for _ in range(100):
    try:
        client.ping()
        break
    except redis.ConnectionError:
        time.sleep(0.1)
else:
    sys.exit(1)
PY
else
  [ "$CI" = true ] && fail "redis-server is missing and could not be installed (CI=true: not skipping)"
  echo "test.sh: redis-server not available; the Redis conversation-state test will be skipped" >&2
fi

# --- LibreOffice (the reports' PDF) --------------------------------------------------
# soffice converts the .docx to PDF; poppler-utils (pdftotext, pdftoppm) reads it back in
# the tests; fonts-liberation2 gives LibreOffice a serif with Times New Roman's metrics and
# the Vietnamese letters (fonts-liberation 1.x has no "Ủ": those letters came out in DejaVu).
has_serif() { command -v fc-list >/dev/null && fc-list :charset=1ee6 family | grep -i "Liberation Serif" >/dev/null; }
if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null || ! has_serif; then
  say "Installing LibreOffice Writer, poppler-utils and fonts-liberation2"
  apt_install libreoffice-writer-nogui poppler-utils fonts-liberation2 || true
fi
if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
  [ "$CI" = true ] && fail "LibreOffice (soffice) or poppler-utils is missing and could not be installed (CI=true: not skipping)"
  echo "test.sh: LibreOffice or poppler-utils not available; the PDF tests will be skipped" >&2
fi

# --- Chromium (the sandbox page's browser tests) --------------------------------------
# Playwright (a dev extra) drives the system's Chromium, headless; never a downloaded
# browser (no `playwright install`). The emoji font draws the bot's buttons in screenshots.
find_chromium() { command -v chromium || command -v chromium-browser; }
if ! find_chromium >/dev/null; then
  say "Installing Chromium from the system's packages"
  apt_install chromium fonts-noto-color-emoji || true
fi
if ! find_chromium >/dev/null; then
  [ "$CI" = true ] && fail "Chromium is missing and could not be installed (CI=true: not skipping)"
  echo "test.sh: Chromium not available; the browser tests (tests/browser) will be skipped" >&2
fi

# --- Checks and tests ----------------------------------------------------------------
say "ruff"
"$VENV/bin/ruff" check .
say "mypy"
"$VENV/bin/mypy"
say "import-linter (the layers in pyproject.toml)"
"$VENV/bin/lint-imports"

status=0
if [ -z "$PG_BIN" ]; then
  say "pytest on SQLite"
  "$VENV/bin/pytest" "$@" || status=$?
  exit $status
fi

# The two passes run side by side: much of each is spent waiting (bot processes starting,
# the fake Bot API, subprocesses), so together they take far less than one after the other.
# Each writes its own log, shown when it ends; the PostgreSQL pass gets its own Redis
# database (the Redis tests empty theirs).
start_pg
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/pakn-logs.XXXXXX")
say "pytest on SQLite and on PostgreSQL, side by side"
"$VENV/bin/pytest" "$@" >"$LOGS/sqlite.log" 2>&1 &
SQLITE_PID=$!
TEST_DATABASE_URL=$TEST_POSTGRES_URL TEST_REDIS_URL=${TEST_REDIS_URL:+${TEST_REDIS_URL%/0}/1} \
  "$VENV/bin/pytest" "$@" >"$LOGS/postgresql.log" 2>&1 &
PG_PID=$!
wait "$SQLITE_PID" || status=$?
say "pytest on SQLite"
cat "$LOGS/sqlite.log"
wait "$PG_PID" || status=$?
say "pytest on PostgreSQL"
cat "$LOGS/postgresql.log"
exit $status
