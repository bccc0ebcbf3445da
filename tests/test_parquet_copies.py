"""A Parquet copy is compared with its CSV by value: a number written another way in the
CSV is the same number, a different number is a stale copy."""

from __future__ import annotations

import pytest

from besa545.check.scheduler import validate
from besa545.model.codes import lookup
from helpers import copy_package, reseal, set_cell

STALE = ("data/parquet/cameo_codes.parquet", None, None, "parquet-stale",
         "the Parquet copy does not hold the same rows as data/cameo_codes.csv",
         lookup("parquet-stale").hint)


@pytest.mark.parametrize("written, expected", [
    ("1.90", []),  # the copy holds 1.9
    ("+1.9", []),
    ("19e-1", []),
    ("1.91", [STALE]),
])
def test_a_number_is_compared_as_a_number(tmp_path, written, expected):
    root = copy_package(tmp_path / "package")
    set_cell("cameo_codes", "042", "goldstein", written)(root)
    reseal(root)
    report = validate(root, spec=False)
    assert [(p.file, p.line, p.column, p.code, p.message, p.hint)
            for p in report.problems] == expected
