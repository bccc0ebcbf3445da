# The two set-up commands: `make data` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# pytest workers for check and test: one per core (0: serial)
TEST_JOBS ?= auto

.PHONY: data check test lint screenshot clean-venv

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
	$(PY) benchmarks/baselines/text_only.py --write
	$(PY) -m besa545 validate
	$(PY) -m besa545 info

## check: the contributor's loop, about a minute: `make data`, then the tests that guard the
## data, the validator's rules and the generated files (the tool readers, the wheel, the
## browser and the end-to-end walkthroughs are left to `make test`)
CHECK_TESTS := tests/test_build.py tests/test_codes.py \
	tests/test_coerce.py tests/test_column_checks.py tests/test_composite_keys.py \
	tests/test_content.py tests/test_conventions.py tests/test_diff.py tests/test_docs.py \
	tests/test_fields.py \
	tests/test_load.py tests/test_reference.py tests/test_schemas.py tests/test_schema_lint.py \
	tests/test_score.py tests/test_show.py tests/test_text.py tests/test_vectors.py \
	tests/test_validate_faults.py tests/test_architecture.py
check: data
	$(PY) -m pytest -n $(TEST_JOBS) -q $(CHECK_TESTS)

## test: run the whole test suite (what CI runs), one worker per core (TEST_JOBS=0: serial)
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
