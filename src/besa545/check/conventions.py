"""The coding conventions of ``docs/annotation-guide.md`` that can be checked mechanically:
one situation, one coding. Each rule is one function returning located problems; the
build runs them too, so an edit that breaks a convention cannot land.
"""

from __future__ import annotations

import operator
import re
from typing import TYPE_CHECKING, Any

from besa545.derive.offsets import locate_column
from besa545.model.csvfile import StringTable
from besa545.model.package import Package, span_column
from besa545.model.problems import Problem, quote
from besa545.model.sourcetext import LocateError, locate
from besa545.model.vectors import arrow_text, codes, distinct, integers, isin

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# CAMEO codes whose action is done *to* someone, by prefix: appeal (02), intend to
# cooperate (03), praise or endorse (051), yield (08), demand (10), disapprove (11),
# reject (12), threaten (13), coerce (17). A coded event of these has a target: the party
# the action is directed at. (Meeting, negotiating or signing together is not directed.)
DIRECTED = ("02", "03", "051", "08", "10", "11", "12", "13", "17")
# Words that say what is_former says, or qualify the office rather than name it.
QUALIFIERS = re.compile(r"\b(former|ex|new|late)\b", re.IGNORECASE)
GUIDE = "docs/annotation-guide.md"


def check_subjects_in_evidence(rebuilt: Package) -> list[Problem]:
    """The evidence names the row's subject (a stance's holder, a quotation's speaker, an
    event's stated sources, a relation's subject): a mention of the actor lies inside the
    span, or a name of it is written in the evidence. Where it does not, ``subject_evidence``
    is the nearest passage that mentions the actor; where it does, ``subject_evidence``
    stays empty."""
    import numpy as np

    mentions = rebuilt.tables.get("mentions")
    if mentions is None or not rebuilt.documents:
        return []
    index = _MentionIndex(mentions.frame)
    aliases = _Aliases(rebuilt)
    passages = _SubjectPassages(rebuilt, index)
    actors = rebuilt.tables.get("actors")
    ids = actors.frame["actor_id"] if actors is not None else ()

    def known(column: pd.Series) -> np.ndarray:
        """Actors that exist: an unknown id is a foreign-key problem, reported as such."""
        return isin(column, ids)

    problems = []
    for name, actor_column, what in (("stances", "holder_actor_id", "holder"),
                                     ("quotations", "speaker_actor_id", "speaker"),
                                     ("actor_relations", "subject_actor_id", "subject")):
        table = rebuilt.tables.get(name)
        if table is None or table.lacks(actor_column, "subject_evidence", "document_id",
                                        "evidence"):
            continue
        starts, ends = _evidence_spans(rebuilt, name)
        frame = table.frame
        named = index.inside(index.documents_of(frame["document_id"]),
                             index.actors_of(frame[actor_column]), starts, ends)
        asked = known(frame[actor_column]) & (starts >= 0)
        with_passage = frame["subject_evidence"].notna().to_numpy()
        for position in np.flatnonzero(asked & (~named | with_passage)).tolist():
            actor = frame[actor_column].iat[position]
            in_evidence = bool(named[position]) or aliases.named(actor,
                                                                 frame["evidence"].iat[position])
            unnamed = [] if in_evidence else [
                (actor, _unnamed(table.file, table.line(position), what, actor))]
            problems += passages.problems(table, position, unnamed, in_evidence,
                                          (int(starts[position]), int(ends[position])))
    events, participants = rebuilt.tables.get("events"), rebuilt.tables.get("event_participants")
    if (events is not None and participants is not None
            and not events.lacks("event_id", "document_id", "evidence", "subject_evidence")
            and not participants.lacks("event_id", "actor_id", "role", "basis")):
        starts, ends = _evidence_spans(rebuilt, "events")
        event, source = _sources_of_events(events.frame, participants.frame)
        actor = participants.frame["actor_id"]
        kept = (starts[event] >= 0) & known(actor)[source]
        event, source = event[kept], source[kept]
        named = index.inside(index.documents_of(events.frame["document_id"])[event],
                             index.actors_of(actor)[source], starts[event], ends[event])
        unnamed_sources: dict[int, list[tuple[Any, Problem]]] = {}
        for row, position in zip(event[~named].tolist(), source[~named].tolist(), strict=True):
            actor_id = actor.iat[position]
            if not aliases.named(actor_id, events.frame["evidence"].iat[row]):
                unnamed_sources.setdefault(row, []).append((actor_id, _unnamed(
                    participants.file, participants.line(position), "source", actor_id,
                    column="actor_id",
                    where=f"the evidence of event {events.frame['event_id'].iat[row]!r}")))
        with_passage = events.frame["subject_evidence"].notna().to_numpy() & (starts >= 0)
        for row in sorted(set(unnamed_sources) | set(np.flatnonzero(with_passage).tolist())):
            problems += passages.problems(events, row, unnamed_sources.get(row, []),
                                          row not in unnamed_sources,
                                          (int(starts[row]), int(ends[row])))
    return problems


