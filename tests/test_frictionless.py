"""The package is valid for every Frictionless tool, and describes itself fully."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def frictionless_validate(path: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).parent / "frictionless"
    return subprocess.run([str(command), "validate", str(path)], capture_output=True, text=True,
                          check=False)


def test_frictionless_validate_exits_zero():
    result = frictionless_validate(ROOT / "datapackage.json")
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_parquet_copies_are_a_package_frictionless_validates():
    """``datapackage-parquet.json``: the same tables, read from the typed Parquet copies."""
    result = frictionless_validate(ROOT / "datapackage-parquet.json")
    assert result.returncode == 0, result.stdout[-3000:]
    parquet = json.loads((ROOT / "datapackage-parquet.json").read_text(encoding="utf-8"))
    assert [resource["path"] for resource in parquet["resources"]] == [
        resource["parquet"]["path"] for resource in DESCRIPTOR["resources"]]


def test_frictionless_notices_a_broken_foreign_key(package_copy):
    path = package_copy / "data" / "authorships.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(
        ",george-n-tzogopoulos,", ",nobody-at-all,"), encoding="utf-8")
    result = frictionless_validate(package_copy / "datapackage.json")
    assert result.returncode == 1 and "foreign-key" in result.stdout


def test_descriptor_metadata():
    assert DESCRIPTOR["name"] == "besa-perspectives-545"
    assert DESCRIPTOR["$schema"].startswith("https://datapackage.org/profiles/2.0/")
    licences = {licence["name"] for licence in DESCRIPTOR["licenses"]}
    assert {"CC-BY-4.0", "MIT"} <= licences
    assert any("publisher" in licence["title"] for licence in DESCRIPTOR["licenses"])
    assert DESCRIPTOR["sources"] and DESCRIPTOR["contributors"] and DESCRIPTOR["keywords"]


def test_every_resource_records_its_files_sizes_and_hashes():
    names = sorted(path.stem for path in (ROOT / "schemas").glob("*.json"))
    assert sorted(resource["name"] for resource in DESCRIPTOR["resources"]) == names
    for resource in DESCRIPTOR["resources"]:
        assert resource["schema"] == f"schemas/{resource['name']}.json"
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == (
            "csv", "text/csv", "utf-8")
        for entry in (resource, resource["parquet"]):
            data = (ROOT / entry["path"]).read_bytes()
            assert entry["bytes"] == len(data)
            assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
