"""``besa545 html``: the paper and every annotation in one self-contained HTML file.

The page shows the text paragraph by paragraph with each located row (a row of every table
with ``char_start``/``char_end``) highlighted where it sits, a panel with any row's
columns and the rows its foreign keys relate it to, filters, and how to cite. It works
opened from disk and offline: its CSS (``explorer.css``), JavaScript (``explorer.js``) and
data (JSON) are inline, and it requests nothing. The same tables give the same bytes.

Overlapping rows nest: each row is one element carrying ``data-table`` and ``data-id``
(its table and primary key, a composite key joined with ``/``), so counting
``[data-table=X]`` counts the rows of X. A row that crosses the end of an enclosing row or
of a paragraph goes on in further elements that carry ``data-part-table`` and
``data-part-id`` instead.
"""

from __future__ import annotations

import heapq
import html
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from besa545.model.metadata import TITLE, __version__
from besa545.use.show import inside

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pandas as pd

    from besa545.model.schema import TableSchema

SPAN = ("char_start", "char_end")
CONTAINER = "paragraphs"  # located too, but the rows every other located row sits in
KEY_SEPARATOR = "/"
# What one row of a located table is called, in the legend, the filters and labels.
KINDS = {
    "mentions": "mention", "quotations": "quotation", "events": "event", "links": "link",
    "stances": "stance", "actor_relations": "relation", "authorships": "authorship",
}
MAX_STACK = 5  # underlines stack at most this deep; deeper nesting shares the last level


@dataclass
class Piece:
    """A stretch ``[start, end)`` of one row inside one paragraph, with what it holds."""

    start: int
    end: int
    table: str
    key: str
    is_first: bool
    children: list[Piece] = field(default_factory=list)

    def height(self) -> int:
        """0 for a piece with nothing inside; one more than its tallest child otherwise."""
        return 1 + max((child.height() for child in self.children), default=-1)


def render_explorer(tables: dict[str, pd.DataFrame] | None = None,
                    schemas: dict[str, TableSchema] | None = None) -> str:
    """The whole HTML page for ``tables`` (default: the installed package's)."""
    from besa545.model.schema import table_names, table_schema
    from besa545.use.load import document_text, load_all_tables

    tables = load_all_tables() if tables is None else tables
    schemas = schemas or {name: table_schema(name) for name in table_names()}
    located = located_tables(schemas)
    keys = {name: row_keys(tables[name], schemas[name]) for name in tables}
    labels = {name: row_labels(name, tables, keys) for name in tables}
    documents = tables["documents"]
    text = document_text(documents["document_id"].iat[0])
    body = paragraphs_html(tables, keys, labels, located, text)
    data = {
        "tables": {name: {"key": list(schemas[name].primary_key),
                          "rows": rows_by_key(tables[name], keys[name])}
                   for name in tables},
        "labels": {name: dict(zip(keys[name], labels[name], strict=True)) for name in tables},
        "foreignKeys": foreign_keys(schemas),
        "kinds": {name: KINDS.get(name, name) for name in located},
        "container": CONTAINER,
        "facets": facets(tables, keys, labels, located, schemas),
    }
    return PAGE.format(
        title=html.escape(f"{TITLE} (besa545 {__version__})"),
        css=_asset("explorer.css"),
        script=_asset("explorer.js"),
        data=script_json(data),
        header=header_html(documents),
        filters=filters_html(tables, located),
        paragraphs=body,
        about=about_html(),
    )


# Written into every page, and looked for before one is replaced.
GENERATOR = '<meta name="generator" content="besa545 html">'


def write_explorer(path: Path) -> Path:
    """Write :func:`render_explorer` to ``path`` (its folder made if needed), atomically,
    never through a link and never over a file that is not such a page
    (:class:`~besa545.model.paths.NotOurFile`)."""
    from besa545.model.paths import replace_file

    page = render_explorer().encode("utf-8")
    replace_file(path, page, ours=page[: page.index(GENERATOR.encode()) + len(GENERATOR)])
    return path


def located_tables(schemas: dict[str, TableSchema]) -> list[str]:
    """Tables whose rows have a span in the text, other than the paragraphs themselves, in
    the order of :data:`KINDS` (then by name)."""
    found = [name for name, schema in schemas.items() if name != CONTAINER
             and set(SPAN) <= set(schema.field_names)]
    order = list(KINDS)
    return sorted(found, key=lambda name: (order.index(name) if name in order else len(order),
                                           name))


def row_keys(frame: pd.DataFrame, schema: TableSchema) -> list[str]:
    """Each row's primary key as one string, a composite key joined with ``/``."""
    return [KEY_SEPARATOR.join(_plain(value) for value in values)
            for values in zip(*(frame[column] for column in schema.primary_key), strict=True)]


