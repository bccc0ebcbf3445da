"""The consumer matrix: every table, read with each tool researchers use, gives the values
``besa545.load`` gives, cell for cell: a CAMEO code ``051`` stays ``051``, a date is a
date, an empty cell is null and nothing else is.

The CSV readers that guess types are called with exactly the lines the data dictionary
prints for each table (``docs/data-dictionary.md``, generated from the Table Schemas), so
a wrong recipe fails here. Tools whose dependencies clash with ours (mlcroissant, Hugging
Face ``datasets``) run in an environment of their own and print every table as JSON.
Values are compared after one normalisation, :data:`NORMALISE` (text as text, integers as
integers, numbers as floats, dates as ISO dates, missing as null), applied on both sides.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import besa545
from helpers import ROOT, tool_environment, tool_folder

NORMALISE = '''
import datetime, decimal, json, math, sys

def normalise(value):
    """One cell as plain JSON: what every consumer's value is compared as."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if str(value) in ("NaT", "<NA>"):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "isoformat"):  # a date, a datetime or a pandas Timestamp
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # a numpy scalar
        return normalise(value.item())
    if isinstance(value, decimal.Decimal):  # frictionless reads numbers as decimals
        return float(value)
    if isinstance(value, int | float | str):
        return value
    return repr(value)  # anything else cannot equal a loaded value

def rows(records):
    return [{key: normalise(value) for key, value in record.items()} for record in records]
'''
namespace: dict[str, Any] = {}
exec(NORMALISE, namespace)
rows = namespace["rows"]


def loaded(name: str) -> list[dict[str, object]]:
    """The reference: every row of ``name`` as ``besa545.load`` gives it."""
    return rows(besa545.load(name).astype(object).to_dict(orient="records"))


def recipes(reader: str) -> dict[str, str]:
    """Per table, the line of the data dictionary that reads its CSV with ``reader``."""
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    start = {"pandas": "pd.read_csv(", "dask": "dd.read_csv(", "polars": "pl.read_csv(",
             "duckdb": "duckdb.sql(", "spark": "spark.read.csv(", "readr": "readr::read_csv(",
             "read.csv": "read.csv(",
             "fread": "data.table::as.data.table(lapply(data.table::fread("}[reader]
    found = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        name = section.split("\n", 1)[0].strip()
        (line,) = [line for line in section.splitlines() if line.startswith(start)]
        found[name] = line
    assert sorted(found) == besa545.tables()
    return found


def _in_the_package(function):  # the recipes name files relative to the package root
    def run(*arguments: object) -> object:
        import os

        here = os.getcwd()
        os.chdir(ROOT)
        try:
            return function(*arguments)
        finally:
            os.chdir(here)
    return run


@_in_the_package
def _pandas(name: str) -> list[dict[str, object]]:
    import pandas as pd

    frame = eval(recipes("pandas")[name], {"pd": pd})
    return rows(frame.astype(object).to_dict(orient="records"))


@_in_the_package
def _polars_csv(name: str) -> list[dict[str, object]]:
    import polars as pl

    return rows(eval(recipes("polars")[name], {"pl": pl}).to_dicts())


@_in_the_package
def _duckdb_csv(name: str) -> list[dict[str, object]]:
    import duckdb

    relation = eval(recipes("duckdb")[name], {"duckdb": duckdb})
    return rows(dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall())


def _duckdb_parquet(name: str) -> list[dict[str, object]]:
    import duckdb

    relation = duckdb.sql(f"SELECT * FROM read_parquet('{ROOT}/data/parquet/{name}.parquet')")
    return rows(dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall())


def _polars_parquet(name: str) -> list[dict[str, object]]:
    import polars as pl

    return rows(pl.read_parquet(ROOT / "data" / "parquet" / f"{name}.parquet").to_dicts())


def _pyarrow(name: str) -> list[dict[str, object]]:
    import pyarrow.parquet as pq

    return rows(pq.read_table(ROOT / "data" / "parquet" / f"{name}.parquet").to_pylist())


def _frictionless(name: str) -> list[dict[str, object]]:
    import frictionless

    package = frictionless.Package(str(ROOT / "datapackage.json"))
    return rows(package.get_resource(name).read_rows())


def _frictionless_parquet(name: str) -> list[dict[str, object]]:
    import frictionless

    package = frictionless.Package(str(ROOT / "datapackage-parquet.json"))
    return rows(package.get_resource(name).read_rows())


READERS = {"pandas read_csv": _pandas, "polars read_csv": _polars_csv,
           "polars read_parquet": _polars_parquet, "duckdb read_csv": _duckdb_csv,
           "duckdb read_parquet": _duckdb_parquet, "pyarrow": _pyarrow,
           "frictionless": _frictionless, "frictionless parquet": _frictionless_parquet}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", besa545.tables())
def test_every_table_reads_the_same_in_each_python_reader(reader, name):
    assert READERS[reader](name) == loaded(name)


def _pandas_folder(folder: Path) -> object:
    import pandas as pd

    return pd.read_parquet(folder)


def _pyarrow_folder(folder: Path) -> object:
    import pyarrow.parquet as pq

    return pq.read_table(folder)


def _polars_folder(folder: Path) -> object:
    import polars as pl

    return pl.read_parquet(folder)


def _duckdb_folder(folder: Path) -> object:
    import duckdb

    return duckdb.sql(f"SELECT * FROM read_parquet('{folder}/*.parquet')").fetchall()


FOLDER_READERS = {"pandas": (_pandas_folder, "README.md"), "pyarrow": (_pyarrow_folder,
                  "README.md"), "polars": (_polars_folder, "README.md"),
                  "duckdb": (_duckdb_folder, "schema mismatch")}


@pytest.mark.parametrize("reader", FOLDER_READERS)
def test_reading_the_parquet_folder_as_one_dataset_fails_and_says_where(reader):
    """Read whole, the folder would give every table's rows under one table's columns:
    each reader stops instead, naming the README that says to read one file per table
    (DuckDB's glob meets the tables' different columns first)."""
    read, named = FOLDER_READERS[reader]
    with pytest.raises(Exception, match=re.escape(named)):
        read(ROOT / "data" / "parquet")


def test_the_comparison_would_see_a_leading_zero_lost():
    """The failure this matrix exists for: a guessing reader turns 051 into 51."""
    import pandas as pd

    guessed = rows(pd.read_csv(ROOT / "data" / "cameo_codes.csv").astype(object).to_dict(
        orient="records"))
    assert guessed != loaded("cameo_codes")


def _tables_printed_by(command: list[str], script: str) -> dict[str, list[dict[str, object]]]:
    result = subprocess.run([*command, script], capture_output=True, text=True, cwd=ROOT,
                            check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def _assert_every_table_equal(read: dict[str, list[dict[str, object]]]) -> None:
    assert sorted(read) == besa545.tables()
    for name in besa545.tables():
        assert read[name] == loaded(name), name


@pytest.mark.slow
def test_mlcroissant_reads_every_record_set_as_besa545_loads_it(tmp_path_factory):
    python = tool_environment("mlcroissant[parquet]") / "python"
    _assert_every_table_equal(_tables_printed_by([str(python), "-c"], NORMALISE + '''
