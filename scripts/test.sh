#!/usr/bin/env bash
# Set up (if needed) and run every check and the whole test suite:
# lint, import layers, then pytest (core, store on SQLite and PostgreSQL,
# live, web, browser, multi-process). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

.venv/bin/ruff check her2poll testkit tests bench
.venv/bin/ruff format --check her2poll testkit tests bench
.venv/bin/lint-imports --no-cache

set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing the run" >&2
  exit 1
fi
exit "$rc"
