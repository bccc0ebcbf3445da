"""``besa545 score``: the dataset scores 1.0 against itself, each kind of error costs what
it should, repeated rows count once, and a prediction that cannot be read is a located
usage error."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import besa545
from besa545.use.score import TASKS, ScoreError, Spans, match_spans, score
from helpers import ROOT, copy_package, invoke

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
    assert len(measures) == 18
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
     "mentions.csv:3: the span 9-99999999 is not inside the text (0-{length}, start before "
     "end)"),
    ("actor_id,char_start,char_end\nchina,one,5\n",
     "mentions.csv:2: char_start and char_end must be whole numbers, got 'one' and '5'"),
    ("actor_id,char_start,char_end\nchina,1,5,extra\n",
     "mentions.csv:2: has 3 columns in its header but not in this row"),
    (b"actor_id,char_start,char_end\n\xff\n", "mentions.csv: is not UTF-8 (byte 29)"),
    # in a column no task reads too: Arrow would skip it, the row reader refuse it
    (b"actor_id,char_start,char_end,note\nchina,1,5,\xff\n",
     "mentions.csv: is not UTF-8 (byte 44)"),
    # the text's first and last characters are inside it: the fault is the row after them
    ("actor_id,char_start,char_end\nchina,0,5\nchina,9,99999999\n",
     "mentions.csv:3: the span 9-99999999 is not inside the text (0-{length}, start before "
     "end)"),
    ("actor_id,char_start,char_end\nchina,{before_end},{length}\nchina,9,99999999\n",
     "mentions.csv:3: the span 9-99999999 is not inside the text (0-{length}, start before "
     "end)"),
    # an empty span is no span
    ("actor_id,char_start,char_end\nchina,5,5\n",
     "mentions.csv:2: the span 5-5 is not inside the text (0-{length}, start before end)"),
    # two columns of one name: Arrow would score the first, the csv module the last
    ("actor_id,char_start,char_end,actor_id\nchina,1,5,us\n",
     "mentions.csv:1: names the column(s) actor_id more than once in its header; keep one "
     "of each"),
    # a blank first line is no header, whatever follows (Arrow would look further down)
    ("\nactor_id,char_start,char_end\nchina,1,5\n",
     "mentions.csv:1: has a blank first line: it needs a header row with the columns "
     "actor_id, char_start, char_end"),
    ("\r\nactor_id,char_start,char_end\nchina,1,5\n",
     "mentions.csv:1: has a blank first line: it needs a header row with the columns "
     "actor_id, char_start, char_end"),
    # a cell past the csv module's default limit: Arrow reads it, and so does the row reader
    # that the bad offset after it calls in, whatever else has run in the process
    ("actor_id,char_start,char_end\nchina,1,5\n" + "x" * 200_000 + ",1,5\nchina,one,5\n",
     "mentions.csv:4: char_start and char_end must be whole numbers, got 'one' and '5'"),
    # one rule for the whole cell: no hex, exponent, decimals or underscores (Arrow's cast
    # and Python's int each take some of them)
    ("actor_id,char_start,char_end\nchina,0x10,20\n",
     "mentions.csv:2: char_start and char_end must be whole numbers, got '0x10' and '20'"),
    ("actor_id,char_start,char_end\nchina,1e3,2000\n",
     "mentions.csv:2: char_start and char_end must be whole numbers, got '1e3' and '2000'"),
    ("actor_id,char_start,char_end\nchina,1_0,20\n",
     "mentions.csv:2: char_start and char_end must be whole numbers, got '1_0' and '20'"),
    ("actor_id,char_start,char_end\nchina,5.0,9\n",
     "mentions.csv:2: char_start and char_end must be whole numbers, got '5.0' and '9'"),
    # blank lines are no rows, but they are lines: the editor line of the bad row is named
    ("actor_id,char_start,char_end\nchina,1,5\n\nchina,x,20\n",
     "mentions.csv:4: char_start and char_end must be whole numbers, got 'x' and '20'"),
    ("actor_id,char_start,char_end\nchina,1,5\n\n\nchina,1,5\nchina,x,20\n",
     "mentions.csv:6: char_start and char_end must be whole numbers, got 'x' and '20'"),
])
def test_a_prediction_that_cannot_be_read_is_a_located_usage_error(tmp_path, content,
                                                                    message):
    folder = tmp_path / "prediction"
    folder.mkdir()
    path = folder / "mentions.csv"
    length = len(besa545.text())
    if isinstance(content, str):
        content = content.format(length=length, before_end=length - 5).encode()
    path.write_bytes(content)
    message = message.format(length=length)
    with pytest.raises(ScoreError) as caught:
        score(folder)
    assert str(caught.value) == message
    where = message.split(": ", 1)[0].split(":")
    assert (caught.value.file, caught.value.line) == (
        where[0], int(where[1]) if len(where) > 1 else None)
    result = invoke("score", str(folder))
    assert result.status == 2
    assert result.stderr in (f"Error: {message}\n",  # a missing header also says where to look
                             f"Error: {message} (see docs/scoring.md for the prediction "
                             "format)\n")


def test_a_prediction_over_the_size_limit_is_refused_unread(tmp_path):
    """A file over ``MAX_BYTES`` is refused by its size alone (a sparse file: nothing is
    written, and nothing is read)."""
    from besa545.use.score import read as scoring

    folder = tmp_path / "prediction"
    folder.mkdir()
    with (folder / "mentions.csv").open("wb") as stream:
        stream.truncate(scoring.MAX_BYTES + 1)
    with pytest.raises(ScoreError) as caught:
        score(folder)
    assert str(caught.value) == "mentions.csv: is over 200,000,000 bytes"


def test_a_header_cell_longer_than_the_csv_modules_default_is_read(tmp_path):
    """The header is read by the csv module, whose default cell limit (131,072 characters)
    is one setting for the whole process: the scorer takes a longer cell whatever ran
    before it, and names the fault of the header it read."""
    import csv as csv_module

    folder = tmp_path / "prediction"
    folder.mkdir()
    (folder / "mentions.csv").write_text("x" * 200_000 + ",actor_id,char_start\nchina,1\n",
                                         encoding="utf-8")
    before = csv_module.field_size_limit(131_072)
    try:
        with pytest.raises(ScoreError) as caught:
            score(folder)
    finally:
        csv_module.field_size_limit(before)
    assert str(caught.value) == ("mentions.csv:1: lacks the column(s) char_end (it needs "
                                 "actor_id, char_start, char_end)")


def test_spans_at_the_texts_first_and_last_characters_are_scored(tmp_path):
    """A prediction whose spans start at offset 0 and end at the text's length is read
    (by Arrow, no row being wrong) and scored: two spans the gold does not have."""
    folder = _prediction(tmp_path, ("mentions",))
    rows = _rows(folder / "mentions.csv")
    length = len(besa545.text())
    _write(folder / "mentions.csv", [*rows, dict(rows[0], char_start="0", char_end="5"),
                                     dict(rows[0], char_start=str(length - 5),
                                          char_end=str(length))])
    strict = score(folder)["tasks"]["mentions"]["strict"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (len(rows), 2, 0)


@pytest.mark.parametrize("cut", [-2, -1, 0, 1])
def test_the_first_byte_not_utf8_is_named_wherever_the_file_is_cut(tmp_path, cut):
    """The file is checked in blocks of 1 MiB: a character split by a block's end is
    whole, and the byte named is the one Python's own decoder names."""
    head = b"actor_id,char_start,char_end,note\nchina,1,5,"
    data = head + b"a" * ((1 << 20) + cut - len(head)) + "\u00e9".encode() + b"\xff\n"
    folder = tmp_path / "prediction"
    folder.mkdir()
    (folder / "mentions.csv").write_bytes(data)
    with pytest.raises(UnicodeDecodeError) as expected:
        data.decode("utf-8")
    with pytest.raises(ScoreError) as caught:
        score(folder)
    assert str(caught.value) == f"mentions.csv: is not UTF-8 (byte {expected.value.start})"


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

    gold = [(0, 100, None), (50, 70, None)]
    assert _match_spans([(50, 70, None)], gold, strict=False) == [(0, 1)]
    assert _match_spans([(0, 90, None), (50, 70, None)], gold, strict=False) == [
        (0, 0), (1, 1)]