def rows_by_key(frame: pd.DataFrame, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Every row as ``{column: JSON value}``, keyed by its primary key."""
    columns = list(frame.columns)
    return {key: {column: _json_value(value) for column, value in zip(columns, values,
                                                                        strict=True)}
            for key, values in zip(keys, frame.itertuples(index=False), strict=True)}


def foreign_keys(schemas: dict[str, TableSchema]) -> list[dict[str, Any]]:
    """Every foreign key of every schema as ``{table, fields, ref, refFields}``."""
    return [{"table": name, "fields": list(key.fields), "ref": key.resource,
             "refFields": list(key.reference_fields)}
            for name, schema in schemas.items() for key in schema.foreign_keys]


def _json_value(value: Any) -> Any:
    """A cell as JSON: ``None`` when missing, dates as ``YYYY-MM-DD``, numpy scalars plain."""
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _plain(value: Any) -> str:
    converted = _json_value(value)
    return "" if converted is None else str(converted)


def row_labels(name: str, tables: dict[str, pd.DataFrame],
               keys: dict[str, list[str]]) -> list[str]:
    """A short human name for every row of ``name``: what a link to it says."""
    frame = tables[name]
    actors = dict(zip(tables["actors"]["actor_id"], tables["actors"]["name"], strict=True))
    topics = dict(zip(tables["topics"]["topic_id"], tables["topics"]["label"], strict=True))

    def actor(actor_id: Any) -> str:
        return actors.get(actor_id, "") if isinstance(actor_id, str) else ""

    def mark(value: Any, before: str = ", ") -> str:
        """What qualifies a row, if anything: how the paper knows it, or that the
        annotators inferred it."""
        return f"{before}{value}" if value in ("reported", "inferred") else ""

    labels: dict[str, Callable[[Any], object]] = {
        "actors": lambda row: row.name,
        "topics": lambda row: row.label,
        "documents": lambda row: row.title,
        "events": lambda row: f"{row.label} ({row.event_type}, {row.status}"
                              f"{mark(row.epistemic_status)})",
        "mentions": lambda row: f"{actor(row.actor_id)} (as \u201c{row.surface}\u201d)",
        "quotations": lambda row: f"{row.quote_kind} quotation, speaker: "
                                  f"{actor(row.speaker_actor_id) or 'none named'}",
        "links": lambda row: f"\u201c{row.anchor_text}\u201d: {row.refers_to}",
        "stances": lambda row: f"{actor(row.holder_actor_id)} {row.polarity} "
                               f"{topics.get(row.topic_id, row.topic_id)}"
                               + (f"{mark(row.basis, ' (')})" if mark(row.basis) else "")
                               + (" (counted under another row)"
                                  if isinstance(row.same_position_stance_id, str) else ""),
        "actor_relations": lambda row: f"{actor(row.subject_actor_id)} {row.relation} "
                                       f"{actor(row.object_actor_id)}"
                                       + (f"{mark(row.basis, ' (')})" if mark(row.basis)
                                          else ""),
        "authorships": lambda row: f"author {row.position}: {actor(row.actor_id)}",
        "event_participants": lambda row: f"{actor(row.actor_id)} ({row.role}"
                                          f"{mark(row.basis)})",
        "aliases": lambda row: f"\u201c{row.alias}\u201d for {actor(row.actor_id)}",
        "cameo_codes": lambda row: f"{row.code} {row.name}",
        "paragraphs": lambda row: f"\u00b6 {row.position} ({row.kind})",
    }
    label = labels.get(name)
    if label is None:
        return keys[name]
    return [str(label(row)) for row in frame.itertuples(index=False)]


def facets(tables: dict[str, pd.DataFrame], keys: dict[str, list[str]],
           labels: dict[str, list[str]], located: list[str],
           schemas: dict[str, TableSchema]) -> dict[str, dict[str, dict[str, Any]]]:
    """For every located row, what the filters match it on: ``actors`` (the actors it
    refers to, and an event's participants), ``eventTypes`` (its event's type),
    ``topics`` and ``text`` (its cells, label and actors' names, lower-cased)."""
    participants = tables["event_participants"].groupby("event_id", observed=True)[
        "actor_id"].apply(list).to_dict()
    event_types = dict(zip(tables["events"]["event_id"],
                           tables["events"]["event_type"].astype(str), strict=True))
    names = dict(zip(tables["actors"]["actor_id"], tables["actors"]["name"], strict=True))
    references = {name: {key["fields"][0]: key["ref"] for key in foreign_keys(schemas)
                         if key["table"] == name and len(key["fields"]) == 1}
                  for name in located}
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for name in located:
        frame = tables[name]
        found[name] = {}
        for key, label, row in zip(keys[name], labels[name],
                                   frame.to_dict("records"), strict=True):
            refs = {column: row[column] for column, target in references[name].items()
                    if isinstance(row[column], str)}
            actors = [value for column, value in refs.items()
                      if references[name][column] == "actors"]
            event = row.get("event_id")
            if isinstance(event, str):
                actors += participants.get(event, [])
            actors = list(dict.fromkeys(actors))
            cells = [_plain(value) for value in row.values()]
            found[name][key] = {
                "actors": actors,
                "eventTypes": [event_types[event]] if isinstance(event, str) else [],
                "topics": [refs["topic_id"]] if "topic_id" in refs else [],
                "text": " ".join([label, *cells, *(names[a] for a in actors)]).lower(),
            }
    return found


def paragraphs_html(tables: dict[str, pd.DataFrame], keys: dict[str, list[str]],
                    labels: dict[str, list[str]], located: list[str], text: str) -> str:
    """Every paragraph, its located rows nested inside it as highlight elements."""
    label_of = {(name, key): f"{KINDS.get(name, name)}: {label}" for name in located
                for key, label in zip(keys[name], labels[name], strict=True)}
    paragraphs = tables[CONTAINER]
    seen: set[tuple[str, str]] = set()
    out = []
    for key, label, row in zip(keys[CONTAINER], labels[CONTAINER],
                               paragraphs.itertuples(index=False), strict=True):
        start, end = int(row.char_start), int(row.char_end)
        pieces = []
        for name in located:
            inner = inside(tables[name], start, end)
            row_key = dict(zip(tables[name].index, keys[name], strict=True))
            for index, span in inner[list(SPAN)].iterrows():
                ident = (name, row_key[index])
                pieces.append(Piece(max(int(span.char_start), start),
                                    min(int(span.char_end), end), name, ident[1],
                                    ident not in seen))
                seen.add(ident)
        root = nest(Piece(start, end, CONTAINER, key, True), pieces, located)
        inner_html = _render_children(root, text, label_of)
        number = int(row.position)
        out.append(
            f'<section class="para kind-{html.escape(str(row.kind))}" id="p{number}" '
            f'aria-label="Paragraph {number}">'
            f'<button type="button" class="pnum" data-table="{CONTAINER}" '
            f'data-id="{html.escape(key)}" aria-label="{html.escape(label)}: details" '
            f'title="{html.escape(label)}">\u00b6\u202f{number}</button>'
            f'<p>{inner_html}</p></section>')
    return "\n".join(out)


def nest(root: Piece, pieces: list[Piece], order: list[str]) -> Piece:
    """Place ``pieces`` inside ``root`` as a tree: a piece that starts inside another and
    ends after it is cut at that end, and its rest (not the row's first piece) placed
    again. Longer pieces enclose shorter ones that start at the same place."""
    rank = {name: position for position, name in enumerate(order)}
    queue = [(piece.start, -piece.end, rank[piece.table], piece.key, number, piece)
             for number, piece in enumerate(pieces) if piece.start < piece.end]
    heapq.heapify(queue)
    counter = len(pieces)
    stack = [root]
    while queue:
        *_, piece = heapq.heappop(queue)
        while piece.start >= stack[-1].end:
            stack.pop()
        parent = stack[-1]
        if piece.end > parent.end:
            rest = Piece(parent.end, piece.end, piece.table, piece.key, False)
            heapq.heappush(queue, (rest.start, -rest.end, rank[rest.table], rest.key,
                                   counter, rest))
            counter += 1
            piece.end = parent.end
        parent.children.append(piece)
        stack.append(piece)
    return root


def _render_children(node: Piece, text: str, labels: dict[tuple[str, str], str]) -> str:
    parts, cursor = [], node.start
    for child in node.children:
        parts.append(html.escape(text[cursor:child.start]))
        parts.append(_render_piece(child, text, labels))
        cursor = child.end
    parts.append(html.escape(text[cursor:node.end]))
    return "".join(parts)


def _render_piece(piece: Piece, text: str, labels: dict[tuple[str, str], str]) -> str:
    """A row's element: its first piece carries the row (a mark the mouse selects, titled
    by what the row is); later pieces only continue the underline. Highlights are not
    controls, as nested controls cannot be told apart by a screen reader or reached one
    by one without hundreds of tab stops: the keyboard reaches a row through its
    paragraph's button, whose panel lists the paragraph's rows."""
    table, key = html.escape(piece.table), html.escape(piece.key)
    level = min(piece.height(), MAX_STACK)
    classes = f"hl t-{table} h{level}"
    if piece.is_first:
        what = html.escape(labels[(piece.table, piece.key)])
        opening = (f'<span class="{classes}" data-table="{table}" data-id="{key}" '
                   f'title="{what}">')
    else:
        opening = (f'<span class="{classes} part" data-part-table="{table}" '
                   f'data-part-id="{key}">')
    return f"{opening}{_render_children(piece, text, labels)}</span>"


def header_html(documents: pd.DataFrame) -> str:
    """The paper's metadata, as ``documents`` records it."""
    document = documents.iloc[0]
    facts = [("Series", f"{document['series']} No. {document['series_number']}"),
             ("Publisher", document["publisher"]),
             ("Published", _plain(document["publication_date"])),
             ("Language", document["language"]),
             ("Words", _plain(document["word_count"]))]
    items = "".join(f"<div><dt>{html.escape(name)}</dt><dd>{html.escape(str(value))}</dd></div>"
                    for name, value in facts)
    return (f'<p class="eyebrow">besa545 {html.escape(__version__)} \u00b7 annotated '
            f'edition</p><h1>{html.escape(str(document["title"]))}</h1>'
            f'<dl class="facts">{items}</dl>')


def filters_html(tables: dict[str, pd.DataFrame], located: list[str]) -> str:
    """The filter controls, their options written out so the page does no work at load."""
    boxes = "".join(
        f'<li><label><input type="checkbox" name="table" value="{html.escape(name)}" checked>'
        f' <span class="swatch t-{html.escape(name)}" aria-hidden="true"></span> '
        f'{html.escape(KINDS.get(name, name))}s <span class="muted">({len(tables[name])})'
        f'</span></label></li>' for name in located)
    actors = tables["actors"].sort_values("name")
    actor_options = "".join(f'<option value="{html.escape(row.actor_id)}">'
                            f'{html.escape(row.name)}</option>'
                            for row in actors.itertuples())
    used = set(tables["events"]["event_type"].astype(str))
    type_options = "".join(f'<option value="{html.escape(str(kind))}">{html.escape(str(kind))}'
                           f'</option>' for kind in tables["events"]["event_type"].cat.categories
                           if kind in used)
    topics = tables["topics"].sort_values("label")
    topic_options = "".join(f'<option value="{html.escape(row.topic_id)}">'
                            f'{html.escape(row.label)}</option>' for row in topics.itertuples())
    return FILTERS.format(boxes=boxes, actors=actor_options, types=type_options,
                          topics=topic_options)


def about_html() -> str:
    """How to cite the dataset and the paper (the formats of ``besa545 cite``)."""
    from besa545.use.cite import render_citation

    apa = "".join(f"<p>{html.escape(line)}</p>"
                  for line in render_citation("apa").splitlines() if line.strip())
    bibtex = html.escape(render_citation("bibtex").rstrip())
    return (f'<h2 id="cite-title">How to cite</h2>{apa}'
            f'<details><summary>BibTeX</summary><pre>{bibtex}</pre></details>'
            f'<p class="muted">Generated by <code>besa545 html</code> from besa545 '
            f'{html.escape(__version__)}; every row is in the package\'s tables.</p>')


def script_json(data: Any) -> str:
    """``data`` as JSON that cannot end its ``<script>`` element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return resources.files("besa545.use").joinpath(name).read_text(encoding="utf-8")


FILTERS = """<h2 id="filters-title">Filters</h2>
<fieldset><legend>Show annotations of</legend><ul class="tables">{boxes}</ul></fieldset>
<label for="f-actor">Actor</label>
<select id="f-actor"><option value="">any actor</option>{actors}</select>
<label for="f-type">Event type</label>
<select id="f-type"><option value="">any event type</option>{types}</select>
<label for="f-topic">Stance topic</label>
<select id="f-topic"><option value="">any topic</option>{topics}</select>
<label for="f-search">Search</label>
<input type="search" id="f-search" autocomplete="off" placeholder="word, name or id">
<button type="button" id="f-reset">Reset filters</button>
<p id="count" role="status" aria-live="polite"></p>"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
""" + GENERATOR + """
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<a class="skip" href="#text">Skip to the text</a>
<header>{header}</header>
<div class="layout">
<nav aria-labelledby="filters-title">
{filters}
</nav>
<main id="text" tabindex="-1">
<h2 class="visually-hidden">The paper, annotated</h2>
<p class="hint">Each underlined passage is a row of the dataset. Click it to see every \
column and the rows it relates to; or select a paragraph's number (\u00b6, reached with \
Tab) to list the rows of that paragraph.</p>
{paragraphs}
<section class="about" aria-labelledby="cite-title">{about}</section>
</main>
<aside aria-label="Selected row">
<section id="panel" role="region" aria-live="polite" aria-labelledby="panel-title" \
tabindex="-1">
<h2 id="panel-title">Nothing selected</h2>
<p class="muted">Select a highlighted passage or a paragraph number.</p>
</section>
</aside>
</div>
<script type="application/json" id="besa545-data">{data}</script>
<script>
{script}</script>
</body>
</html>
"""
