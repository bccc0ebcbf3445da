"""The benchmark scripts at a small size: the synthetic package is valid, its planted
errors are exactly what the validator reports, and bench_validate runs end to end."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from besa545.check.scheduler import validate
from helpers import ROOT


def plantable_kinds() -> list[str]:
    """The kinds of error make_synthetic.py can plant, read from the script itself."""
    spec = importlib.util.spec_from_file_location(
        "make_synthetic", ROOT / "benchmarks" / "make_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.PLANTS)


def make_synthetic(out: Path, *plant: str) -> list[dict]:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_synthetic.py"),
                    "--rows", "200", "--out", str(out), *(["--plant", *plant] if plant else [])],
                   check=True, capture_output=True)
    planted = out / "planted.json"
    return json.loads(planted.read_text(encoding="utf-8")) if planted.is_file() else []


def test_synthetic_package_is_valid_for_both_validators(tmp_path):
    make_synthetic(tmp_path / "package")
    report = validate(tmp_path / "package")  # the spec layer runs frictionless too
    assert report.problems == [], report.to_text()


def test_planted_errors_are_what_the_validator_reports(tmp_path):
    kinds = plantable_kinds()
    planted = make_synthetic(tmp_path / "package", *kinds)
    assert sorted(plant["kind"] for plant in planted) == sorted(kinds)  # one of each
    found = {(p.file, p.line, p.code) for p in validate(tmp_path / "package", spec=False).problems}
    assert {(plant["file"], plant["line"], plant["code"]) for plant in planted} <= found
    # nothing else, but the consequences each plant has by nature: the first of two rows
    # sharing a key, and the precision that a reversed interval no longer agrees with
    consequences = {(plant["file"], plant["line"] - 1, "primary-key") for plant in planted
                    if plant["kind"] == "primary-key"} | {
                   (plant["file"], plant["line"], "date-precision") for plant in planted
                   if plant["kind"] == "date-order"}
    assert found - {(plant["file"], plant["line"], plant["code"]) for plant in planted} == (
        consequences)


def test_bench_validate_runs_both_validators(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_validate.py"),
                             "--rows", "200", "--dir", str(tmp_path / "package")],
                            check=True, capture_output=True, text=True)
    lines = result.stdout.splitlines()
    assert any(line.startswith("besa545") and line.endswith("8/8 (all)") for line in lines)
    # frictionless has no check for evidence or for date order: it finds the other six
    assert any(line.startswith("frictionless") and line.endswith(
        "6/8 (missed: evidence, date-order)") for line in lines), result.stdout
    assert "besa545 found every planted error in every run: yes" in lines


def test_bench_score_scores_a_synthetic_package_perfectly_against_itself(tmp_path):
    """The scoring benchmark runs end to end on a small package: each contender in its
    own process, and the package's own tables score 1.0 on every measure."""
    make_synthetic(tmp_path / "package")
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_score.py"),
                             "--dir", str(tmp_path / "package")],
                            check=True, capture_output=True, text=True)
    lines = result.stdout.splitlines()
    assert lines[-1].endswith("every measure 1.0 in every run: True"), result.stdout
    assert lines[0].startswith("prediction: ") and "1 run(s) each" in lines[0]