def test_participants_without_events_are_a_located_usage_error(tmp_path):
    folder = _prediction(tmp_path, ("event_participants",))
    with pytest.raises(ScoreError) as caught:
        score(folder)
    assert str(caught.value) == "event_participants.csv: needs events.csv beside it"


def test_offsets_are_read_as_numbers_before_repeated_rows_are_dropped(tmp_path):
    """'05' and '5' are the same offset: a row that differs from another only in how its
    offsets are written is the same row, counted once (not a false positive)."""
    folder = _prediction(tmp_path, ("mentions",))
    rows = _rows(folder / "mentions.csv")
    padded = dict(rows[0], char_start=rows[0]["char_start"].rjust(6, "0"),
                  char_end=f"+{rows[0]['char_end']}")
    _write(folder / "mentions.csv", [*rows, padded])
    strict = score(folder)["tasks"]["mentions"]["strict"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (len(rows), 0, 0)


def _greedy_over_all_pairs(predicted, gold):
    """The definition of lenient matching, written out over every pair of spans."""
    candidates = []
    for left, (start, end, key) in enumerate(predicted):
        for right, (other_start, other_end, other_key) in enumerate(gold):
            overlap = min(end, other_end) - max(start, other_start)
            if key == other_key and overlap > 0:
                union = max(end, other_end) - min(start, other_start)
                candidates.append((-overlap / union, -overlap, left, right))
    used_left, used_right, pairs = set(), set(), []
    for _, _, left, right in sorted(candidates):
        if left not in used_left and right not in used_right:
            used_left.add(left)
            used_right.add(right)
            pairs.append((left, right))
    return sorted(pairs)


@pytest.mark.parametrize("seed", range(40))
def test_lenient_matching_is_the_greedy_choice_over_all_pairs(seed):
    """Random spans, nested and repeated, some keys differing: the sorted-span matcher
    pairs exactly what ranking every pair of spans would."""
    import random


    rng = random.Random(seed)

    def spans(count):
        found = []
        for _ in range(count):
            start = rng.randrange(0, 60)
            found.append((start, start + rng.randrange(1, 25), rng.choice("ab")))
        return found + rng.sample(found, k=min(3, len(found)))  # some repeated
    predicted, gold = spans(rng.randrange(0, 25)), spans(rng.randrange(0, 25))
    assert _match_spans(predicted, gold, strict=False) == _greedy_over_all_pairs(predicted,
                                                                                gold)
    strict = _match_spans(predicted, gold, strict=True)
    assert len(strict) == sum(min(predicted.count(span), gold.count(span))
                              for span in set(predicted))


@pytest.mark.parametrize("seed", range(5))
def test_the_candidates_are_the_overlapping_pairs_and_no_others(seed):
    import numpy as np

    from besa545.use.score import overlapping_pairs

    rng = np.random.default_rng(seed)
    starts = [rng.integers(0, 500, size) for size in (150, 120)]
    ends = [start + rng.integers(1, 40, len(start)) for start in starts]
    left, right = overlapping_pairs(starts[0], ends[0], starts[1], ends[1])
    expected = {(i, j) for i in range(150) for j in range(120)
                if max(starts[0][i], starts[1][j]) < min(ends[0][i], ends[1][j])}
    assert len(left) == len(expected)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == expected


def test_many_quotations_do_not_make_the_cross_product_of_spans():
    """Lenient matching of quotations has no key to block on; 20,000 spans against 20,000
    each overlapping one other make 20,000 candidates, not 400 million."""
    import numpy as np

    from besa545.use.score import Spans, match_spans, overlapping_pairs

    count = 20_000
    start = np.arange(count, dtype=np.int64) * 10
    left, right = overlapping_pairs(start, start + 5, start + 1, start + 6, limit=count)
    assert len(left) == count and (left == right).all()
    no_key = np.zeros(count, dtype=np.int64)
    pairs = match_spans(Spans(start, start + 5, no_key), Spans(start + 1, start + 6, no_key),
                        strict=False, limit=count)
    assert pairs.tolist() == [[index, index] for index in range(count)]


def test_spans_that_overlap_too_often_are_refused_with_the_file_named(tmp_path,
                                                                      monkeypatch):
    """A predicted quotation covering the whole text overlaps every gold quotation: past
    the bound on candidate pairs, scoring stops with a usage error, not a memory blow-up."""
    from besa545.use.score import spans as scoring

    folder = _prediction(tmp_path, ("quotations",))
    rows = _rows(folder / "quotations.csv")
    whole = dict(rows[0], char_start="0", char_end=str(len(besa545.text())))
    _write(folder / "quotations.csv", [whole] * 1 + [dict(whole, quote_kind="indirect")])
    monkeypatch.setattr(scoring, "MAX_CANDIDATE_PAIRS", len(rows))
    with pytest.raises(ScoreError) as caught:
        score(folder)
    assert str(caught.value) == (
        f"quotations.csv: {2 * len(rows):,} pairs of unequal spans overlap, more than the "
        f"{len(rows):,} lenient matching ranks: too many to score leniently (are these spans "
        "nested?)")
    monkeypatch.setattr(scoring, "MAX_CANDIDATE_PAIRS", 2 * len(rows))
    assert score(folder)["tasks"]["quotations"]["lenient"]["tp"] == 2


def test_a_prediction_with_a_header_and_no_rows_finds_nothing(tmp_path):
    """No predicted row is a prediction too: nothing found, every gold row missed (an
    empty column of offsets is read, not refused)."""
    folder = _prediction(tmp_path, ("stances", "mentions"))
    for name in ("stances", "mentions"):
        header = (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        (folder / f"{name}.csv").write_text(header + "\n", encoding="utf-8")
    tasks = score(folder)["tasks"]
    for task, gold in (("stances", len(besa545.load("stances"))),
                       ("mentions", len(besa545.load("mentions")))):
        strict = tasks[task]["strict"]
        assert (strict["tp"], strict["fp"], strict["fn"]) == (0, 0, gold)
        assert (strict["precision"], strict["recall"], strict["f1"]) == (0.0, 0.0, 0.0)


def test_with_nothing_to_find_finding_nothing_is_right_and_finding_something_wrong(
        tmp_path):
    """The rule docs/scoring.md states for a gold without items of a measure."""
    gold = copy_package(tmp_path / "gold")
    header = (gold / "data" / "stances.csv").read_text(encoding="utf-8").splitlines()[0]
    (gold / "data" / "stances.csv").write_text(header + "\n", encoding="utf-8")
    rows = len(besa545.load("stances"))
    (tmp_path / "empty").mkdir()
    (tmp_path / "full").mkdir()
    empty = _prediction(tmp_path / "empty", ())
    (empty / "stances.csv").write_text(header + "\n", encoding="utf-8")
    nothing = score(empty, gold)["tasks"]["stances"]
    full = score(_prediction(tmp_path / "full", ("stances",)), gold)["tasks"]["stances"]
    for measure in ("strict", "holder_topic"):
        assert nothing[measure] == {"tp": 0, "fp": 0, "fn": 0, "precision": 1.0,
                                    "recall": 1.0, "f1": 1.0}
        assert full[measure] == {"tp": 0, "fp": rows, "fn": 0, "precision": 0.0,
                                 "recall": 0.0, "f1": 0.0}


def test_a_gold_offset_too_large_for_a_text_is_named_in_the_gold(tmp_path):
    """The gold is not checked against a text length (it is the package's own), only that
    its offsets are numbers a text could have."""
    gold = copy_package(tmp_path / "gold")
    rows = _rows(gold / "data" / "mentions.csv")
    rows[0]["char_end"] = str(10**18)
    _write(gold / "data" / "mentions.csv", rows)
    with pytest.raises(ScoreError) as caught:
        score(_prediction(tmp_path, ("mentions",)), gold)
    assert str(caught.value) == (f"gold mentions.csv:2: the span {rows[0]['char_start']}-"
                                 f"{10**18} is too large to be offsets into a text")


def test_the_measures_are_those_docs_benchmark_md_defines():
    """Each (task, measure) of the scores is a row of the table of measures in
    docs/scoring.md, and each row there is scored: a reader looks a measure up by name."""
    page = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    section = page.split("\n## The measures\n", 1)[1].split("\n## ", 1)[0]
    documented = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[1].startswith("`"):
            documented |= {(cells[0], measure.strip(" `"))
                           for measure in cells[1].replace(",", "/").split("/")}
    scored = {(task, measure) for task, measures in score(ROOT / "data")["tasks"].items()
              for measure in measures}
    assert scored == documented
    assert ("stances", "holder_topic") in scored and len(scored) == 18


def test_the_text_table_shows_counts_and_accuracies_in_fixed_columns():
    from besa545.use.score import as_text

    result = {"tasks": {
        "quotations": {"strict": {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "tp": 1,
                                  "fp": 1, "fn": 0},
                       "speaker": {"accuracy": 0.5, "correct": 1, "matched": 2}},
        "events": {"cameo_code": {"accuracy": None, "correct": 0, "matched": 0}}}}
    assert as_text(result).splitlines() == [
        "task            measure                  P       R      F1    tp    fp    fn  accuracy",
        "quotations      strict               0.500   1.000   0.667     1     1     0",
        "quotations      speaker" + " " * 61 + "0.500 (1/2 matched)",
        "events          cameo_code" + " " * 58 + "- (0/0 matched)"]
    assert as_text({"tasks": {}}).splitlines()[1] == (
        "(no prediction file found: nothing to score)")


@pytest.mark.parametrize("which", ["first", "last"])
def test_a_span_predicted_twice_pairs_once(tmp_path, which):
    """Two predicted quotations over one gold quotation's span (differing in kind, so two
    rows): one is a true positive, the other a false positive, whichever span it is (the
    first in text order is where copies are numbered from)."""
    folder = _prediction(tmp_path, ("quotations",))
    rows = sorted(_rows(folder / "quotations.csv"), key=lambda row: int(row["char_start"]))
    copied = rows[0] if which == "first" else rows[-1]
    other = "indirect" if copied["quote_kind"] != "indirect" else "direct"
    _write(folder / "quotations.csv", [*rows, dict(copied, quote_kind=other)])
    for measure in ("strict", "lenient"):
        counts = score(folder)["tasks"]["quotations"][measure]
        assert (counts["tp"], counts["fp"], counts["fn"]) == (len(rows), 1, 0), measure


def test_a_prediction_file_that_is_a_folder_is_a_usage_error(tmp_path):
    folder = _prediction(tmp_path, ("events", "event_participants"))
    (folder / "events.csv").unlink()
    (folder / "events.csv").mkdir()
    with pytest.raises(ScoreError) as caught:
        score(folder)
    assert str(caught.value) == ("events.csv: is not a regular file (a directory, FIFO or "
                                 "device)")
    result = invoke("score", str(folder))
    assert (result.status, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: events.csv: is not a regular file")


def test_a_prediction_that_is_not_a_folder_is_a_usage_error(tmp_path):
    for path in (tmp_path / "missing", ROOT / "data" / "events.csv"):
        with pytest.raises(ScoreError) as caught:
            score(path)
        assert str(caught.value) == f"{path}: is not a directory of prediction CSVs"
        assert (caught.value.file, caught.value.line) == (str(path), None)
        result = invoke("score", str(path))
        assert (result.status, result.stdout) == (2, "")
        assert result.stderr.startswith(f"Error: {path}: is not a directory of prediction CSVs")


def test_an_attribute_wrong_on_every_matched_event_scores_zero(tmp_path):
    """Nothing right is 0 correct, not a missing count: every event predicted with another
    status, and dated where the gold is undated and undated where it is dated (the two
    never agree, docs/scoring.md)."""
    folder = _prediction(tmp_path, ("events",))
    rows = _rows(folder / "events.csv")
    for row in rows:
        row["status"] = "hypothetical" if row["status"] != "hypothetical" else "occurred"
        dated = row["date_start"] or row["date_end"]
        row["date_start"] = row["date_end"] = "" if dated else "1900-01-01"
    _write(folder / "events.csv", rows)
    result = score(folder)["tasks"]["events"]
    assert [result[measure] for measure in ("status", "dates_overlap")] == [
        {"correct": 0, "matched": len(rows), "accuracy": 0.0}] * 2


def test_every_ratio_is_rounded_to_four_places(tmp_path):
    """One speaker and one span wrong of the paper's quotations: every ratio of the JSON
    result has at most four decimal places, as docs/scoring.md says, and 12/13 is given
    as 0.9231."""
    folder = _prediction(tmp_path, ("quotations",))
    rows = _rows(folder / "quotations.csv")
    rows[0]["speaker_actor_id"] = "someone-the-paper-never-names"
    rows[1]["char_end"] = str(int(rows[1]["char_end"]) - 1)
    _write(folder / "quotations.csv", rows)
    result = score(folder)["tasks"]["quotations"]
    ratios = [value for measure in result.values() for value in measure.values()
              if isinstance(value, float)]
    assert len(ratios) == 8 and all(value == round(value, 4) for value in ratios)
    assert len(rows) == 13 and result["speaker"]["accuracy"] == 0.9231
    assert result["strict"]["precision"] == 0.9231


def test_a_task_without_spans_has_no_pairs(tmp_path):
    """Stances are matched by their columns, not their spans: ``match`` gives them an
    empty (0, 2) array of pairs."""
    from besa545.use.score import match

    pairs = match(_prediction(tmp_path, ("stances",)))["stances"].pairs
    assert pairs.shape == (0, 2)


def test_offsets_too_large_for_one_line_are_ranked_and_still_match():
    """Spans near 10^18 under ten keys do not fit the int64 line the matcher lays them on
    (key k from k * 10^18); their offsets are replaced by their ranks, so a span still
    pairs leniently with the gold span one character shorter under its own key, and
    strictly only with its equal."""

    far, start, end = 10**18 - 1, 2 * 10**17, 3 * 10**17
    predicted = [(0, far, 0)] + [(start, end, key) for key in range(10)]
    gold = [(0, far, 0)] + [(start, end - 1, key) for key in range(10)]
    assert sorted(_match_spans(predicted, gold, strict=False)) == [(n, n) for n in range(11)]
    assert _match_spans(predicted, gold, strict=True) == [(0, 0)]


def test_a_position_held_at_several_levels_counts_once(tmp_path):
    """Trump and the US on working with China are one position (same_position_stance_id):
    both predicted are two strict hits but one position; a triple that is no gold row is a
    false position of its own."""
    gold = _rows(ROOT / "data" / "stances.csv")
    positions = len([row for row in gold if not row["same_position_stance_id"]])
    folder = tmp_path / "prediction"
    folder.mkdir()
    _write(folder / "stances.csv", [
        {"holder_actor_id": "donald-trump", "topic_id": "working-with-china-on-north-korea",
         "polarity": "support"},
        {"holder_actor_id": "united-states", "topic_id": "working-with-china-on-north-korea",
         "polarity": "support"},
        {"holder_actor_id": "china", "topic_id": "military-option", "polarity": "support"}])
    scored = score(folder)["tasks"]["stances"]
    assert (scored["strict"]["tp"], scored["strict"]["fp"]) == (2, 1)
    assert (scored["positions"]["tp"], scored["positions"]["fp"],
            scored["positions"]["fn"]) == (1, 1, positions - 1)


def test_epistemic_status_is_scored_only_when_predicted(tmp_path):
    """An optional column: a prediction without it is scored as before, one with it gets
    its accuracy (the dataset's own values, one changed, score one miss)."""
    folder = _prediction(tmp_path, ("events",))
    without = [{key: value for key, value in row.items() if key != "epistemic_status"}
               for row in _rows(folder / "events.csv")]
    _write(folder / "events.csv", without)
    assert "epistemic_status" not in score(folder)["tasks"]["events"]
    rows = _rows(ROOT / "data" / "events.csv")
    rows[0]["epistemic_status"] = "reported" if rows[0]["epistemic_status"] == "asserted" \
        else "asserted"
    _write(folder / "events.csv", rows)
    accuracy = score(folder)["tasks"]["events"]["epistemic_status"]
    assert (accuracy["correct"], accuracy["matched"]) == (len(rows) - 1, len(rows))


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


@pytest.mark.parametrize("kind", ["link out of the folder", "link to a file with no size",
                                  "link loop", "fifo"])
def test_a_prediction_file_is_read_only_if_it_is_a_regular_file_in_the_folder(tmp_path, kind):
    """As the validator reads: a link is never followed (out of the folder its values
    would be echoed in messages; /proc/self/pagemap reports no size and never ends), a
    FIFO is not waited on, and a link loop is refused, not skipped."""
    import os

    folder = _prediction(tmp_path, ("stances",))
    target = folder / "stances.csv"
    outside = tmp_path / "secret.csv"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        os.symlink({"link out of the folder": outside, "link loop": target,
                    "link to a file with no size": "/proc/self/pagemap"}[kind], target)
    result = invoke("score", str(folder))
    reason = ("is not a regular file (a directory, FIFO or device)" if kind == "fifo"
              else "is a symbolic link; only regular files inside the package are read")
    assert result == (2, "", f"Error: stances.csv: {reason} (see docs/scoring.md for the "
                             "prediction format)\n")


def test_a_file_that_cannot_be_read_is_a_usage_error_naming_it(tmp_path, monkeypatch):
    import errno

    from besa545.model import paths

    folder = _prediction(tmp_path, ("stances",))

    real_open = paths.open_regular

    def failing_disk(path, file):
        if path.parent == folder:  # the gold is read as usual
            raise OSError(errno.EIO, "Input/output error")
        return real_open(path, file)

    monkeypatch.setattr(paths, "open_regular", failing_disk)
    assert invoke("score", str(folder)) == (
        2, "", "Error: stances.csv: cannot be read: Input/output error (see "
               "docs/scoring.md for the prediction format)\n")


def test_a_misnamed_prediction_file_is_refused_with_the_names_it_could_have(tmp_path):
    folder = _prediction(tmp_path, ("mentions",))
    (folder / "mentions.csv").rename(folder / "mention.csv")
    (folder / "NOTES.md").write_text("how these were made\n", encoding="utf-8")  # left alone
    assert invoke("score", str(folder)) == (
        2, "", "Error: mention.csv: is not named after a table; did you mean mentions.csv? "
               "the files scored are actor_relations.csv, event_participants.csv, "
               "events.csv, mentions.csv, quotations.csv, stances.csv (see docs/scoring.md "
               "for the prediction format)\n")


def test_a_gold_whose_text_path_leaves_the_package_is_refused(tmp_path):
    gold = tmp_path / "gold"
    shutil.copytree(ROOT / "data", gold / "data")
    shutil.copytree(ROOT / "sources", gold / "sources")
    documents = gold / "data" / "documents.csv"
    documents.write_text(documents.read_text(encoding="utf-8").replace(
        "sources/besa-pp-545.txt", "../secret.txt"), encoding="utf-8")
    (tmp_path / "secret.txt").write_text("x" * 10, encoding="utf-8")
    with pytest.raises(ScoreError, match="is not a path inside the package"):
        score(_prediction(tmp_path, ("stances",)), gold)
