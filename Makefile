# msdiscourse: `make all` sets up and runs the main job; `make test` sets up and runs the tests.
# Works with only Python 3.10+ and the package index (no conda needed).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= data/raw
OUT    ?= data/processed
# how table files are read, e.g. TABLE="--table-columns id=,post=thread,text=body --first-row-is-post"
TABLE  ?=
# FORUM=1: DATA is a patient forum, not a research blog (no post author is a researcher by byline)
FORUM  ?=
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help all setup parse figures test test-fast docs lint format benchmark clean

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all]'
	@touch $@

## setup: create .venv and install msdiscourse with every extra (notebooks, docs, tests)
setup: $(STAMP)

## all: set up, parse data/raw into data/processed, run every notebook, refresh figures/
all: setup parse figures

## parse: parse DATA (default data/raw) into OUT (default data/processed)
parse: setup
	$(BIN)/msdiscourse parse $(DATA) -o $(OUT) $(TABLE)

## figures: run every notebook headless on DATA; figures/ for data/raw, else build/<name>/figures
figures: setup
	$(BIN)/msdiscourse figures --data $(DATA) $(TABLE) $(if $(FORUM),--forum)

## test: set up if needed and run every test (notebooks and the JupyterLab browser test included)
test: setup
	$(BIN)/python -m pytest

## test-fast: the tests without the slow ones (notebook execution, cross-validation)
test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

## docs: build the documentation site into build/site (strict: a broken link fails)
docs: setup
	$(BIN)/mkdocs build --strict --site-dir build/site

## lint: check the code with ruff (rules in pyproject.toml)
lint: setup
	$(BIN)/ruff check .

## format: apply ruff's safe fixes and formatting (reformats files: commit separately)
format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## benchmark: run every benchmark (synthetic data, ratios against a same-run baseline)
benchmark: setup
	$(BIN)/python benchmarks/run_all.py

## clean: remove the virtual environment, build outputs and processed data
clean:
	rm -rf $(VENV) build data/processed/*.parquet data/processed/manifest.json
