"""The column checks (pandera) never pass silently: a check that cannot run is reported as
``validator-crash`` naming the check and column, and every other failure is still
reported at its line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from besa545.check.tables import check_columns
from besa545.model import schema as schema_module
from besa545.model.codes import lookup
from besa545.model.csvfile import StringTable

SCHEMA = schema_module.parse_schema("t", {"fields": [
    {"name": "kind", "type": "string", "constraints": {"enum": ["x", "y"]}},
    {"name": "low", "type": "number", "constraints": {"maximum": 10}},
    {"name": "high", "type": "number", "constraints": {"maximum": 10}},
    {"name": "other", "type": "string", "constraints": {"enum": ["x", "y"]}},
]})


def _table() -> StringTable:
    frame = pd.DataFrame({"kind": ["x", "z", "y"], "low": ["1", "20", "3"],
                          "high": ["1", "2", "30"], "other": ["q", "x", "x"]}).astype("str")
    return StringTable("t", "data/t.csv", frame, lines=np.array([2, 3, 4]))


@pytest.fixture
def maximum_raises(monkeypatch):
    def raises(series: pd.Series, *, bound: str, limit: float) -> pd.Series:
        raise ValueError(f"cannot compare with {limit}")

    monkeypatch.setattr(schema_module, "_within", raises)


def test_a_check_that_raises_is_reported_and_the_others_still_run(maximum_raises):
    problems = check_columns({"t": _table()}, {"t": SCHEMA})
    crash = lookup("validator-crash").hint
    assert sorted((p.file, p.line or 0, p.column, p.code, p.message, p.hint)
                  for p in problems) == [
        ("data/t.csv", 0, "high", "validator-crash",
         "the maximum check of high could not run: 'ValueError(\"cannot compare with 10\")'",
         crash),
        ("data/t.csv", 0, "low", "validator-crash",
         "the maximum check of low could not run: 'ValueError(\"cannot compare with 10\")'",
         crash),
        ("data/t.csv", 2, "other", "enum", "'q' is not an allowed value of other",
         "use one of: x, y"),
        ("data/t.csv", 3, "kind", "enum", "'z' is not an allowed value of kind",
         "use one of: x, y"),
    ]


def test_without_the_fault_each_failure_is_at_its_line():
    problems = check_columns({"t": _table()}, {"t": SCHEMA})
    assert sorted((p.line, p.column, p.code, p.message, p.hint) for p in problems) == [
        (2, "other", "enum", "'q' is not an allowed value of other", "use one of: x, y"),
        (3, "kind", "enum", "'z' is not an allowed value of kind", "use one of: x, y"),
        (3, "low", "maximum", "low is '20', above the maximum 10", "use a number of at most 10"),
        (4, "high", "maximum", "high is '30', above the maximum 10",
         "use a number of at most 10"),
    ]


def test_a_column_missing_from_the_frame_does_not_hide_the_other_failures():
    """The missing column is reported once, as header-missing, by the CSV reader."""
    table = _table()
    table.frame = table.frame.drop(columns="low")
    table.absent = frozenset({"low"})
    problems = check_columns({"t": table}, {"t": SCHEMA})
    assert sorted((p.line, p.column, p.code) for p in problems) == [
        (2, "other", "enum"), (3, "kind", "enum"), (4, "high", "maximum")]


def test_a_long_error_of_a_check_is_quoted_to_200_characters(monkeypatch):
    """The error of a check that could not run is quoted up to 200 characters: one of
    exactly 200 in full, a longer one cut to 199 and an ellipsis."""
    def raises(series: pd.Series, *, bound: str, limit: float) -> pd.Series:
        raise ValueError("e" * length)

    monkeypatch.setattr(schema_module, "_within", raises)
    quoted = {}
    for length in (186, 187):  # as 'ValueError("' ... '")': 200 and 201 characters
        problems = check_columns({"t": _table()}, {"t": SCHEMA})
        crash = next(p for p in problems if p.code == "validator-crash" and p.column == "low")
        quoted[length] = crash.message.removeprefix("the maximum check of low could not run: ")
    assert quoted[186] == repr(f'ValueError("{"e" * 186}")')
    assert quoted[187] == repr(f'ValueError("{"e" * 187}")'[:199] + "\u2026")


@pytest.mark.parametrize(("value", "known", "expected"), [
    ("chna", {"china", "japan"}, "china"),  # a character left out
    ("chiina", {"china"}, "china"),  # one too many
    ("cihna", {"china"}, "china"),  # two neighbours swapped
    ("chine", {"china"}, "china"),  # one changed
    ("chn", {"china"}, None),  # two edits away
    ("ca", {"cat", "car"}, None),  # one edit from two: no guess
    ("china", {"china"}, None),  # the value itself is no guess
])
def test_a_missing_key_is_guessed_only_when_one_value_is_one_edit_away(value, known, expected):
    from besa545.check.tables import one_edit_away

    assert one_edit_away(value, known, "abcdefghijklmnopqrstuvwxyz") == expected
