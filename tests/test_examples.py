"""The examples run, and say what they claim to."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def run(name: str) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "examples" / name)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_there_are_three_examples():
    assert [path.name for path in EXAMPLES] == ["stance_matrix.py", "what_happened_when.py",
                                                 "who_is_quoted.py"]


def test_who_is_quoted(tables):
    output = run("who_is_quoted.py")
    assert "(unnamed: it was argued)" in output
    tillerson = next(line for line in output.splitlines() if line.startswith("Rex Tillerson"))
    assert tillerson.split()[-7:] == ["0", "1", "0", "0", "0", "0", "0"]  # press conference
    scare = (tables["quotations"]["quote_kind"] == "scare").sum()
    assert f"{scare} scare quotes:" in output


def test_what_happened_when(tables):
    output = run("what_happened_when.py")
    assert ("2017-04-01 to 2017-04-30   month    occurred  Trump-Xi agreement at Mar-a-Lago"
            in output)
    undated = (tables["events"]["date_start"].isna() & tables["events"]["date_end"].isna()).sum()
    assert f"{undated} of {len(tables['events'])} events have no date in the text." in output


@pytest.mark.parametrize("holder,topic,mark", [("China", "six-party-talks", "+"),
                                                ("Moon Jae-in", "thaad-deployment", "-"),
                                                ("Trump", "severe-measures-against-north-korea",
                                                 "±")])
def test_stance_matrix(holder, topic, mark, tables):
    output = run("stance_matrix.py")
    lines = output.splitlines()
    legend = lines[lines.index("Topics:") + 1:]
    numbers = {line.split(maxsplit=1)[1]: line.split(maxsplit=1)[0] for line in legend}
    label = tables["topics"].set_index("topic_id").loc[topic, "label"]
    column = numbers[label]
    header = next(line for line in lines if line.startswith("topic_id"))
    row = next(line for line in lines if line.startswith(holder + " ") and "  " in line)
    start = header.index(f" {column} ") + 1
    assert row[start:start + len(column)].strip() == mark
