"""The agreement of the two readings is computed as docs/scoring.md says: kappa is
Cohen's, and the script prints a table for the current data. (The published figures are
a dated measurement, not held to the current data.)"""

from __future__ import annotations

import importlib.util

import pytest

from helpers import ROOT

spec = importlib.util.spec_from_file_location(
    "agreement", ROOT / "benchmarks" / "agreement" / "agreement.py")
agreement = importlib.util.module_from_spec(spec)
spec.loader.exec_module(agreement)


def test_the_table_has_a_row_per_scored_measure_and_kappa_field():
    lines = agreement.block().splitlines()
    assert lines[0] == "| task | measure | F1 | precision | recall |"
    assert "| stances | positions |" in "\n".join(lines)
    assert [line.split(" | ")[0] for line in lines if line.startswith("| `")] == [
        "| `quotations.quote_kind`", "| `events.event_type`", "| `events.status`",
        "| `stances.polarity`", "| `event_participants.role`"]


def test_kappa_is_cohens():
    # 2 raters, 10 items: 7 agree; rater A says yes 6 times, rater B 5 times
    pairs = ([("yes", "yes")] * 4 + [("no", "no")] * 3 + [("yes", "no")] * 2
             + [("no", "yes")] * 1)
    chance = (6 * 5 + 4 * 5) / 100
    assert agreement.kappa(pairs) == pytest.approx((0.7 - chance) / (1 - chance))
    assert agreement.kappa([("a", "a")] * 3) == 1.0
    assert agreement.kappa([]) is None
