"""Where the package's files are: inside an installed wheel or in a repository checkout.

A wheel carries ``datapackage.json``, ``schemas/``, ``data/`` and ``sources/`` inside the
``besa545`` package; an editable install or a checkout keeps them at the repository root,
two levels above the package. The first place that holds ``schemas/`` wins.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent  # the besa545 package
DESCRIPTOR = "datapackage.json"
# How the build replaces its files all at once (see besa545.build.pipeline.write_atomically):
# new files wait under a staging name beside their target, and a journal lists the renames.
JOURNAL = ".besa545-build-journal.json"
STAGED = ".besa545-staged"
# The folders the build writes into, besides the root: where staged files can be left.
WRITTEN_FOLDERS = ("", "data", "data/parquet", "sources", "docs")


def staged_leftovers(root: Path) -> list[Path]:
    """Staged files a build left behind (``.<name>.besa545-staged``), in write folders."""
    return sorted(path for folder in WRITTEN_FOLDERS
                  for path in (root / folder).glob(f".*{STAGED}"))


@cache
def package_path() -> Path:
    """The directory holding ``datapackage.json``, ``schemas/``, ``data/`` and ``sources/``."""
    for candidate in (HERE, HERE.parent.parent):
        if (candidate / "schemas").is_dir():
            return candidate
    raise FileNotFoundError(
        f"no besa545 data found next to {HERE}: the installation is incomplete; reinstall besa545"
    )


def schema_dir(root: Path | None = None) -> Path:
    return (root or package_path()) / "schemas"


# Where each table's files are, relative to the package root: the same in every package
# (the build writes them there and the validator reads them only there).
def csv_file(table: str) -> str:
    return f"data/{table}.csv"


def parquet_file(table: str) -> str:
    return f"data/parquet/{table}.parquet"


def schema_file(table: str) -> str:
    return f"schemas/{table}.json"


def csv_path(table: str, root: Path | None = None) -> Path:
    return (root or package_path()) / csv_file(table)


def parquet_path(table: str, root: Path | None = None) -> Path:
    return (root or package_path()) / parquet_file(table)


def why_not_readable(root: Path, relative: str) -> str | None:
    """Why the validator must not read ``root / relative``, or None when it may (or when
    it does not exist, which the reader reports itself).

    Only regular files inside the package are read: not a symbolic link (even one that
    points inside: what it points at can change between the check and the read), not a
    directory, FIFO or device, and not a file reached through a linked directory.
    """
    path = root / relative
    if path.is_symlink():
        return "is a symbolic link; only regular files inside the package are read"
    if not path.exists():
        return None
    if not path.is_file():
        return "is not a regular file (a directory, FIFO or device)"
    if not PathGuard(root)._directory_inside(os.path.dirname(os.fspath(path))):
        return "leads outside the package through a symbolic link"
    return None


class PathGuard:
    """Checks relative paths against one package root, resolving each directory once.

    Thousands of documents share ``sources/``: resolving it once and checking only whether
    each file is itself a symbolic link gives the same answer as resolving every path.
    """

    def __init__(self, root: Path) -> None:
        self.root = os.path.realpath(root)
        self.base = os.fspath(root)
        self.directories: dict[str, bool] = {}

    def why_unsafe(self, value: Any) -> str | None:
        if not isinstance(value, str) or not value:
            return "is not a path"
        if value.startswith(("/", "\\")) or ":" in value:
            return "is absolute"
        if ".." in re.split(r"[\\/]", value):
            return "leaves the package with '..'"
        path = os.path.join(self.base, value)
        if os.path.islink(path):
            return "is a symbolic link; only regular files inside the package are read"
        inside = self._directory_inside(os.path.dirname(path))
        return None if inside else "leads outside the package through a symbolic link"

    def _directory_inside(self, directory: str) -> bool:
        if directory not in self.directories:
            self.directories[directory] = self._inside(directory)
        return self.directories[directory]

    def _inside(self, path: str) -> bool:
        real = os.path.realpath(path)
        return real == self.root or real.startswith(self.root.rstrip(os.sep) + os.sep)
