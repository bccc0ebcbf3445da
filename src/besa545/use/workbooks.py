"""The tables for spreadsheets, Stata and SPSS (``besa545 export --format xlsx|stata|spss``).

Each reads the tables as :func:`besa545.use.load.load_table` types them, so every tool
gets the values ``besa545.load`` gives: codes stay text (``051``, never 51), dates are
dates, categories are labelled, and long text is whole. The files are the same bytes each
run: their timestamps are the release date, not the time of the export.
"""

from __future__ import annotations

import datetime
import io
import re
import textwrap
import zipfile
from typing import TYPE_CHECKING, Any

from besa545.model import metadata
from besa545.model.schema import TableSchema, table_names, table_schema

if TYPE_CHECKING:
    import pandas as pd

RELEASED = datetime.datetime.fromisoformat(metadata.RELEASE_DATE)
EXTRA = "pip install 'besa545[export]'"


def _needs(module: str, format: str) -> Any:
    """``module`` imported, or an ImportError saying which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"the {format} export needs {module}: {EXTRA}") from None


def _tables() -> list[tuple[TableSchema, pd.DataFrame]]:
    from besa545.use.load import load_table

    return [(table_schema(name), load_table(name)) for name in table_names()]


# ---- the workbook ------------------------------------------------------------------------

APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
           '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>{generator}</Application></Properties>")


def workbook_bytes(generator: str) -> bytes:
    """One sheet per table after a sheet ``tables`` that says what each holds and a sheet
    ``columns`` that describes every column; every text cell is stored as text."""
    openpyxl = _needs("openpyxl", "xlsx")
    book = openpyxl.Workbook()
    about = book.active
    about.title = "tables"
    tables = _tables()
    _write_rows(about, ["table", "title", "rows", "description"], [
        [schema.name, schema.title, len(frame), schema.description] for schema, frame in tables])
    _write_rows(book.create_sheet("columns"), ["table", "column", "type", "description"], [
        [schema.name, field.name, field.type, field.description]
        for schema, _ in tables for field in schema.fields])
    for schema, frame in tables:
        _write_rows(book.create_sheet(schema.name), list(frame.columns),
                    [[_cell(value) for value in row] for row in
                     frame.astype(object).itertuples(index=False)])
    book.properties.creator = generator
    book.properties.description = metadata.LICENSE_STATEMENT
    book.properties.created = book.properties.modified = RELEASED
    stream = io.BytesIO()
    book.save(stream)
    return _fixed_zip(stream.getvalue(), APP_XML.format(generator=generator).encode())


def _cell(value: Any) -> Any:
    import pandas as pd

    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _write_rows(sheet: Any, header: list[str], rows: list[list[Any]]) -> None:
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=1):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even where it starts like a formula
    sheet.freeze_panes = "A2"


def _fixed_zip(data: bytes, app: bytes) -> bytes:
    """The workbook with every entry dated 1980-01-01 (zip's first day: no release changes
    the opening bytes) and ``docProps/app.xml`` first, stored, naming the generator (by
    which ``export --force`` knows a workbook of any release as its own)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = ["docProps/app.xml", *(name for name in source.namelist()
                                   if name != "docProps/app.xml")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            if name == "docProps/app.xml":
                target.writestr(entry, app, compress_type=zipfile.ZIP_STORED)
                continue
            content = source.read(name)
            if name == "docProps/core.xml":  # openpyxl dates the workbook's save: the release
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*",
                                 rb"\g<1>" + RELEASED.strftime("%Y-%m-%dT%H:%M:%SZ").encode(),
                                 content)
            target.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---- Stata and SPSS -----------------------------------------------------------------------


def _labelled(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[int, str]]]:
    """Categories and booleans as integer codes (1, 2, ...; false 0, true 1) with their
    labels; missing stays missing."""
    import pandas as pd

    labels: dict[str, dict[int, str]] = {}
    columns = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            labels[name] = {code + 1: str(value) for code, value in
                            enumerate(column.cat.categories)}
            columns[name] = (column.cat.codes.astype("float64") + 1).where(column.notna())
        elif column.dtype.kind == "b" or str(column.dtype) == "boolean":
            labels[name] = {0: "false", 1: "true"}
            columns[name] = column.astype("float64")
    return frame.assign(**columns), labels


def stata_files(generator: str) -> dict[str, bytes]:
    """One ``<table>.dta`` per table (Stata 14 and later: format 118, UTF-8)."""
    import pandas as pd

    files = {}
    for schema, frame in _tables():
        frame, labels = _labelled(frame)
        dates = {name: "td" for name, column in frame.items() if column.dtype.kind == "M"}
        text = [name for name, column in frame.items() if column.dtype.kind in "OUT" or
                isinstance(column.dtype, pd.StringDtype)]
        frame = frame.assign(**{name: frame[name].fillna("").astype(object) for name in text})
        long = [name for name in text if frame[name].str.len().max() > 2045]
        stream = io.BytesIO()
        writer = pd.io.stata.StataWriterUTF8(
            stream, frame, convert_dates=dates, write_index=False, time_stamp=RELEASED,
            data_label=f"{schema.title} ({generator})"[:80],
            variable_labels={field.name: field.description[:80] for field in schema.fields},
            convert_strl=long, value_labels=labels or None)
        writer.write_file()
        files[f"{schema.name}.dta"] = stream.getvalue()
    return files


def spss_files(generator: str) -> dict[str, bytes]:
    """One ``<table>.sav`` per table, with variable and value labels."""
    import tempfile
    from pathlib import Path

    pyreadstat = _needs("pyreadstat", "spss")
    files = {}
    with tempfile.TemporaryDirectory() as folder:
        for schema, frame in _tables():
            frame, labels = _labelled(frame)
            path = Path(folder) / f"{schema.name}.sav"
            pyreadstat.write_sav(frame, str(path), file_label=f"{schema.title}"[:64],
                                 column_labels=[field.description for field in schema.fields],
                                 variable_value_labels=labels,
                                 note=textwrap.wrap(f"{generator}. {metadata.LICENSE_STATEMENT}",
                                                    80))  # SPSS: notes of 80 characters
            data = bytearray(path.read_bytes())
            data[92:109] = RELEASED.strftime("%d %b %y%H:%M:%S").encode("ascii")  # created
            files[path.name] = bytes(data)
    return files
