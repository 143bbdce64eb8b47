#!/usr/bin/env bash
# While an issue is in progress its schema changes live in ONE migration, named
# *_work_in_progress.py; this regenerates it from the models. Before the issue lands, rename
# it (scripts/dev_migration.sh "staff desk" gives it a final name).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f migrations/versions/*_work_in_progress.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
message=${1:-work in progress}
.venv/bin/alembic -x url="sqlite:///$tmp/base.db" upgrade head >/dev/null 2>&1
.venv/bin/alembic -x url="sqlite:///$tmp/base.db" revision --autogenerate -m "$message" 2>&1 | tail -1
.venv/bin/ruff format -q migrations/versions