class _SubjectPassages:
    """What ``subject_evidence`` may do: name a subject the evidence does not name, by a
    mention of the actor inside it, in the same paragraph, with no mention of the actor
    between it and the evidence (the nearest passage that names it). Asked only of rows
    that need it or have it: a few."""

    def __init__(self, rebuilt: Package, index: _MentionIndex) -> None:
        self.texts = {name: document.text for name, document in rebuilt.documents.items()}
        self.index = index

    def names(self, document: Any, actor: Any, passage: str, evidence: tuple[int, int]) -> bool:
        text = self.texts.get(document, "")
        start = text.find(passage)  # located once: asked only after located()
        end = start + len(passage)
        low, high = (end, evidence[0]) if end <= evidence[0] else (evidence[1], start)
        if "\n\n" in text[low:high]:
            return False  # in another paragraph: a pronoun is resolved within its own
        return self._mentioned(document, actor, start, end) and (
            low >= high or not self._mentioned(document, actor, low, high))

    def _mentioned(self, document: Any, actor: Any, start: int, end: int) -> bool:
        """Whether a mention of ``actor`` lies inside ``[start, end)`` of ``document``."""
        import numpy as np
        import pandas as pd

        found: np.ndarray = self.index.inside(
            self.index.documents_of(pd.Series([document], dtype="str")),
            self.index.actors_of(pd.Series([actor], dtype="str")),
            np.array([start], dtype=np.int64), np.array([end], dtype=np.int64))
        return bool(found[0])

    def problems(self, table: StringTable, position: int, unnamed: list[tuple[Any, Problem]],
                 in_evidence: bool, evidence: tuple[int, int]) -> list[Problem]:
        """The row's problems: each subject its evidence leaves unnamed (an actor and its
        problem) that ``subject_evidence`` does not name either, or a subject evidence the
        row does not need."""
        passage = table.frame["subject_evidence"].iat[position]
        document = table.frame["document_id"].iat[position]
        if in_evidence:
            if not isinstance(passage, str):
                return []
            return [Problem(table.file, table.line(position), "subject_evidence",
                            "subject-evidence-unneeded",
                            "the evidence already names the row's subject")]
        if isinstance(passage, str) and not self.located(document, passage):
            return []  # subject-evidence-not-found says what is wrong with the row
        return [problem for actor, problem in unnamed
                if not (isinstance(passage, str)
                        and self.names(document, actor, passage, evidence))]

    def located(self, document: Any, passage: str) -> bool:
        try:
            locate(self.texts.get(document, ""), passage)
        except LocateError:
            return False
        return True


