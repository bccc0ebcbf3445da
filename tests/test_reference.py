"""The vendored reference files equal their originals, and the package passes the official
Data Package 2.0 JSON Schemas (which check what frictionless does not, e.g. that a
field's example is a string)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import REFERENCE, SHARED_REFERENCE
from helpers import ROOT

VENDORED = sorted(path.relative_to(REFERENCE) for path in REFERENCE.rglob("*")
                  if path.is_file() and path.name != "README.md")
PROFILES = REFERENCE / "datapackage-profiles-2.0"


def test_every_reference_file_is_vendored():
    assert {str(path) for path in VENDORED} >= {
        "cameo-codes.csv", "wikidata-verified.csv", "datapackage-profiles-2.0/datapackage.json"}


def test_the_shipped_table_schema_profile_equals_the_shared_original_when_present():
    """The one copy of the Table Schema profile is the one the wheel ships (the validator
    checks every schema against it)."""
    from besa545.model.schema import PROFILE_FILE

    original = SHARED_REFERENCE / "datapackage-profiles-2.0" / "tableschema.json"
    if not SHARED_REFERENCE.is_dir():
        pytest.skip("../shared/reference/ is absent (a plain clone): nothing to compare with")
    assert PROFILE_FILE.read_bytes() == original.read_bytes()


@pytest.mark.parametrize("relative", VENDORED, ids=str)
def test_the_vendored_copy_equals_the_shared_original_when_present(relative):
    original = SHARED_REFERENCE / relative
    if not SHARED_REFERENCE.is_dir():
        pytest.skip("../shared/reference/ is absent (a plain clone): nothing to compare with")
    assert (REFERENCE / relative).read_bytes() == original.read_bytes()


def _errors(profile: str, document: object) -> list[str]:
    from besa545.model.schema import PROFILE_FILE

    path = PROFILE_FILE if profile == "tableschema.json" else PROFILES / profile
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return sorted(f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
                  for error in validator.iter_errors(document))


@pytest.mark.parametrize("path", sorted((ROOT / "schemas").glob("*.json")), ids=lambda p: p.stem)
def test_each_table_schema_passes_the_official_profile(path):
    assert _errors("tableschema.json", json.loads(path.read_text(encoding="utf-8"))) == []


def test_the_descriptor_passes_the_official_profile():
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert _errors("datapackage.json", descriptor) == []


def test_the_profile_check_can_fail():
    schema = json.loads((ROOT / "schemas" / "topics.json").read_text(encoding="utf-8"))
    schema["fields"][0]["example"] = 1234
    (error,) = _errors("tableschema.json", schema)
    assert error.startswith("fields/0: {'name': 'topic_id'")
