"""Reading and writing the package's CSV files.

Reading never raises for bad content: it returns the table it could read (every cell a
string, null as NaN) together with the problems it met, each located at the line an
editor shows. Writing produces the canonical form: UTF-8, LF, a header row, quotes only
where needed.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.model.paths import mapped, unopenable
from besa545.model.problems import Problem
from besa545.model.schema import TableSchema

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

MAX_CELL_BYTES = 1_000_000
NOT_SPACE = re.compile(rb"\S")


@dataclass
class StringTable:
    """A CSV file read as strings: ``frame`` holds the rows, ``lines`` their line numbers."""

    name: str
    file: str
    frame: pd.DataFrame
    lines: np.ndarray
    # Schema columns missing from the header. The validator's frame leaves them out (a
    # check that reads one without asking :meth:`lacks` fails loudly); the build's frame
    # holds them as nulls, for the build to fill.
    absent: frozenset[str] = frozenset()
    lost_rows: bool = False  # rows of the wrong width (row-field-count) are not in frame

    def line(self, position: int) -> int:
        return int(self.lines[position])

    def lacks(self, *columns: str) -> bool:
        """Whether one of ``columns`` is missing from the header. A check that reads it
        skips the table: the header-missing problem already says what to fix (the rest is
        checked once the column is back)."""
        return not self.absent.isdisjoint(columns)


def check_bytes(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode ``data`` as strict UTF-8 and report BOM, CR and NUL bytes."""
    problems = byte_problems(data, file)
    text, problem = decode(data, file)
    return text, problems if problem is None else [*problems, problem]


