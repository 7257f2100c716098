# GridGov: the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out
SCENARIO ?= scenarios/chengdu_wuhou
export QT_QPA_PLATFORM ?= offscreen
export NUMBA_CACHE_DIR ?= $(CURDIR)/.numba_cache
export MPLBACKEND ?= Agg
PYTEST_ARGS ?=

.PHONY: setup demo test fuzz bench bench-full package desktop-smoke translations scenarios clean help

help:
	@echo "make demo           set up, run the Chengdu Wuhou sample, compare it with the restructured layout"
	@echo "make test           set up and run the test suite"
	@echo "make fuzz           property-based test of bad scenarios, long profile (FUZZ_EXAMPLES=2000)"
	@echo "make bench          quick benchmarks (make bench-full for the recorded sizes)"
	@echo "make package        plugin ZIP for QGIS 'Install from ZIP' (dist/gridgov-<version>.zip)"
	@echo "make desktop-smoke  real QGIS under Xvfb with the plugin, screenshots in $(OUT)/"

setup:
	@bash scripts/setup_env.sh

demo: setup translations
	@bash scripts/demo.sh "$(OUT)"

test:
	@GRIDGOV_TESTS=1 bash scripts/setup_env.sh
	@bash scripts/build_translations.sh
	$(PY) -m pytest $(PYTEST_ARGS)

FUZZ_EXAMPLES ?= 2000
fuzz: setup
	GRIDGOV_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -x -q tests/test_fuzz_scenario.py --hypothesis-show-statistics

bench: setup
	$(PY) benchmarks/run_all.py --quick

bench-full: setup
	$(PY) benchmarks/run_all.py

translations:
	@bash scripts/build_translations.sh

package: translations
	@bash scripts/package_plugin.sh

desktop-smoke: export QT_QPA_PLATFORM=xcb
desktop-smoke:
	@GRIDGOV_DESKTOP=1 bash scripts/setup_env.sh
	@bash scripts/desktop_smoke.sh "$(OUT)"

scenarios: setup
	$(PY) scripts/make_wuhou_scenario.py
	$(PY) scripts/make_restructured_scenario.py

clean:
	rm -rf $(OUT) dist .pytest_cache .numba_cache
