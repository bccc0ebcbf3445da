"""``besa545 cite``: the citation of the installed dataset, in the format asked for.

The formats themselves are rendered by :mod:`besa545.assemble.citation`, which also writes
``CITATION.cff`` and ``.zenodo.json`` at build time; here the paper's facts are read from
the installed CSVs.
"""

from __future__ import annotations

from besa545.assemble.citation import Paper, apa, bibtex, cff, paper_from_rows


def installed_paper(document_id: str = "besa-pp-545") -> Paper:
    """The paper as the installed package's CSVs record it (read without pandas)."""
    import csv

    from besa545.model.paths import csv_path

    def rows(table: str) -> list[dict[str, str]]:
        with csv_path(table).open(encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))

    document = next(row for row in rows("documents") if row["document_id"] == document_id)
    authors = sorted((row for row in rows("authorships") if row["document_id"] == document_id),
                     key=lambda row: int(row["position"]))
    names = {row["actor_id"]: row["name"] for row in rows("actors")}
    return paper_from_rows(document, names[authors[0]["actor_id"]])


def render_citation(format: str) -> str:
    """The citation of the dataset and its paper in ``format`` (one of CITE_FORMATS)."""
    paper = installed_paper()
    return {"bibtex": bibtex, "apa": apa, "cff": cff}[format](paper)
