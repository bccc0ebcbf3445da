"""Reading a prediction or the gold: the needed columns of each CSV file as stripped text,
offsets as ``int64``, actors resolved to their ids, repeated rows dropped. Arrow reads the
file; Python's csv module is the simple reader that names the line of a fault."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ACTOR_COLUMNS = {"actor_id", "speaker_actor_id", "holder_actor_id", "subject_actor_id",
                 "object_actor_id"}
OFFSETS = ("char_start", "char_end")
MAX_BYTES = 200_000_000  # a prediction file larger than this is refused unread
HEADER_CHARACTERS = 1 << 20  # where a header row must end (not a copy of the whole file)
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+", re.ASCII)
LARGEST_OFFSET = 10**18  # an offset this large is surely wrong, and would overflow int64


class ScoreError(ValueError):
    """A prediction that cannot be scored: ``file``, ``line`` and what is wrong."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
        self.file, self.line = file, line


def text_length_of(root: Path) -> int:
    documents = read_csv(root / "data" / "documents.csv", "documents.csv", ("text_path",))
    relative = documents["text_path"][0].as_py()
    return len(contents(root / relative, relative, within=relative).decode("utf-8"))


def contents(path: Path, file: str, *, within: str | None = None) -> bytes:
    """The bytes of a file the scorer reads, read as the validator reads
    (:func:`~besa545.model.paths.open_regular`): only a regular file in its folder (no
    symbolic link, FIFO or device), at most :data:`MAX_BYTES` counted as they are read (a
    size the file system reports can be 0 or wrong), every failure a :class:`ScoreError`
    naming the file. ``within`` is the path relative to the folder it must lie in (by
    default its own name: the folder it is in)."""
    from besa545.model.paths import UnsafeFile, open_regular

    try:
        with open_regular(path, within or path.name) as handle:
            data = handle.read(MAX_BYTES + 1)
    except UnsafeFile as error:
        raise ScoreError(file, None, error.reason) from None
    except ValueError:  # a path that leaves its folder ("../")
        raise ScoreError(file, None, "is not a path inside the package") from None
    except OSError as error:
        raise ScoreError(file, None, f"cannot be read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise ScoreError(file, None, f"is over {MAX_BYTES:,} bytes")
    return data


def read_csv(path: Path, file: str, columns: tuple[str, ...],
          text_length: int | None = None, *, optional: tuple[str, ...] = ()) -> pa.Table:
    """A CSV file's needed columns, values stripped, offsets as ``int64`` (checked to lie
    inside the text when ``text_length`` is given). The file is read once
    (:func:`contents`). The csv module reads the header first: a needed column named twice
    is refused, and a file with no header on its first line goes to the row reader alone.
    Otherwise Arrow reads the file; when Arrow refuses it or a value is wrong, the
    row-by-row reader reads it again to name the line of the fault (or to read what Arrow
    could not)."""
    data = contents(path, file)
    try:
        text = data.decode("utf-8-sig")  # the whole file, columns the task skips included
    except UnicodeDecodeError as error:
        raise ScoreError(file, None, f"is not UTF-8 (byte {error.start})") from None
    _allow_long_cells()
    header = next(csv.reader(io.StringIO(text[:HEADER_CHARACTERS], newline="")), [])
    columns += tuple(column for column in optional if column in header)
    repeated = [column for column in dict.fromkeys(columns) if header.count(column) > 1]
    if repeated:  # Arrow would read the first of the two, the row reader the last
        raise ScoreError(file, 1, f"names the column(s) {', '.join(repeated)} more than "
                                  "once in its header; keep one of each")
    table = _read_with_arrow(data, columns) if header else None
    if table is None:
        table = _read_rows(text, file, columns)
    typed, bad = _parse_offsets(table, text_length)
    if typed is None:  # the row reader counts lines as an editor does: it names the line
        raise ScoreError(file, _line_of_row(text, bad), _offsets_fault(table, bad,
                                                                       text_length))
    return typed


def _read_with_arrow(data: bytes, columns: tuple[str, ...]) -> pa.Table | None:
    """The needed columns as stripped text, or None when Arrow cannot read the file. The
    caller sends only a file with a header on its first line (past a blank first line,
    Arrow would take the next line for the header)."""
    wanted = list(dict.fromkeys(columns))
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data), parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None
    return pa.table({column: pc.utf8_trim_whitespace(table[column]).combine_chunks()
                     for column in wanted})


