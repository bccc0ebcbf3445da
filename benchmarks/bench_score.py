"""``besa545 score`` on a million-row prediction: the synthetic package's own tables
scored against themselves (every measure 1.0), timed against merely reading the same
prediction files (the floor: scoring must read them), each in a fresh process.

    .venv/bin/python benchmarks/bench_score.py --dir /tmp/besa545-synthetic-1000000 --runs 3

The package comes from ``benchmarks/make_synthetic.py --rows 1000000 --out DIR``, without
``--plant`` (``bench_validate.py`` makes its own, planted, in another folder).
Two floors: ``pyarrow.csv`` reading the columns the tasks need, as text (what a scorer
on columns must at least do), and ``csv.DictReader`` reading every row (what a scorer on
rows must at least do). Prints the median seconds (and range) and the peak memory of
each, and the ratios; results go in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from besa545.use.score import TASKS, score

HERE = Path(__file__).resolve().parent

FILES = {name: columns for files in TASKS.values() for name, columns in files.items()}


def read_rows(folder: Path) -> int:
    """Read every prediction file row by row with the standard library."""
    rows = 0
    for name in sorted(FILES):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
            rows += sum(1 for _ in csv.DictReader(stream))
    return rows


def read_columns(folder: Path) -> int:
    """Read the needed columns of every prediction file as text with Arrow."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rows = 0
    for name, columns in sorted(FILES.items()):
        wanted = list(columns)
        rows += pacsv.read_csv(folder / f"{name}.csv", convert_options=pacsv.ConvertOptions(
            include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()))).num_rows
    return rows


def run_one(contender: str, package: Path) -> dict[str, object]:
    """One contender in this process: its seconds, its peak memory and what it found."""
    data = package / "data"
    started = time.perf_counter()
    if contender == "score":
        result = score(data, gold=package)
        found: object = {value.get("f1", value.get("accuracy"))
                         for task in result["tasks"].values()
                         for value in task.values()} == {1.0}
    else:
        found = (read_rows if contender == "csv" else read_columns)(data)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": seconds, "peak_bytes": peak, "found": found}


CONTENDERS = {"score": "besa545 score (reads prediction and gold, then matches)",
              "arrow": "floor: pyarrow.csv reads the needed columns",
              "csv": "floor: csv.DictReader reads every row"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True, help="a synthetic package")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--one", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        print(json.dumps(run_one(options.one, options.dir)))
        return 0
    if not (options.dir / "datapackage.json").is_file():
        print(f"{options.dir} is not a package: write one first with\n"
              f"  {sys.executable} {HERE / 'make_synthetic.py'} --rows 1000000 "
              f"--out {options.dir}", file=sys.stderr)
        return 2
    measured: dict[str, list[dict]] = {name: [] for name in CONTENDERS}
    for _ in range(options.runs):  # interleaved, each in a fresh process
        for name in CONTENDERS:
            result = subprocess.run([sys.executable, __file__, "--dir", str(options.dir),
                                     "--one", name], capture_output=True, text=True)
            if result.returncode:
                print(f"{name} failed:\n{result.stderr}", file=sys.stderr)
                return 1
            measured[name].append(json.loads(result.stdout))
    medians = {name: statistics.median(run["seconds"] for run in runs)
               for name, runs in measured.items()}
    print(f"prediction: {measured['csv'][0]['found']:,} rows in {options.dir / 'data'}; "
          f"{options.runs} run(s) each")
    for name, runs in measured.items():
        seconds = [run["seconds"] for run in runs]
        peak = max(run["peak_bytes"] for run in runs) / 1e9
        print(f"{CONTENDERS[name]}: {medians[name]:.1f} s ({min(seconds):.1f}-"
              f"{max(seconds):.1f}), peak {peak:.2f} GB")
    print(f"score / Arrow floor = {medians['score'] / medians['arrow']:.1f}x; "
          f"score / csv floor = {medians['score'] / medians['csv']:.2f}x; every measure "
          f"1.0 in every run: {all(run['found'] is True for run in measured['score'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
