"""``besa545 score``: an extraction tool's output scored against the dataset.

A prediction is a directory of CSV files named like the tables (``mentions.csv``,
``quotations.csv``, ``events.csv``, ``event_participants.csv``, ``stances.csv``,
``actor_relations.csv``) with the tables' own column names; :data:`TASKS` lists the
columns each task needs, others are ignored, and a missing file leaves its task unscored.
Offsets are into the plain text (``besa545.text()``). An actor is named by its
``actor_id`` or by a name: a name resolves to the actor whose name or an alias equals it
(case-insensitive); an unresolved name is simply wrong. Rows repeated in a prediction
(after offsets are read as numbers and actors resolved) count once. The dataset's own
``data/`` directory is a prediction that scores 1.0.

Spans are matched one to one: strictly when start and end are equal, leniently when they
overlap (the pairs that cover each other best taken first: overlap over union). The
format and the measures are documented in ``docs/scoring.md``.

Everything works on columns (pyarrow and numpy), so that a prediction of a million rows
scores in seconds (``docs/benchmarks.md``): files are read by Arrow, with Python's csv
module as the simple reader that names the line of a fault; rows are deduplicated and
compared by hash joins; spans are matched by sorting, never by looking at all pairs.
In the tables this module passes around, an empty cell is ``""`` (a value is stripped of
surrounding white space, so no real value is empty) and offsets are ``int64``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from besa545.model.paths import package_path

# The columns a task needs in each of its files.
TASKS: dict[str, dict[str, tuple[str, ...]]] = {
    "mentions": {"mentions": ("actor_id", "char_start", "char_end")},
    "quotations": {"quotations": ("char_start", "char_end", "quote_kind",
                                  "speaker_actor_id")},
    "events": {"events": ("event_id", "char_start", "char_end", "event_type", "status",
                          "cameo_code", "date_start", "date_end"),
               "event_participants": ("event_id", "actor_id", "role")},
    "stances": {"stances": ("holder_actor_id", "topic_id", "polarity")},
    "actor_relations": {"actor_relations": ("subject_actor_id", "relation",
                                            "object_actor_id")},
}
# Columns a prediction may leave out: scored when its file has them.
OPTIONAL: dict[str, tuple[str, ...]] = {"events": ("epistemic_status",)}
# Gold columns a task reads beside those it compares: a stance's position, counted once.
GOLD_ONLY: dict[str, tuple[str, ...]] = {"stances": ("stance_id", "same_position_stance_id")}
# The column whose values must be equal for two spans of a task to match (None: any).
SPAN_KEYS: dict[str, str | None] = {"mentions": "actor_id", "quotations": None,
                                    "events": None}
ACTOR_COLUMNS = {"actor_id", "speaker_actor_id", "holder_actor_id", "subject_actor_id",
                 "object_actor_id"}
OFFSETS = ("char_start", "char_end")
MAX_BYTES = 200_000_000  # a prediction file larger than this is refused unread
# Lenient matching considers at most this many pairs of overlapping, unequal spans (about
# 40 bytes each while they are ranked, so 400 MB); see match_spans.
MAX_CANDIDATE_PAIRS = 10_000_000
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+", re.ASCII)
LARGEST_OFFSET = 10**18  # an offset this large is surely wrong, and would overflow int64


class ScoreError(ValueError):
    """A prediction that cannot be scored: ``file``, ``line`` and what is wrong."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
        self.file, self.line = file, line


