"""Citation and catalogue metadata: valid for their own tools, and agreeing everywhere."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

import besa545
from besa545.model import metadata
from helpers import ROOT, invoke, tool_environment

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
ZENODO = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
CROISSANT = json.loads((ROOT / "croissant.json").read_text(encoding="utf-8"))


def test_title_version_licence_and_authors_agree_everywhere():
    titles = {DESCRIPTOR["title"], CFF["title"], ZENODO["title"]}
    assert titles == {metadata.TITLE}
    assert CROISSANT["description"] == DESCRIPTOR["description"] == CFF["abstract"]
    versions = {DESCRIPTOR["version"], CFF["version"], ZENODO["version"],
                CROISSANT["version"], besa545.__version__}
    assert versions == {besa545.__version__}
    assert "version" in _pyproject()["project"]["dynamic"]  # so the wheel's is __version__ too
    open_licences = [entry["name"] for entry in DESCRIPTOR["licenses"]
                     if not entry["name"].startswith("LicenseRef")]
    assert CFF["license"] == open_licences == ["CC-BY-4.0", "MIT"]
    assert ZENODO["license"] == "CC-BY-4.0"
    assert CROISSANT["license"][0] == DESCRIPTOR["licenses"][0]["path"]
    creators = {DESCRIPTOR["contributors"][0]["title"], CFF["authors"][0]["name"],
                ZENODO["creators"][0]["name"], CROISSANT["creator"]["name"]}
    assert creators == {"besa545 contributors"}


def test_a_release_states_one_version_date_and_licence_everywhere():
    """The version, its date and the per-part licence statement, as every published file
    carries them, and the CHANGELOG's latest release heading."""
    import re

    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    card = yaml.safe_load(readme.split("---\n")[1])
    versions = {DESCRIPTOR["version"], CFF["version"], ZENODO["version"], CROISSANT["version"],
                card["version"], besa545.__version__}
    dates = {str(CFF["date-released"]), ZENODO["publication_date"],
             CROISSANT["datePublished"], card["date"], metadata.RELEASE_DATE}
    assert (versions, dates) == ({metadata.__version__}, {metadata.RELEASE_DATE})
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    (latest,) = re.findall(r"^## (\d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\))$", changelog,
                           flags=re.M)[:1]
    assert latest == f"{metadata.__version__} ({metadata.RELEASE_DATE})"
    statement = metadata.LICENSE_STATEMENT
    assert statement in CFF["message"] and statement in ZENODO["notes"]
    assert CROISSANT["copyrightNotice"] == statement
    assert statement in readme.split("## Licences", 1)[1]  # the card's body says it whole
    assert DESCRIPTOR["licenses"][2]["title"] in statement  # the publisher's part, whole
    assert card["license"] == "other" and card["license_link"] == "LICENSE-DATA"
    assert "LicenseRef-publisher-copyright" in _pyproject()["project"]["license"]
    assert CROISSANT["name"] == metadata.TITLE  # the title, as schema.org names a dataset


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_paper_is_cited_from_the_documents_row(tables):
    document = tables["documents"].iloc[0]
    reference = CFF["references"][0]
    assert reference["title"] == document["title"]
    assert reference["date-published"] == f"{document['publication_date']:%Y-%m-%d}"
    assert reference["number"] == str(document["series_number"])
    assert reference["authors"] == [{"family-names": "Tzogopoulos", "given-names": "George N."}]


def test_croissant_has_a_typed_record_set_per_table():
    record_sets = {record["name"]: record for record in CROISSANT["recordSet"]}
    assert sorted(record_sets) == besa545.tables()
    types = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float",
             "boolean": "sc:Boolean", "date": "sc:Date"}
    for name, record in record_sets.items():
        fields = besa545.schema(name)["fields"]
        assert [field["name"] for field in record["field"]] == [f["name"] for f in fields]
        for field, schema_field in zip(record["field"], fields, strict=True):
            assert field["dataType"] == types[schema_field["type"]]
            assert field["source"]["extract"]["column"] == schema_field["name"]
    files = {entry["contentUrl"]: entry for entry in CROISSANT["distribution"]}
    for resource in DESCRIPTOR["resources"]:
        assert files[resource["path"]]["sha256"] == resource["hash"].removeprefix("sha256:")


def test_zenodo_metadata_has_the_fields_zenodo_requires():
    assert ZENODO["upload_type"] == "dataset"
    for key in ("title", "description", "creators", "license", "version", "publication_date"):
        assert ZENODO[key], key
    assert all("name" in creator for creator in ZENODO["creators"])


@pytest.mark.parametrize("fmt", ["apa", "bibtex", "cff"])
def test_cite_prints_the_dataset_and_the_paper(fmt):
    result = invoke("cite", "--format", fmt)
    assert result.status == 0
    text = result.stdout
    if fmt == "cff":
        assert text == (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    elif fmt == "bibtex":
        assert text.count("@") == 2 and "@techreport{tzogopoulos2017," in text
        assert "number = {545}" in text and f"version = {{{besa545.__version__}}}" in text
    else:
        assert f"(Version {besa545.__version__}) [Data set]" in text
        assert "Tzogopoulos, G. N. (2017, July 30). Sino-American Disagreements" in text


@pytest.mark.slow
def test_citation_cff_passes_cffconvert(tmp_path_factory):
    tools = tool_environment("cffconvert")
    result = subprocess.run([str(tools / "cffconvert"), "--validate", "-i",
                             str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


@pytest.mark.slow
def test_croissant_passes_mlcroissant_and_a_broken_one_fails(tmp_path_factory, tmp_path):
    tools = tool_environment("mlcroissant[parquet]")
    good = subprocess.run([str(tools / "mlcroissant"), "validate", "--jsonld",
                           str(ROOT / "croissant.json")], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr[-2000:]
    assert "error" not in good.stderr.lower() and "WARNING" not in good.stderr
    broken = dict(CROISSANT)
    broken["recordSet"] = [{**CROISSANT["recordSet"][0], "field": [
        {**CROISSANT["recordSet"][0]["field"][0], "dataType": "sc:NoSuchType"}]}]
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    bad = subprocess.run([str(tools / "mlcroissant"), "validate", "--jsonld",
                          str(tmp_path / "broken.json")], capture_output=True, text=True)
    assert bad.returncode == 1 and "valid http://mlcommons.org/croissant/dataType" in bad.stderr