def _allow_long_cells() -> None:
    """A cell as long as Arrow reads: the csv module's limit is one setting for the whole
    process (frictionless raises it too), so that the answer does not depend on what ran."""
    if csv.field_size_limit() < MAX_BYTES:
        csv.field_size_limit(MAX_BYTES)


def _read_rows(text: str, file: str, columns: tuple[str, ...]) -> pa.Table:
    """The simple reader: Python's csv module, row by row, raising :class:`ScoreError` at
    the first fault of its form with its line (``csv.DictReader`` counts lines as an editor
    does). Offsets are read as text, as Arrow reads them: one rule types them after."""
    reader = csv.DictReader(_lines(text))  # not a StringIO copy of the whole file
    header = reader.fieldnames
    if not header:
        what = "is empty" if not text.strip() else "has a blank first line"
        raise ScoreError(file, 1, f"{what}: it needs a header row with the columns "
                                  + ", ".join(columns))
    missing = [column for column in columns if column not in header]
    if missing:
        raise ScoreError(file, 1, f"lacks the column(s) {', '.join(missing)} (it needs "
                                  f"{', '.join(columns)})")
    values: dict[str, list[str]] = {column: [] for column in columns}
    try:
        for record in reader:
            if None in record or any(value is None for value in record.values()):
                raise ScoreError(file, reader.line_num, f"has {len(header)} columns in "
                                                        "its header but not in this row")
            for column in columns:
                values[column].append(record[column].strip())
    except csv.Error as error:  # the DictReader's own count stops at the last whole row
        raise ScoreError(file, reader.reader.line_num, f"is not valid CSV: {error}") from None
    return pa.table({column: pa.array(values[column], pa.string()) for column in values})


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, one at a time (a StringIO of a large
    file would hold four bytes a character)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _line_of_row(text: str, position: int) -> int | None:
    """The editor line where data row ``position`` (0-based) of a readable file starts;
    blank lines are no rows, as both readers skip them. None if the csv module finds fewer
    rows than Arrow did (the file is then named without a line rather than a wrong one)."""
    reader = csv.reader(_lines(text))
    line, number = 1, -1  # the header is row -1
    for row in reader:
        if row:
            if number == position:
                return line
            number += 1
        line = reader.line_num + 1
    return None


def _offset_rules(table: pa.Table, length: int | None) -> dict[str, pa.ChunkedArray]:
    """The one rule of offsets, as a mask per fault, in the order a fault is named: not
    whole numbers; a span outside the text (when its length is known: start before end,
    both inside); too large to be an offset (``LARGEST_OFFSET`` or more either way)."""
    start, end = (pc.utf8_trim_whitespace(table[column]) for column in OFFSETS)
    pattern = f"^{WHOLE_NUMBER.pattern}$"  # the whole cell: no hex, exponent or underscore
    whole = pc.and_(pc.match_substring_regex(start, pattern),
                    pc.match_substring_regex(end, pattern))
    # a whole number of at most 18 digits fits int64; a longer one is too large anyway
    fits = pc.and_(whole, pc.and_(*(pc.match_substring_regex(
        numbers, r"^[+-]?0*[0-9]{1,18}$") for numbers in (start, end))))
    zero = pa.scalar("0")
    first, last = (pc.cast(pc.replace_substring_regex(pc.if_else(fits, numbers, zero),
                                                      r"^\+", ""), pa.int64())
                   for numbers in (start, end))
    too_large = pc.and_(whole, pc.invert(pc.and_(fits, pc.and_(
        *(pc.less(pc.abs(numbers), LARGEST_OFFSET) for numbers in (first, last))))))
    rules = {"not whole": pc.invert(whole), "too large": too_large, "first": first,
             "last": last}
    if length is not None:  # the gold's offsets are not held to a text length
        inside = pc.and_(pc.and_(pc.greater_equal(first, 0), pc.less(first, last)),
                         pc.less_equal(last, length))
        rules["outside"] = pc.and_(whole, pc.or_(too_large, pc.invert(inside)))
    return rules


