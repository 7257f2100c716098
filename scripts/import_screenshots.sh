#!/usr/bin/env bash
# Screenshots of the gridgov:import Processing dialog in real QGIS under Xvfb (for docs/import.md).
#   usage: scripts/import_screenshots.sh [OUT]   (needs ../shared/data; writes OUT/import_*.png)
#   GRIDGOV_SHOTS_LOCALE=zh_CN scripts/import_screenshots.sh OUT   the Chinese dialogs (OUT/import_*_zh.png)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$(mkdir -p "${1:-out/import_shots}" && cd "${1:-out/import_shots}" && pwd)
VENV=${GRIDGOV_VENV:-$ROOT/.venv}
SHARED=${GRIDGOV_SHARED:-$ROOT/../shared/data}
SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# a small register and building layer for the second dialog (same as tests/import_toy.py)
"$VENV/bin/python" - "$OUT" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "tests")
from import_toy import make_district
out = Path(sys.argv[1])
make_district(out / "src")
(out / "src" / "register.csv").write_text("楼栋编号,户数,人口\nB0001,120,300\nB0002,96,250\n", encoding="utf-8")
PY
LOCALE=${GRIDGOV_SHOTS_LOCALE:-en_US}
SUFFIX=$([[ "$LOCALE" == en* ]] && echo "" || echo "_${LOCALE%%_*}")
PROFILES=$OUT/.qgis-profile
rm -rf "$PROFILES"; mkdir -p "$PROFILES/profiles/default/QGIS"
printf '[qgis]\ncheckVersion=false\nshowTips=false\n[locale]\noverrideFlag=true\nuserLocale=%s\n' "$LOCALE" \
  > "$PROFILES/profiles/default/QGIS/QGIS3.ini"
DISPLAY_NUM=${GRIDGOV_SHOTS_DISPLAY:-:96}
Xvfb "$DISPLAY_NUM" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
trap 'kill "$XVFB_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do DISPLAY=$DISPLAY_NUM xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
DISPLAY=$DISPLAY_NUM QT_QPA_PLATFORM=xcb GRIDGOV_SITE="$SITE" GRIDGOV_SHOTS_OUT="$OUT" GRIDGOV_SHOTS_SUFFIX="$SUFFIX" \
  GRIDGOV_OSM="$SHARED/osm/helsinki_centre.osm.pbf" \
  GRIDGOV_ROADS="$SHARED/chengdu/chengdu_wuhou_roads_osm.gpkg|layername=edges" \
  GRIDGOV_BUILDINGS="$OUT/src/buildings.gpkg|layername=buildings" GRIDGOV_REGISTER="$OUT/src/register.csv" \
  timeout 300 qgis --profiles-path "$PROFILES" --noversioncheck --nologo \
  --code "$ROOT/scripts/import_screenshots.py" >"$OUT/import_shots.log" 2>&1 || true
cat "$OUT/import_shots.json"
