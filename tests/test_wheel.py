"""The wheel carries the data: installed into an empty environment, every table loads."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

import pytest

import besa545
from helpers import ROOT, tool_environment

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
                    str(ROOT / "constraints.txt"), f"{wheel}[validate]"], check=True,
                   capture_output=True)
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


# Every cell of every table as JSON: text, integers, floats, booleans and ISO dates, missing
# as null, whatever dtypes the pandas at hand gives; and the dtypes by kind.
DUMP = """
import datetime, json, math, sys
import pandas as pd
import besa545
def plain(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime.date)):
        return value.strftime("%Y-%m-%d")
    return value.item() if hasattr(value, "item") else value
tables = {}
for name in besa545.tables():
    for form in ("parquet", "csv"):
        frame = besa545.load(name, format=form)
        kinds = {column: "text" if str(dtype) in ("str", "string") else str(dtype)
                 for column, dtype in frame.dtypes.items()}
        rows = [[plain(value) for value in row] for row in frame.astype(object).itertuples(
            index=False)]
        tables[f"{name} {form}"] = {"dtypes": kinds, "rows": rows}
json.dump(tables, sys.stdout, sort_keys=True)
"""
# The oldest versions the package supports (pyproject.toml); the newest are .venv's.
OLDEST = ("pandas==2.2.3", "pyarrow==17.0.0", "numpy==1.26.4")


def test_the_oldest_supported_pandas_and_pyarrow_read_every_cell_alike(wheel, tmp_path):
    """A research environment with pandas 2.2: the wheel needs nothing more, every table
    loads with the same values and dtypes (text as pandas 2's ``string``) as with pandas 3,
    and validation asks for its extra in one line."""
    import json

    metadata = zipfile.ZipFile(wheel).read(
        next(name for name in zipfile.ZipFile(wheel).namelist()
             if name.endswith(".dist-info/METADATA"))).decode()
    required = [line.split(": ", 1)[1] for line in metadata.splitlines()
                if line.startswith("Requires-Dist: ") and "extra ==" not in line]
    assert sorted(required) == ["numpy>=1.26", "pandas>=2.2", "pyarrow>=17"]
    bin_folder = tool_environment(*OLDEST)
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    environment = {"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"}
    oldest = subprocess.run([str(bin_folder / "python"), "-c", DUMP], capture_output=True,
                            text=True, cwd=tmp_path, env=environment, check=True).stdout
    newest = subprocess.run([sys.executable, "-c", DUMP], capture_output=True, text=True,
                            cwd=tmp_path, check=True).stdout
    assert json.loads(oldest) == json.loads(newest)
    refused = subprocess.run([str(bin_folder / "python"), "-m", "besa545", "validate"],
                             capture_output=True, text=True, cwd=tmp_path, env=environment,
                             check=False)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        "Error: besa545 validate needs frictionless, pandera, jsonschema, pandas 3 (this is "
        "pandas 2.2.3); install them with pip install 'besa545[validate]' (reading the "
        "tables needs only pandas and pyarrow)\n")
    in_python = subprocess.run(
        [str(bin_folder / "python"), "-c", "import besa545\ntry:\n    besa545.validate()\n"
         "except ImportError as error:\n    print(error)"], capture_output=True, text=True,
        cwd=tmp_path, env=environment, check=True)
    assert in_python.stdout == refused.stderr.removeprefix("Error: ")  # the API says the same
