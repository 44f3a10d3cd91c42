#!/usr/bin/env bash
# The whole test suite, on SQLite and on PostgreSQL (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh chromium
# two workers (2 cores), each with its own PostgreSQL database; pass -n 0 to run in one process
exec .venv/bin/python -m pytest -q -n 2 "$@"
