#!/usr/bin/env bash
# Build the plugin's .qm translations from the .ts sources (lrelease from qttools5-dev-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
ts_files=(resources/i18n/*.ts)
(( ${#ts_files[@]} )) || exit 0
LRELEASE=$(command -v lrelease || true)
[[ -n "$LRELEASE" ]] || LRELEASE=/usr/lib/qt5/bin/lrelease
for ts in "${ts_files[@]}"; do
  qm="${ts%.ts}.qm"
  if [[ ! -f "$qm" || "$ts" -nt "$qm" ]]; then
    "$LRELEASE" -silent "$ts" -qm "$qm"
  fi
done
