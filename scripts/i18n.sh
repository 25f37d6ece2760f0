#!/usr/bin/env bash
# The translation catalogs: extract the strings, merge them into every language's .po,
# compile the .mo files the app reads (both are committed, so a clean clone needs no step).
#   scripts/i18n.sh           extract + update + compile
#   scripts/i18n.sh compile   compile only (after editing a .po)
# Two catalogs per language in her2poll/translations/<lang>/LC_MESSAGES/:
#   messages  templates and Python (_ / gettext)       babel.cfg
#   js        the browser modules (t / nt, i18n.js)     babel-js.cfg
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
dir=her2poll/translations
if [ "${1:-}" != "compile" ]; then
  "$pybabel" -q extract -F babel.cfg --no-location --sort-output \
    --project her2poll -o "$dir/messages.pot" .
  "$pybabel" -q extract -F babel-js.cfg --no-location --sort-output -k t -k nt:1,2 \
    --project her2poll -o "$dir/js.pot" .
  for domain in messages js; do
    "$pybabel" -q update --no-fuzzy-matching --ignore-obsolete -D "$domain" -i "$dir/$domain.pot" -d "$dir"
  done
fi
for domain in messages js; do
  "$pybabel" -q compile --statistics -D "$domain" -d "$dir"
done
