# Two commands on a fresh machine with python3 (3.11 to 3.13), git and make: `make repro`,
# `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# DVC runs stage commands through the shell: they must find the venv's python.
export PATH := $(BIN):$(PATH)
export DVC_NO_ANALYTICS := 1
# Why $(PYTHON) cannot run shapegen (empty if it can); read only when .venv is created.
PYTHON_PROBLEM = $(shell $(PYTHON) tools/check_python.py 2>&1 || echo "$(PYTHON) did not run")

.PHONY: venv repro exps test test-fast time-tests bench seeds lint format schema docs dvc-yaml plots-page playground-deps playground-shot lock check-pins

venv: $(VENV)/.installed

# uv, pinned in constraints.txt, installs the pins in seconds (pip takes half a minute to
# resolve them); pip is the fallback where uv cannot run. --compile-bytecode, as pip does:
# without .pyc files (PYTHONDONTWRITEBYTECODE is common) every stage and test process
# would compile TensorFlow's sources again.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(if $(PYTHON_PROBLEM),$(error $(PYTHON_PROBLEM)))
	$(PYTHON) -m venv $(VENV)
	( $(BIN)/pip install --quiet "$$(grep -m1 '^uv==' constraints.txt)" \
		&& $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python \
			-c constraints.txt -e ".[dev]" ) \
	|| ( $(BIN)/pip install --quiet --upgrade pip \
		&& $(BIN)/pip install --quiet -c constraints.txt -e ".[dev]" )
	touch $@

# Then says whether the outputs are the committed bytes, and if not, what moved and by how
# much against the seeds' spread (docs/reproducibility.md).
repro: venv
	$(BIN)/dvc repro
	$(BIN)/python tools/compare_outputs.py

# The experiments beside their baseline, a column each: the params they changed and the
# headline metrics, in 120 columns (`dvc exp show` gives ~200 columns of hashes and params).
exps: venv
	$(BIN)/python tools/exps.py

test: venv
	$(BIN)/pytest

# The suite without DVC end to end (tests/pipeline) and the fuzzing: the loop while coding.
test-fast: venv
	$(BIN)/pytest --ignore=tests/pipeline --deselect tests/hostile/test_fuzz.py

# Both suites timed, into docs/results/test_times.json (`dvc repro` puts it in the README).
time-tests: venv
	$(BIN)/python tools/test_times.py

# The playground's browser test needs Node, Debian's `chromium` and the playwright-core
# that tests/playground/package-lock.json pins (without them it is skipped, outside CI).
playground-deps:
	npm ci --prefix tests/playground --no-audit --no-fund --loglevel=error

# The page `dvc repro` wrote, in Chromium: docs/results/playground.png (the README's
# screenshot, which the report stage copies) and playground.json (ms per draw of 64).
playground-shot: playground-deps
	node tests/playground/browser.mjs data/playground/index.html docs/results/playground.png \
		> docs/results/playground.json
	$(BIN)/python -m json.tool docs/results/playground.json

bench: venv
	$(BIN)/python benchmarks/speed.py

# The mixture recipe for 24 seed pairs it was not tuned on, then the shapes variants for
# weight seeds 1-5 (ten trainings: most of the time), then the shapes metrics' floor; each
# writes its table into docs/performance.md.
seeds: venv
	$(BIN)/python benchmarks/seeds.py
	$(BIN)/python benchmarks/shape_seeds.py
	$(BIN)/python benchmarks/shape_floors.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# params.schema.json, generated from shapegen/config/params.py (a test fails when it is stale).
schema: venv
	$(BIN)/python -c "from shapegen.config.schema import schema_text; print(schema_text(), end='')" \
		> params.schema.json

# dvc.yaml's derived parts: each stage's project-module deps (what its script loads) and the
# top-level plots of params.yaml's variants (a test fails when they are stale).
dvc-yaml: venv
	$(BIN)/python tools/dvc_yaml.py

# .dvc/plots/page.html, the page `dvc plots show` fills, with Vega bundled from the pinned
# vl-convert-python so that the charts draw offline (a test fails when it is stale).
plots-page: venv
	$(BIN)/python tools/plots_page.py

# constraints.txt: every package pinned for every supported platform and Python (uv).
lock: venv
	$(BIN)/python tools/pins.py lock

# The pins resolve, wheels only, for each supported platform and Python (needs the index).
check-pins: venv
	$(BIN)/python tools/pins.py check

# docs/params.md, docs/metrics.md and docs/architecture.md's pictures and table, from
# shapegen/config/, shapegen/evaluation/metric_descriptions.py and tools/architecture.py
# (a test fails when one is stale).
docs: venv
	$(BIN)/python -c "from shapegen.config.schema import params_reference; print(params_reference(), end='')" \
		> docs/params.md
	$(BIN)/python -c "from shapegen.evaluation.metric_descriptions import metrics_reference; print(metrics_reference(), end='')" \
		> docs/metrics.md
	$(BIN)/python tools/architecture.py
