"""Where the package's files are: inside an installed wheel or in a repository checkout.

A wheel carries ``datapackage.json``, ``schemas/``, ``data/`` and ``sources/`` inside the
``besa545`` package; an editable install or a checkout keeps them at the repository root,
two levels above this file. The first place that holds ``schemas/`` wins.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DESCRIPTOR = "datapackage.json"


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


def csv_path(table: str, root: Path | None = None) -> Path:
    return (root or package_path()) / "data" / f"{table}.csv"


def parquet_path(table: str, root: Path | None = None) -> Path:
    return (root or package_path()) / "data" / "parquet" / f"{table}.parquet"


def unsafe_path(root: Path, value: Any) -> str | None:
    """Why ``value`` is not a safe relative path inside ``root``, or None when it is."""
    if not isinstance(value, str) or not value:
        return "is not a path"
    if value.startswith(("/", "\\")) or ":" in value:
        return "is absolute"
    if ".." in Path(value).parts:
        return "leaves the package with '..'"
    if not (root / value).resolve().is_relative_to(root.resolve()):
        return "leads outside the package through a symbolic link"
    return None
