#!/usr/bin/env bash
# Set up (if needed) and run every check and the whole test suite:
# lint, import layers, types, the browser code's unit tests (node --test tests/js/),
# then pytest (core, store on SQLite and PostgreSQL, live, web, browser,
# multi-process). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

.venv/bin/ruff check her2poll testkit tests bench
.venv/bin/ruff format --check her2poll testkit tests bench
.venv/bin/lint-imports --no-cache
.venv/bin/mypy  # files and strictness in pyproject.toml: strict on core and services

# The browser modules' unit tests; a run that finds no tests fails too.
mkdir -p test-artifacts
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-artifacts/node-tests.tap tests/js/
grep -q '^# pass [1-9]' test-artifacts/node-tests.tap || { echo "node --test ran no tests: failing the run" >&2; exit 1; }

set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing the run" >&2
  exit 1
fi
exit "$rc"
