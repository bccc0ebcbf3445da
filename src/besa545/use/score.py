"""``besa545 score``: an extraction tool's output scored against the dataset.

A prediction is a directory of CSV files named like the tables (``mentions.csv``,
``quotations.csv``, ``events.csv``, ``event_participants.csv``, ``stances.csv``,
``actor_relations.csv``) with the tables' own column names; :data:`TASKS` lists the
columns each task needs, others are ignored, and a missing file leaves its task unscored.
Offsets are into the plain text (``besa545.text()``). An actor is named by its
``actor_id`` or by a name: a name resolves to the actor whose name or an alias equals it
(case-insensitive); an unresolved name is simply wrong. Rows repeated in a prediction
count once. The dataset's own ``data/`` directory is a prediction that scores 1.0.

Spans are matched one to one: strictly when start and end are equal, leniently when they
overlap (the pairs that cover each other best taken first: overlap over union). The
format and the measures are documented in ``docs/benchmark.md``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
ACTOR_COLUMNS = {"actor_id", "speaker_actor_id", "holder_actor_id", "subject_actor_id",
                 "object_actor_id"}
MAX_BYTES = 200_000_000  # a prediction file larger than this is refused unread


class ScoreError(ValueError):
    """A prediction that cannot be scored: ``file``, ``line`` and what is wrong."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
        self.file, self.line = file, line


@dataclass(frozen=True)
class Rows:
    """One CSV file: its rows as dicts of text (empty is None), with their line numbers."""

    file: str
    rows: list[dict[str, str | None]]
    lines: list[int]


def score(predictions: str | Path, gold: str | Path | None = None) -> dict[str, Any]:
    """Score the prediction directory against the dataset (or the package at ``gold``).

    Returns ``{"tasks": {task: {measure: {...}}}}`` with a measure's ``tp``, ``fp``,
    ``fn``, ``precision``, ``recall`` and ``f1``, and accuracies on matched items. Raises
    :class:`ScoreError` (file, line, message) for a prediction that cannot be read.
    """
    predicted_root = Path(predictions)
    if not predicted_root.is_dir():
        raise ScoreError(str(predictions), None, "is not a directory of prediction CSVs")
    gold_root = Path(gold) if gold is not None else package_path()
    gold_data = gold_root / "data"
    text_length = _text_length(gold_root)
    resolve = _resolver(_read(gold_data / "actors.csv", "actors.csv", ("actor_id", "name")),
                        _read(gold_data / "aliases.csv", "aliases.csv", ("actor_id", "alias")))
    results: dict[str, Any] = {}
    for task, files in TASKS.items():
        present = [name for name in files if (predicted_root / f"{name}.csv").exists()]
        if not present:
            continue
        first = next(iter(files))
        if first not in present:  # e.g. event_participants.csv without events.csv
            raise ScoreError(f"{present[0]}.csv", None, f"needs {first}.csv beside it")
        predicted = {name: _read(predicted_root / f"{name}.csv", f"{name}.csv", columns,
                                 text_length) for name, columns in files.items()
                     if name in present}
        wanted = {name: _read(gold_data / f"{name}.csv", f"gold {name}.csv", columns)
                  for name, columns in files.items()}
        results[task] = SCORERS[task](predicted, wanted, resolve)
    return {"tasks": results}


def _text_length(root: Path) -> int:
    documents = _read(root / "data" / "documents.csv", "documents.csv", ("text_path",))
    return len((root / str(documents.rows[0]["text_path"])).read_text(encoding="utf-8"))


