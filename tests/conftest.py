"""Shared fixtures: a scratch copy of the package, the loaded tables, the plain text.

Helper functions live in ``helpers.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT, copy_package

REFERENCE = ROOT / "tests" / "reference"  # vendored; held equal to ../shared/reference
SHARED_REFERENCE = ROOT.parent / "shared" / "reference"
SHARED_SOURCE = ROOT.parent / "shared" / "source"


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
