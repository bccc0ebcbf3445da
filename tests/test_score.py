"""``besa545 score``: the dataset scores 1.0 against itself, each kind of error costs what
it should, repeated rows count once, and a prediction that cannot be read is a located
usage error."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import besa545
from besa545.use.score import TASKS, ScoreError, score
from helpers import ROOT, invoke

FILES = sorted({name for files in TASKS.values() for name in files})


def _prediction(tmp_path: Path, tables: tuple[str, ...] = tuple(FILES)) -> Path:
    folder = tmp_path / "prediction"
    folder.mkdir()
    for name in tables:
        shutil.copy(ROOT / "data" / f"{name}.csv", folder / f"{name}.csv")
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _measures(result: dict) -> dict[tuple[str, str], float | None]:
    return {(task, measure): value.get("f1", value.get("accuracy"))
            for task, measures in result["tasks"].items()
            for measure, value in measures.items()}


def test_the_dataset_is_a_prediction_that_scores_one_on_every_measure():
    result = score(ROOT / "data")
    assert sorted(result["tasks"]) == sorted(TASKS)
    measures = _measures(result)
    assert len(measures) == 16
    assert set(measures.values()) == {1.0}
    mentions = result["tasks"]["mentions"]["strict"]
    assert (mentions["tp"], mentions["fp"], mentions["fn"]) == (
        len(besa545.load("mentions")), 0, 0)


def test_actors_may_be_named_by_name_or_alias_in_any_case(tmp_path):
    folder = _prediction(tmp_path, ("mentions",))
    names = besa545.load("actors").set_index("actor_id")["name"]
    rows = _rows(folder / "mentions.csv")
    for row in rows:
        row["actor_id"] = names[row["actor_id"]].upper()
    _write(folder / "mentions.csv", rows)
    assert score(folder)["tasks"]["mentions"]["strict"]["f1"] == 1.0


def test_one_wrong_actor_costs_one_true_positive_exactly(tmp_path):
    folder = _prediction(tmp_path, ("mentions",))
    rows = _rows(folder / "mentions.csv")
    rows[0]["actor_id"] = "someone-the-paper-never-names"
    _write(folder / "mentions.csv", rows)
    strict = score(folder)["tasks"]["mentions"]["strict"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (len(rows) - 1, 1, 1)


def test_a_span_one_character_short_is_wrong_strictly_and_right_leniently(tmp_path):
    folder = _prediction(tmp_path, ("quotations",))
    rows = _rows(folder / "quotations.csv")
    rows[0]["char_end"] = str(int(rows[0]["char_end"]) - 1)
    _write(folder / "quotations.csv", rows)
    result = score(folder)["tasks"]["quotations"]
    assert (result["strict"]["tp"], result["strict"]["fp"]) == (len(rows) - 1, 1)
    assert result["lenient"]["f1"] == 1.0
    assert result["speaker"]["accuracy"] == 1.0


def test_repeated_rows_count_once(tmp_path):
    folder = _prediction(tmp_path, ("mentions", "stances"))
    for name in ("mentions", "stances"):
        rows = _rows(folder / f"{name}.csv")
        _write(folder / f"{name}.csv", rows + rows)
    assert set(_measures(score(folder)).values()) == {1.0}


def test_a_missing_file_leaves_its_task_unscored(tmp_path):
    folder = _prediction(tmp_path, ("stances",))
    assert list(score(folder)["tasks"]) == ["stances"]


def test_events_score_their_attributes_and_participants(tmp_path):
    folder = _prediction(tmp_path, ("events", "event_participants"))
    rows = _rows(folder / "events.csv")
    rows[0]["status"] = "hypothetical" if rows[0]["status"] != "hypothetical" else "occurred"
    _write(folder / "events.csv", rows)
    result = score(folder)["tasks"]["events"]
    assert result["status"]["correct"] == len(rows) - 1
    assert result["event_type"]["accuracy"] == 1.0 and result["participants"]["f1"] == 1.0


@pytest.mark.parametrize("content, message", [
    ("", "mentions.csv:1: is empty: it needs a header row with the columns actor_id, "
         "char_start, char_end"),
    ("actor_id,char_start\nchina,1\n", "mentions.csv:1: lacks the column(s) char_end (it "
                                       "needs actor_id, char_start, char_end)"),
    ("actor_id,char_start,char_end\nchina,1,5\nchina,9,99999999\n",
     "mentions.csv:3: the span 9-99999999 is not inside the text"),
    ("actor_id,char_start,char_end\nchina,one,5\n",
     "mentions.csv:2: char_start and char_end must be whole numbers, got 'one' and '5'"),
    ("actor_id,char_start,char_end\nchina,1,5,extra\n",
     "mentions.csv:2: has 3 columns in its header but not in this row"),
    (b"actor_id,char_start,char_end\n\xff\n", "mentions.csv: is not UTF-8 (byte 29)"),
])
def test_a_prediction_that_cannot_be_read_is_a_located_usage_error(tmp_path, content,
                                                                    message):
    folder = tmp_path / "prediction"
    folder.mkdir()
    path = folder / "mentions.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ScoreError) as caught:
        score(folder)
    assert str(caught.value).startswith(message)
    result = invoke("score", str(folder))
    assert result.status == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert "Traceback" not in result.stderr


def test_the_command_prints_a_table_or_json():
    text = invoke("score", str(ROOT / "data"))
    assert text.status == 0
    assert text.stdout.splitlines()[0].split()[:5] == ["task", "measure", "P", "R", "F1"]
    as_json = json.loads(invoke("score", str(ROOT / "data"), "--format", "json").stdout)
    assert as_json == score(ROOT / "data")


def test_a_short_span_inside_a_long_one_pairs_with_its_own_match():
    """Lenient matching takes the pairs that cover each other best first: a predicted
    event whose span is exactly a short gold event's pairs with it, not with the long gold
    event whose evidence contains it (which overlaps it as much)."""
    from besa545.use.score import _match_spans

    gold = [(0, 100, None), (50, 70, None)]
    assert _match_spans([(50, 70, None)], gold, strict=False) == [(0, 1)]
    assert _match_spans([(0, 90, None), (50, 70, None)], gold, strict=False) == [
        (0, 0), (1, 1)]


def test_participants_without_events_are_a_located_usage_error(tmp_path):
    folder = _prediction(tmp_path, ("event_participants",))
    with pytest.raises(ScoreError) as caught:
        score(folder)
    assert str(caught.value) == "event_participants.csv: needs events.csv beside it"
