# The two set-up commands: `make data` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: data test lint screenshot clean-venv

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

## data: rebuild every derived file and figure, validate the package, print rows per table
data: $(STAMP)
	$(PY) -m besa545 build
	$(PY) -m besa545 html docs/explorer.html
	$(PY) scripts/figures.py
	$(PY) -m besa545 validate
	$(PY) -m besa545 info

## test: run the whole test suite (what CI runs), one worker per core (TEST_JOBS=0: serial)
TEST_JOBS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_JOBS)

## screenshot: docs/figures/explorer.png from docs/explorer.html, on demand (needs chromium;
## its PNG bytes vary with chromium and fonts, so `make data` does not redraw it)
screenshot: $(STAMP)
	$(PY) scripts/screenshot.py

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks scripts

clean-venv:
	rm -rf $(VENV)
