"""Write a valid synthetic besa545 package with N rows in its large tables.

The package has the real schemas and the same rules as the real one: each of
N / 100 synthetic papers holds 100 event sentences, so ``events`` and
``event_participants`` have N rows each and ``mentions`` about 2N, every evidence is
unique in its paper, and every foreign key resolves. The real build fills the offsets,
paragraphs, mentions, Parquet copies and descriptor, so the package is valid by
construction. ``--plant`` then corrupts chosen cells, re-records the hashes (so that
only the planted errors remain) and writes ``planted.json`` with where each one is.

    python benchmarks/make_synthetic.py --rows 1000000 --out /tmp/synthetic \\
        --plant enum foreign-key required pattern type-date primary-key evidence date-order
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import sys
import time
from pathlib import Path

import besa545
from besa545.assemble.pipeline import build, record_hashes

SENTENCES_PER_PAPER = 100
SENTENCES_PER_PARAGRAPH = 10
ACTORS = [("alpha-org", "Alpha Org", "organization"), ("beta-org", "Beta Org", "organization"),
          ("author-zero", "Author Zero", "person")]

# kind -> (table, column, new value, validator code, frictionless error type or None)
PLANTS = {
    "enum": ("events", "event_type", "meating", "enum", "constraint-error"),
    "foreign-key": ("event_participants", "actor_id", "nobody-at-all", "foreign-key",
                    "foreign-key"),
    "required": ("events", "label", "", "required", "constraint-error"),
    "pattern": ("events", "location_iso3", "usa", "pattern", "constraint-error"),
    "type-date": ("events", "date_end", "2017-03-32", "type-date", "type-error"),
    "primary-key": ("event_participants", None, None, "primary-key", "primary-key"),
    "evidence": ("events", "evidence", "Nothing of the kind happened.", "evidence-not-found",
                 None),
    "date-order": ("events", "date_start", "2017-04-01", "date-order", None),
}


def paper_text(paper: int) -> tuple[str, list[str]]:
    """The raw text of synthetic paper ``paper`` and its event sentences."""
    sentences = [f"Event {paper:06d}-{index:03d} saw Alpha Org meet Beta Org in March."
                 for index in range(SENTENCES_PER_PAPER)]
    body = [" ".join(sentences[start:start + SENTENCES_PER_PARAGRAPH])
            for start in range(0, SENTENCES_PER_PAPER, SENTENCES_PER_PARAGRAPH)]
    lines = [
        "SYNTHETIC PERSPECTIVES",
        f"Synthetic Paper {paper:06d}",
        "by Author Zero",
        f"Synthetic Perspectives Paper No. {paper + 1}, July 30, 2017",
        "EXECUTIVE SUMMARY: A synthetic paper for measuring the validator.",
        *body,
        f'Alpha Org said "we met as planned in {paper:06d}" and [a report {paper:06d}](#) '
        "followed.",
        "Author Zero is a synthetic author.",
        "Synthetic papers are published for benchmarks.",
    ]
    return "\n\n".join(lines) + "\n", sentences


def table(rows: list[dict[str, str]], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n",
                            extrasaction="raise")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def fields(name: str) -> list[str]:
    return [field["name"] for field in besa545.schema(name)["fields"]]


def write_inputs(out: Path, papers: int) -> None:
    """The human-edited layer: sources and the non-derived CSVs."""
    (out / "sources").mkdir(parents=True)
    (out / "data").mkdir()
    shutil.copytree(besa545.package_path() / "schemas", out / "schemas")
    rows: dict[str, list[dict[str, str]]] = {name: [] for name in (
        "documents", "authorships", "events", "event_participants", "quotations", "links",
        "stances", "actor_relations")}
    for paper in range(papers):
        document_id = f"syn-{paper:06d}"
        raw, sentences = paper_text(paper)
        (out / "sources" / f"{document_id}.md").write_text(raw, encoding="utf-8")
        rows["documents"].append({
            "document_id": document_id, "title": f"Synthetic Paper {paper:06d}",
            "series": "Synthetic Perspectives Paper", "series_number": str(paper + 1),
            "publisher": "Nobody", "publication_date": "2017-07-30", "language": "en",
            "raw_path": f"sources/{document_id}.md", "text_path": f"sources/{document_id}.txt",
            "raw_sha256": hashlib.sha256(raw.encode("utf-8")).hexdigest()})
        rows["authorships"].append({"document_id": document_id, "position": "1",
                                    "actor_id": "author-zero", "evidence": "by Author Zero"})
        for index, sentence in enumerate(sentences):
            event_id = f"{document_id}-e{index:03d}"
            rows["events"].append({
                "event_id": event_id, "document_id": document_id, "label": "A meeting",
                "description": "Alpha Org met Beta Org.", "event_type": "meeting",
                "cameo_code": "042", "status": "occurred", "epistemic_status": "asserted",
                "date_text": "in March",
                "date_start": "2017-03-01", "date_end": "2017-03-31",
                "date_precision": "month", "date_basis": "inferred", "location_iso3": "USA",
                "location_basis": "stated", "evidence": sentence})
            rows["event_participants"].append({"event_id": event_id, "actor_id": "alpha-org",
                                               "role": "source", "basis": "stated"})
        rows["quotations"].append({
            "quote_id": f"{document_id}-q", "document_id": document_id,
            "text": f"we met as planned in {paper:06d}", "quote_kind": "direct",
            "speaker_actor_id": "alpha-org", "speaker_text": "Alpha Org", "medium": "unspecified",
            "event_id": f"{document_id}-e000", "cue": "said",
            "evidence": f'Alpha Org said "we met as planned in {paper:06d}"'})
        rows["links"].append({
            "link_id": f"{document_id}-l", "document_id": document_id,
            "anchor_text": f"a report {paper:06d}", "refers_to": "a synthetic report",
            "evidence": f"a report {paper:06d} followed"})
        rows["stances"].append({
            "stance_id": f"{document_id}-s", "document_id": document_id,
            "holder_actor_id": "alpha-org", "topic_id": "meeting-beta", "polarity": "support",
            "attribution": "stated_by_holder", "basis": "stated",
            "quote_id": f"{document_id}-q",
            "evidence": f'Alpha Org said "we met as planned in {paper:06d}"'})
    rows["actor_relations"].append({
        "subject_actor_id": "author-zero", "relation": "affiliated_with",
        "object_actor_id": "alpha-org", "document_id": "syn-000000", "is_former": "false",
        "basis": "stated",
        "evidence": "Author Zero is a synthetic author."})
    rows["actors"] = [{"actor_id": actor_id, "name": name, "actor_type": kind,
                       "description": "A synthetic actor."} for actor_id, name, kind in ACTORS]
    rows["aliases"] = [{"actor_id": actor_id, "alias": name} for actor_id, name, _ in ACTORS]
    rows["topics"] = [{"topic_id": "meeting-beta", "label": "Meeting Beta Org",
                       "description": "Should Alpha Org meet Beta Org?"}]
    rows["cameo_codes"] = [{"code": "042", "name": "Make a visit", "goldstein": "1.9",
                            "root_code": "04"}]
    for name, records in rows.items():
        columns = [field for field in fields(name) if field not in ("char_start", "char_end")]
        text = table([{key: record.get(key, "") for key in columns} for record in records],
                     columns)
        (out / "data" / f"{name}.csv").write_text(text, encoding="utf-8")


def plant(out: Path, kinds: list[str], rows: int) -> list[dict[str, object]]:
    """Corrupt one cell per kind, at distinct rows; return where each error is."""
    from besa545.model.schema import table_schema

    planted = []
    edited: dict[str, list[list[str]]] = {}
    for number, kind in enumerate(kinds):
        name, column, value, code, frictionless_type = PLANTS[kind]
        if name not in edited:
            with (out / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
                edited[name] = list(csv.reader(stream))
        records = edited[name]
        header = records[0]
        row = 1 + (rows // (len(kinds) + 1)) * (number + 1)  # spread through the table
        if kind == "primary-key":
            records[row] = list(records[row - 1])
            column = ", ".join(table_schema(name).primary_key)
        else:
            records[row][header.index(column)] = value
        planted.append({"kind": kind, "file": f"data/{name}.csv", "line": row + 1,
                        "column": column, "code": code, "frictionless": frictionless_type})
    for name, records in edited.items():
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(records)
        (out / "data" / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    record_hashes(out)
    (out / "planted.json").write_text(json.dumps(planted, indent=2), encoding="utf-8")
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True,
                        help=f"rows in events and event_participants (multiple of "
                             f"{SENTENCES_PER_PAPER})")
    parser.add_argument("--out", type=Path, required=True, help="directory to create")
    parser.add_argument("--plant", nargs="*", default=[], choices=sorted(PLANTS),
                        help="kinds of error to plant")
    arguments = parser.parse_args()
    if arguments.out.exists():
        parser.error(f"{arguments.out} exists; remove it or choose another --out")
    papers = max(arguments.rows // SENTENCES_PER_PAPER, 1)
    start = time.perf_counter()
    write_inputs(arguments.out, papers)
    counts = build(arguments.out)
    print(f"built {sum(counts.values()):,} rows in {time.perf_counter() - start:.1f} s: "
          + ", ".join(f"{name} {count:,}" for name, count in sorted(counts.items())))
    if arguments.plant:
        planted = plant(arguments.out, arguments.plant, papers * SENTENCES_PER_PAPER)
        print(f"planted {len(planted)} errors, listed in {arguments.out / 'planted.json'}")


if __name__ == "__main__":
    sys.exit(main())