class TooManyCandidates(ValueError):
    """Lenient matching would have to rank more pairs of spans than it may."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"{count:,} pairs of unequal spans overlap, more than the "
                         f"{limit:,} lenient matching ranks")
        self.count, self.limit = count, limit


@dataclass(frozen=True)
class Matched:
    """One task as it is scored.

    ``predicted`` and ``gold`` map each of the task's files to its distinct rows (the
    columns the task needs, actors resolved to ids, offsets as ``int64``, an empty cell as
    ``""``), in the order of their first appearance. ``pairs`` (``int64``, shape
    ``(n, 2)``, sorted) holds (predicted row, gold row) positions of the spans lenient
    matching paired in the task's first file; it is empty for a task without spans.
    """

    predicted: dict[str, pa.Table]
    gold: dict[str, pa.Table]
    pairs: np.ndarray


@dataclass(frozen=True)
class Spans:
    """Spans as columns: start and end offsets, and an integer key; spans match only when
    their keys are equal."""

    start: np.ndarray
    end: np.ndarray
    key: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


def score(predictions: str | Path, gold: str | Path | None = None) -> dict[str, Any]:
    """Score the prediction directory against the dataset (or the package at ``gold``).

    Returns ``{"tasks": {task: {measure: {...}}}}`` with a measure's ``tp``, ``fp``,
    ``fn``, ``precision``, ``recall`` and ``f1``, and accuracies on matched items. Raises
    :class:`ScoreError` (file, line, message) for a prediction that cannot be read.
    """
    return {"tasks": {task: SCORERS[task](matched)
                      for task, matched in match(predictions, gold).items()}}


def match(predictions: str | Path, gold: str | Path | None = None) -> dict[str, Matched]:
    """Read the prediction and the gold, and match them, for each task the prediction has.

    What :func:`score` counts, for callers that need the matched rows themselves (the
    agreement of two readings compares the labels of matched items). Raises
    :class:`ScoreError` as :func:`score` does.
    """
    predicted_root = Path(predictions)
    if not predicted_root.is_dir():
        raise ScoreError(str(predictions), None, "is not a directory of prediction CSVs")
    gold_root = Path(gold) if gold is not None else package_path()
    gold_data = gold_root / "data"
    text_length = _text_length(gold_root)
    resolve = _resolver(_read(gold_data / "actors.csv", "actors.csv", ("actor_id", "name")),
                        _read(gold_data / "aliases.csv", "aliases.csv", ("actor_id", "alias")))
    results: dict[str, Matched] = {}
    for task, files in TASKS.items():
        present = [name for name in files if (predicted_root / f"{name}.csv").exists()]
        if not present:
            continue
        first = next(iter(files))
        if first not in present:  # e.g. event_participants.csv without events.csv
            raise ScoreError(f"{present[0]}.csv", None, f"needs {first}.csv beside it")
        mine = {name: _distinct(resolve(_read(predicted_root / f"{name}.csv", f"{name}.csv",
                                              columns, text_length,
                                              optional=OPTIONAL.get(name, ()))))
                for name, columns in files.items() if name in present}
        theirs = {name: _distinct(resolve(_read(  # a gold of an older version may lack these
            gold_data / f"{name}.csv", f"gold {name}.csv", columns,
            optional=OPTIONAL.get(name, ()) + GOLD_ONLY.get(name, ()))))
                  for name, columns in files.items()}
        pairs = np.empty((0, 2), dtype=np.int64)
        if task in SPAN_KEYS:
            try:
                pairs = match_spans(*_spans(mine[first], theirs[first], SPAN_KEYS[task]),
                                    strict=False)
            except TooManyCandidates as error:
                raise ScoreError(f"{first}.csv", None, f"{error}: too many to score "
                                 "leniently (are these spans nested?)") from None
        results[task] = Matched(mine, theirs, pairs)
    return results


# Reading -------------------------------------------------------------------------------

def _text_length(root: Path) -> int:
    documents = _read(root / "data" / "documents.csv", "documents.csv", ("text_path",))
    return len((root / documents["text_path"][0].as_py()).read_text(encoding="utf-8"))


def _read(path: Path, file: str, columns: tuple[str, ...],
          text_length: int | None = None, *, optional: tuple[str, ...] = ()) -> pa.Table:
    """A CSV file's needed columns, values stripped, offsets as ``int64`` (checked to lie
    inside the text when ``text_length`` is given). The csv module reads the header first:
    a needed column named twice is refused, and a file with no header on its first line
    goes to the row reader alone. Otherwise Arrow reads the file; when Arrow refuses it or
    a value is wrong, the row-by-row reader reads it again to name the line of the fault
    (or to read what Arrow could not)."""
    if not path.is_file():
        raise ScoreError(file, None, "is not a regular file")
    if path.stat().st_size > MAX_BYTES:
        raise ScoreError(file, None, f"is over {MAX_BYTES:,} bytes")
    _refuse_bytes_not_utf8(path, file)
    _allow_long_cells()
    with path.open(encoding="utf-8-sig", newline="") as stream:
        header = next(csv.reader(stream), [])
    columns += tuple(column for column in optional if column in header)
    repeated = [column for column in dict.fromkeys(columns) if header.count(column) > 1]
    if repeated:  # Arrow would read the first of the two, the row reader the last
        raise ScoreError(file, 1, f"names the column(s) {', '.join(repeated)} more than "
                                  "once in its header; keep one of each")
    table = _read_with_arrow(path, columns) if header else None
    if table is None:
        table = _read_rows(path, file, columns, text_length)
    typed = _parse_offsets(table, text_length)
    if typed is None:
        _read_rows(path, file, columns, text_length)  # raises, naming the line
        raise ScoreError(file, None, "has an offset that cannot be read")
    return typed


def _read_with_arrow(path: Path, columns: tuple[str, ...]) -> pa.Table | None:
    """The needed columns as stripped text, or None when Arrow cannot read the file. The
    caller sends only a file with a header on its first line (past a blank first line,
    Arrow would take the next line for the header)."""
    wanted = list(dict.fromkeys(columns))
    try:
        table = pacsv.read_csv(
            path, parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None
    return pa.table({column: pc.utf8_trim_whitespace(table[column]).combine_chunks()
                     for column in wanted})


def _refuse_bytes_not_utf8(path: Path, file: str) -> None:
    """The whole file is UTF-8, columns the task does not read included: Arrow converts only
    the columns it is asked for, the row reader decodes everything, and both must take the
    same files. Read in blocks, so that memory does not grow with the file."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    read = 0
    with path.open("rb") as stream:
        while True:
            block = stream.read(1 << 20)
            pending = len(decoder.getstate()[0])  # bytes of a character the last block cut
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                raise ScoreError(file, None, "is not UTF-8 (byte "
                                 f"{read - pending + error.start})") from None
            if not block:
                return
            read += len(block)


