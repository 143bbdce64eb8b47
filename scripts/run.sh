#!/usr/bin/env bash
# Runs the bot with the embedded defaults (SQLite under ./data, long polling). Creates the
# virtualenv on first use. Arguments go to `python -m bot` (e.g. `scripts/run.sh commune list`).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import bot, aiogram" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e . 2>&1 \
    | grep -v "^WARNING: Location" || true
fi
exec "$VENV/bin/python" -m bot "$@"
