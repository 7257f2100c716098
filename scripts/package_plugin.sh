#!/usr/bin/env bash
# Build dist/gridgov-<version>.zip for QGIS "Plugins → Install from ZIP", then check it.
#
# The ZIP holds one top folder `gridgov/` with the plugin: metadata.txt, __init__.py,
# __main__.py, engine/, plugin/, resources/, scenarios/, LICENSE, README.md.  Tests,
# benchmarks, the venv, caches and outputs stay out.  scripts/check_plugin_zip.py then
# verifies it the way QGIS's installer reads it and starts the plugin from the extracted copy.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-$ROOT/.venv/bin/python}
[[ -x "$PY" ]] || PY=python3
VERSION=$(sed -n 's/^version=//p' metadata.txt | head -1)
[[ -n "$VERSION" ]] || { echo "package: no version= in metadata.txt" >&2; exit 1; }
DIST=${DIST:-$ROOT/dist}
ZIP="$DIST/gridgov-$VERSION.zip"
CONTENT=(metadata.txt __init__.py __main__.py engine plugin resources scenarios LICENSE README.md)

for item in "${CONTENT[@]}"; do
  [[ -e "$item" ]] || { echo "package: missing $item" >&2; exit 1; }
done

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/gridgov"
# Copy with the exclusions applied at copy time (tar keeps modes and symlinks as files).
tar -C "$ROOT" -cf - \
    --exclude='__pycache__' --exclude='*.pyc' --exclude='*.pyo' --exclude='.pytest_cache' \
    --exclude='.numba_cache' --exclude='*.nbi' --exclude='*.nbc' --exclude='*.gpkg-wal' --exclude='*.gpkg-shm' \
    --exclude='*.gpkg-journal' --exclude='.DS_Store' --exclude='*~' --exclude='out' --exclude='dist' \
    --exclude='tests' --exclude='benchmarks' --exclude='.venv' --exclude='.git' --exclude='*.ts' \
    "${CONTENT[@]}" | tar -C "$STAGE/gridgov" -xf -

mkdir -p "$DIST"
"$PY" - "$STAGE" "$ZIP" <<'PY'
"""Zip the staged folder deterministically (sorted entries, directories first)."""
import os, sys, zipfile, tempfile
stage, target = sys.argv[1], sys.argv[2]
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".zip")
os.close(fd)
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
    for dirpath, dirnames, filenames in os.walk(stage):
        dirnames.sort()
        rel = os.path.relpath(dirpath, stage)
        if rel != ".":
            zf.write(dirpath, rel + "/")
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            zf.write(full, os.path.relpath(full, stage))
os.replace(tmp, target)
PY

"$PY" scripts/check_plugin_zip.py "$ZIP"
echo "package: $ZIP ($(du -h "$ZIP" | cut -f1))"
