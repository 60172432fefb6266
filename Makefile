# `make` sets up .venv from the pinned requirements, validates the package and prints its summary.
# `make test` sets up the same way and runs the tests. Works from a fresh clone (needs python3 >= 3.11).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all setup validate summary test lint bench site clean

all: validate summary

setup: $(STAMP)

# Reinstall only when the pins or the project metadata change.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

validate: $(STAMP)
	$(BIN)/python cli.py validate

summary: $(STAMP)
	$(BIN)/python cli.py summary

# In parallel on every core (pytest-xdist); TEST_ARGS="-n 0" runs serially, TEST_ARGS="-m 'not browser'"
# leaves the browser tests out, TEST_ARGS=tests/test_site.py runs one file.
TEST_ARGS ?=
test: $(STAMP)
	$(BIN)/python -m pytest -n auto $(TEST_ARGS)

# The public tracker: dist/site/index.html, with the Parquet/DuckDB build on its downloads page.
site: $(STAMP)
	$(BIN)/python cli.py build --out dist
	$(BIN)/python cli.py site --out dist/site

# Benchmarks (not part of `make test`): BENCH_ARGS="--sizes real,1000,10000" to choose sizes.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
