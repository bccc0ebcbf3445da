"""The wheel carries the data: installed into an empty environment, every table loads."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

import pytest

import besa545
from helpers import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> object:
    """``python -m build`` as a release runs it: the sdist, then the wheel built from it."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def wheel(dist) -> object:
    (path,) = dist.glob("besa545-*.whl")
    return path


def test_sdist_and_wheel_pass_twine_check_strict(dist):
    files = sorted(str(path) for path in dist.iterdir())
    assert len(files) == 2
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wheel_built_from_the_sdist_equals_the_one_built_from_the_tree(wheel, tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    (direct,) = tmp_path.glob("besa545-*.whl")
    via_sdist, from_tree = zipfile.ZipFile(wheel), zipfile.ZipFile(direct)
    assert sorted(via_sdist.namelist()) == sorted(from_tree.namelist())
    for name in via_sdist.namelist():
        assert via_sdist.read(name) == from_tree.read(name), name


def test_wheel_contains_the_package_files_in_the_same_layout(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"besa545/{path.relative_to(ROOT)}" for part in ("schemas", "data", "sources")
                for path in (ROOT / part).rglob("*") if path.is_file()}
    expected |= {"besa545/datapackage.json", "besa545/datapackage-parquet.json",
                 "besa545/py.typed", "besa545/__init__.py"}
    # the metadata that points into the data folder, beside it (croissant.json's paths and
    # the dataset card's configs are relative to the folder that holds them)
    expected |= {"besa545/croissant.json", "besa545/CITATION.cff", "besa545/README.md"}
    assert expected <= names, sorted(expected - names)
    for name in ("croissant.json", "CITATION.cff", "README.md"):
        assert zipfile.ZipFile(wheel).read(f"besa545/{name}") == (ROOT / name).read_bytes()


def test_wheel_installed_in_a_fresh_environment_loads_every_table(wheel, tmp_path):
    environment = tmp_path / "env"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-c",
                    str(ROOT / "constraints.txt"), str(wheel)], check=True, capture_output=True)
    code = ("import besa545, pathlib; "
            "frames = besa545.load_all(); "
            "assert 'site-packages' in str(besa545.package_path()); "
            "print(besa545.package_path()); "
            "print(' '.join(f'{k}={len(v)}' for k, v in sorted(frames.items()))); "
            "print(besa545.load('documents').loc[0, 'title'])")
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    counts = " ".join(f"{name}={len(besa545.load(name))}" for name in besa545.tables())
    assert result.stdout.splitlines()[1] == counts
    assert result.stdout.splitlines()[2] == "Sino-American Disagreements on North Korea"
    validate = subprocess.run([str(environment / "bin" / "besa545"), "validate"],
                              capture_output=True, text=True, cwd=tmp_path, check=False)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    build = subprocess.run([str(environment / "bin" / "besa545"), "build"],
                           capture_output=True, text=True, cwd=tmp_path, check=False)
    assert build.returncode == 2, build.stdout + build.stderr
    assert "an installed package is not rebuilt in place" in build.stderr
