#!/usr/bin/env bash
# The demo: a SQLite database with the demo roster, the bot (web, worker, clock) and the LINE simulator page.
# Options: --at "2026-12-02 08:55" (the demo's clock starts there) or --real-time (default: a school morning).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m simulator.demo "$@"
