#!/usr/bin/env bash
# The demo: a SQLite database with the demo roster, the bot (web, worker, clock) and the LINE simulator page.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m simulator.demo
