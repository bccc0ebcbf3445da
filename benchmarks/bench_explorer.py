"""How fast the explorer page is: to write, and to become interactive in a browser.

- write: ``render_explorer()`` in a warm process (the tables already loaded once);
- interactive: from navigation start until the page's script has read its data and set
  up the filters (``html[data-ready]``, the page's own ``performance.now()``), opened from
  disk in the system ``chromium``; also the browser's ``load`` event, and the page size.

The median of N runs is printed, with interactive time as a ratio to the ``load`` event
(the script's share of opening the page). Not asserted anywhere: a wall-clock limit in a
unit test would fail on a busy machine; tests/test_explorer.py only records the figure.

    python benchmarks/bench_explorer.py [--runs 9] [--page docs/explorer.html]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from besa545.use.explorer import render_explorer
from besa545.use.load import load_all_tables

ROOT = Path(__file__).resolve().parent.parent


def time_write(runs: int) -> float:
    """Median seconds to render the page, tables read once beforehand."""
    load_all_tables()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_explorer()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_open(page_path: Path, runs: int) -> tuple[float, float]:
    """Median milliseconds to interactive and to the ``load`` event, opened from disk."""
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    ready, loaded = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        for _ in range(runs):
            page = browser.new_page()
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("html[data-ready]")
            ready.append(float(page.get_attribute("html", "data-ready") or "nan"))
            loaded.append(page.evaluate(
                "performance.getEntriesByType('navigation')[0].loadEventEnd"))
            page.close()
        browser.close()
    return statistics.median(ready), statistics.median(loaded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--page", type=Path, default=ROOT / "docs" / "explorer.html")
    arguments = parser.parse_args()
    size = arguments.page.stat().st_size
    write = time_write(arguments.runs)
    ready, loaded = time_open(arguments.page, arguments.runs)
    print(f"page size         {size / 1024:8.0f} KiB")
    print(f"write (warm)      {write * 1000:8.0f} ms")
    print(f"interactive       {ready:8.0f} ms after navigation start")
    print(f"load event        {loaded:8.0f} ms   (interactive / load = {ready / loaded:.2f}x)")


if __name__ == "__main__":
    main()
