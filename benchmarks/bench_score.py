"""``besa545 score`` on a million-row prediction: the synthetic package's own tables
scored against themselves (every measure 1.0), timed against reading the same prediction
files with the standard library's CSV reader (the floor: scoring must read them).

    .venv/bin/python benchmarks/bench_score.py --dir /tmp/besa545-synthetic-1000000

The package comes from ``benchmarks/make_synthetic.py`` (as for ``bench_validate.py``).
Prints seconds for each and their ratio; results go in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

from besa545.use.score import TASKS, score


def read_only(folder: Path) -> int:
    """Read every prediction file row by row: what any scorer must at least do."""
    rows = 0
    for name in sorted({name for files in TASKS.values() for name in files}):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
            rows += sum(1 for _ in csv.DictReader(stream))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True, help="a synthetic package")
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()
    data = options.dir / "data"
    floors, scorings = [], []
    for _ in range(options.runs):
        started = time.perf_counter()
        rows = read_only(data)
        floors.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = score(data, gold=options.dir)
        scorings.append(time.perf_counter() - started)
    measures = {value.get("f1", value.get("accuracy")) for task in result["tasks"].values()
                for value in task.values()}
    floor, scoring = statistics.median(floors), statistics.median(scorings)
    print(f"prediction: {rows:,} rows in {data}")
    print(f"read the prediction files (csv.DictReader): {floor:.1f} s")
    print(f"besa545 score (reads the prediction and the gold, then matches): {scoring:.1f} s")
    print(f"score / read = {scoring / floor:.1f}x; every measure 1.0: {measures == {1.0}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