def from_spreadsheet(data: bytes) -> bytes | None:
    """``data`` in the canonical form, if it differs only as a spreadsheet saves a CSV (a
    UTF-8 BOM, CRLF line endings: every CR followed by LF); otherwise None. The build reads
    such a file through this and writes it back canonical (the problems' hints say so).

    A CRLF inside a quoted cell becomes LF too: a file in which every CR comes before an LF
    was written by a tool that ends every line so, inside cells as between rows, and a CR
    is never a valid character of a cell (``cell-invisible``); the cell's line break stays.
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    crlf = b"\r" in data and data.count(b"\r") == data.count(b"\r\n")
    if not bom and not crlf:
        return None
    if bom:
        data = data[3:]
    return data.replace(b"\r\n", b"\n") if crlf else data


def read_csv_bytes(data: bytes, file: str, schema: TableSchema, *,
                   allow_missing_computed: bool = False) -> tuple[StringTable | None,
                                                                  list[Problem]]:
    """:func:`read_string_table` of bytes already in memory."""
    return _read_mapped(data, file, schema, allow_missing_computed)


def byte_problems(data: bytes | mmap.mmap, file: str) -> list[Problem]:
    """A BOM, NUL bytes and CR line endings, found without decoding ``data``."""
    problems = []
    if data[:3] == b"\xef\xbb\xbf":
        problems.append(Problem(file, 1, None, "file-bom", "the file starts with a UTF-8 byte "
                                "order mark"))
    nul = data.find(b"\x00")
    if nul >= 0:
        problems.append(Problem(file, _line_at(data, nul), None, "file-nul-byte",
                                "the file contains a NUL byte"))
    cr = data.find(b"\r")
    if cr >= 0:
        problems.append(Problem(file, _line_at(data, cr), None, "file-line-ending",
                                "the file has CR (Windows or old Mac) line endings"))
    return problems


def decode(data: bytes | mmap.mmap, file: str) -> tuple[str | None, Problem | None]:
    """``data`` as text, or the problem locating its first invalid UTF-8 byte."""
    try:
        return str(data[:], "utf-8"), None
    except UnicodeDecodeError as error:
        bad = bytes(data[error.start : error.start + 4])
        message = f"invalid UTF-8 byte sequence {bad!r} at byte {error.start}"
        read = _as_windows_1252(bad)
        if read is None:
            return None, Problem(file, _line_at(data, error.start), None, "file-encoding",
                                 message)
        return None, Problem(
            file, _line_at(data, error.start), None, "file-encoding",
            f"{message}, which Windows-1252 reads as {read!r}: the file was probably saved by a "
            "spreadsheet in its own encoding", "save it again as UTF-8 (Excel: CSV UTF-8; "
            "LibreOffice: Character set Unicode (UTF-8)), or edit the CSV in a text editor")


def _as_windows_1252(bad: bytes) -> str | None:
    """The character Windows-1252 reads the first bad byte as, or None: for a byte it does
    not define, or for the start of a UTF-8 character cut short (a lead byte and a
    continuation byte), which no other encoding explains."""
    if len(bad) > 1 and 0xC2 <= bad[0] <= 0xF4 and 0x80 <= bad[1] <= 0xBF:
        return None
    try:
        return bad[:1].decode("cp1252")
    except UnicodeDecodeError:
        return None


def _line_at(data: bytes | mmap.mmap, offset: int) -> int:
    return bytes(data[:offset]).count(b"\n") + 1


def read_string_table(path: Path, file: str, schema: TableSchema, *,
                      allow_missing_computed: bool = False) -> tuple[StringTable | None,
                                                                     list[Problem]]:
    """Read the CSV at ``path`` (reported as ``file``) against ``schema``.

    Returns ``None`` as the table when the file cannot be read at all. With
    ``allow_missing_computed``, columns that the build fills may be absent or out of order
    (the build adds and reorders them); otherwise the header must equal the schema's.
    """
    if not path.is_file():
        return None, [Problem(file, None, None, "file-missing", "the file does not exist",
                              f"create it with the header row of schemas/{schema.name}.json")]
    try:
        with mapped(path, file) as data:
            return _read_mapped(data, file, schema, allow_missing_computed)
    except OSError as error:
        return None, [unopenable(file, error)]


def _read_mapped(data: bytes | mmap.mmap, file: str, schema: TableSchema,
                 allow_missing_computed: bool) -> tuple[StringTable | None, list[Problem]]:
    problems = byte_problems(data, file)
    start = 3 if data[:3] == b"\xef\xbb\xbf" else 0  # reported as file-bom; the rest reads
    if not NOT_SPACE.search(data, start):
        return None, [*problems, Problem(file, 1, None, "file-empty", "the file is empty")]
    end = data.find(b"\n", start, start + 1_000_000)
    first_line = bytes(data[start : end if end >= 0 else start + 1_000_000])
    header_text = first_line.decode("utf-8", errors="replace").rstrip("\r")
    if not header_text:  # a blank first line: every row would be read against no header
        return None, [*problems, Problem(
            file, 1, None, "header-blank", "the first line is blank, where the header goes",
            "delete the blank line: the column names are the file's first line")]
    try:
        if header_text.count('"') % 2:
            raise csv.Error("a quoted column name continues on the next line")
        header = next(csv.reader([header_text]))
    except csv.Error as error:  # a CR or a quoted line break inside the header
        return None, [*problems, Problem(
            file, 1, None, "file-unparsable", f"the header cannot be parsed: {error}",
            "the header is one line of column names separated by commas, with LF endings")]
    header_problems = _check_header(header, file, schema, allow_missing_computed)
    if header_problems or "\ufffd" in "".join(header):
        # The whole file is decoded only now: a file that is not UTF-8 is reported as
        # that alone, as its header cannot be trusted (Arrow checks the values' UTF-8 but
        # not the column names').
        _, undecodable = decode(data, file)
        if undecodable is not None:
            return None, [*problems, undecodable]
    problems += header_problems
    if any(problem.code in ("header-duplicate", "header-blank") for problem in header_problems):
        return None, problems
    table, row_problems = _parse(data, header, file, schema.name)
    problems += row_problems
    if table is not None:
        missing = [field for field in schema.field_names if field not in table.frame.columns]
        if allow_missing_computed:  # the build fills them
            for name in missing:
                table.frame[name] = None
        present = [name for name in schema.field_names if name in table.frame.columns]
        if list(table.frame.columns) != present:
            table.frame = table.frame[present]
        table.frame = table.frame.astype("str")  # lazy under copy-on-write
        table.absent = frozenset(missing)
    return table, problems


def _check_header(header: list[str], file: str, schema: TableSchema,
                  allow_missing_computed: bool) -> list[Problem]:
    expected = schema.field_names
    problems = []
    seen = set()
    for label in header:
        if not label.strip():
            problems.append(Problem(file, 1, None, "header-blank", "the header has a blank "
                                    "column name", f"use the names of schemas/{schema.name}.json"))
        elif label in seen:
            problems.append(Problem(file, 1, label, "header-duplicate",
                                    f"column {label!r} appears twice in the header"))
        seen.add(label)
    for label in header:
        if label.strip() and label not in expected:
            close = [name for name in expected if name.lower() == label.strip().lower()]
            hint = (f"did you mean {close[0]!r}?" if close else
                    f"remove it, or add the column to schemas/{schema.name}.json first")
            problems.append(Problem(file, 1, label, "header-unknown",
                                    f"column {label!r} is not in the table schema", hint))
    for field in schema.fields:
        if field.name not in header and not (allow_missing_computed and field.is_computed):
            problems.append(Problem(file, 1, field.name, "header-missing",
                                    f"column {field.name!r} is missing from the header",
                                    "run `besa545 build`, which fills it" if field.is_computed
                                    else f"add it; the columns are: {', '.join(expected)}"))
    if not problems and not allow_missing_computed and header != expected:
        problems.append(Problem(file, 1, None, "header-order",
                                f"the columns are out of order: {', '.join(header)}",
                                f"use the schema's order: {', '.join(expected)}"))
    return problems


def _parse(data: bytes | mmap.mmap, header: list[str], file: str,
           table: str) -> tuple[StringTable | None, list[Problem]]:
    import numpy as np
    import pyarrow as pa

    try:
        arrow, invalid = _read_arrow(data, header, threads=True)
        if invalid:  # only a single-threaded read knows the record numbers of bad rows
            arrow, invalid = _read_arrow(data, header, threads=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError) as error:
        _, undecodable = decode(data, file)  # pyarrow checks UTF-8 but cannot say where
        if undecodable is not None:
            return None, [undecodable]
        return None, [Problem(file, None, None, "file-unparsable",
                              f"the CSV cannot be parsed: {error}")]
    frame = arrow.to_pandas()  # empty cells are already null
    invalid_records = sorted(row.number for row in invalid if row.number is not None)
    multiline = count_byte(data, b"\n") > len(frame) + len(invalid) + 1
    lines, newlines_before = _line_numbers(frame, invalid_records, multiline)
    problems = []
    for row in invalid:
        line = None
        if row.number is not None:
            line = row.number + int(newlines_before(row.number))
        quoted = row.text if len(row.text) <= 80 else row.text[:79] + "…"
        hint = "add or remove commas so that the row has one value per column"
        if row.text.count('"') % 2:
            hint = "a quote is not closed: every opening quote needs a closing one"
        problems.append(Problem(file, line, None, "row-field-count",
                                f"the row has {row.actual_columns} values, the header "
                                f"{row.expected_columns}: {quoted!r}", hint))
    blank = np.zeros(len(frame), dtype=bool)
    maybe_blank = arrow.num_columns > 0 and arrow.column(0).null_count > 0  # else none is
    if maybe_blank and (data.find(b"\n\n") >= 0 or data.find(b"\n\r\n") >= 0):
        blank = frame.isna().all(axis=1).to_numpy()  # a blank line somewhere: find its row
    for position in np.flatnonzero(blank):
        problems.append(Problem(file, int(lines[position]), None, "row-blank",
                                "the row is blank"))
    too_long = _oversized_cells(arrow)
    for row_position, column in too_long:
        problems.append(Problem(file, int(lines[row_position]), column, "cell-too-long",
                                f"the value is over {MAX_CELL_BYTES:,} bytes"))
    if blank.any():
        frame, lines = frame[~blank].reset_index(drop=True), lines[~blank]
    return StringTable(table, file, frame, lines, lost_rows=bool(invalid)), problems


def count_byte(data: bytes | mmap.mmap, byte: bytes, chunk: int = 1 << 22) -> int:
    """How many times ``byte`` occurs in ``data`` (a map has no ``count``: chunk by chunk)."""
    view = memoryview(data)
    try:
        return sum(bytes(view[at : at + chunk]).count(byte) for at in range(0, len(view), chunk))
    finally:
        view.release()


def _read_arrow(data: bytes | mmap.mmap, header: list[str], *,
                threads: bool) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    """Read the CSV as text columns (empty cells null), collecting rows of wrong width."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    invalid: list[pacsv.InvalidRow] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    with pa.BufferReader(pa.py_buffer(data)) as source:  # no copy; Arrow skips a BOM
        arrow = pacsv.read_csv(
            source, read_options=pacsv.ReadOptions(use_threads=threads, block_size=1 << 24),
            parse_options=_parse_options(invalid_row_handler=on_invalid),
            convert_options=_convert_options(header))
    return arrow, invalid


