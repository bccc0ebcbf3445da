"""Every generated file of the repository is what the build and the figures script make
now: documentation, README blocks, citation metadata, figures."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from besa545.assemble.pipeline import compute
from besa545.assemble.render import render, render_repository_files
from helpers import ROOT, repository_files


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    package = compute(ROOT)
    files = render(package)
    return render_repository_files(package, json.loads(files["datapackage.json"]))


@pytest.mark.parametrize("path", ["docs/data-dictionary.md", "docs/annotation-guide.md",
                                  "README.md", "CITATION.cff", ".zenodo.json",
                                  "croissant.json"])
def test_generated_file_is_up_to_date(rendered, path):
    assert path in rendered
    assert (ROOT / path).read_bytes() == rendered[path], f"{path} is stale: run `make data`"


@pytest.mark.slow
def test_figures_are_up_to_date_and_deterministic(tmp_path):
    for attempt in ("first", "second"):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "figures.py"), "--out",
                        str(tmp_path / attempt)], check=True, capture_output=True)
    for name in ("timeline.png", "network.png"):
        first = (tmp_path / "first" / name).read_bytes()
        assert first == (tmp_path / "second" / name).read_bytes(), f"{name} is not deterministic"
        assert first == (ROOT / "docs" / "figures" / name).read_bytes(), (
            f"docs/figures/{name} is stale: run `make data` "
            "(or .venv/bin/python scripts/figures.py)")
        assert first.startswith(b"\x89PNG") and len(first) > 20_000


def test_readme_lists_every_table_with_its_row_count(tables):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, frame in tables.items():
        assert f"| [`{name}`](docs/data-dictionary.md#{name}) |" in readme
        row = next(line for line in readme.splitlines() if f"[`{name}`]" in line)
        assert row.endswith(f"| {len(frame)} |"), row


def test_readme_shows_figures_sql_and_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ("docs/figures/timeline.png", "docs/figures/network.png", "besa545.connect()",
                   "JOIN actors", "make data", "make test", "pip install"):
        assert needle in readme, needle


def test_no_invented_url_in_any_published_file():
    """No placeholder home page: a field with no true value is left out (tests may use
    example.org as input, so they are not searched)."""
    published = [path for path in repository_files() if "tests" not in
                 path.relative_to(ROOT).parts]
    assert any(path.name == "CITATION.cff" for path in published)
    holding = [str(path.relative_to(ROOT)) for path in published if any(
        placeholder in path.read_bytes() for placeholder in (b"example.org", b"example.com"))]
    assert holding == []
