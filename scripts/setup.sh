#!/usr/bin/env bash
# Set up her2poll in this checkout: a virtualenv with the locked Python
# dependencies, and the browser client vendored from npm. Idempotent.
#   scripts/setup.sh          the app
#   scripts/setup.sh test     the app, the test tools, Chromium, nginx, poppler
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=${1:-}
py=${PYTHON:-python3}
# Progress on stderr, only for a step that runs: a set-up checkout stays quiet.
say() { echo "setup: $*" >&2; }
# pip's lines, shortened to what a person waiting wants to see (on stderr, as they come).
pip_progress() {
  awk '/^Collecting /      { print "setup:   " $2; fflush() }
       /^Processing .*\.whl/ {   # a wheel from a local folder: its name and version
         n = split($2, parts, "/"); name = parts[n]; sub(/-(py|cp)[0-9].*$/, "", name)
         print "setup:   " name; fflush() }
       /^Installing collected packages:/ {
         n = split(substr($0, index($0, ":") + 2), names, ", ")
         print "setup:   installing " n " packages into .venv…"; fflush() }' >&2
}

# The browser client first: the package build includes it (pyproject.toml, force-include).
# socket.io-client is pinned in package.json + package-lock.json, copied into static/.
# axe-core (a devDependency, test mode only) stays in node_modules: the browser tests
# inject it into the pages they check, so no page of the app ever serves it.
wanted=(node_modules/socket.io-client/dist/socket.io.min.js)
[ "$want_test" = "test" ] && wanted+=(node_modules/axe-core/axe.min.js)
if ! ls "${wanted[@]}" >/dev/null 2>&1; then
  say "installing the npm packages (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p her2poll/web/static/vendor
cp node_modules/socket.io-client/dist/socket.io.min.js her2poll/web/static/vendor/

first=""
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment in .venv…"
  "$py" -m venv .venv
  first=" (first time: a few minutes)"
fi
extras=""
[ "$want_test" = "test" ] && extras="[test]"
# Reinstall only when the dependencies changed: a stamp holds their checksum.
stamp=".venv/.her2poll-installed${extras}"
sum=$(cat pyproject.toml requirements.lock | sha256sum | cut -d" " -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  say "installing Python packages${extras}${first}…"
  # pip's whole output goes to the log; stderr gets one line per package it fetches and
  # one for the install itself, so a first set-up shows it is moving. (pipefail: a
  # failing pip fails this pipeline, and the log is shown.)
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off \
    -c requirements.lock -e ".${extras}" 2>&1 | tee .venv/pip-install.log | pip_progress \
    || { cat .venv/pip-install.log >&2; exit 1; }
  echo "$sum" > "$stamp"
fi


if [ "$want_test" = "test" ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}…"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
