"""Shared fixtures: the repository root, a scratch copy of the package, the loaded tables."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = ("datapackage.json", "schemas", "data", "sources")
REFERENCE = ROOT.parent / "shared" / "reference"
SHARED_SOURCE = ROOT.parent / "shared" / "source"


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


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "package")


@pytest.fixture(scope="session")
def tables():
    import besa545

    return besa545.load_all()


@pytest.fixture(scope="session")
def plain_text() -> str:
    return (ROOT / "sources" / "besa-pp-545.txt").read_text(encoding="utf-8")


def run_cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m besa545 ...`` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "besa545", *arguments], capture_output=True,
                          text=True, cwd=cwd or ROOT, check=False)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of a package, by relative path, to compare before and after."""
    return {str(path.relative_to(root)): path.read_bytes()
            for part in PACKAGE_PARTS for path in sorted((root / part).rglob("*"))
            if path.is_file()} | ({"datapackage.json": (root / "datapackage.json").read_bytes()}
                                  if (root / "datapackage.json").is_file() else {})
