"""besa545 validate against frictionless validate on the same large package, in one run.

Builds (or reuses) a synthetic package with ``make_synthetic.py``, with one error of each
plantable kind, then runs each validator once as its own process and reports its wall
time, its peak memory (maximum resident set size) and whether it found every planted
error at its file and line. ``besa545 validate`` runs with ``--no-spec``: its spec layer
*is* ``frictionless validate``, which is measured on its own here.

Targets: besa545 at least 10x faster than frictionless, peak memory under 2 GB, every
planted error found.

    python benchmarks/bench_validate.py [--rows 1000000] [--dir /tmp/besa545-synthetic]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

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
        kinds = ["enum", "foreign-key", "required", "pattern", "type-date", "primary-key",
                 "evidence", "date-order"]
        subprocess.run([sys.executable, str(HERE / "make_synthetic.py"), "--rows", str(rows),
                        "--out", str(directory), "--plant", *kinds], check=True)
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
                        help="where the synthetic package is (made if absent)")
    arguments = parser.parse_args()
    directory = arguments.dir or Path(f"/tmp/besa545-synthetic-{arguments.rows}")
    planted = ensure_package(directory, arguments.rows)
    ours_out, theirs_out = directory / "besa545.json", directory / "frictionless.json"
    ours = measure([str(BIN / "besa545"), "validate", str(directory), "--no-spec",
                    "--format", "json"], ours_out)
    theirs = measure([str(BIN / "frictionless"), "validate", "--json",
                      str(directory / "datapackage.json")], theirs_out)
    ours_report = json.loads(ours_out.read_text(encoding="utf-8"))
    theirs_report = json.loads(theirs_out.read_text(encoding="utf-8"))
    print(f"package: {directory} ({arguments.rows:,} rows in events and participants), "
          f"{len(planted)} planted errors")
    print(f"{'':14}{'seconds':>9}{'peak MB':>9}  planted errors found")
    for name, run, report, finder in (("besa545", ours, ours_report, found_by_besa545),
                                      ("frictionless", theirs, theirs_report,
                                       found_by_frictionless)):
        found = [plant["kind"] for plant in planted if finder(report, plant)]
        missed = [plant["kind"] for plant in planted if plant["kind"] not in found]
        print(f"{name:14}{run['seconds']:9.1f}{run['peak_bytes'] / 2**20:9.0f}  "
              f"{len(found)}/{len(planted)}" + (f" (missed: {', '.join(missed)})" if missed
                                                 else " (all)"))
    ratio = theirs["seconds"] / ours["seconds"]
    peak_gb = ours["peak_bytes"] / 2**30
    print(f"frictionless / besa545 = {ratio:.1f}x (target >= 10x): "
          f"{'met' if ratio >= 10 else 'MISSED'}")
    print(f"besa545 peak memory = {peak_gb:.2f} GB (target < 2 GB): "
          f"{'met' if peak_gb < 2 else 'MISSED'}")
    all_found = all(found_by_besa545(ours_report, plant) for plant in planted)
    print(f"besa545 found every planted error: {'yes' if all_found else 'NO'}")


if __name__ == "__main__":
    main()
