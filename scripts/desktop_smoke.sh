#!/usr/bin/env bash
# Real QGIS desktop under Xvfb: install the `make package` ZIP into a throwaway profile the
# way "Install from ZIP" does, open the dock, run the sample from it, save screenshots.
#   usage: scripts/desktop_smoke.sh [OUT]      (screenshots OUT/desktop_smoke*.png, OUT/smoke.json)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$(mkdir -p "${1:-out}" && cd "${1:-out}" && pwd)
VENV=${GRIDGOV_VENV:-$ROOT/.venv}
TIMEOUT=${GRIDGOV_SMOKE_TIMEOUT:-900}
LOCALE=${GRIDGOV_SMOKE_LOCALE:-en_US}     # zh_CN: the plugin's Chinese UI (screenshots to look at)

command -v qgis >/dev/null || { echo "desktop-smoke: qgis not installed (GRIDGOV_DESKTOP=1 make setup)" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "desktop-smoke: Xvfb not installed" >&2; exit 1; }

# 1. the plugin ZIP users get
if [[ -z "${GRIDGOV_SMOKE_ZIP:-}" ]]; then
  bash scripts/package_plugin.sh
  VERSION=$(sed -n 's/^version=//p' metadata.txt | head -1)
  GRIDGOV_SMOKE_ZIP=$ROOT/dist/gridgov-$VERSION.zip
fi

# 2. a throwaway QGIS profile (no first-run dialogs, $LOCALE UI, plugin not yet installed)
PROFILES=$OUT/.qgis-profile
rm -rf "$PROFILES"
mkdir -p "$PROFILES/profiles/default/QGIS" "$PROFILES/profiles/default/python/plugins"
cat > "$PROFILES/profiles/default/QGIS/QGIS3.ini" <<INI
[General]
lastVersionCheck=

[locale]
overrideFlag=true
userLocale=$LOCALE
globalLocale=$LOCALE

[qgis]
checkVersion=false
showTips=false
allowVersionCheck=false
projOpenGL=false
pluginInstaller\checkOnStart=false
messageTimeout=30

[core]
NewsFeed\httpsfeedqgisorg\disabled=true

[app]
news-feed\disabled=true
INI
rm -f "$OUT"/desktop_smoke*.png "$OUT/smoke.json"

# 3. Xvfb + QGIS; the venv's packages (numba, simpy, …) are visible through PYTHONPATH
DISPLAY_NUM=${GRIDGOV_SMOKE_DISPLAY:-:97}
Xvfb "$DISPLAY_NUM" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
trap 'kill "$XVFB_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do DISPLAY=$DISPLAY_NUM xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done

SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
set +e
DISPLAY=$DISPLAY_NUM QT_QPA_PLATFORM=xcb PYTHONPATH="$SITE" \
  NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$ROOT/.numba_cache}" \
  GRIDGOV_SMOKE_ZIP="$GRIDGOV_SMOKE_ZIP" GRIDGOV_SMOKE_OUT="$OUT" GRIDGOV_SMOKE_TIMEOUT="$TIMEOUT" \
  timeout $((TIMEOUT + 120)) qgis --profiles-path "$PROFILES" --noversioncheck --nologo \
  --code "$ROOT/scripts/desktop_smoke.py" >"$OUT/desktop_smoke.log" 2>&1
CODE=$?
set -e

# 4. verdict from smoke.json (written by the driver), not only QGIS's exit code
"$VENV/bin/python" - "$OUT" "$CODE" <<'PY'
import json, sys
from pathlib import Path
out, code = Path(sys.argv[1]), int(sys.argv[2])
f = out / "smoke.json"
if not f.exists():
    print(f"desktop-smoke: QGIS exited {code} without a result; see {out/'desktop_smoke.log'}", file=sys.stderr)
    sys.exit(1)
state = json.loads(f.read_text(encoding="utf-8"))
for line in state["steps"]:
    print("  " + line)
for shot in state["screenshots"]:
    print(f"desktop-smoke: screenshot {shot}")
if not state["ok"]:
    print("desktop-smoke: FAILED\n" + "\n".join(state["errors"]), file=sys.stderr)
    sys.exit(1)
print(f"desktop-smoke: ok in {state['elapsed_s']} s ({len(state.get('scores', []))} score rows in the dock)")
PY

# 5. the Edit panel's map tools (engineer E2): a split and a paint stroke on the sample,
#    screenshots OUT/desktop_split.png and OUT/desktop_paint.png, verdict OUT/desktop_edit_smoke.json
rm -f "$OUT/desktop_edit_smoke.json" "$OUT/desktop_split.png" "$OUT/desktop_paint.png"
DISPLAY=$DISPLAY_NUM QT_QPA_PLATFORM=xcb PYTHONPATH="$SITE" GRIDGOV_ROOT="$ROOT" GRIDGOV_SMOKE_OUT="$OUT" \
  NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$ROOT/.numba_cache}" \
  timeout 600 qgis --profiles-path "$PROFILES" --noversioncheck --nologo \
  --code "$ROOT/scripts/desktop_edit_smoke.py" >"$OUT/desktop_edit_smoke.log" 2>&1 || true
"$VENV/bin/python" - "$OUT/desktop_edit_smoke.json" <<'PY'
import json, sys
from pathlib import Path
f = Path(sys.argv[1])
if not f.exists():
    sys.exit(f"desktop-smoke (editing): no result; see {f.with_suffix('.log')}")
state = json.loads(f.read_text(encoding="utf-8"))
for line in state["steps"]:
    print("  " + line)
if not state["ok"]:
    sys.exit("desktop-smoke (editing): FAILED\n" + "\n".join(state["errors"]))
print("desktop-smoke (editing): ok; screenshots " + ", ".join(state["screenshots"]))
PY