def _allow_long_cells() -> None:
    """A cell as long as Arrow reads: the csv module's limit is one setting for the whole
    process (frictionless raises it too), so that the answer does not depend on what ran."""
    if csv.field_size_limit() < MAX_BYTES:
        csv.field_size_limit(MAX_BYTES)


def _read_rows(path: Path, file: str, columns: tuple[str, ...],
               text_length: int | None) -> pa.Table:
    """The simple reader: Python's csv module, row by row, raising :class:`ScoreError` at
    the first fault with its line (``csv.DictReader`` counts lines as an editor does)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScoreError(file, None, f"is not UTF-8 (byte {error.start})") from None
    _allow_long_cells()
    reader = csv.DictReader(io.StringIO(text, newline=""))
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
            row = {column: record[column].strip() for column in columns}
            fault = _offsets_fault(row, text_length)
            if fault:
                raise ScoreError(file, reader.line_num, fault)
            for column in columns:
                values[column].append(row[column])
    except csv.Error as error:  # the DictReader's own count stops at the last whole row
        raise ScoreError(file, reader.reader.line_num, f"is not valid CSV: {error}") from None
    return pa.table({column: pa.array(values[column], pa.string()) for column in values})


def _offsets_fault(row: dict[str, str], length: int | None) -> str | None:
    """What is wrong with a row's offsets, if anything (the rule :func:`_parse_offsets`
    applies to whole columns)."""
    if "char_start" not in row:
        return None
    start_text, end_text = row["char_start"], row["char_end"]
    if not (WHOLE_NUMBER.fullmatch(start_text) and WHOLE_NUMBER.fullmatch(end_text)):
        return (f"char_start and char_end must be whole numbers, got "
                f"{start_text or None!r} and {end_text or None!r}")
    start, end = int(start_text), int(end_text)
    if length is not None and not 0 <= start < end <= length:
        return (f"the span {start}-{end} is not inside the text (0-{length}, start before "
                "end)")
    if max(abs(start), abs(end)) >= LARGEST_OFFSET:
        return f"the span {start}-{end} is too large to be offsets into a text"
    return None


def _parse_offsets(table: pa.Table, length: int | None) -> pa.Table | None:
    """The table with its offsets as ``int64``, or None if any row has a fault
    :func:`_offsets_fault` would name."""
    if "char_start" not in table.column_names:
        return table
    parsed = {}
    for column in OFFSETS:
        numbers = _integers(table[column])
        if numbers is None:
            return None
        parsed[column] = numbers
    start, end = parsed["char_start"], parsed["char_end"]
    # the rule of the row reader: no offset of LARGEST_OFFSET or more either way (int64
    # holds some), and a prediction's spans lie in the text
    if not _all(pc.and_(*(pc.and_(pc.less(numbers, LARGEST_OFFSET),
                                  pc.greater(numbers, -LARGEST_OFFSET))
                          for numbers in (start, end)))):
        return None
    if length is not None and not _all(pc.and_(
            pc.and_(pc.greater_equal(start, 0), pc.less(start, end)),
            pc.less_equal(end, length))):
        return None
    for column in OFFSETS:
        table = table.set_column(table.column_names.index(column), column, parsed[column])
    return table


def _integers(text: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Whole numbers as ``int64`` (a leading ``+`` or zeros allowed, at most 18 digits
    besides), or None if any is not one."""
    try:
        return pc.cast(text, pa.int64())  # the usual case, and the fastest
    except pa.ArrowInvalid:
        pass
    if not _all(pc.match_substring_regex(text, r"^[+-]?0*[0-9]{1,18}$")):
        return None
    return pc.cast(pc.replace_substring_regex(text, r"^\+", ""), pa.int64())


