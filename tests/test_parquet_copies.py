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


def test_a_dictionary_column_is_sized_as_its_values_decoded():
    """The bomb bound sizes a dictionary column (a categorical) without decoding it: as
    many bytes as Arrow's own size of the same values held as plain large strings (the
    text of each row plus its 8-byte offset), over every chunk."""
    import pyarrow as pa

    from besa545.check.files import _decoded_bytes

    values = ["china", "north-korea", "us", "china"] * 500
    chunks = [pa.array(values[:1500]).dictionary_encode(),
              pa.array(values[1500:]).dictionary_encode()]
    plain = pa.chunked_array([pa.array(values[:1500], pa.large_string()),
                              pa.array(values[1500:], pa.large_string())])
    assert _decoded_bytes(pa.chunked_array(chunks)) == plain.nbytes
    empty = [""] * 100  # no text at all: the offsets alone
    assert _decoded_bytes(pa.chunked_array([pa.array(empty).dictionary_encode()])) == (
        pa.chunked_array([pa.array(empty, pa.large_string())]).nbytes)


@pytest.mark.parametrize("null_in", ["parquet", "csv"])
def test_a_value_on_one_side_and_none_on_the_other_is_stale(tmp_path, null_in):
    """An empty cell is a null in the copy: a copy that lost a value, or holds one the CSV
    no longer has, does not hold the same rows (an actor's optional Wikidata id)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = copy_package(tmp_path / "package")
    path = root / "data" / "parquet" / "actors.parquet"
    table = pq.read_table(path)
    ids = table["wikidata_id"].to_pylist()
    position = next(n for n, value in enumerate(ids) if value)
    if null_in == "parquet":
        ids[position] = None
        column = table.schema.get_field_index("wikidata_id")
        pq.write_table(table.set_column(column, table.schema.field(column),
                                        pa.array(ids, table["wikidata_id"].type)), path)
    else:
        set_cell("actors", table["actor_id"][position].as_py(), "wikidata_id", "")(root)
    reseal(root)
    report = validate(root, spec=False)
    assert [(p.file, p.code, p.message) for p in report.problems] == [
        ("data/parquet/actors.parquet", "parquet-stale",
         "the Parquet copy does not hold the same rows as data/actors.csv")]