def _parse_options(**options: Any) -> pacsv.ParseOptions:
    import pyarrow.csv as pacsv

    return pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False, **options)


def _convert_options(header: list[str]) -> pacsv.ConvertOptions:
    """Every column as text; only an empty cell is null (not "NA", "null" or "NaN")."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    # large_string: what pandas' text columns hold, so that no column is cast again
    return pacsv.ConvertOptions(column_types={name: pa.large_string() for name in header},
                                null_values=[""], strings_can_be_null=True,
                                quoted_strings_can_be_null=True)


def read_if_holds(path: Path, file: str, expected: StringTable
                  ) -> tuple[StringTable | None, list[Problem]]:
    """``expected`` (as ``file``) if the CSV at ``path`` holds exactly its header and rows.

    The file is compared byte for byte with what the build writes for ``expected`` or,
    failing that, parsed batch by batch, each batch compared with the same rows of
    ``expected``: a large derived table that is as it should be never sits in memory
    twice. Returns None (and no problem) when the file differs in any way or cannot be
    read or parsed: the caller then reads it with :func:`read_string_table`, which says
    what is wrong and where.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [str(name) for name in expected.frame.columns]
    wanted = pa.Table.from_pandas(expected.frame, preserve_index=False).cast(
        pa.schema([(name, pa.large_string()) for name in names]))
    offset = 0
    try:
        with mapped(path, file) as data:
            problems = byte_problems(data, file)
            if any(problem.code == "file-nul-byte" for problem in problems
                   ) or _oversized_cells(wanted):
                return None, []  # reported by the full read, at the line where they are
            if _written_exactly(data, expected.frame, wanted):  # then no value spans lines
                lines = np.arange(2, len(expected.frame) + 2, dtype=np.int64)
                return replace(expected, file=file, lines=lines), problems
            with pa.BufferReader(pa.py_buffer(data)) as source:
                reader = pacsv.open_csv(
                    source, read_options=pacsv.ReadOptions(block_size=1 << 24),
                    parse_options=_parse_options(), convert_options=_convert_options(names))
                if reader.schema.names != names:
                    return None, []
                for batch in reader:
                    rows = batch.num_rows
                    if offset + rows > wanted.num_rows or not pa.Table.from_batches(
                            [batch]).equals(wanted.slice(offset, rows)):
                        return None, []
                    offset += rows
    except (OSError, ValueError, pa.ArrowException):  # unreadable or unparsable: read it fully
        return None, []
    if offset != wanted.num_rows:
        return None, []
    lines, _ = _line_numbers(expected.frame, [], multiline=True)
    return replace(expected, file=file, lines=lines), problems


