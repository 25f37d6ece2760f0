#!/usr/bin/env bash
# Set up (if needed) and serve her2poll on http://127.0.0.1:5000 with SQLite.
# Extra arguments go to 'her2poll serve' (e.g. --port 8080, --db URL).
# --help (-h) answers at once and sets nothing up.
set -euo pipefail
cd "$(dirname "$0")/.."

for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then
    cat <<'USAGE'
Usage: scripts/serve.sh [OPTIONS]

  Set up this checkout if needed (scripts/setup.sh: a virtualenv in .venv and the
  browser client; the first time takes a few minutes), then run 'her2poll serve':
  gunicorn with one gevent worker, on http://127.0.0.1:5000 with SQLite in ./instance.
  OPTIONS go to 'her2poll serve'.

USAGE
    if [ -x .venv/bin/her2poll ]; then
      .venv/bin/her2poll serve --help
    else
      cat <<'OPTIONS'
Options of 'her2poll serve' (once set up, scripts/serve.sh --help says more):
  --host TEXT           Address to listen on; 0.0.0.0 is every interface (as --lan).
                        [default: 127.0.0.1]
  --lan                 Listen on every interface (0.0.0.0) and print the URLs phones
                        on this network open.
  --port INTEGER RANGE  [default: 5000; 1<=x<=65535]
  --public-url URL      Base of every link and QR code, e.g. https://poll.example.org
                        (env HER2POLL_PUBLIC_URL).
  --db URL              Database URL (default: SQLite in ./instance; env HER2POLL_DB).
OPTIONS
    fi
    exit 0
  fi
done

scripts/setup.sh
exec .venv/bin/her2poll serve "$@"
