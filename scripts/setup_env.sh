#!/usr/bin/env bash
# Set up everything GridGov needs on Debian 12 (bookworm): system packages, a venv that
# sees Debian's QGIS/GDAL/numpy, and the pinned Python packages.  Idempotent: a second run
# installs nothing and takes a couple of seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${GRIDGOV_VENV:-$ROOT/.venv}
SYS_PY=/usr/bin/python3

APT_PACKAGES=(python3-qgis qgis-providers python3-gdal python3-venv python3-pip xvfb xauth
              fonts-noto-cjk fonts-wqy-zenhei poppler-utils qttools5-dev-tools zip)
if [[ "${GRIDGOV_TESTS:-0}" == 1 ]]; then
  APT_PACKAGES+=(chromium)   # tests/test_report_browser.py opens the HTML report in headless Chromium
fi
if [[ "${GRIDGOV_DESKTOP:-0}" == 1 ]]; then
  APT_PACKAGES+=(qgis imagemagick x11-utils)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  echo "[setup] installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "[setup] creating venv $VENV (system site-packages, so qgis and Debian's numpy are visible)"
  "$SYS_PY" -m venv --system-site-packages "$VENV"
fi

# Hold numpy at the system's version: pip must never pull numpy 2 into the venv.
SYS_NUMPY=$("$SYS_PY" -c 'import numpy; print(numpy.__version__)')
CONSTRAINTS="$ROOT/.constraints.txt"
echo "numpy==$SYS_NUMPY" > "$CONSTRAINTS"

STAMP="$VENV/.gridgov-requirements.sha"
WANT=$(cat scripts/requirements.txt pyproject.toml setup.py "$CONSTRAINTS" | sha256sum | cut -d' ' -f1)
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$WANT" ]]; then
  echo "[setup] installing pinned Python packages (numpy held at $SYS_NUMPY)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$CONSTRAINTS" -r scripts/requirements.txt
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$WANT" > "$STAMP"
fi

# numpy must still be Debian's, and the engine importable next to qgis
"$VENV/bin/python" - <<'PY'
import numpy, sys
from osgeo import gdal_array  # noqa: F401  (breaks if a numpy 2 slipped in)
import gridgov.engine
print(f"[setup] ok: python {sys.version.split()[0]}, numpy {numpy.__version__}, venv {sys.prefix}")
PY
