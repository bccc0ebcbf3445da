"""Property: any edit to one cell of a valid row is either still valid or reported,
never a crash, and validation never changes the files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from besa545.check.scheduler import validate
from besa545.model.schema import coerce, table_schema
from helpers import copy_package, read_rows, reseal, write_rows

EDITABLE = ["actors", "events", "quotations", "stances", "cameo_codes", "actor_relations",
            "event_participants", "topics", "aliases", "links", "authorships"]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "=1+1", "-", "NaN", "null", "2017-02-30", "2017-04-01",
                     "1.5", "-3", "true", "TRUE", "é", "e\u0301", "\"", "a,b", "x\ny",
                     "china", "besa-pp-545", "Beijing"]),
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return copy_package(tmp_path_factory.mktemp("pristine") / "package")


# CI (which sets CI, as GitHub Actions and .ci/run do) draws the same examples every run;
# a local run draws new ones each time, and hypothesis prints the seed of any failure.
@settings(max_examples=60, deadline=None, derandomize=bool(os.environ.get("CI")),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(EDITABLE), data=st.data(), value=VALUES)
def test_random_cell_edit_is_valid_or_reported(pristine, tmp_path_factory, table, data, value):
    root = tmp_path_factory.mktemp("edit") / "package"
    shutil.copytree(pristine, root)
    rows = read_rows(root, table)
    row = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(sorted(rows[row])))
    rows[row][column] = value
    write_rows(root, table, rows)
    reseal(root)
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    report = validate(root, spec=False)
    assert "validator-crash" not in report.codes(), report.to_text()
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before
    for problem in report.problems:
        assert problem.file and problem.code and problem.message and problem.hint
    if report.ok:
        # a clean report means the row really is typed data: it converts without error
        with (root / "data" / f"{table}.csv").open(encoding="utf-8") as stream:
            import pandas as pd

            frame = pd.read_csv(stream, dtype=str, keep_default_na=False, na_values=[""])
        coerce(frame, table_schema(table))

