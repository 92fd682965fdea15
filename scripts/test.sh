#!/usr/bin/env bash
# One command: install what is missing, then run the whole test suite.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/enterprises -x).
# Without DATABASE_URL/REDIS_URL the suite runs on SQLite and skips the tests marked postgres/redis;
# CI sets them (and REQUIRE_SERVICES=1, which turns those skips into failures).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Two workers (pytest-xdist) by default; override with e.g. PYTEST_WORKERS=0 or -n 0.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