def _all(values: pa.ChunkedArray | pa.Array) -> bool:
    """Whether every value is true (so, also, when there are none)."""
    return bool(pc.all(values, skip_nulls=False, min_count=0).as_py())


# Rows: actors and repetitions -----------------------------------------------------------

def _resolver(actors: pa.Table, aliases: pa.Table) -> Callable[[pa.Table], pa.Table]:
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


def _distinct(table: pa.Table) -> pa.Table:
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


# Spans -------------------------------------------------------------------------------

def _spans(mine: pa.Table, theirs: pa.Table, key: str | None) -> tuple[Spans, Spans]:
    """Both sides' spans, with one integer code per distinct value of ``key``."""
    if key is None:
        codes = np.zeros(mine.num_rows + theirs.num_rows, dtype=np.int64)
    else:
        values = pa.concat_arrays([mine[key].combine_chunks(), theirs[key].combine_chunks()])
        codes = pc.dictionary_encode(values).indices.to_numpy().astype(np.int64)
    side = [Spans(table["char_start"].to_numpy(), table["char_end"].to_numpy(), part)
            for table, part in ((mine, codes[:mine.num_rows]), (theirs, codes[mine.num_rows:]))]
    return side[0], side[1]


def match_spans(predicted: Spans, gold: Spans, strict: bool,
                limit: int | None = None) -> np.ndarray:
    """One-to-one pairs (predicted position, gold position), sorted, of spans with equal
    keys that are equal (strict) or overlap (lenient).

    Lenient matching takes the pairs that cover each other best first: by overlap over
    union, then by overlap, then by position (predicted, then gold). Equal spans cover
    each other fully, so they are paired first, in order of position, exactly as strict
    matching pairs them. The spans left over are ranked among the pairs that overlap, found
    by sorting (:func:`overlapping_pairs`), never among all pairs. There are seldom more
    of those than spans; but a prediction whose spans nest deeply (or one span covering
    the whole text) could have as many as predicted times gold, so more than ``limit`` pairs
    (by default :data:`MAX_CANDIDATE_PAIRS`) raise :class:`TooManyCandidates`, counted
    before any is made, rather than exhaust memory; :func:`match` reports that as a
    :class:`ScoreError` naming the file.
    """
    start_mine, end_mine, start_theirs, end_theirs = _coordinates(predicted, gold)
    equal = _equal_pairs(start_mine, end_mine, start_theirs, end_theirs)
    if strict:
        return equal
    free_mine = np.ones(len(predicted), dtype=bool)
    free_mine[equal[:, 0]] = False
    free_theirs = np.ones(len(gold), dtype=bool)
    free_theirs[equal[:, 1]] = False
    mine, theirs = np.flatnonzero(free_mine), np.flatnonzero(free_theirs)
    left, right = overlapping_pairs(start_mine[mine], end_mine[mine], start_theirs[theirs],
                                    end_theirs[theirs],
                                    MAX_CANDIDATE_PAIRS if limit is None else limit)
    left, right = mine[left], theirs[right]
    chosen = _best_first(left, right, predicted.start, predicted.end, gold.start, gold.end,
                         len(predicted), len(gold))
    pairs = np.concatenate([equal, chosen])
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def _coordinates(predicted: Spans, gold: Spans) -> tuple[np.ndarray, ...]:
    """Starts and ends on one line on which spans with different keys never overlap: key
    ``k`` gets the stretch from ``k * stride``. Offsets are first replaced by their rank
    among all offsets if the line would not fit in ``int64``."""
    offsets = [predicted.start, predicted.end, gold.start, gold.end]
    keys = [predicted.key, predicted.key, gold.key, gold.key]
    every = np.concatenate(offsets)
    if len(every) == 0:
        return tuple(offsets)
    low = int(every.min())
    stride = int(every.max()) - low + 1
    top = int(np.concatenate(keys).max()) + 1
    if top * stride >= 2**62:
        ranks = np.unique(every, return_inverse=True)[1].astype(np.int64)
        offsets = np.split(ranks, np.cumsum([len(part) for part in offsets])[:-1])
        low, stride = 0, int(ranks.max()) + 1
    return tuple(key * stride + (offset - low) for key, offset in zip(keys, offsets, strict=True))


