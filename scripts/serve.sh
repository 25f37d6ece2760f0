#!/usr/bin/env bash
# Set up (if needed) and serve her2poll on http://127.0.0.1:5000 with SQLite.
# Extra arguments go to 'her2poll serve' (e.g. --port 8080, --db URL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/her2poll serve "$@"