import mlcroissant
tables = {}
for record_set in mlcroissant.Dataset(jsonld="croissant.json").metadata.record_sets:
    # a Dataset per record set: one Dataset that has already read the stances yields the
    # column names of events instead of its records (mlcroissant 1.x)
    records = mlcroissant.Dataset(jsonld="croissant.json").records(record_set=record_set.name)
    tables[record_set.name] = rows(
        {key.split("/", 1)[-1]: value for key, value in record.items()} for record in records)
json.dump(tables, sys.stdout)
'''))


@pytest.mark.slow
def test_hugging_face_datasets_loads_each_table_as_a_config(tmp_path_factory):
    python = tool_environment("datasets") / "python"
    cache = tmp_path_factory.mktemp("hf-cache")  # a cache of an earlier run is never read
    _assert_every_table_equal(_tables_printed_by([str(python), "-c"], NORMALISE + '''
import os
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HOME"] = CACHE
import datasets
folder = os.getcwd()  # the package folder, as a path (".": datasets finds no name for it)
tables = {}
for name in datasets.get_dataset_config_names(folder):
    tables[name] = rows(datasets.load_dataset(folder, name, split="train"))
json.dump(tables, sys.stdout)
'''.replace("CACHE", repr(str(cache)))))


@pytest.mark.slow
def test_dask_reads_every_table_with_the_documented_dtypes_and_refuses_the_parquet_folder():
    """Dask (in its own environment: it brings its own pandas) runs the data dictionary's
    dd.read_csv line of every table; reading the Parquet folder whole fails."""
    python = tool_environment("dask[dataframe]") / "python"
    lines = "\n".join(f"tables[{name!r}] = rows({line.split('  #')[0]}.compute().astype("
                      "object).to_dict(orient='records'))"
                      for name, line in recipes("dask").items())
    _assert_every_table_equal(_tables_printed_by([str(python), "-c"], NORMALISE + f"""
import dask.dataframe as dd
tables = {{}}
{lines}
try:
    dd.read_parquet("data/parquet/").compute()
except Exception:
    pass
else:
    raise SystemExit("dd.read_parquet read the folder of fourteen tables as one")
json.dump(tables, sys.stdout)
"""))


@pytest.mark.slow
def test_spark_reads_every_table_with_the_documented_schema_and_refuses_the_parquet_folder():
    """PySpark (its own environment; the JVM from Debian, as `.ci/run` installs it) runs the
    data dictionary's spark.read.csv line of every table; reading the Parquet folder whole
    fails, naming the README that says to read one file per table."""
    import os

    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("java is missing; .ci/run installs default-jre-headless")
        pytest.skip("java is not installed (apt install default-jre-headless)")
    python = tool_environment("pyspark") / "python"
    lines = "\n".join(f"tables[{name!r}] = rows(row.asDict() for row in "
                      f"{line.split('  #')[0]}.collect())"
                      for name, line in recipes("spark").items())
    _assert_every_table_equal(_tables_printed_by([str(python), "-c"], NORMALISE + f"""
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("OFF")
tables = {{}}
{lines}
try:
    spark.read.parquet("data/parquet/").count()
except Exception as error:
    assert "data/parquet/README.md" in str(error), str(error)[:500]
else:
    raise SystemExit("spark.read.parquet read the folder of fourteen tables as one")
json.dump(tables, sys.stdout)
"""))


R_PACKAGES = {"readr": "r-cran-readr", "read.csv": "r-base-core",
              "fread": "r-cran-data.table"}


@pytest.mark.slow
@pytest.mark.parametrize("reader", R_PACKAGES)
def test_r_reads_every_table_with_the_documented_column_types(tmp_path, reader):
    """readr, base R's read.csv and data.table's fread, each with the data dictionary's
    line. R is not installed by ``make``: when ``Rscript`` or the package is missing this
    test is skipped with its reason, except under CI (``.ci/run`` installs them from
    Debian), where a missing R is a failure."""
    import os

    library = {"readr": "readr", "fread": "data.table"}.get(reader)
    found = shutil.which("Rscript") is not None and (library is None or subprocess.run(
        ["Rscript", "-e", f"library({library})"], capture_output=True, check=False
    ).returncode == 0)
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"R with {reader} is missing; .ci/run installs {R_PACKAGES[reader]}")
        pytest.skip(f"R with {reader} is not installed (apt install {R_PACKAGES[reader]})")
    lines = [f'tables[["{name}"]] <- {line}' for name, line in recipes(reader).items()]
    script = tmp_path / "read.R"
    script.write_text("tables <- list()\n" + "\n".join(lines) + "\n"
                      + 'for (name in names(tables)) {\n'
                      + '  out <- file.path(commandArgs(TRUE)[1], paste0(name, ".csv"))\n'
                      + '  write.csv(tables[[name]], out, na = "\\\\N", row.names = FALSE,'
                      + ' fileEncoding = "UTF-8")\n}\n',
                      encoding="utf-8")
    subprocess.run(["Rscript", str(script), str(tmp_path)], cwd=ROOT, check=True,
                   capture_output=True)
    _assert_every_table_equal({name: _read_back(tmp_path / f"{name}.csv", name)
                               for name in besa545.tables()})


def _read_back(path: Path, name: str) -> list[dict[str, object]]:
    """A table R wrote back, with R's types: numbers as R printed them, NULL as ``\\N``."""
    import csv

    schema = besa545.schema(name)
    kinds = {field["name"]: field["type"] for field in schema["fields"]}
    cast = {"integer": int, "number": float, "boolean": lambda text: text == "TRUE",
            "date": str, "string": str}
    with path.open(encoding="utf-8", newline="") as stream:
        return [{column: None if value == "\\N" else cast[kinds[column]](value)
                 for column, value in record.items()} for record in csv.DictReader(stream)]


# The npm packages of docs/readers.md's JavaScript recipe, at fixed versions.
NODE_PACKAGES = ("d3-dsv@3.0.1", "hyparquet@1.33.0")


def _node_folder() -> Path:
    """A folder with NODE_PACKAGES installed from npm, kept like the Python tools."""
    return tool_folder("node", [*NODE_PACKAGES], lambda where: subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(where),
         *NODE_PACKAGES], check=True, capture_output=True))


def _readers_block(language: str) -> str:
    """The one ``language`` code block of docs/readers.md."""
    text = (ROOT / "docs" / "readers.md").read_text(encoding="utf-8")
    (block,) = re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)
    return block


@pytest.mark.slow
def test_javascript_reads_every_table_with_the_documented_recipe():
    """Node runs docs/readers.md's recipe on every CSV and every Parquet copy. Node and npm
    come from Debian (``.ci/run``); without them the test skips locally and fails in CI."""
    import os

    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("node or npm is missing; .ci/run installs nodejs and npm")
        pytest.skip("node and npm are not installed (apt install nodejs npm)")
    folder = _node_folder()
    script = folder / "read.mjs"  # beside node_modules, so that the imports resolve
    script.write_text(_readers_block("js") + """
const plain = (value) => typeof value === "bigint" ? Number(value)
  : value instanceof Date ? value.toISOString().slice(0, 10) : value;
const tables = {};
for (const name of process.argv.slice(2)) {
  tables[`${name} csv`] = readCsv(name);
  tables[`${name} parquet`] = (await readParquet(name)).map((row) =>
    Object.fromEntries(Object.entries(row).map(([column, value]) => [column, plain(value)])));
}
process.stdout.write(JSON.stringify(tables));
""", encoding="utf-8")
    result = subprocess.run(["node", str(script), *besa545.tables()], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    read = json.loads(result.stdout)
    for name in besa545.tables():
        for form in ("csv", "parquet"):
            assert rows(read[f"{name} {form}"]) == loaded(name), (name, form)