def _parse_offsets(table: pa.Table, length: int | None) -> tuple[pa.Table | None, int]:
    """The table with its offsets as ``int64``, or None and the position of the first row
    whose offsets break :func:`_offset_rules`."""
    if "char_start" not in table.column_names:
        return table, -1
    rules = _offset_rules(table, length)
    bad = pc.or_(rules["not whole"], rules["too large"])
    if "outside" in rules:
        bad = pc.or_(bad, rules["outside"])
    if pc.any(bad).as_py():
        return None, int(pc.index(bad, True).as_py())
    for column, key in zip(OFFSETS, ("first", "last"), strict=True):
        table = table.set_column(table.column_names.index(column), column, rules[key])
    return table, -1


def _offsets_fault(table: pa.Table, position: int, length: int | None) -> str:
    """What :func:`_offset_rules` finds wrong with the offsets of row ``position``."""
    row = table.slice(position, 1)
    rules = _offset_rules(row, length)
    start_text, end_text = (row[column][0].as_py().strip() for column in OFFSETS)
    if rules["not whole"][0].as_py():
        return (f"char_start and char_end must be whole numbers, got "
                f"{start_text or None!r} and {end_text or None!r}")
    start, end = int(start_text), int(end_text)
    if "outside" in rules and rules["outside"][0].as_py():
        return (f"the span {start}-{end} is not inside the text (0-{length}, start before "
                "end)")
    return f"the span {start}-{end} is too large to be offsets into a text"


def _all(values: pa.ChunkedArray | pa.Array) -> bool:
    """Whether every value is true (so, also, when there are none)."""
    return bool(pc.all(values, skip_nulls=False, min_count=0).as_py())


# Rows: actors and repetitions -----------------------------------------------------------

def actor_resolver(actors: pa.Table, aliases: pa.Table) -> Callable[[pa.Table], pa.Table]:
    """A function that replaces, in each actor column of a table, an actor's name or
    alias (any case) by its id; an id stays itself, an empty cell stays empty, and a
    value that names no actor becomes ``unresolved:<value>``, which matches nothing.

    It is a join of each column's distinct values with the actors' ids, names and
    aliases (a name or alias used twice means its first actor)."""
    ids = set(actors["actor_id"].to_pylist())
    names: dict[str, str] = {}
    for name_column, table in (("name", actors), ("alias", aliases)):
        for name, actor_id in zip(table[name_column].to_pylist(),
                                  table["actor_id"].to_pylist(), strict=True):
            names.setdefault(name.casefold(), actor_id)

    def resolve_value(value: str) -> str:
        if not value or value in ids:
            return value
        return names.get(value.casefold(), f"unresolved:{value}")

    def resolve(table: pa.Table) -> pa.Table:
        for column in ACTOR_COLUMNS.intersection(table.column_names):
            encoded = pc.dictionary_encode(table[column]).combine_chunks()
            resolved = pa.array([resolve_value(value) for value in
                                 encoded.dictionary.to_pylist()], pa.string())
            table = table.set_column(table.column_names.index(column), column,
                                     resolved.take(encoded.indices))
        return table
    return resolve


def distinct_rows(table: pa.Table) -> pa.Table:
    """Each distinct row once, in the order of first appearance (a repeated row must not
    count twice)."""
    if table.num_rows == 0:
        return table
    for column in table.columns:  # a column without repeats (an id) makes rows distinct
        if pc.count_distinct(column, mode="all").as_py() == table.num_rows:
            return table
    numbered = table.append_column("row", pa.array(np.arange(table.num_rows)))
    first = numbered.group_by(table.column_names).aggregate(
        [("row", "min")])["row_min"]
    return table.take(np.sort(first.to_numpy()))
