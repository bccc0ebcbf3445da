"""How to cite the dataset, in every format, from one place.

The dataset's own metadata comes from :mod:`besa545.model.metadata` and ``__version__``; the
paper's comes from the ``documents``, ``authorships`` and ``actors`` rows. From these
the build writes ``CITATION.cff``, ``.zenodo.json`` and ``croissant.json``, and
``besa545 cite`` prints BibTeX, APA or CFF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from besa545.model import metadata
from besa545.model.metadata import __version__

CITE_FORMATS = ("bibtex", "apa", "cff")


@dataclass(frozen=True)
class Paper:
    """The bibliographic facts of the encoded paper, as the data records them."""

    title: str
    author: str
    series: str
    number: int
    publisher: str
    date: str  # ISO 8601

    @property
    def family_name(self) -> str:
        return self.author.split()[-1]

    @property
    def given_names(self) -> str:
        return " ".join(self.author.split()[:-1])


def paper_from_rows(document: dict[str, str], author: str) -> Paper:
    return Paper(title=document["title"], author=author, series=document["series"],
                 number=int(document["series_number"]), publisher=document["publisher"],
                 date=document["publication_date"])


def cff(paper: Paper) -> str:
    """``CITATION.cff`` (Citation File Format 1.2.0) for the dataset and the paper."""
    import yaml

    document = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below, and cite the paper it "
                   "encodes (listed under references). " + metadata.LICENSE_STATEMENT,
        "type": "dataset",
        "title": metadata.TITLE,
        "abstract": metadata.DESCRIPTION,
        "version": __version__,
        "date-released": metadata.RELEASE_DATE,
        "authors": [{"name": metadata.AUTHOR}],
        "license": metadata.LICENSE_IDS,
        **_home("url"),
        "keywords": metadata.KEYWORDS,
        "references": [{
            "type": "report",
            "title": paper.title,
            "authors": [{"family-names": paper.family_name, "given-names": paper.given_names}],
            "collection-title": paper.series,
            "number": str(paper.number),
            "publisher": {"name": paper.publisher},
            "date-published": paper.date,
            "year": int(paper.date[:4]),
        }],
    }
    return str(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100))


def _home(key: str) -> dict[str, str]:
    """``{key: home page}``, or nothing while the dataset has no home page."""
    return {key: metadata.HOMEPAGE} if metadata.HOMEPAGE else {}


def zenodo(paper: Paper) -> str:
    """``.zenodo.json``: the deposit metadata Zenodo reads from a GitHub release."""
    document = {
        "upload_type": "dataset",
        "title": metadata.TITLE,
        "description": metadata.DESCRIPTION,
        "version": __version__,
        "publication_date": metadata.RELEASE_DATE,
        "creators": [{"name": metadata.AUTHOR}],
        "license": metadata.LICENSE_IDS[0],
        "keywords": metadata.KEYWORDS,
        "notes": f"Encodes: {apa_paper(paper)} {metadata.LICENSE_STATEMENT}",
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def bibtex(paper: Paper) -> str:
    return (
        f"@misc{{{metadata.CITATION_KEY},\n"
        f"  author = {{{{{metadata.AUTHOR}}}}},\n"
        f"  title = {{{metadata.TITLE}}},\n"
        f"  year = {{{metadata.YEAR}}},\n"
        f"  version = {{{__version__}}},\n"
        + "".join(f"  howpublished = {{\\url{{{url}}}}},\n" for url in _home("url").values())
        + f"  note = {{Data set, annotations under {metadata.LICENSE_IDS[0]}}}\n"
        "}\n\n"
        f"@techreport{{{paper.family_name.lower()}{paper.date[:4]},\n"
        f"  author = {{{paper.family_name}, {paper.given_names}}},\n"
        f"  title = {{{paper.title}}},\n"
        f"  institution = {{{paper.publisher}}},\n"
        f"  type = {{{paper.series}}},\n"
        f"  number = {{{paper.number}}},\n"
        f"  year = {{{paper.date[:4]}}},\n"
        f"  date = {{{paper.date}}}\n"
        "}\n"
    )


def apa_paper(paper: Paper) -> str:
    import datetime

    date = datetime.date.fromisoformat(paper.date)
    initials = " ".join(f"{part[0]}." for part in paper.given_names.replace(".", "").split())
    return (f"{paper.family_name}, {initials} ({date.year}, {date:%B} {date.day}). "
            f"{paper.title} ({paper.series} No. {paper.number}). {paper.publisher}.")


def apa(paper: Paper) -> str:
    return (f"{metadata.AUTHOR}. ({metadata.YEAR}). {metadata.TITLE} (Version {__version__}) "
            f"[Data set].{''.join(f' {url}' for url in _home('url').values())}\n\n"
            f"{apa_paper(paper)}\n")


def croissant(descriptor: dict[str, Any], schemas: dict[str, Any], paper: Paper) -> str:
    """``croissant.json`` (MLCommons Croissant 1.0): each table a RecordSet of typed fields.

    The fields are read from the Parquet copies, which carry their types: a reader of the
    CSVs (mlcroissant's among them) guesses types from the values, whatever ``dataType``
    says, and turns the CAMEO code ``051`` into ``51.0``. The CSVs are listed as well.
    Each foreign key is a field's ``references``.
    """
    from besa545.model.fieldtypes import CROISSANT_TYPES

    files = []
    record_sets = []
    for resource in descriptor["resources"]:
        name = resource["name"]
        parquet = resource["parquet"]
        for entry, what, encoding in (
                (resource, "CSV", "text/csv"),
                (parquet, "Parquet (typed; the fields are read from it)", CROISSANT_PARQUET)):
            files.append({
                "@type": "cr:FileObject", "@id": entry["path"], "name": entry["path"],
                "description": f"The {name} table as {what}.", "contentUrl": entry["path"],
                "encodingFormat": encoding,
                "sha256": entry["hash"].removeprefix("sha256:"),
            })
        # a key into the table's own rows (a stance counted under another) is left out:
        # Croissant readers order record sets by their references and refuse a cycle
        references = {field: f"{key.resource}/{target}"
                      for key in schemas[name].foreign_keys if key.resource not in ("", name)
                      for field, target in zip(key.fields, key.reference_fields, strict=True)}
        record_sets.append({
            "@type": "cr:RecordSet", "@id": name, "name": name,
            "description": resource["description"],
            "key": [{"@id": f"{name}/{key}"} for key in schemas[name].primary_key],
            "field": [{
                "@type": "cr:Field", "@id": f"{name}/{field.name}", "name": field.name,
                "description": field.description,
                "dataType": CROISSANT_TYPES[field.type],
                "source": {"fileObject": {"@id": parquet["path"]},
                           "extract": {"column": field.name}},
                **({"references": {"field": {"@id": references[field.name]}}}
                   if field.name in references else {}),
            } for field in schemas[name].fields],
        })
    document = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": descriptor["title"],  # a dataset's name in schema.org is its title
        "alternateName": descriptor["name"],
        "description": descriptor["description"],
        "version": descriptor["version"],
        "datePublished": metadata.RELEASE_DATE,
        **_home("url"),
        "license": [entry["path"] for entry in metadata.LICENSES if "path" in entry],
        "copyrightNotice": metadata.LICENSE_STATEMENT,
        "creator": {"@type": "sc:Organization", "name": metadata.AUTHOR},
        "keywords": metadata.KEYWORDS,
        "citeAs": bibtex(paper).split("\n\n")[0],
        "distribution": files,
        "recordSet": record_sets,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def dataset_card(descriptor: dict[str, Any]) -> str:
    """The YAML front matter that makes the package folder a Hugging Face dataset: one
    config per table, read from its typed Parquet copy (``load_dataset(folder, "events")``).

    Strings are written as JSON strings, which YAML reads as they are.
    """
    lines = ["---", "pretty_name: " + json.dumps(metadata.TITLE),
             # not cc-by-4.0 alone: the package carries the publisher's text too
             "license: other", "license_name: cc-by-4.0-mit-and-publisher-text",
             "license_link: LICENSE-DATA",
             # not keys of the Hub's card: kept so that the card states its release
             "version: " + json.dumps(__version__),
             "date: " + json.dumps(metadata.RELEASE_DATE),
             "language:", "- en", "tags:"]
    lines += [f"- {json.dumps(keyword)}" for keyword in metadata.KEYWORDS]
    lines += ["configs:"]
    for resource in descriptor["resources"]:
        lines += [f"- config_name: {resource['name']}", "  data_files:",
                  "  - split: train", f"    path: {resource['parquet']['path']}"]
    return "\n".join([*lines, "---", ""])


# The media type Croissant readers (mlcroissant) know Parquet by; the IANA type in
# datapackage.json, application/vnd.apache.parquet, is not among them.
CROISSANT_PARQUET = "application/x-parquet"
# The JSON-LD context recommended by the Croissant 1.0 specification (its Appendix 1).
CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
