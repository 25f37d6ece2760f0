#!/usr/bin/env bash
# Serve N her2poll processes behind nginx (PostgreSQL + Redis), until Ctrl-C.
#   scripts/cluster.sh --workers 2 --port 8200 --db postgresql+psycopg://postgres@127.0.0.1:5432/her2poll
# Options: --backend-port (first process, default 5201), --redis URL. Logs go to a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 15,000 sockets need more than 1,024 files
exec "${PYTHON:-.venv/bin/python}" -m testkit.cluster "$@"
