"""The mention index behind ``subject-not-in-evidence``: whether an actor is mentioned
inside a row's evidence span, asked of many rows at once. (The rule's located problems are
pinned word for word in test_check_messages.py; its fault cases in test_validate_faults.py.)"""

from __future__ import annotations

import numpy as np
import pandas as pd

from besa545.check.conventions import _MentionIndex


def _index(rows: list[tuple[str, str, int, int]]) -> _MentionIndex:
    frame = pd.DataFrame(rows, columns=["document_id", "actor_id", "char_start", "char_end"])
    return _MentionIndex(frame.astype({"char_start": "int64", "char_end": "int64"}))


def _inside(index: _MentionIndex, rows: list[tuple[str, str, int, int]]) -> list[bool]:
    documents, actors, starts, ends = zip(*rows, strict=True)
    return index.inside(list(documents), list(actors), np.array(starts, dtype=np.int64),
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


def test_an_empty_index_names_no_one():
    index = _index([])
    assert _inside(index, [("doc", "china", 0, 100), ("doc", "trump", 5, 6)]) == [False,
                                                                                  False]