def _written_exactly(data: bytes | mmap.mmap, frame: pd.DataFrame, table: pa.Table,
                     rows: int = 1 << 18) -> bool:
    """Whether the file holds, byte for byte, what :func:`write_csv` writes for ``frame``.

    When no value needs quoting, Arrow writes the same bytes as :func:`write_csv`, and much
    faster; when one does, Arrow refuses and the answer is False (the caller compares the
    parsed values instead). Written and compared a slice of rows at a time, to stay small.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(include_header=False, quoting_style="none",
                                 batch_size=1 << 16)
    position = len(header := write_csv(frame.iloc[:0]))
    if data[:position] != header:
        return False
    for start in range(0, table.num_rows, rows):
        stream = pa.BufferOutputStream()  # Arrow's own buffer: writing it needs no GIL
        try:
            pacsv.write_csv(table.slice(start, rows), stream, write_options=options)
        except pa.ArrowInvalid:  # a delimiter, quote or line break inside a value
            return False
        end = position + stream.tell()
        if data[position:end] != stream.getvalue().to_pybytes():
            return False
        position = end
    return len(data) == position


def _line_numbers(frame: pd.DataFrame, invalid: list[int],
                  multiline: bool) -> tuple[np.ndarray, Callable[[int], int]]:
    """Editor line of each parsed row, and of any record number.

    Records are numbered from 2 (the header is 1); a value with newlines pushes every
    later record down by as many lines.
    """
    import numpy as np

    total = len(frame) + len(invalid)
    numbers = np.arange(2, total + 2, dtype=np.int64)
    if invalid:  # np.delete keeps the order and costs nothing when there is nothing to drop
        numbers = np.delete(numbers, np.asarray(invalid, np.int64) - 2)
    newlines = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns if multiline else ():  # only when some value spans lines
        newlines += frame[column].str.count("\n").fillna(0).to_numpy(dtype=np.int64)
    cumulative = np.cumsum(newlines)
    lines = numbers + cumulative - newlines

    def newlines_before(record: int) -> int:
        kept_before = int(np.searchsorted(numbers, record))
        return int(cumulative[kept_before - 1]) if kept_before else 0

    return lines, newlines_before


def _oversized_cells(arrow: pa.Table) -> list[tuple[int, str]]:
    """Cells over MAX_CELL_BYTES, found with one vectorised length per column."""
    import numpy as np
    import pyarrow.compute as pc

    found = []
    for column in arrow.column_names:
        lengths = pc.binary_length(arrow[column])
        if (pc.max(lengths).as_py() or 0) > MAX_CELL_BYTES:
            array = lengths.to_numpy(zero_copy_only=False)
            for position in np.flatnonzero(np.nan_to_num(array.astype(float)) > MAX_CELL_BYTES):
                found.append((int(position), column))
    return found


def write_csv(frame: pd.DataFrame) -> bytes:
    """The canonical CSV bytes of a string frame: nulls empty, quotes only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(["" if value is None or value != value else value for value in row])
    return buffer.getvalue().encode("utf-8")
