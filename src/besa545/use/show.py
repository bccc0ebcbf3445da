"""``besa545 show``: a paragraph of the paper next to every annotation inside it.

A reviewer reads the paragraph and its rows in one glance: the actors mentioned, the
relations, events (with participants and dates), quotations, links and stances whose
located span overlaps the paragraph.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

WIDTH = 100


def render_paragraphs(paragraph: str | None) -> str:
    """Render one paragraph (position or ``paragraph_id``), or all when ``None``.

    Raises ``LookupError`` naming the valid choices when ``paragraph`` matches none.
    """
    from besa545.use.load import load_all_tables

    tables = load_all_tables()
    paragraphs = tables["paragraphs"]
    if paragraph is not None:
        chosen = paragraphs[(paragraphs["paragraph_id"] == paragraph)
                            | (paragraphs["position"].astype(str) == paragraph)]
        if chosen.empty:
            raise LookupError(f"no paragraph {paragraph!r}; give a position from 1 to "
                              f"{len(paragraphs)} or a paragraph_id such as "
                              f"{paragraphs['paragraph_id'].iat[0]}")
        paragraphs = chosen
    return "\n\n".join(render_one(row, tables) for row in paragraphs.itertuples())


def render_one(paragraph: Any, tables: dict[str, pd.DataFrame]) -> str:
    start, end = paragraph.char_start, paragraph.char_end
    lines = [f"¶ {paragraph.position}  {paragraph.paragraph_id}  ({paragraph.kind}, "
             f"characters {start}-{end})", "-" * WIDTH]
    lines += textwrap.wrap(paragraph.text, WIDTH) or [""]
    lines += _sentence_notes(paragraph, tables["paragraphs"])
    sections = [
        ("actors", _actors(tables, paragraph.paragraph_id)),
        ("relations", _relations(tables, start, end)),
        ("events", _events(tables, start, end)),
        ("quotations", _quotations(tables, start, end)),
        ("links", _links(tables, start, end)),
        ("stances", _stances(tables, start, end)),
    ]
    for title, entries in sections:
        if entries:
            lines.append(f"  {title}:")
            lines += [f"    - {entry}" for entry in entries]
    return "\n".join(lines)


SENTENCE_ENDS = (".", "?", "!", "\u201d", '"', ":")


def _sentence_notes(paragraph: Any, paragraphs: pd.DataFrame) -> list[str]:
    """Say so when a block of the paper ends or starts in the middle of a sentence (the
    paper as received has a blank line inside one sentence; the text keeps it)."""
    notes: list[str] = []
    if paragraph.kind != "body":  # titles, bylines and the like end without a full stop
        return notes
    body = paragraphs[paragraphs["kind"] == "body"]
    following = body[body["position"] == paragraph.position + 1]
    previous = body[body["position"] == paragraph.position - 1]
    if len(following) and not paragraph.text.rstrip().endswith(SENTENCE_ENDS):
        notes.append(f"  (this block ends mid-sentence: the sentence continues in "
                     f"\u00b6 {paragraph.position + 1}, after a blank line the paper has "
                     "inside it)")
    if len(previous) and paragraph.text[:1].islower():
        notes.append(f"  (this block continues the sentence of \u00b6 "
                     f"{paragraph.position - 1}, after a blank line the paper has inside it)")
    return notes


def _crossing(tables: dict[str, pd.DataFrame], row: Any, start: int, end: int) -> str:
    """`` [evidence continues in ¶ n]`` (or begins in) for a row whose span runs past the
    paragraph shown; nothing for a row inside it."""
    paragraphs = tables["paragraphs"]
    notes = []
    if row.char_start < start:
        first = paragraphs[paragraphs["char_end"] > row.char_start]["position"].min()
        notes.append(f"begins in \u00b6 {first}")
    if row.char_end > end:
        last = paragraphs[paragraphs["char_start"] < row.char_end]["position"].max()
        notes.append(f"continues in \u00b6 {last}")
    return f" [evidence {' and '.join(notes)}]" if notes else ""


def inside(frame: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Rows whose located span overlaps ``[start, end)``."""
    return frame[(frame["char_start"] < end) & (frame["char_end"] > start)]


def _actors(tables: dict[str, pd.DataFrame], paragraph_id: str) -> list[str]:
    mentions = tables["mentions"]
    mentions = mentions[mentions["paragraph_id"] == paragraph_id]
    names = tables["actors"].set_index("actor_id")["name"]
    surfaces: dict[str, list[str]] = {}
    for row in mentions.itertuples():
        surfaces.setdefault(row.actor_id, []).append(row.surface)
    return [f"{actor_id} ({names[actor_id]}): {', '.join(dict.fromkeys(found))} "
            f"x{len(found)}" for actor_id, found in surfaces.items()]


def _relations(tables: dict[str, pd.DataFrame], start: int, end: int) -> list[str]:
    return [f"{row.subject_actor_id} {row.relation} {row.object_actor_id}"
            + (f" ({row.role_text})" if isinstance(row.role_text, str) else "")
            + (" [former]" if row.is_former else "")
            + _crossing(tables, row, start, end)
            for row in inside(tables["actor_relations"], start, end).itertuples()]


def _events(tables: dict[str, pd.DataFrame], start: int, end: int) -> list[str]:
    participants = tables["event_participants"]
    entries = []
    for row in inside(tables["events"], start, end).itertuples():
        people = participants[participants["event_id"] == row.event_id]
        roles = ", ".join(f"{p.role}={p.actor_id}" for p in people.itertuples())
        when = _date(row)
        cameo = f" cameo {row.cameo_code}" if isinstance(row.cameo_code, str) else ""
        entries.append(f"{row.event_id} [{row.event_type}, {row.status}{cameo}] {when}"
                       f"{' | ' + roles if roles else ''}{_crossing(tables, row, start, end)}")
    return entries


def _date(row: Any) -> str:
    """The date interval as written in the row; an open bound shows as ``?``."""
    start, end = (f"{value:%Y-%m-%d}" if value == value else "?"  # NaT != NaT
                  for value in (row.date_start, row.date_end))
    if start == end == "?":
        return "undated"
    span = start if start == end else f"{start}..{end}"
    written = f" {row.date_text!r}" if isinstance(row.date_text, str) else ""
    return f"{span} ({row.date_precision}, {row.date_basis}){written}"


def _quotations(tables: dict[str, pd.DataFrame], start: int, end: int) -> list[str]:
    entries = []
    for row in inside(tables["quotations"], start, end).itertuples():
        speaker = row.speaker_actor_id if isinstance(row.speaker_actor_id, str) else "no speaker"
        medium = f", {row.medium}" if isinstance(row.medium, str) else ""
        event = f" -> {row.event_id}" if isinstance(row.event_id, str) else ""
        entries.append(f"{row.quote_id} [{row.quote_kind}{medium}] {speaker}: "
                       f"\"{row.text}\"{event}{_crossing(tables, row, start, end)}")
    return entries


def _links(tables: dict[str, pd.DataFrame], start: int, end: int) -> list[str]:
    return [f"{row.link_id}: [{row.anchor_text}] = {row.refers_to}"
            + (f" -> {row.event_id}" if isinstance(row.event_id, str) else "")
            + _crossing(tables, row, start, end)
            for row in inside(tables["links"], start, end).itertuples()]


def _stances(tables: dict[str, pd.DataFrame], start: int, end: int) -> list[str]:
    return [f"{row.stance_id}: {row.holder_actor_id} {row.polarity} {row.topic_id} "
            f"({row.attribution}){_crossing(tables, row, start, end)}"
            for row in inside(tables["stances"], start, end).itertuples()]
