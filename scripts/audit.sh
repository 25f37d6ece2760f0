#!/usr/bin/env bash
# Audit the locked dependencies against the public advisory databases:
# Python (requirements.lock, pip-audit) and the vendored browser client (npm).
# Needs the advisory services; it fails, loudly, where they cannot be reached.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q -e ".[audit]" -c requirements.lock
.venv/bin/pip-audit --strict -r requirements.lock
npm audit --omit=dev
