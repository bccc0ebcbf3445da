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
scores in seconds (``docs/benchmarks.md``). The package has three rooms: :mod:`.read`
(files to typed columns, actors resolved, repeats dropped), :mod:`.spans` (one-to-one
matching by sorting) and :mod:`.measures` (precision, recall, F1 and accuracies); this
module reads both sides and matches them, task by task (:mod:`.tasks`).
In the tables this module passes around, an empty cell is ``""`` (a value is stripped of
surrounding white space, so no real value is empty) and offsets are ``int64``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from besa545.model.paths import package_path
from besa545.model.schema import table_names
from besa545.use.score.measures import SCORERS, Matched, as_text
from besa545.use.score.read import (
    ScoreError,
    actor_resolver,
    distinct_rows,
    read_csv,
    text_length_of,
)
from besa545.use.score.spans import (
    Spans,
    TooManyCandidates,
    match_spans,
    overlapping_pairs,
    span_columns,
)
from besa545.use.score.tasks import GOLD_ONLY, OPTIONAL, SPAN_KEYS, TASKS

__all__ = [
    "TASKS",
    "Matched",
    "ScoreError",
    "Spans",
    "TooManyCandidates",
    "as_text",
    "match",
    "match_spans",
    "overlapping_pairs",
    "score",
]

def score(predictions: str | Path, gold: str | Path | None = None) -> dict[str, Any]:
    """Score the prediction directory against the dataset (or the package at ``gold``).

    Returns ``{"tasks": {task: {measure: {...}}}}`` with a measure's ``tp``, ``fp``,
    ``fn``, ``precision``, ``recall`` and ``f1``, and accuracies on matched items. Raises
    :class:`ScoreError` (file, line, message) for a prediction that cannot be read.
    """
    return {"tasks": {task: SCORERS[task](matched)
                      for task, matched in match(predictions, gold).items()}}


def _prediction_files(root: Path, tables: list[str]) -> set[str]:
    """The names in the prediction folder. A CSV file must be named after a table of the
    dataset (those the scorer does not score are left alone, so the dataset's own data/
    scores): a misnamed one is refused with the names it could have, rather than left out
    of the score unsaid. Files of other kinds (notes) are left alone."""
    import difflib

    scored = sorted(f"{name}.csv" for files in TASKS.values() for name in files)
    try:
        names = {entry.name for entry in root.iterdir()}
    except OSError as error:
        raise ScoreError(str(root), None, f"cannot be read: {error.strerror or error}") from None
    unknown = sorted(name for name in names if name.lower().endswith(".csv")
                     and name not in {f"{table}.csv" for table in tables})
    if unknown:
        close = difflib.get_close_matches(unknown[0], scored, n=1)
        guess = f"did you mean {close[0]}? " if close else ""
        raise ScoreError(unknown[0], None, f"is not named after a table; {guess}the files "
                                           f"scored are {', '.join(scored)}")
    return names


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
    names = _prediction_files(predicted_root, table_names())
    gold_data = gold_root / "data"
    text_length = text_length_of(gold_root)
    resolve = actor_resolver(read_csv(gold_data / "actors.csv", "actors.csv", ("actor_id", "name")),
                        read_csv(gold_data / "aliases.csv", "aliases.csv", ("actor_id", "alias")))
    results: dict[str, Matched] = {}
    for task, files in TASKS.items():
        present = [name for name in files if f"{name}.csv" in names]
        if not present:
            continue
        first = next(iter(files))
        if first not in present:  # e.g. event_participants.csv without events.csv
            raise ScoreError(f"{present[0]}.csv", None, f"needs {first}.csv beside it")
        mine = {name: distinct_rows(resolve(read_csv(predicted_root / f"{name}.csv", f"{name}.csv",
                                              columns, text_length,
                                              optional=OPTIONAL.get(name, ()))))
                for name, columns in files.items() if name in present}
        theirs = {name: distinct_rows(resolve(read_csv(  # a gold of an older version may lack these
            gold_data / f"{name}.csv", f"gold {name}.csv", columns,
            optional=OPTIONAL.get(name, ()) + GOLD_ONLY.get(name, ()))))
                  for name, columns in files.items()}
        pairs = np.empty((0, 2), dtype=np.int64)
        if task in SPAN_KEYS:
            try:
                pairs = match_spans(*span_columns(mine[first], theirs[first], SPAN_KEYS[task]),
                                    strict=False)
            except TooManyCandidates as error:
                raise ScoreError(f"{first}.csv", None, f"{error}: too many to score "
                                 "leniently (are these spans nested?)") from None
        results[task] = Matched(mine, theirs, pairs)
    return results
