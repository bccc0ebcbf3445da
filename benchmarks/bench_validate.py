"""besa545 validate against frictionless validate on the same large package, in one run.

Builds (or reuses) a synthetic package with ``make_synthetic.py``, with one error of each
plantable kind, then runs each validator as its own process (``--runs`` times, the two
interleaved) and reports the median wall time and its range, the peak memory (maximum
resident set size, the largest of the runs) and whether every run found every planted
error at its file and line. The ratio is of the medians. ``besa545 validate`` runs with
``--no-spec``: its spec layer *is* ``frictionless validate``, measured on its own here.

Targets: besa545 at least 10x faster than frictionless, peak memory under 2 GB, every
planted error found.

    python benchmarks/bench_validate.py [--rows 1000000] [--dir DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from make_synthetic import PLANTS  # this script's folder is on the path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
result = subprocess.run(sys.argv[2:], capture_output=True, text=True)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
with open(sys.argv[1], "w") as stream:
    stream.write(result.stdout)
print(json.dumps({"seconds": elapsed, "peak_bytes": peak, "status": result.returncode}))
"""


def measure(command: list[str], output: Path) -> dict[str, float]:
    """Run ``command`` in a fresh process; its wall time, peak memory and exit status."""
    result = subprocess.run([sys.executable, "-c", MEASURE, str(output), *command],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def ensure_package(directory: Path, rows: int) -> list[dict]:
    planted = directory / "planted.json"
    if not planted.is_file():
        subprocess.run([sys.executable, str(HERE / "make_synthetic.py"), "--rows", str(rows),
                        "--out", str(directory), "--plant", *PLANTS], check=True)
    return json.loads(planted.read_text(encoding="utf-8"))


def found_by_besa545(report: dict, plant: dict) -> bool:
    return any((problem["file"], problem["line"], problem["code"]) ==
               (plant["file"], plant["line"], plant["code"]) for problem in report["problems"])


def found_by_frictionless(report: dict, plant: dict) -> bool:
    if plant["frictionless"] is None:
        return False  # a content rule (evidence, dates) that frictionless has no check for
    resource = Path(plant["file"]).stem
    for task in report["tasks"]:
        if task.get("name") == resource:
            for error in task["errors"]:
                if (error["type"], error.get("rowNumber")) == (plant["frictionless"],
                                                                plant["line"]):
                    return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the planted synthetic package is (made if absent; "
                             "default /tmp/besa545-synthetic-ROWS-planted)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each validator")
    arguments = parser.parse_args()
    # not the folder bench_score.py is shown with: that one holds a clean package
    directory = arguments.dir or Path(f"/tmp/besa545-synthetic-{arguments.rows}-planted")
    planted = ensure_package(directory, arguments.rows)
    contenders = {
        "besa545": ([str(BIN / "besa545"), "validate", str(directory), "--no-spec",
                     "--format", "json"], found_by_besa545),
        "frictionless": ([str(BIN / "frictionless"), "validate", "--json",
                          str(directory / "datapackage.json")], found_by_frictionless),
    }
    runs: dict[str, list[dict]] = {name: [] for name in contenders}
    for _ in range(arguments.runs):
        for name, (command, finder) in contenders.items():
            output = directory / f"{name}.json"
            run = measure(command, output)
            report = json.loads(output.read_text(encoding="utf-8"))
            run["found"] = {plant["kind"] for plant in planted if finder(report, plant)}
            runs[name].append(run)
    print(f"package: {directory} ({arguments.rows:,} rows in events and participants), "
          f"{len(planted)} planted errors, {arguments.runs} run(s) each")
    print(f"{'':16}{'median s':>9}{'range s':>14}{'peak MB':>9}  planted errors found")
    for name, measured in runs.items():
        seconds = sorted(run["seconds"] for run in measured)
        found = set.intersection(*(run["found"] for run in measured))
        missed = [plant["kind"] for plant in planted if plant["kind"] not in found]
        peak = max(run["peak_bytes"] for run in measured)
        print(f"{name:16}{statistics.median(seconds):9.1f}"
              f"{f'{seconds[0]:.1f}-{seconds[-1]:.1f}':>14}{peak / 2**20:9.0f}  "
              f"{len(found)}/{len(planted)}" + (f" (missed: {', '.join(missed)})" if missed
                                                 else " (all)"))
    ours, theirs = ([run["seconds"] for run in runs[name]]
                    for name in ("besa545", "frictionless"))
    ratio = statistics.median(theirs) / statistics.median(ours)
    peak_gb = max(run["peak_bytes"] for run in runs["besa545"]) / 2**30
    print(f"frictionless / besa545 = {ratio:.1f}x (target >= 10x): "
          f"{'met' if ratio >= 10 else 'MISSED'}")
    print(f"besa545 peak memory = {peak_gb:.2f} GB (target < 2 GB): "
          f"{'met' if peak_gb < 2 else 'MISSED'}")
    all_found = all(len(run["found"]) == len(planted) for run in runs["besa545"])
    print(f"besa545 found every planted error in every run: {'yes' if all_found else 'NO'}")


if __name__ == "__main__":
    main()
