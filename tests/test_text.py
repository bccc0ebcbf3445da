"""The source text: kept byte for byte, and the plain text derived from it as documented."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given
from hypothesis import strategies as st

from besa545.model.sourcetext import (
    LocateError,
    derive_plain_text,
    locate,
    paragraphs,
    quoted_passages,
    strip_closing_punctuation,
)
from conftest import ROOT, SHARED_SOURCE

RAW = ROOT / "sources" / "besa-pp-545.md"
# The hash DATA-MODEL.md records for the paper as received.
RECORDED_SHA256 = "9c767465f7b34dba80c069edd6b36f315cab30214801083198c7c1088e9503dd"


def test_raw_source_is_the_paper_as_received():
    assert hashlib.sha256(RAW.read_bytes()).hexdigest() == RECORDED_SHA256


def test_raw_source_equals_the_shared_copy_when_present():
    shared = sorted(SHARED_SOURCE.glob("*.txt")) if SHARED_SOURCE.is_dir() else []
    if shared:
        assert RAW.read_bytes() == shared[0].read_bytes()
    assert hashlib.sha256(RAW.read_bytes()).hexdigest() == RECORDED_SHA256


def test_committed_plain_text_is_derived_from_the_raw_text():
    text, _ = derive_plain_text(RAW.read_text(encoding="utf-8"))
    assert (ROOT / "sources" / "besa-pp-545.txt").read_text(encoding="utf-8") == text


def test_plain_text_has_no_markup_left_and_loses_only_markup(plain_text):
    assert "](#)" not in plain_text and "*" not in plain_text and "[" not in plain_text
    raw = RAW.read_text(encoding="utf-8").strip("\n")
    markup = len(re.findall(r"\]\(#\)", raw)) * 5 + raw.count("*")
    assert len(raw) - len(plain_text) == markup
    assert not plain_text.startswith("\n") and not plain_text.endswith("\n")


def test_derivation_rules_on_a_small_example():
    text, anchors = derive_plain_text("\n\nSee [the *big* deal](#) and *a priori* [x](#).\n\n")
    assert text == "See the big deal and a priori x."
    assert [(a.start, a.end, a.text) for a in anchors] == [(4, 16, "the big deal"),
                                                          (30, 31, "x")]
    assert [text[a.start:a.end] for a in anchors] == ["the big deal", "x"]


def test_a_bracket_without_link_target_is_left_alone():
    text, anchors = derive_plain_text("a [b] (c) [d](http://x)")
    assert text == "a [b] (c) [d](http://x)" and anchors == []


def test_paragraphs_split_on_blank_lines_and_keep_offsets():
    text = "One.\n\nTwo\nlines.\n\n\nThree."
    spans = paragraphs(text)
    assert [s.text for s in spans] == ["One.", "Two\nlines.", "Three."]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_quoted_passages_straight_and_curly():
    text = 'He said "yes." and “no” but not it\'s.'
    spans = quoted_passages(text)
    assert [s.text for s in spans] == ["yes.", "no"]
    assert strip_closing_punctuation(spans[0]).text == "yes"
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_locate_finds_one_occurrence_and_refuses_others():
    text = "abc abd abc"
    assert locate(text, "abd").start == 4
    for passage, expected in (("abc", "occurs 2 times"), ("xyz", "does not occur"),
                              ("", "is empty")):
        try:
            locate(text, passage)
        except LocateError as error:
            assert expected in str(error)
        else:
            raise AssertionError(f"{passage!r} was located")


QUOTED_REFERENCE = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')


@given(st.text(alphabet='"“”a\n', max_size=30))
def test_quoted_passages_are_those_of_the_reference_expression(text):
    """The linear scan finds exactly what the (quadratic) regular expression finds."""
    expected = [(match.start(group), match.end(group)) for match in
                QUOTED_REFERENCE.finditer(text)
                for group in ((1,) if match.group(1) is not None else (2,))]
    assert [(span.start, span.end) for span in quoted_passages(text)] == expected


def test_a_line_of_opening_marks_that_never_close_is_read_in_one_pass():
    """200,000 opening marks took the regular expression minutes; the scan returns at once
    (this test would hang the suite, not fail, if the scan were quadratic again)."""
    assert quoted_passages("“" * 200_000) == []
    assert [span.text for span in quoted_passages("“" * 1000 + "“x” and \"y\"")] == [
        "“" * 1000 + "x", "y"]


def test_where_evidence_breaks_is_shown_like_a_diff():
    from besa545.derive.offsets import where_it_breaks

    text = "the agreement reached\nat Mar-a-Lago"
    assert where_it_breaks(text, "the agrement reached") == (
        "its first 8 characters occur (line 1), then after 'the agre' the text has 'e' "
        "where the evidence has 'm'")
    assert where_it_breaks(text, "Mar-a-Lago in April") == (
        "its first 10 characters occur (line 2), then after 'Mar-a-Lago' the text has its "
        "end where the evidence has ' '")
    assert where_it_breaks(text, "zebra") == "no part of it occurs in the text"


class _Counted(str):
    """A text that counts how many characters its searches pass over."""

    scanned = 0

    def find(self, sub, start=0, end=None):  # type: ignore[override]
        found = str.find(self, sub, start, end)
        stop = found + len(sub) if found >= 0 else (len(self) if end is None else end)
        _Counted.scanned += max(0, stop - start)
        return found

    def rfind(self, sub, start=0, end=None):  # type: ignore[override]
        found = str.rfind(self, sub, start, end)
        stop = len(self) if end is None else end
        _Counted.scanned += max(0, stop - (found if found >= 0 else start))
        return found


def test_the_quotation_scan_passes_over_the_text_a_bounded_number_of_times():
    """One kind of mark that stops early must not make every later line search to the end
    of the text (that took minutes on a few million lines): the searches together pass
    over each character a few times, however many lines there are."""
    text = _Counted('He said "yes".\n' + "“a\n" * 20_000)
    _Counted.scanned = 0
    assert [span.text for span in quoted_passages(text)] == ["yes"]
    assert _Counted.scanned < 5 * len(text)
