"""The human-written metadata of the data package, in one reviewed place.

The build merges this with what it measures (resources, bytes, hashes) to write
``datapackage.json``; the citation commands read it too. Facts about the paper itself
(title, date, publisher) live in ``data/documents.csv``, not here.
"""

from __future__ import annotations

__version__ = "1.0.0"  # the one place the version is written; RELEASE_DATE goes with it

NAME = "besa-perspectives-545"
TITLE = "BESA Perspectives Paper 545, annotated: Sino-American Disagreements on North Korea"
DESCRIPTION = (
    "An annotated, machine-readable edition of BESA Center Perspectives Paper No. 545, "
    "'Sino-American Disagreements on North Korea' by George N. Tzogopoulos (30 July 2017): "
    "the paper's text with its actors, aliases and mentions, actor relations, events and "
    "their participants, quotations, links, topics and stances. Every fact row carries the "
    "exact passage of the text that supports it, located by character offsets."
)
KEYWORDS = [
    "North Korea", "China", "United States", "international relations", "foreign policy",
    "event data", "CAMEO", "quotations", "stance", "annotated text", "frictionless data",
]
# The dataset's home page: the one place for it. None until the dataset is published
# somewhere; every file that would carry it leaves the field out meanwhile (an invented URL
# in a citation is a wrong fact). Set it, add it to [project.urls] in pyproject.toml (which
# cannot read it from here), then run `besa545 build`.
HOMEPAGE: str | None = None
LICENSES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0: the annotations (data/, schemas/)",
    },
    {
        "name": "MIT",
        "path": "https://opensource.org/license/mit",
        "title": "MIT License: the code (src/, scripts/, tests/, benchmarks/)",
    },
    {
        "name": "LicenseRef-publisher-copyright",
        "title": (
            "The paper's text (sources/) and the passages of it the package reproduces (the "
            "text of data/paragraphs.csv, the documents' executive summary, every evidence "
            "and quotation cell, and so every export and page made from them, and the "
            "passages quoted in docs/ and tests/) are copyright of its publisher, the "
            "Begin-Sadat Center for Strategic Studies, and are redistributed unchanged only "
            "so that every annotation can be checked against it; ask the publisher for any "
            "other use"
        ),
    },
]
# Every licence of the package in one sentence, per part: what each published file that
# can hold only a short statement (CITATION.cff, .zenodo.json, croissant.json, the dataset
# card) says, word for word.
LICENSE_STATEMENT = (
    "The annotations (data/, schemas/, the descriptors) are under CC-BY-4.0 and the code "
    "(src/, scripts/, tests/, benchmarks/) under MIT. "
    + LICENSES[2]["title"][0].upper() + LICENSES[2]["title"][1:] + "; see LICENSE-DATA."
)
CONTRIBUTORS = [
    {"title": "besa545 contributors", "roles": ["creator"]},
]
# SPDX identifiers of the open licences (annotations, code), for citation formats.
LICENSE_IDS = [entry["name"] for entry in LICENSES if not entry["name"].startswith("LicenseRef")]
SOURCE = {
    "title": (
        "George N. Tzogopoulos, 'Sino-American Disagreements on North Korea', BESA Center "
        "Perspectives Paper No. 545, The Begin-Sadat Center for Strategic Studies, 30 July 2017"
    ),
    "path": "sources/besa-pp-545.md",
}
RELEASE_DATE = "2026-12-07"  # of __version__ above; update both together
YEAR = int(RELEASE_DATE[:4])
AUTHOR = "besa545 contributors"
CITATION_KEY = "besa545"
