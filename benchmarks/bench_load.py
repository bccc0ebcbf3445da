"""Cold-process cost of loading every table, against a floor and against frictionless.

Each contender runs in a fresh interpreter (imports included, as a user pays them), the
runs are interleaved so that machine noise hits all alike, and the median of N runs is
reported as a ratio to the baseline measured in the same run:

- floor: a process that imports pandas and pyarrow and reads the same Parquet files;
- besa545: ``import besa545; besa545.load_all()`` (typed frames);
- frictionless: ``Resource.to_pandas()`` for every resource of datapackage.json;
- bare / import: an empty interpreter, and ``import besa545`` alone.

Targets: besa545 at most 1.2x the floor; at least 10x faster than frictionless;
``import besa545`` at most 50 ms over a bare interpreter.

Cold processes are dominated by importing pandas and pyarrow, which every contender
pays, so the same comparison is also made warm, inside one process with the libraries
already imported: that isolates the cost of reading and typing the tables.

    python benchmarks/bench_load.py [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import besa545

ROOT = besa545.package_path()
PARQUET = sorted(str(path) for path in (ROOT / "data" / "parquet").glob("*.parquet"))

PROGRAMS = {
    "bare": "pass",
    "import": "import besa545",
    "floor": ("import pandas, pyarrow.parquet as pq\n"
              f"frames = [pq.read_table(p).to_pandas() for p in {PARQUET!r}]"),
    "besa545": "import besa545\nframes = besa545.load_all()",
    "frictionless": ("from frictionless import Package\n"
                     f"package = Package({str(ROOT / 'datapackage.json')!r})\n"
                     "frames = [resource.to_pandas() for resource in package.resources]"),
}


def time_once(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


WARM = f"""
import statistics, time, pyarrow.parquet as pq, besa545
from frictionless import Package
def median_of(call, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter(); call(); times.append(time.perf_counter() - start)
    return statistics.median(times)
def frictionless_all():
    for resource in Package({str(ROOT / 'datapackage.json')!r}).resources:
        resource.to_pandas()
runs = {{runs}}
floor = median_of(lambda: [pq.read_table(p).to_pandas() for p in {PARQUET!r}], runs)
ours = median_of(besa545.load_all, runs)
theirs = median_of(frictionless_all, runs)
print(floor, ours, theirs)
"""


def warm(runs: int) -> tuple[float, float, float]:
    """Medians, inside one warmed-up process: floor, besa545, frictionless."""
    result = subprocess.run([sys.executable, "-c", WARM.replace("{runs}", str(runs))],
                            check=True, capture_output=True, text=True)
    floor, ours, theirs = (float(value) for value in result.stdout.split())
    return floor, ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per contender (>= 7)")
    runs = max(parser.parse_args().runs, 7)
    for code in PROGRAMS.values():  # warm the file cache; not measured
        time_once(code)
    samples: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for _ in range(runs):
        for name, code in PROGRAMS.items():
            samples[name].append(time_once(code))
    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"besa545 {besa545.__version__}, Python {sys.version.split()[0]}, "
          f"{runs} runs each, medians of cold processes")
    for name, value in median.items():
        print(f"  {name:<13} {value * 1000:8.1f} ms")
    load_ratio = median["besa545"] / median["floor"]
    speedup = median["frictionless"] / median["besa545"]
    import_cost = (median["import"] - median["bare"]) * 1000
    print(f"besa545 / floor           = {load_ratio:.2f}x   (target <= 1.2x)   "
          f"{'met' if load_ratio <= 1.2 else 'MISSED'}")
    print(f"frictionless / besa545    = {speedup:.1f}x   (target >= 10x)    "
          f"{'met' if speedup >= 10 else 'MISSED'}")
    print(f"import besa545 over bare  = {import_cost:.1f} ms (target <= 50 ms)  "
          f"{'met' if import_cost <= 50 else 'MISSED'}")
    floor, ours, theirs = warm(runs)
    print(f"warm, in one process: floor {floor * 1000:.1f} ms, besa545 {ours * 1000:.1f} ms, "
          f"frictionless {theirs * 1000:.1f} ms")
    print(f"warm besa545 / floor      = {ours / floor:.2f}x")
    print(f"warm frictionless/besa545 = {theirs / ours:.1f}x   (target >= 10x)    "
          f"{'met' if theirs / ours >= 10 else 'MISSED'}")


if __name__ == "__main__":
    main()