def _equal_pairs(start_mine: np.ndarray, end_mine: np.ndarray, start_theirs: np.ndarray,
                 end_theirs: np.ndarray) -> np.ndarray:
    """Equal spans paired one to one: the n-th of a span's copies in the prediction with
    the n-th in the gold (a join on start, end and rank among copies)."""
    sides = []
    for start, end in ((start_mine, end_mine), (start_theirs, end_theirs)):
        position = np.arange(len(start))
        order = np.lexsort((position, end, start))
        new = np.ones(len(order), dtype=bool)
        new[1:] = (start[order][1:] != start[order][:-1]) | (end[order][1:] != end[order][:-1])
        first = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
        sides.append(pa.table({"start": start[order], "end": end[order],
                               "copy": np.arange(len(order)) - first,
                               "position": position[order]}))
    joined = sides[0].join(sides[1], keys=["start", "end", "copy"], right_suffix="_gold",
                           join_type="inner", use_threads=False)
    return np.column_stack([joined["position"].to_numpy(),
                            joined["position_gold"].to_numpy()]).astype(np.int64)


def overlapping_pairs(start_mine: np.ndarray, end_mine: np.ndarray,
                      start_theirs: np.ndarray, end_theirs: np.ndarray,
                      limit: int = MAX_CANDIDATE_PAIRS) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (position in mine, position in theirs) of overlapping spans, and no
    other: each pair once, as a span of theirs starting inside one of mine or one of mine
    starting strictly inside one of theirs. Both are ranges of the other side sorted by
    start, so the pairs are counted before any is made; more than ``limit`` raise
    :class:`TooManyCandidates`."""
    order_theirs = np.argsort(start_theirs, kind="stable")
    order_mine = np.argsort(start_mine, kind="stable")
    sorted_theirs, sorted_mine = start_theirs[order_theirs], start_mine[order_mine]
    low = np.searchsorted(sorted_theirs, start_mine, "left")
    high = np.searchsorted(sorted_theirs, end_mine, "left")
    low_inside = np.searchsorted(sorted_mine, start_theirs, "right")
    high_inside = np.searchsorted(sorted_mine, end_theirs, "left")
    count = int((high - low).sum() + (high_inside - low_inside).sum())
    if count > limit:
        raise TooManyCandidates(count, limit)
    left = np.concatenate([np.repeat(np.arange(len(start_mine)), high - low),
                           order_mine[_ranges(low_inside, high_inside)]])
    right = np.concatenate([order_theirs[_ranges(low, high)],
                            np.repeat(np.arange(len(start_theirs)), high_inside - low_inside)])
    return left.astype(np.int64), right.astype(np.int64)


def _ranges(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """``low[0]..high[0]-1``, then ``low[1]..high[1]-1``, ... as one array."""
    counts = high - low
    total = int(counts.sum())
    shift = np.repeat(low - (np.cumsum(counts) - counts), counts)
    ranges: np.ndarray = np.arange(total, dtype=np.int64) + shift
    return ranges


def _best_first(left: np.ndarray, right: np.ndarray, start_mine: np.ndarray,
                end_mine: np.ndarray, start_theirs: np.ndarray, end_theirs: np.ndarray,
                count_mine: int, count_theirs: int) -> np.ndarray:
    """The candidate pairs ranked (overlap over union, then overlap, both descending, then
    positions) and taken greedily, each predicted and each gold span once."""
    if len(left) == 0:
        return np.empty((0, 2), dtype=np.int64)
    overlap = (np.minimum(end_mine[left], end_theirs[right])
               - np.maximum(start_mine[left], start_theirs[right]))
    union = (np.maximum(end_mine[left], end_theirs[right])
             - np.minimum(start_mine[left], start_theirs[right]))
    order = np.lexsort((right, left, -overlap, -(overlap / union)))
    used_mine, used_theirs = bytearray(count_mine), bytearray(count_theirs)
    chosen = []
    # The greedy choice is sequential by nature; this loop runs over the overlapping
    # pairs of unequal spans only, at most MAX_CANDIDATE_PAIRS of them.
    for one, other in zip(left[order].tolist(), right[order].tolist(), strict=True):
        if not used_mine[one] and not used_theirs[other]:
            used_mine[one] = used_theirs[other] = 1
            chosen.append((one, other))
    return np.array(chosen, dtype=np.int64).reshape(-1, 2)


def _match_spans(predicted: list[tuple[int, int, Any]], gold: list[tuple[int, int, Any]],
                 strict: bool) -> list[tuple[int, int]]:
    """:func:`match_spans` on lists of (start, end, key): the list of pairs."""
    codes: dict[Any, int] = {}

    def spans(items: list[tuple[int, int, Any]]) -> Spans:
        return Spans(np.array([item[0] for item in items], dtype=np.int64),
                     np.array([item[1] for item in items], dtype=np.int64),
                     np.array([codes.setdefault(item[2], len(codes)) for item in items],
                              dtype=np.int64))
    pairs = match_spans(spans(predicted), spans(gold), strict)
    return [(int(one), int(other)) for one, other in pairs]


# Measures ------------------------------------------------------------------------------

def _prf(tp: int, predicted: int, gold: int) -> dict[str, Any]:
    precision = tp / predicted if predicted else (1.0 if not gold else 0.0)
    recall = tp / gold if gold else (1.0 if not predicted else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": predicted - tp, "fn": gold - tp, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def _common(mine: pa.Table, theirs: pa.Table) -> int:
    """How many rows two tables of distinct rows share (a join on every column)."""
    if mine.num_rows == 0 or theirs.num_rows == 0:
        return 0
    return int(mine.join(theirs, keys=mine.column_names, join_type="inner").num_rows)


def _ratio(correct: int, matched: int) -> dict[str, Any]:
    return {"correct": correct, "matched": matched,
            "accuracy": round(correct / matched, 4) if matched else None}


def _sides(matched: Matched, table: str, column: str) -> tuple[pa.Array, pa.Array]:
    """A column's values on both sides of each lenient pair."""
    pairs = matched.pairs
    return (matched.predicted[table][column].take(pa.array(pairs[:, 0])),
            matched.gold[table][column].take(pa.array(pairs[:, 1])))


