"""Two conventions asked directly, on every case rather than on the paper's rows: the
mention index behind ``subject-not-in-evidence`` (whether an actor is mentioned inside a
row's evidence span, asked of many rows at once) and which CAMEO actions need a target
(``target-missing``). The rules' located problems are pinned word for word in
test_check_messages.py; their fault cases in test_validate_faults.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from besa545.check.conventions import _MentionIndex, _sources_of_events, check_directed_targets
from besa545.model.csvfile import StringTable
from besa545.model.package import Package


def _index(rows: list[tuple[str, str, int, int]]) -> _MentionIndex:
    """The index of these mentions, their columns text as a table is read."""
    frame = pd.DataFrame(rows, columns=["document_id", "actor_id", "char_start", "char_end"])
    return _MentionIndex(frame.astype("str"))


def _inside(index: _MentionIndex, rows: list[tuple[str, str, int, int]]) -> list[bool]:
    documents, actors, starts, ends = zip(*rows, strict=True)
    return index.inside(index.documents_of(pd.Series(documents, dtype="str")),
                        index.actors_of(pd.Series(actors, dtype="str")),
                        np.array(starts, dtype=np.int64),
                        np.array(ends, dtype=np.int64)).tolist()


def test_a_mention_counts_only_inside_the_span_of_its_own_document_and_actor():
    index = _index([("doc", "china", 10, 15), ("doc", "china", 40, 45),
                    ("other", "trump", 0, 5)])
    assert _inside(index, [
        ("doc", "china", 5, 20),     # contains the first mention
        ("doc", "china", 10, 15),    # exactly it
        ("doc", "china", 11, 20),    # starts inside it: cut, not named
        ("doc", "china", 5, 14),     # ends inside it
        ("doc", "china", 16, 44),    # between the two, the second cut
        ("doc", "china", 16, 45),    # the second whole
        ("doc", "trump", 0, 100),    # trump is mentioned only in the other document
        ("other", "china", 0, 100),  # and china only in this one
        ("unknown", "china", 0, 100),
    ]) == [True, True, False, False, False, True, False, False, False]



def test_a_span_after_every_mention_does_not_reach_the_next_actors_mentions():
    # a span starting past the last mention's end (beyond the index's width per key)
    # named actor 'a' through actor 'b''s mention when its key ran into b's block
    index = _index([("doc", "a", 0, 5), ("doc", "b", 2, 4), ("doc", "b", 30, 31)])
    assert _inside(index, [("doc", "a", 8, 20), ("doc", "a", 40, 90), ("doc", "a", 0, 20),
                           ("doc", "b", 8, 40), ("doc", "b", 31, 90)]) == [
        False, False, True, True, False]

def test_an_empty_index_names_no_one():
    index = _index([])
    assert _inside(index, [("doc", "china", 0, 100), ("doc", "trump", 5, 6)]) == [False,
                                                                                  False]



def test_each_source_is_paired_with_the_first_row_of_its_event_and_a_null_with_none():
    events = pd.DataFrame({"event_id": ["e1", "e2", "e1", None]}, dtype="str")
    participants = pd.DataFrame({
        "event_id": ["e1", "e2", "e3", "e1", None, "e2"],
        "role": ["source", "target", "source", "source", "source", None]}, dtype="str")
    event, source = _sources_of_events(events, participants)
    # e1 is two rows (a repeated ID, reported as such): its sources are asked of the first;
    # e3 has no row, and a null ID is no event's, not even a null event's
    assert list(zip(event.tolist(), source.tolist(), strict=True)) == [(0, 0), (0, 3)]


def test_sources_and_events_without_ids_are_not_paired_with_each_other():
    # IDs left empty in both files: a null ID matches nothing,
    # not even the null of an event (every null with every null: a quadratic blow-up)
    events = pd.DataFrame({"event_id": [None] * 3}, dtype="str")
    participants = pd.DataFrame({"event_id": [None, "x", None],
                                 "role": ["source"] * 3}, dtype="str")
    event, source = _sources_of_events(events, participants)
    assert (event.tolist(), source.tolist()) == ([], [])


# The annotation guide's list, in its words: "a coded event whose action is done to someone
# (appeal, intent to cooperate, praise, yield, demand, disapprove, reject, threaten, coerce)
# must have a target". One CAMEO code for each of the twenty roots, and both sides of 05.
DONE_TO_SOMEONE = {"020": "appeal", "030": "intent to cooperate", "051": "praise",
                   "080": "yield", "100": "demand", "1042": "demand policy change",
                   "110": "disapprove", "120": "reject", "130": "threaten", "170": "coerce"}
NOT_DIRECTED = {"010": "make public statement", "040": "consult", "057": "sign agreement",
                "060": "material cooperation", "070": "provide aid", "090": "investigate",
                "140": "protest", "150": "exhibit force posture", "160": "reduce relations",
                "180": "assault", "190": "fight", "200": "unconventional mass violence"}


def _events(codes: list[str], targets: dict[str, str],
            unstated: list[str] | None = None) -> Package:
    """A package of one event per code (``e0``, ``e1``, ...), given the roles in
    ``targets`` (event id to role) and no other participant; ``unstated`` holds each
    event's ``target_unstated`` cell (empty by default)."""
    events = pd.DataFrame({"event_id": [f"e{n}" for n in range(len(codes))],
                           "cameo_code": codes,
                           "target_unstated": unstated or [None] * len(codes)})
    participants = pd.DataFrame({"event_id": list(targets), "actor_id": "x",
                                 "role": list(targets.values())})
    return Package(Path("."), {}, {
        "events": StringTable("events", "data/events.csv", events,
                              np.arange(2, len(codes) + 2)),
        "event_participants": StringTable("event_participants",
                                          "data/event_participants.csv", participants,
                                          np.arange(2, len(targets) + 2))}, {})


