"""``besa545 export --format xlsx|stata|spss``: every cell, read back by the tools
researchers open these files with, equals ``besa545.load``; the bytes are the same each
run; a missing library is one line naming the extra."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import besa545
from besa545.use.export import export
from helpers import invoke

pytestmark = pytest.mark.slow


def _plain(value: object, kind: str) -> object:
    """A cell as the comparison sees it: missing text and an empty string alike (Stata has
    no missing text), booleans from their labels, dates as ISO text."""
    import datetime
    import math

    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "boolean":
        return value in (True, "true")
    if kind == "date":
        return value.isoformat()[:10] if isinstance(value, datetime.date) else str(value)
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    return value


def _expected(name: str) -> list[list[object]]:
    kinds = [field["type"] for field in besa545.schema(name)["fields"]]
    frame = besa545.load(name).astype(object)
    return [[_plain(None if str(value) in ("nan", "NaT", "<NA>") else value, kind)
             for value, kind in zip(row, kinds, strict=True)]
            for row in frame.itertuples(index=False)]


def test_the_workbook_holds_every_cell_as_loaded_with_codes_as_text(tmp_path):
    import openpyxl

    out = export("xlsx", tmp_path / "besa545.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["tables", "columns", *besa545.tables()]
    described = [row[0] for row in book["tables"].iter_rows(min_row=2, values_only=True)]
    assert described == besa545.tables()
    for name in besa545.tables():
        kinds = [field["type"] for field in besa545.schema(name)["fields"]]
        sheet = list(book[name].iter_rows(values_only=True))
        assert list(sheet[0]) == [field["name"] for field in besa545.schema(name)["fields"]]
        read = [[_plain(value, kind) for value, kind in zip(row, kinds, strict=True)]
                for row in sheet[1:]]
        assert read == _expected(name), name
    codes = [cell for cell in book["cameo_codes"]["A"][1:]]
    assert all(cell.data_type == "s" for cell in codes) and "014" in [c.value for c in codes]
    date_column = [field["name"] for field in besa545.schema("events")["fields"]].index(
        "date_start") + 1
    dates = [row[date_column - 1] for row in book["events"].iter_rows(min_row=2)
             if row[date_column - 1].value is not None]
    assert dates and {cell.number_format for cell in dates} == {"yyyy-mm-dd"}  # no time shown


def _r_with_haven() -> None:
    found = shutil.which("Rscript") is not None and subprocess.run(
        ["Rscript", "-e", "library(haven)"], capture_output=True, check=False).returncode == 0
    if not found:
        if os.environ.get("CI"):
            pytest.fail("R with haven is missing; .ci/run installs r-cran-haven")
        pytest.skip("R with haven is not installed (apt install r-cran-haven)")


@pytest.mark.parametrize(("format", "suffix", "reader"), [
    ("stata", "dta", "read_dta"), ("spss", "sav", "read_sav")])
def test_r_haven_reads_every_cell_of_the_stata_and_spss_files(tmp_path, format, suffix, reader):
    """haven, what R users open Stata and SPSS files with: labels give the categories
    back, dates are dates, long text is whole."""
    _r_with_haven()
    out = export(format, tmp_path / format)
    script = tmp_path / "read.R"
    script.write_text(
        "for (path in commandArgs(TRUE)) {\n"
        f"  data <- haven::as_factor(haven::{reader}(path), levels = 'labels')\n"
        "  data[] <- lapply(data, function(v) if (is.factor(v)) as.character(v) else v)\n"
        "  write.csv(data, paste0(path, '.csv'), na = '\\\\N', row.names = FALSE,"
        " fileEncoding = 'UTF-8')\n}\n", encoding="utf-8")
    files = [str(out / f"{name}.{suffix}") for name in besa545.tables()]
    subprocess.run(["Rscript", str(script), *files], check=True, capture_output=True)
    for name in besa545.tables():
        kinds = [field["type"] for field in besa545.schema(name)["fields"]]
        with open(out / f"{name}.{suffix}.csv", encoding="utf-8", newline="") as stream:
            records = list(csv.reader(stream))
        assert records[0] == [field["name"] for field in besa545.schema(name)["fields"]]
        read = [[_plain(None if value == "\\N" else value, kind)
                 for value, kind in zip(row, kinds, strict=True)] for row in records[1:]]
        assert read == _expected(name), (format, name)


@pytest.mark.parametrize("format", ["xlsx", "stata", "spss"])
def test_each_export_is_the_same_bytes_a_second_later(tmp_path, format):
    from besa545.use.export import EXPORTS

    first = EXPORTS[format].write()
    time.sleep(1.1)  # a timestamp of the export's own time would differ now
    assert EXPORTS[format].write() == first


def test_a_missing_library_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed
    result = invoke("export", "--format", "xlsx", str(tmp_path / "out.xlsx"))
    assert (result.status, result.stdout) == (2, "")
    assert result.stderr == ("Error: the xlsx export needs openpyxl: "
                             "pip install 'besa545[export]'\n")
    assert not Path(tmp_path / "out.xlsx").exists()


def test_force_replaces_an_earlier_workbook_but_not_another_file(tmp_path):
    out = tmp_path / "besa545.xlsx"
    assert invoke("export", "--format", "xlsx", str(out)).status == 0
    out.write_bytes(out.read_bytes()[:-10] + b"x" * 10)  # changed after the opening
    assert invoke("export", "--format", "xlsx", "--force", str(out)).status == 0
    other = tmp_path / "mine.xlsx"
    other.write_bytes(b"PK\x03\x04 someone's workbook")
    refused = invoke("export", "--format", "xlsx", "--force", str(other))
    assert refused.status == 2 and "was not written by this command" in refused.stderr
    assert other.read_bytes() == b"PK\x03\x04 someone's workbook"


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing; .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt install libreoffice-calc-nogui)")
    return found


# LibreOffice's CSV filter: comma, double quote, UTF-8, from line 1; the last option (-1)
# writes every sheet of a workbook to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def test_libreoffice_opens_the_workbook_with_every_value_as_loaded(tmp_path):
    """LibreOffice Calc itself reads the workbook and writes each sheet back as CSV:
    the codes keep their zeros and every cell equals besa545.load."""
    soffice = _soffice()
    export("xlsx", tmp_path / "besa545.xlsx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", CSV_FILTER, "--outdir", str(tmp_path),
                    str(tmp_path / "besa545.xlsx")], check=True, capture_output=True)
    for name in besa545.tables():
        kinds = [field["type"] for field in besa545.schema(name)["fields"]]
        with open(tmp_path / f"besa545-{name}.csv", encoding="utf-8", newline="") as stream:
            records = list(csv.reader(stream))
        read = [[_plain({"TRUE": True, "FALSE": False}.get(value, value), kind)
                 for value, kind in zip(row, kinds, strict=True)] for row in records[1:]]
        assert read == _expected(name), name


def test_a_csv_that_libreoffice_opened_and_saved_is_named_once_by_the_build(tmp_path):
    """The contributor's mistake itself: LibreOffice opens data/events.csv with its
    default import (which guesses types) and saves it. The build names the spreadsheet
    once, at the column, with the fix; no foreign key or coding rule per cell."""
    from helpers import copy_package

    soffice = _soffice()
    root = copy_package(tmp_path / "package")
    saved = tmp_path / "saved"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir",
                    str(saved), str(root / "data" / "events.csv")], check=True,
                   capture_output=True)
    shutil.copy(saved / "events.csv", root / "data" / "events.csv")
    result = invoke("build", "--root", str(root))
    assert result.status == 1
    found = re.findall(r"^(data/[a-z_]+\.csv):\d+ \[(\w+)\]: ([a-z-]+):", result.stderr, re.M)
    assert found == [("data/events.csv", "cameo_code", "spreadsheet-zeros")], result.stderr


def test_stata_keeps_a_text_longer_than_its_fixed_width_strings(monkeypatch):
    """Stata's fixed-width strings hold 2,045 bytes; a longer cell (no table has one yet,
    the longest paragraph is under 800) is stored as a strL, whole."""
    import io

    import pandas as pd

    from besa545.use import workbooks

    frame = besa545.load("topics").head(2)
    long = "word " * 1000
    frame.loc[0, "description"] = long.strip()
    monkeypatch.setattr(workbooks, "_tables", lambda: [
        (workbooks.table_schema("topics"), frame)])
    read = pd.read_stata(io.BytesIO(workbooks.stata_files("test")["topics.dta"]))
    assert read.loc[0, "description"] == long.strip()
    assert read.loc[1, "description"] == frame.loc[1, "description"]


def test_force_replaces_a_workbook_of_an_earlier_release(tmp_path, monkeypatch):
    """What makes the workbook recognisable (its opening bytes) does not change with the
    release date it records inside."""
    import datetime

    from besa545.use import workbooks

    out = tmp_path / "besa545.xlsx"
    monkeypatch.setattr(workbooks, "RELEASED", datetime.datetime(2020, 1, 2))
    export("xlsx", out)
    earlier = out.read_bytes()
    monkeypatch.undo()
    assert invoke("export", "--format", "xlsx", "--force", str(out)).status == 0
    assert out.read_bytes() != earlier
