"""Helpers shared by the tests: make a package copy, edit it, reseal it, run the CLI.

Imported by the test modules (``from helpers import ...``); the fixtures that use them are
in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import besa545
from besa545.assemble.pipeline import record_hashes

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = ("datapackage.json", "datapackage-parquet.json", "schemas", "data", "sources")


def copy_package(destination: Path) -> Path:
    """Copy the files of the data package (not the code) to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    return destination



def run_cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m besa545 ...`` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "besa545", *arguments], capture_output=True,
                          text=True, cwd=cwd or ROOT, check=False)


class Invocation(NamedTuple):
    """What a command printed and the status it returned."""

    status: int
    stdout: str
    stderr: str


def invoke(*arguments: str) -> Invocation:
    """Run ``besa545 ARGUMENTS`` in this process (fast; use :func:`run_cli` for the entry
    points themselves)."""
    from besa545.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(arguments))
        except SystemExit as exit:  # argparse exits for --help, --version and bad usage
            status = exit.code if isinstance(exit.code, int) else 1
    return Invocation(status, out.getvalue(), err.getvalue())


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of a package, by relative path, to compare before and after."""
    return {str(path.relative_to(root)): path.read_bytes()
            for part in PACKAGE_PARTS for path in sorted((root / part).rglob("*"))
            if path.is_file()} | ({"datapackage.json": (root / "datapackage.json").read_bytes()}
                                  if (root / "datapackage.json").is_file() else {})


def read_rows(root: Path, table: str) -> list[dict[str, str]]:
    with (root / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def write_rows(root: Path, table: str, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (root / "data" / f"{table}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(table: str, key: str, column: str, value: str) -> Callable[[Path], None]:
    """Set ``column`` of the row whose first cell is ``key``."""

    def edit(root: Path) -> None:
        rows = read_rows(root, table)
        matches = [row for row in rows if next(iter(row.values())) == key]
        assert len(matches) == 1, key
        matches[0][column] = value
        write_rows(root, table, rows)

    return edit


def drop_column(table: str, column: str) -> Callable[[Path], None]:
    """Remove ``column`` from the header and from every row of ``table``."""

    def edit(root: Path) -> None:
        rows = read_rows(root, table)
        assert column in rows[0], column
        write_rows(root, table, [{name: value for name, value in row.items() if name != column}
                                 for row in rows])

    return edit


def drop_row(table: str, key: str, column: str | None = None) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        rows = read_rows(root, table)
        kept = [row for row in rows if (row[column] if column else next(iter(row.values())))
                != key]
        assert len(kept) == len(rows) - 1, key
        write_rows(root, table, kept)

    return edit


def replace_text(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= 1, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def replace_bytes(relative: str, old: bytes, new: bytes) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / relative
        data = path.read_bytes()
        assert old in data
        path.write_bytes(data.replace(old, new, 1))

    return edit



def link_to_copy(relative: str) -> Callable[[Path], None]:
    """``relative`` replaced by a symbolic link to a copy of it inside the package (at its
    top, where no check looks for stray files)."""
    def edit(root: Path) -> None:
        copy = root / f"{Path(relative).name}.copy"
        (root / relative).rename(copy)
        (root / relative).symlink_to(copy)
    return edit


def add_case_twin(table: str, key: str, twin: str) -> Callable[[Path], None]:
    """Append a copy of the row whose first cell is ``key``, with ``twin`` as that cell
    (an id that differs only by case, say)."""
    def edit(root: Path) -> None:
        rows = read_rows(root, table)
        first = next(iter(rows[0]))
        original = next(row for row in rows if row[first] == key)
        write_rows(root, table, [*rows, dict(original, **{first: twin})])
    return edit

def edit_descriptor(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        change(descriptor)
        path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    return edit


def resource(descriptor: dict, name: str) -> dict:
    return next(entry for entry in descriptor["resources"] if entry["name"] == name)


def reseal(root: Path) -> None:
    """Record the current size and hash of every file, as if only the content were wrong."""
    record_hashes(root)


def line_of(root: Path, table: str, key: str) -> int:
    """Editor line of the row whose first cell is ``key``, found by reading the file."""
    text = (root / "data" / f"{table}.csv").read_text(encoding="utf-8")
    lines = text.split("\n")
    matches = [number for number, line in enumerate(lines, start=1)
               if line.startswith(f"{key},") or line.startswith(f'"{key}",')]
    assert len(matches) == 1, key
    return matches[0]


def new_evidence(table: str, key: str, evidence: str) -> Callable[[Path], None]:
    """An edit: the row ``key`` of ``table`` given another evidence, its offsets refilled as
    the build fills them (the first place the words occur in the text)."""
    def edit(root: Path) -> None:
        text = (root / "sources" / "besa-pp-545.txt").read_text(encoding="utf-8")
        start = text.index(evidence)
        for column, value in (("evidence", evidence), ("char_start", str(start)),
                              ("char_end", str(start + len(evidence)))):
            set_cell(table, key, column, value)(root)
    return edit


def line_with(root: Path, table: str, row: str) -> int:
    """Editor line of the row written exactly ``row`` (tables whose key is several cells)."""
    lines = (root / "data" / f"{table}.csv").read_text(encoding="utf-8").split("\n")
    return lines.index(row) + 1


def inject(tmp_path: Path, edit: Callable[[Path], object], reseal_after: bool,
           expected: Callable[[Path], object]) -> tuple[Path, object]:
    """A fresh copy of the package with ``edit`` applied (hashes re-recorded when
    ``reseal_after``), and what ``expected`` says of the pristine copy (lines are read
    before the edit moves them)."""
    root = copy_package(tmp_path / "package")
    wanted = expected(root)
    edit(root)
    if reseal_after:
        reseal(root)
    return root, wanted


TOOLS = ROOT / ".venv" / "tools"  # inside .venv: ignored by git, gone with `make clean-venv`


def tool_environment(*packages: str) -> Path:
    """The ``bin`` folder of a virtual environment with ``packages`` installed, for a tool
    whose dependencies clash with ours (see :func:`tool_folder`)."""
    import venv

    def install(where: Path) -> None:
        venv.create(where, with_pip=True)
        subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        *packages], check=True, capture_output=True)

    return tool_folder(packages[0].split("[")[0], [*packages, sys.version], install) / "bin"


def tool_folder(name: str, request: list[str], install: Callable[[Path], object]) -> Path:
    """A folder under ``.venv/tools/`` that ``install`` filled, kept across test runs: its
    name carries a hash of ``request`` (so a changed request gets a new one), and it is
    filled again when a previous install did not finish."""
    import fcntl
    import hashlib

    key = hashlib.sha256(" ".join(request).encode()).hexdigest()[:12]
    where = TOOLS / f"{name}-{key}"
    TOOLS.mkdir(parents=True, exist_ok=True)
    # one installer at a time: tests running in parallel (pytest -n) may ask for the same one
    with open(TOOLS / f"{where.name}.lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (where / ".complete").is_file():
            shutil.rmtree(where, ignore_errors=True)
            where.mkdir()
            install(where)
            (where / ".complete").write_text(" ".join(request) + "\n", encoding="utf-8")
    return where


# What is not part of the repository in a working folder: tool caches and environments
# anywhere, and build output at the top (as .gitignore says).
NOT_THE_REPOSITORY = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache",
                      ".ruff_cache", ".hypothesis"}
BUILD_OUTPUT = {"dist", "build"}


def repository_files(root: Path = ROOT) -> list[Path]:
    """Every file of the repository at ``root``, found without git (a copy made by
    ``git archive`` or an unpacked sdist has no ``.git``)."""
    return sorted(path for path in root.rglob("*") if path.is_file()
                  and not NOT_THE_REPOSITORY & set(path.relative_to(root).parts)
                  and path.relative_to(root).parts[0] not in BUILD_OUTPUT
                  and not any(part.endswith(".egg-info") for part in path.parts))


# ---- the exports (tests/test_export*.py) compare with these -----------------------------


def plain(value: Any) -> Any:
    """A loaded cell as a plain value: None for missing, ISO text for a date."""
    import numpy as np
    import pandas as pd

    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    return str(value)


def loaded_rows(name: str) -> list[dict[str, Any]]:
    """Every row of ``besa545.load(name)`` as plain values: what the export tests compare
    with, read through the loader rather than the CSV reading of the exports."""
    frame = besa545.load(name)
    return [{column: plain(value) for column, value in row.items()}
            for row in frame.to_dict(orient="records")]


def key_of(name: str, row: dict[str, Any]) -> str:
    """The row's primary key as the exports write it: values joined by ``/``."""
    return "/".join(str(row[field]) for field in besa545.schema(name)["primaryKey"])


def span_tables() -> list[str]:
    """Tables whose rows locate a span of the text, by their schemas."""
    return [name for name in besa545.tables()
            if {"char_start", "char_end"} <= {field["name"]
                                              for field in besa545.schema(name)["fields"]}]
