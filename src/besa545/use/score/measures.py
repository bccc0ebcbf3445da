"""The measures of each task on matched rows: precision, recall and F1 of items, and
accuracies of labels on matched pairs (``docs/scoring.md``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from besa545.use.score.read import distinct_rows
from besa545.use.score.spans import match_spans, span_columns
from besa545.use.score.tasks import OPTIONAL


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
    mine, theirs = span_columns(matched.predicted["mentions"], matched.gold["mentions"],
                          "actor_id")
    strict = match_spans(mine, theirs, strict=True)
    return {"strict": _prf(len(strict), len(mine), len(theirs)),
            "lenient": _prf(len(matched.pairs), len(mine), len(theirs))}


def _score_quotations(matched: Matched) -> dict[str, Any]:
    mine, theirs = span_columns(matched.predicted["quotations"], matched.gold["quotations"], None)
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
    mine, theirs = distinct_rows(mine), matched.gold["event_participants"]
    return _prf(_common(mine, theirs), mine.num_rows, theirs.num_rows)


def _last_per_key(table: pa.Table) -> pa.Table:
    """For each ``event_id`` the row that comes last."""
    numbered = table.append_column("row", pa.array(np.arange(table.num_rows)))
    last = numbered.group_by("event_id", use_threads=False).aggregate([("row", "max")])
    return table.take(last["row_max"])


def _triples(matched: Matched, table: str, columns: tuple[str, ...]) -> dict[str, Any]:
    mine = distinct_rows(matched.predicted[table].select(list(columns)))
    theirs = distinct_rows(matched.gold[table].select(list(columns)))
    return _prf(_common(mine, theirs), mine.num_rows, theirs.num_rows)


STANCE = ("holder_actor_id", "topic_id", "polarity")  # what makes a stance a stance


def _score_stances(matched: Matched) -> dict[str, Any]:
    return {"strict": _triples(matched, "stances", STANCE),
            "holder_topic": _triples(matched, "stances", ("holder_actor_id", "topic_id")),
            "positions": _positions(matched)}



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
    mine = distinct_rows(matched.predicted["stances"].select(list(STANCE)))
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