def _accuracy(matched: Matched, table: str, *columns: str) -> dict[str, Any]:
    """How many lenient pairs agree on every one of ``columns``."""
    agree = pa.array(np.ones(len(matched.pairs), dtype=bool))
    for column in columns:
        agree = pc.and_(agree, pc.equal(*_sides(matched, table, column)))
    return _ratio(int(pc.sum(agree).as_py() or 0), len(matched.pairs))


def _score_mentions(matched: Matched) -> dict[str, Any]:
    mine, theirs = _spans(matched.predicted["mentions"], matched.gold["mentions"],
                          "actor_id")
    strict = match_spans(mine, theirs, strict=True)
    return {"strict": _prf(len(strict), len(mine), len(theirs)),
            "lenient": _prf(len(matched.pairs), len(mine), len(theirs))}


def _score_quotations(matched: Matched) -> dict[str, Any]:
    mine, theirs = _spans(matched.predicted["quotations"], matched.gold["quotations"], None)
    strict = match_spans(mine, theirs, strict=True)
    return {"strict": _prf(len(strict), len(mine), len(theirs)),
            "lenient": _prf(len(matched.pairs), len(mine), len(theirs)),
            "quote_kind": _accuracy(matched, "quotations", "quote_kind"),
            "speaker": _accuracy(matched, "quotations", "speaker_actor_id")}


