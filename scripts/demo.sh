#!/usr/bin/env bash
# `make demo`: run the bundled Chengdu Wuhou scenario end to end, then compare it with the
# restructured layout.  Prints the scores and where the reports are.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out}
PY=${PY:-.venv/bin/python}
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-$PWD/.numba_cache}
export MPLBACKEND=${MPLBACKEND:-Agg}

echo "== 1/3 validate the sample scenario"
"$PY" -m gridgov validate scenarios/chengdu_wuhou

echo "== 2/3 run: network circles → incident simulation → scores → report"
"$PY" -m gridgov run scenarios/chengdu_wuhou --out "$OUT/chengdu_wuhou"

if [[ -d scenarios/chengdu_wuhou_restructured ]]; then
  echo "== 3/3 compare with the restructured layout"
  "$PY" -m gridgov run scenarios/chengdu_wuhou_restructured --out "$OUT/chengdu_wuhou_restructured" --quiet
  # the run folders carry scores.json, so the comparison reuses them instead of recomputing
  "$PY" -m gridgov compare "$OUT/chengdu_wuhou" "$OUT/chengdu_wuhou_restructured" --out "$OUT/compare"
fi

echo
echo "Report:            $(realpath "$OUT/chengdu_wuhou/report.html")"
[[ -f "$OUT/compare/compare.html" ]] && echo "Comparison report: $(realpath "$OUT/compare/compare.html")"
exit 0