def _sources_of_events(events: pd.DataFrame,
                       participants: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The row of each participant with role ``source`` whose event has a row, and that
    row, as two arrays of positions. An event ID written on several rows (a primary-key
    problem of its own) is asked of its first row only: there are never more pairs than
    participants, whatever the IDs repeat."""
    import numpy as np

    source = isin(participants["role"], ["source"]) & participants["event_id"].notna().to_numpy()
    if "basis" in participants.columns:  # a source the annotators inferred is not named
        source &= ~isin(participants["basis"], ["inferred"])
    source = np.flatnonzero(source)
    rows = arrow_text(events["event_id"])  # as pandas holds it: not copied
    event = codes(participants["event_id"], rows)[source]  # the first row with the ID
    found = event >= 0
    return event[found], source[found]


class _Aliases:
    """The second way to name an actor: an alias written inside a longer one (the name
    'Trump' inside the mention of 'the Trump administration'), as a whole word. Asked only
    of the few rows without a mention of their subject."""

    def __init__(self, rebuilt: Package) -> None:
        self.names: dict[str, list[str]] = {}
        for table, column in (("actors", "name"), ("aliases", "alias")):
            frame = rebuilt.tables[table].frame if table in rebuilt.tables else None
            if frame is not None and column in frame.columns:
                for actor, name in zip(frame["actor_id"].tolist(), frame[column].tolist(),
                                       strict=True):
                    if isinstance(name, str) and name:
                        self.names.setdefault(actor, []).append(name)

    def named(self, actor: Any, evidence: Any) -> bool:
        if not isinstance(evidence, str):
            return False
        return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", evidence)
                   for name in self.names.get(actor, []))


def _evidence_spans(rebuilt: Package, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Where each row's evidence is (-1: not located; the offsets check reports it). The
    build already located it for tables whose offsets span the evidence; only the others
    (quotations span their ``text``) are located here."""

    table = rebuilt.tables[name]
    if span_column(rebuilt.schemas[name]) != "evidence":
        starts, ends, _ = locate_column(rebuilt, table, "evidence")
        return starts, ends
    return integers(table.frame["char_start"]), integers(table.frame["char_end"])


def _unnamed(file: str, line: int, what: str, actor: str, *, column: str = "evidence",
             where: str = "the evidence") -> Problem:
    return Problem(file, line, column, "subject-not-in-evidence",
                   f"{where} does not name the {what} {actor!r}",
                   "copy into subject_evidence the nearest passage that names it (a name or "
                   f"alias of the actor in data/aliases.csv); see {GUIDE}, 'The row's subject'")


class _MentionIndex:
    """Mentions sorted by (document, actor, start), to ask whether an actor is mentioned
    inside a span with one binary search per row. Mentions of one actor never overlap
    (the longest alias wins), so the first one starting inside a span ends first."""

    def __init__(self, mentions: pd.DataFrame) -> None:
        import numpy as np

        # each document and actor gets a code: its position among the distinct values
        self.documents = distinct(mentions["document_id"])
        self.actors = distinct(mentions["actor_id"])
        starts = integers(mentions["char_start"])
        ends = integers(mentions["char_end"])
        self.width = int(ends.max()) + 2 if len(starts) else 2
        keys = self._keys(self.documents_of(mentions["document_id"]),
                          self.actors_of(mentions["actor_id"]), starts)
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.ends = ends[order]

    def documents_of(self, column: pd.Series) -> np.ndarray:
        """Each row's document code; -1 for a document without mentions, or null."""
        return codes(column, self.documents)

    def actors_of(self, column: pd.Series) -> np.ndarray:
        """Each row's actor code; -1 for an actor without mentions, or null."""
        return codes(column, self.actors)

    def _keys(self, document: np.ndarray, actor: np.ndarray, starts: np.ndarray) -> np.ndarray:
        import numpy as np

        known = (document >= 0) & (actor >= 0)
        # a start past every mention is kept inside its own (document, actor) block: no
        # mention starts there, and the key cannot reach the next actor's mentions
        keys = document * len(self.actors)  # built in place: one array, not five
        keys += actor
        keys *= self.width
        keys += np.clip(starts, 0, self.width - 1)
        keys[~known] = -1
        return keys

    def inside(self, document: np.ndarray, actor: np.ndarray, starts: np.ndarray,
               ends: np.ndarray) -> np.ndarray:
        """Whether each row's actor (by code) has a mention within ``[start, end)`` of its
        document (by code)."""
        import numpy as np

        keys = self._keys(document, actor, starts)
        found = np.searchsorted(self.keys, keys, side="left")
        valid = (keys >= 0) & (found < len(self.keys))
        found = np.clip(found, 0, max(len(self.keys) - 1, 0))
        if not len(self.keys):
            return np.zeros(len(keys), dtype=bool)
        same_actor = (self.keys[found] // self.width) == np.where(keys >= 0, keys // self.width,
                                                                   -2)
        inside: np.ndarray = valid & same_actor & (self.ends[found] <= np.asarray(ends))
        return inside


def conventions_of_broken_tables(problems: list[Problem]) -> set[Problem]:
    """A report rule: the conventions that join a table whose file could not be read
    whole (a row lost to an unclosed quote) are left out; the file's problem explains
    them (a target "missing" may sit in the row that was lost)."""
    from besa545.model.codes import lookup

    broken = {problem.file for problem in problems if lookup(problem.code).layer == "files"}
    if "data/event_participants.csv" not in broken and "data/mentions.csv" not in broken:
        return set()
    joined = {"target-missing", "subject-not-in-evidence"}
    return {problem for problem in problems if problem.code in joined}


# The rules that read what a CAMEO code means (is the action done to someone?): where a
# spreadsheet dropped a code's zero, they would judge another code (check/spreadsheet.py).
READ_A_CODES_MEANING = frozenset({"target-missing", "target-unstated-misused"})


def check_stance_duplicates(rebuilt: Package) -> list[Problem]:
    """One stance per holder, topic and polarity: the same position is one row."""
    import numpy as np

    stances = rebuilt.tables.get("stances")
    key = ["document_id", "holder_actor_id", "topic_id", "polarity"]
    if stances is None or stances.lacks(*key, "stance_id"):
        return []
    frame = stances.frame
    repeated = frame.duplicated(key, keep="first").to_numpy()
    first = {tuple(row): stance for *row, stance in
             frame[[*key, "stance_id"]].drop_duplicates(key).itertuples(index=False)}
    return [Problem(stances.file, stances.line(int(position)), "stance_id", "stance-duplicate",
                    f"{frame['stance_id'].iat[position]!r} repeats the holder, topic and "
                    f"polarity of {first.get(tuple(frame[key].iloc[position]))!r}",
                    "keep one row for the position (the one with the holder's own words, "
                    "if any) and delete the other")
            for position in np.flatnonzero(repeated)]


def check_directed_targets(rebuilt: Package) -> list[Problem]:
    """A coded event whose CAMEO action is done to someone records a decision about its
    target: a target row, or ``target_unstated`` when the paper does not say; never both."""
    import numpy as np

    events, participants = rebuilt.tables.get("events"), rebuilt.tables.get("event_participants")
    if (events is None or participants is None
            or events.lacks("event_id", "cameo_code", "target_unstated")
            or participants.lacks("event_id", "role")):
        return []
    frame = events.frame
    codes = frame["cameo_code"].fillna("").astype(str)
    targeted = frame["event_id"].isin(set(participants.frame.loc[
        participants.frame["role"] == "target", "event_id"])).to_numpy()
    decided = frame["target_unstated"].notna().to_numpy()  # a bad value: type-boolean
    unstated = isin(frame["target_unstated"], ["true"])
    directed = codes.str.startswith(DIRECTED).to_numpy()
    problems = [Problem(events.file, events.line(int(position)), "cameo_code", "target-missing",
                        f"event {frame['event_id'].iat[position]!r} is coded "
                        f"{codes.iat[position]}, an action done to someone, and says nothing "
                        "of its target",
                        "add to data/event_participants.csv the party the action is directed "
                        "at, with role target (an audience is not a target); if the paper does "
                        "not say, set target_unstated to true")
                for position in np.flatnonzero(directed & ~targeted & ~decided)]
    misused = {
        "true and a target row": targeted & unstated,
        "true but is not coded as an action done to someone": unstated & ~directed,
        "false: the column says only that the paper does not name a target":
            isin(frame["target_unstated"], ["false"]),
    }
    for why, mask in misused.items():
        problems += [Problem(events.file, events.line(int(position)), "target_unstated",
                             "target-unstated-misused",
                             f"event {frame['event_id'].iat[position]!r} has target_unstated "
                             f"{why}",
                             "set target_unstated to true only for a directed coded action "
                             "without a target row; otherwise leave it empty")
                     for position in np.flatnonzero(mask)]
    return problems


UNDONE = ("planned", "proposed", "hypothetical")


def check_codes_of_undone_events(rebuilt: Package) -> list[Problem]:
    """CAMEO codes what was done: a planned, proposed or hypothetical event has no code (the act of
    proposing it, or of urging it, is an event of its own and carries one)."""
    import numpy as np

    events = rebuilt.tables.get("events")
    if events is None or events.lacks("cameo_code", "status"):
        return []
    frame = events.frame
    coded = frame["cameo_code"].notna() & (frame["cameo_code"].astype(str) != "")
    undone = (coded & frame["status"].isin(UNDONE)).to_numpy()
    return [Problem(events.file, events.line(int(position)), "cameo_code", "cameo-undone",
                    f"event {frame['event_id'].iat[position]!r} is "
                    f"{frame['status'].iat[position]} but coded "
                    f"{frame['cameo_code'].iat[position]}",
                    "leave cameo_code empty; code the act of proposing or urging it instead")
            for position in np.flatnonzero(undone)]


def check_role_texts(rebuilt: Package) -> list[Problem]:
    """``role_text`` names the office only: no 'former' (``is_former`` says it), no 'new'."""
    relations = rebuilt.tables.get("actor_relations")
    if relations is None or relations.lacks("role_text"):
        return []
    values = relations.frame["role_text"]
    return [Problem(relations.file, relations.line(position), "role_text", "role-text-qualifier",
                    f"{quote(value)} qualifies the office with {match.group(0)!r}",
                    "write the office alone, in the singular (is_former records 'former')")
            for position, value in enumerate(values.tolist())
            if isinstance(value, str) and (match := QUALIFIERS.search(value))]


def check_link_targets(rebuilt: Package) -> list[Problem]:
    """A link target, and a document's address, is a web address (http or https), never a
    script or a local file that a page or a spreadsheet would open."""
    problems = []
    for name, column in WEB_ADDRESS_COLUMNS:
        table = rebuilt.tables.get(name)
        if table is None or column not in table.frame.columns:
            continue  # header-missing (or the schema renamed it: then it is no address)
        problems += [Problem(table.file, table.line(position), column, "link-target-scheme",
                             f"{quote(value)} is not an http or https address")
                     for position, value in enumerate(table.frame[column].tolist())
                     if isinstance(value, str) and not WEB_ADDRESS.fullmatch(value)]
    return problems


WEB_ADDRESS_COLUMNS = (("links", "target_url"), ("documents", "url"))
WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


def check_date_texts(rebuilt: Package) -> list[Problem]:
    """A non-empty ``date_text`` is a phrase of the row's own evidence (evidence that is
    not in the text is reported as such, not here)."""
    import numpy as np

    texts = {document_id: document.text for document_id, document in rebuilt.documents.items()}
    problems = []
    for table in rebuilt.tables.values():
        frame = table.frame
        if not {"date_text", "evidence", "document_id"} <= set(frame.columns):
            continue
        # an empty or missing phrase is in every evidence; a missing evidence is reported
        # as such (required), not here
        phrases = frame["date_text"].fillna("").tolist()
        evidences = frame["evidence"].fillna("").tolist()
        inside = np.fromiter(map(operator.contains, evidences, phrases), bool, len(frame))
        outside = np.flatnonzero(~inside & frame["evidence"].notna().to_numpy()).tolist()
        problems += [Problem(table.file, table.line(position), "date_text",
                             "date-text-outside-evidence",
                             f"{quote(frame['date_text'].iat[position])} is not in the row's "
                             "evidence",
                             "lengthen the evidence to include the phrase that dates the row, "
                             "or leave date_text empty when the date comes from elsewhere")
                     for position in outside
                     if frame["evidence"].iat[position] in texts.get(
                         frame["document_id"].iat[position], "")]
    return problems


def check_same_positions(rebuilt: Package) -> list[Problem]:
    """``same_position_stance_id`` points at a stance of the same document, topic and
    polarity that counts the position itself (its own ``same_position_stance_id`` empty),
    held by an actor related to this one (an actor_relations row between the two, or both
    related to a third: a person, their government and their state). An unknown ID is a
    foreign-key problem, reported as such; a row pointing at a row that has a problem of
    its own is not reported again."""
    stances, relations = rebuilt.tables.get("stances"), rebuilt.tables.get("actor_relations")
    key = ["stance_id", "document_id", "holder_actor_id", "topic_id", "polarity",
           "same_position_stance_id"]
    if stances is None or stances.lacks(*key):
        return []
    related: dict[Any, set[Any]] | None = None  # None: the relations cannot be read whole
    if relations is not None and not relations.lacks("subject_actor_id", "object_actor_id"):
        related = {}
        for one, other in zip(relations.frame["subject_actor_id"].tolist(),
                              relations.frame["object_actor_id"].tolist(), strict=True):
            related.setdefault(one, set()).add(other)
            related.setdefault(other, set()).add(one)
    rows = {row[0]: row for row in stances.frame[key].itertuples(index=False)}

    def fault(stance: Any) -> str | None:
        _, document, holder, topic, polarity, counted = rows[stance]
        if not isinstance(counted, str) or counted not in rows:
            return None
        other = rows[counted]
        if counted == stance:
            return "points at itself"
        if (other[1], other[3], other[4]) != (document, topic, polarity):
            return f"points at {counted!r}, which has another document, topic or polarity"
        if isinstance(other[5], str):
            return f"points at {counted!r}, which itself points at {other[5]!r}"
        if related is None:
            return None
        mine, theirs = related.get(holder, set()), related.get(other[2], set())
        if other[2] != holder and other[2] not in mine and not mine & theirs:
            return (f"points at {counted!r}, whose holder {other[2]!r} has no relation to "
                    f"{holder!r}")
        return None

    faults = {stance: fault(stance) for stance in rows}
    problems = []
    for position, stance in enumerate(stances.frame["stance_id"].tolist()):
        why, counted = faults.get(stance), rows[stance][5] if stance in rows else None
        if why is None or (counted != stance and faults.get(counted) is not None):
            continue  # a row pointing at a row with a problem of its own: that one is told
        problems.append(Problem(stances.file, stances.line(position), "same_position_stance_id",
                                "same-position-mismatch", f"stance {stance!r} {why}",
                                "point at the one stance that counts this position (same "
                                "topic and polarity, its own same_position_stance_id empty, "
                                "its holder related to this one)"))
    return problems


def _cell(value: Any) -> str:
    return quote(value) if isinstance(value, str) else "empty"


def check_bases(rebuilt: Package) -> list[Problem]:
    """A basis column (``x-basis-of`` in its schema) is filled exactly when the value it
    qualifies is."""
    import numpy as np

    problems = []
    for name, table in rebuilt.tables.items():
        for field in rebuilt.schemas[name].descriptor.get("fields", []):
            of = field.get("x-basis-of") if isinstance(field, dict) else None
            if not isinstance(of, str) or table.lacks(field.get("name"), of):
                continue
            frame = table.frame
            wrong = frame[of].notna().to_numpy() != frame[field["name"]].notna().to_numpy()
            problems += [Problem(table.file, table.line(int(position)), field["name"],
                                 "basis-mismatch",
                                 f"{field['name']} must be filled exactly when {of} is "
                                 f"({of} {_cell(frame[of].iat[position])}, {field['name']} "
                                 f"{_cell(frame[field['name']].iat[position])})",
                                 f"stated when the paper's words give {of}, inferred when the "
                                 "annotators read it from context; empty when it is empty")
                         for position in np.flatnonzero(wrong)]
    return problems