def _score_events(matched: Matched) -> dict[str, Any]:
    mine, theirs = matched.predicted["events"], matched.gold["events"]
    result: dict[str, Any] = {"lenient": _prf(len(matched.pairs), mine.num_rows,
                                              theirs.num_rows)}
    for column in ("event_type", "status", "cameo_code", *OPTIONAL["events"]):
        if column in mine.column_names and column in theirs.column_names:
            result[column] = _accuracy(matched, "events", column)
    result["dates_equal"] = _accuracy(matched, "events", "date_start", "date_end")
    result["dates_overlap"] = _ratio(int(pc.sum(_dates_overlap(matched)).as_py() or 0),
                                     len(matched.pairs))
    if "event_participants" in matched.predicted:
        result["participants"] = _participants(matched)
    return result


def _dates_overlap(matched: Matched) -> pa.Array:
    """For each lenient pair, whether the two date intervals share a day; an empty bound
    is open, and two undated events agree."""
    start_mine, start_theirs = _sides(matched, "events", "date_start")
    end_mine, end_theirs = _sides(matched, "events", "date_end")
    undated_mine = pc.and_(pc.equal(start_mine, ""), pc.equal(end_mine, ""))
    undated_theirs = pc.and_(pc.equal(start_theirs, ""), pc.equal(end_theirs, ""))

    def bound(value: pa.Array, open_end: str) -> pa.Array:
        return pc.if_else(pc.equal(value, ""), open_end, value)
    low_mine, low_theirs = bound(start_mine, "0000"), bound(start_theirs, "0000")
    high_mine, high_theirs = bound(end_mine, "9999"), bound(end_theirs, "9999")
    low = pc.if_else(pc.greater(low_mine, low_theirs), low_mine, low_theirs)
    high = pc.if_else(pc.less(high_mine, high_theirs), high_mine, high_theirs)
    dated_both = pc.and_(pc.invert(undated_mine), pc.invert(undated_theirs))
    return pc.or_(pc.and_(undated_mine, undated_theirs),
                  pc.and_(dated_both, pc.less_equal(low, high)))


