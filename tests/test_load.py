"""The loader: typed frames from Parquet and CSV, the same either way."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import besa545
from besa545.model.schema import UnknownTableError
from helpers import ROOT

NAMES = sorted(path.stem for path in (ROOT / "schemas").glob("*.json"))


def expected_dtype(field: dict) -> object:
    """The dtype the issue specifies for a Table Schema field, written out independently."""
    constraints = field.get("constraints", {})
    if "enum" in constraints:
        return pd.CategoricalDtype(constraints["enum"], ordered=False)
    required = constraints.get("required", False)
    return {
        "string": pd.StringDtype(na_value=float("nan")),
        "integer": "int64" if required else "Int64",
        "number": "float64",
        "boolean": "bool" if required else "boolean",
        "date": "datetime64[ns]",
    }[field["type"]]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_table_loads_with_the_dtypes_its_schema_implies(name, fmt):
    schema = json.loads((ROOT / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    frame = besa545.load(name, format=fmt)
    assert list(frame.columns) == [field["name"] for field in schema["fields"]]
    assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
    for field in schema["fields"]:
        dtype = frame[field["name"]].dtype
        expected = expected_dtype(field)
        assert dtype == expected, (name, field["name"], dtype, expected)
        if isinstance(expected, pd.CategoricalDtype):
            assert list(dtype.categories) == field["constraints"]["enum"]


@pytest.mark.parametrize("name", NAMES)
def test_csv_and_parquet_give_equal_frames(name):
    pd.testing.assert_frame_equal(besa545.load(name), besa545.load(name, format="csv"))


@pytest.mark.parametrize("name", NAMES)
def test_loaded_rows_are_the_csv_rows(name):
    raw = pd.read_csv(ROOT / "data" / f"{name}.csv", dtype=str, keep_default_na=False)
    assert len(besa545.load(name)) == len(raw)


def test_specific_dtypes_a_researcher_relies_on():
    events = besa545.load("events")
    assert events["date_start"].dtype == "datetime64[ns]"
    assert isinstance(events["event_type"].dtype, pd.CategoricalDtype)
    assert besa545.load("paragraphs")["position"].dtype == "int64"
    assert besa545.load("documents")["publication_date"].iat[0] == pd.Timestamp("2017-07-30")


def test_documents_row_describes_the_paper():
    documents = besa545.load("documents")
    row = documents.iloc[0]
    assert row["document_id"] == "besa-pp-545"
    assert row["title"] == "Sino-American Disagreements on North Korea"
    assert row["series_number"] == 545
    assert row["char_count"] == len(besa545.text())
    assert row["executive_summary"].startswith("The North Korean imbroglio")


def test_unknown_table_lists_the_valid_names():
    with pytest.raises(UnknownTableError) as caught:
        besa545.load("event")
    message = str(caught.value)
    assert "'event'" in message and all(name in message for name in NAMES)
    assert isinstance(caught.value, KeyError)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match=r"^unknown format 'xlsx'; use one of: parquet, csv$"):
        besa545.load("events", format="xlsx")


def test_load_all_tables_schema_and_paths():
    frames = besa545.load_all()
    assert sorted(frames) == NAMES == besa545.tables()
    assert besa545.schema("events")["primaryKey"] == ["event_id"]
    assert (besa545.package_path() / "datapackage.json").is_file()
    descriptor = json.loads((besa545.package_path() / "datapackage.json").read_text("utf-8"))
    assert descriptor["version"] == besa545.__version__


def test_text_is_the_offset_basis():
    text = besa545.text("besa-pp-545")
    assert text.startswith("PERSPECTIVES") and text == besa545.text()
    with pytest.raises(KeyError, match="besa-pp-545"):
        besa545.text("besa-pp-999")


@pytest.mark.parametrize("name", [["events"], None, 3, "Events"])
def test_anything_but_a_table_name_is_an_unknown_table(name):
    with pytest.raises(UnknownTableError, match=r"^unknown table .*; valid tables: actor_"):
        besa545.load(name)