def _read(path: Path, file: str, columns: tuple[str, ...],
          text_length: int | None = None) -> Rows:
    """A CSV file's rows, each column that is needed present; offsets checked when
    ``text_length`` is given."""
    if not path.is_file():
        raise ScoreError(file, None, "is not a regular file")
    if path.stat().st_size > MAX_BYTES:
        raise ScoreError(file, None, f"is over {MAX_BYTES:,} bytes")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScoreError(file, None, f"is not UTF-8 (byte {error.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames
    if not header:
        raise ScoreError(file, 1, "is empty: it needs a header row with the columns "
                                  + ", ".join(columns))
    missing = [column for column in columns if column not in header]
    if missing:
        raise ScoreError(file, 1, f"lacks the column(s) {', '.join(missing)} (it needs "
                                  f"{', '.join(columns)})")
    rows, lines = [], []
    try:
        for record in reader:
            line = reader.line_num
            if None in record or any(value is None for value in record.values()):
                raise ScoreError(file, line, f"has {len(header)} columns in its header but "
                                             "not in this row")
            row = {column: (record[column].strip() or None) for column in columns}
            if text_length is not None:
                _check_offsets(file, line, row, text_length)
            rows.append(row)
            lines.append(line)
    except csv.Error as error:
        raise ScoreError(file, reader.line_num, f"is not valid CSV: {error}") from None
    return Rows(file, rows, lines)


def _check_offsets(file: str, line: int, row: dict[str, str | None], length: int) -> None:
    if "char_start" not in row:
        return
    try:
        start, end = int(row["char_start"] or ""), int(row["char_end"] or "")
    except ValueError:
        raise ScoreError(file, line, "char_start and char_end must be whole numbers, got "
                                     f"{row['char_start']!r} and {row['char_end']!r}") from None
    if not 0 <= start < end <= length:
        raise ScoreError(file, line, f"the span {start}-{end} is not inside the text "
                                     f"(0-{length}, start before end)")


def _resolver(actors: Rows, aliases: Rows) -> Any:
    """A function from an actor id or name to the dataset's actor id (or the name itself,
    which then matches nothing)."""
    ids = {str(row["actor_id"]) for row in actors.rows}
    names: dict[str, str] = {}
    for row in actors.rows:
        names.setdefault(str(row["name"]).casefold(), str(row["actor_id"]))
    for row in aliases.rows:
        names.setdefault(str(row["alias"]).casefold(), str(row["actor_id"]))

    def resolve(value: str | None) -> str | None:
        if value is None:
            return None
        if value in ids:
            return value
        return names.get(value.casefold(), f"unresolved:{value}")
    return resolve


def _actors(rows: Rows, resolve: Any) -> list[dict[str, Any]]:
    """The rows with every actor resolved, each distinct row once (a repeated row must not
    count twice)."""
    resolved = [{column: (resolve(value) if column in ACTOR_COLUMNS else value)
                 for column, value in row.items()} for row in rows.rows]
    return list({tuple(row.items()): row for row in resolved}.values())


def _prf(tp: int, predicted: int, gold: int) -> dict[str, Any]:
    precision = tp / predicted if predicted else (1.0 if not gold else 0.0)
    recall = tp / gold if gold else (1.0 if not predicted else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": predicted - tp, "fn": gold - tp, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def _unique(items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return list(dict.fromkeys(items))


def _match_spans(predicted: list[tuple[int, int, Any]], gold: list[tuple[int, int, Any]],
                 strict: bool) -> list[tuple[int, int]]:
    """One-to-one pairs (index in predicted, index in gold) of spans with equal keys that
    are equal (strict) or overlap (lenient: the pairs that cover each other best first,
    by overlap over union, then by overlap). Candidates come from a sweep over spans
    sorted by start, not from all pairs."""
    if strict:
        waiting: dict[tuple[int, int, Any], list[int]] = {}
        for index, item in enumerate(gold):
            waiting.setdefault(item, []).append(index)
        return [(index, waiting[item].pop(0)) for index, item in enumerate(predicted)
                if waiting.get(item)]
    events = sorted([(start, 0, index, end, key) for index, (start, end, key) in
                     enumerate(predicted)] + [(start, 1, index, end, key) for index,
                     (start, end, key) in enumerate(gold)])
    open_spans: list[list[tuple[int, int, Any]]] = [[], []]  # (end, index, key) per side
    starts = ([start for start, _, _ in predicted], [start for start, _, _ in gold])
    candidates = []
    for start, side, index, end, key in events:
        other = open_spans[1 - side]
        other[:] = [span for span in other if span[0] > start]
        for other_end, other_index, other_key in other:
            if other_key == key:
                overlap = min(end, other_end) - start
                other_start = starts[1 - side][other_index]
                union = max(end, other_end) - min(start, other_start)
                pair = (index, other_index) if side == 0 else (other_index, index)
                candidates.append((-overlap / union, -overlap, pair))
        open_spans[side].append((end, index, key))
    used_predicted, used_gold, pairs = set(), set(), []
    for _, _, (left, right) in sorted(candidates):
        if left not in used_predicted and right not in used_gold:
            used_predicted.add(left)
            used_gold.add(right)
            pairs.append((left, right))
    return sorted(pairs)


def _spans(rows: list[dict[str, Any]], key: str | None) -> list[tuple[int, int, Any]]:
    """Each row's span (and key), in the rows' order."""
    return [(int(row["char_start"]), int(row["char_end"]), row[key] if key else None)
            for row in rows]


def _score_mentions(predicted: dict[str, Rows], gold: dict[str, Rows],
                    resolve: Any) -> dict[str, Any]:
    mine = _spans(_actors(predicted["mentions"], resolve), "actor_id")
    theirs = _spans(_actors(gold["mentions"], resolve), "actor_id")
    return {measure: _prf(len(_match_spans(mine, theirs, measure == "strict")), len(mine),
                          len(theirs)) for measure in ("strict", "lenient")}


def _accuracy(pairs: list[tuple[int, int]], mine: list[dict[str, Any]],
              theirs: list[dict[str, Any]], column: str) -> dict[str, Any]:
    correct = sum(mine[left][column] == theirs[right][column] for left, right in pairs)
    return {"correct": correct, "matched": len(pairs),
            "accuracy": round(correct / len(pairs), 4) if pairs else None}


def _score_quotations(predicted: dict[str, Rows], gold: dict[str, Rows],
                      resolve: Any) -> dict[str, Any]:
    mine = _actors(predicted["quotations"], resolve)
    theirs = _actors(gold["quotations"], resolve)
    spans_mine, spans_theirs = _spans(mine, None), _spans(theirs, None)
    result: dict[str, Any] = {}
    for measure in ("strict", "lenient"):
        pairs = _match_spans(spans_mine, spans_theirs, measure == "strict")
        result[measure] = _prf(len(pairs), len(spans_mine), len(spans_theirs))
        if measure == "lenient":
            result["quote_kind"] = _accuracy(pairs, mine, theirs, "quote_kind")
            result["speaker"] = _accuracy(pairs, mine, theirs, "speaker_actor_id")
    return result


def _score_events(predicted: dict[str, Rows], gold: dict[str, Rows],
                  resolve: Any) -> dict[str, Any]:
    mine = _actors(predicted["events"], resolve)
    theirs = _actors(gold["events"], resolve)
    pairs = _match_spans(_spans(mine, None), _spans(theirs, None), strict=False)
    result: dict[str, Any] = {"lenient": _prf(len(pairs), len(mine), len(theirs))}
    for column in ("event_type", "status", "cameo_code"):
        result[column] = _accuracy(pairs, mine, theirs, column)
    same = sum((mine[left]["date_start"], mine[left]["date_end"])
               == (theirs[right]["date_start"], theirs[right]["date_end"])
               for left, right in pairs)
    overlapping = sum(_dates_overlap(mine[left], theirs[right]) for left, right in pairs)
    result["dates_equal"] = {"correct": same, "matched": len(pairs),
                             "accuracy": round(same / len(pairs), 4) if pairs else None}
    result["dates_overlap"] = {"correct": overlapping, "matched": len(pairs),
                               "accuracy": round(overlapping / len(pairs), 4) if pairs
                               else None}
    if "event_participants" in predicted:
        to_gold = {mine[left]["event_id"]: theirs[right]["event_id"] for left, right in pairs}
        mine_roles = _unique([(to_gold.get(row["event_id"], f"unmatched:{row['event_id']}"),
                               row["actor_id"], row["role"])
                              for row in _actors(predicted["event_participants"], resolve)])
        theirs_roles = _unique([(row["event_id"], row["actor_id"], row["role"])
                                for row in _actors(gold["event_participants"], resolve)])
        result["participants"] = _prf(len(set(mine_roles) & set(theirs_roles)),
                                      len(mine_roles), len(theirs_roles))
    return result


def _dates_overlap(mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Whether two date intervals share a day; an empty bound is open, and two undated
    events agree."""
    if not any((mine["date_start"], mine["date_end"], theirs["date_start"],
                theirs["date_end"])):
        return True
    if not any((mine["date_start"], mine["date_end"])) or not any(
            (theirs["date_start"], theirs["date_end"])):
        return False
    low = max(mine["date_start"] or "0000", theirs["date_start"] or "0000")
    high = min(mine["date_end"] or "9999", theirs["date_end"] or "9999")
    return bool(low <= high)


def _triples(predicted: dict[str, Rows], gold: dict[str, Rows], resolve: Any, table: str,
             columns: tuple[str, ...]) -> dict[str, Any]:
    mine = _unique([tuple(row[column] for column in columns)
                    for row in _actors(predicted[table], resolve)])
    theirs = _unique([tuple(row[column] for column in columns)
                      for row in _actors(gold[table], resolve)])
    return _prf(len(set(mine) & set(theirs)), len(mine), len(theirs))


def _score_stances(predicted: dict[str, Rows], gold: dict[str, Rows],
                   resolve: Any) -> dict[str, Any]:
    return {"strict": _triples(predicted, gold, resolve, "stances",
                               ("holder_actor_id", "topic_id", "polarity")),
            "holder_topic": _triples(predicted, gold, resolve, "stances",
                                     ("holder_actor_id", "topic_id"))}


def _score_relations(predicted: dict[str, Rows], gold: dict[str, Rows],
                     resolve: Any) -> dict[str, Any]:
    return {"strict": _triples(predicted, gold, resolve, "actor_relations",
                               ("subject_actor_id", "relation", "object_actor_id"))}


SCORERS = {"mentions": _score_mentions, "quotations": _score_quotations,
           "events": _score_events, "stances": _score_stances,
           "actor_relations": _score_relations}


def as_text(result: dict[str, Any]) -> str:
    """The scores as a readable table: one line per task and measure."""
    lines = [f"{'task':16}{'measure':14}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"
             f"  accuracy"]
    for task, measures in result["tasks"].items():
        for measure, value in measures.items():
            if "f1" in value:
                lines.append(f"{task:16}{measure:14}{value['precision']:8.3f}"
                             f"{value['recall']:8.3f}{value['f1']:8.3f}{value['tp']:6}"
                             f"{value['fp']:6}{value['fn']:6}")
            else:
                accuracy = "-" if value["accuracy"] is None else f"{value['accuracy']:.3f}"
                lines.append(f"{task:16}{measure:14}{'':48}  {accuracy} "
                             f"({value['correct']}/{value['matched']} matched)")
    if len(lines) == 1:
        lines.append("(no prediction file found: nothing to score)")
    return "\n".join(lines)