def _participants(matched: Matched) -> dict[str, Any]:
    """(event, actor, role) triples, a predicted event standing for the gold event it
    matched (``unmatched:<id>`` when it matched none; of two matched predicted events with
    one id, the later one)."""
    mine_id, theirs_id = _sides(matched, "events", "event_id")
    standing = _last_per_key(pa.table({"event_id": mine_id, "gold_event_id": theirs_id}))
    triples = matched.predicted["event_participants"]
    joined = triples.join(standing, keys="event_id", join_type="left outer")
    unmatched = pc.binary_join_element_wise("unmatched:", joined["event_id"], "")
    mine = pa.table({"event_id": pc.coalesce(joined["gold_event_id"], unmatched),
                     "actor_id": joined["actor_id"], "role": joined["role"]})
    mine, theirs = _distinct(mine), matched.gold["event_participants"]
    return _prf(_common(mine, theirs), mine.num_rows, theirs.num_rows)


def _last_per_key(table: pa.Table) -> pa.Table:
    """For each ``event_id`` the row that comes last."""
    numbered = table.append_column("row", pa.array(np.arange(table.num_rows)))
    last = numbered.group_by("event_id", use_threads=False).aggregate([("row", "max")])
    return table.take(last["row_max"])


def _triples(matched: Matched, table: str, columns: tuple[str, ...]) -> dict[str, Any]:
    mine = _distinct(matched.predicted[table].select(list(columns)))
    theirs = _distinct(matched.gold[table].select(list(columns)))
    return _prf(_common(mine, theirs), mine.num_rows, theirs.num_rows)


def _score_stances(matched: Matched) -> dict[str, Any]:
    return {"strict": _triples(matched, "stances", STANCE),
            "holder_topic": _triples(matched, "stances", ("holder_actor_id", "topic_id")),
            "positions": _positions(matched)}


STANCE = ("holder_actor_id", "topic_id", "polarity")


def _positions(matched: Matched) -> dict[str, Any]:
    """Positions counted once: a gold position held at several levels (its rows joined by
    ``same_position_stance_id``) is found when any of its rows is predicted; a predicted triple
    that is no gold row is a false position of its own."""
    gold = matched.gold["stances"]
    if "same_position_stance_id" in gold.column_names:
        root = pc.if_else(pc.equal(gold["same_position_stance_id"], ""), gold["stance_id"],
                          gold["same_position_stance_id"])
    else:  # a gold of a version before positions were linked: each row its own position
        root = pa.array(np.arange(gold.num_rows)).cast(pa.string())
    positions = pa.table({**{column: gold[column] for column in STANCE}, "root": root})
    mine = _distinct(matched.predicted["stances"].select(list(STANCE)))
    joined = mine.join(positions, keys=list(STANCE), join_type="left outer")
    found = pc.count_distinct(joined["root"]).as_py()
    false = joined.num_rows - pc.count(joined["root"]).as_py()
    return _prf(found, found + false, pc.count_distinct(root).as_py())


def _score_relations(matched: Matched) -> dict[str, Any]:
    return {"strict": _triples(matched, "actor_relations",
                               ("subject_actor_id", "relation", "object_actor_id"))}


SCORERS: dict[str, Callable[[Matched], dict[str, Any]]] = {
    "mentions": _score_mentions, "quotations": _score_quotations,
    "events": _score_events, "stances": _score_stances,
    "actor_relations": _score_relations}


def as_text(result: dict[str, Any]) -> str:
    """The scores as a readable table: one line per task and measure."""
    lines = [f"{'task':16}{'measure':18}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"
             f"  accuracy"]
    for task, measures in result["tasks"].items():
        for measure, value in measures.items():
            if "f1" in value:
                lines.append(f"{task:16}{measure:18}{value['precision']:8.3f}"
                             f"{value['recall']:8.3f}{value['f1']:8.3f}{value['tp']:6}"
                             f"{value['fp']:6}{value['fn']:6}")
            else:
                accuracy = "-" if value["accuracy"] is None else f"{value['accuracy']:.3f}"
                lines.append(f"{task:16}{measure:18}{'':48}  {accuracy} "
                             f"({value['correct']}/{value['matched']} matched)")
    if len(lines) == 1:
        lines.append("(no prediction file found: nothing to score)")
    return "\n".join(lines)