def test_every_action_done_to_someone_and_only_those_need_a_target():
    codes = [*DONE_TO_SOMEONE, *NOT_DIRECTED, ""]  # "" : an event with no CAMEO code
    problems = check_directed_targets(_events(codes, {}))
    lacking = {problem.message.split(" is coded ")[1].split(",")[0] for problem in problems}
    assert lacking == set(DONE_TO_SOMEONE)
    assert {(p.file, p.column, p.code) for p in problems} == {
        ("data/events.csv", "cameo_code", "target-missing")}
    assert sorted(p.line for p in problems) == list(range(2, len(DONE_TO_SOMEONE) + 2))


def test_a_target_answers_the_rule_and_an_audience_does_not():
    problems = check_directed_targets(_events(["111", "111", "111"], {
        "e0": "target", "e1": "audience", "e2": "source"}))
    assert [(p.line, p.message) for p in problems] == [
        (3, "event 'e1' is coded 111, an action done to someone, and says nothing of its "
            "target"),
        (4, "event 'e2' is coded 111, an action done to someone, and says nothing of its "
            "target")]


def test_the_paper_not_saying_answers_the_rule_and_contradicts_a_target_row():
    # e0: no target, unstated: the decision is made; e1: a target row and unstated: both;
    # e2: an empty cell decides nothing; e3: not directed, so nothing to leave unstated
    problems = check_directed_targets(_events(["026", "111", "0242", "057"],
                                              {"e1": "target"},
                                              ["true", "true", None, "true"]))
    assert [(p.line, p.column, p.code) for p in problems] == [
        (4, "cameo_code", "target-missing"),
        (3, "target_unstated", "target-unstated-misused"),
        (5, "target_unstated", "target-unstated-misused")]


def test_the_first_and_the_last_mention_of_the_index_are_found():
    """The index's two ends: each query's own mention is the first or the last key."""
    index = _index([("doc", "a", 10, 15), ("doc", "b", 40, 45)])
    assert _inside(index, [("doc", "a", 5, 20), ("doc", "b", 30, 50)]) == [True, True]


def test_a_mention_at_the_first_character_is_found_and_cut_like_any_other():
    """Offset 0 is a place like any other: a span from 0 holds the mention there, a span
    from 1 cuts it; and a query past the last key's start is not inside it."""
    index = _index([("doc", "a", 0, 5), ("doc", "b", 40, 45)])
    assert _inside(index, [("doc", "a", 0, 10), ("doc", "a", 1, 10), ("doc", "b", 41, 50),
                           ("doc", "a", 0, 4)]) == [True, False, False, False]
