"""The paper's text: derive the plain text from the raw file and locate passages in it.

The raw file is Markdown-like: links are written ``[anchor](#)`` (their targets were
lost) and one phrase is in ``*italics*``. The plain text, the basis of every offset in
the dataset, is the raw text with

1. every link ``[x](#)`` replaced by ``x``,
2. every emphasis ``*x*`` replaced by ``x``,
3. leading and trailing newlines removed (the text ends with its last character),

and nothing else changed. While deriving, the positions of the link anchors and of the
passages between double quotation marks are recorded, so that the build can check that
every one of them is annotated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LINK = re.compile(r"\[([^\[\]\n]+)\]\(#\)")
EMPHASIS = re.compile(r"\*([^*\n]+)\*")
# A passage is between straight double quotes, or between curly ones, within one line:
# each opening mark and the mark that closes it.
QUOTE_MARKS = {'"': '"', "“": "”"}
# Punctuation that closes the quoting sentence and is left out of `quotations.text`.
CLOSING_PUNCTUATION = ".,;:!?"
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


@dataclass(frozen=True)
class Span:
    """A half-open range ``[start, end)`` of the plain text and the text inside it."""

    start: int
    end: int
    text: str


def derive_plain_text(raw: str) -> tuple[str, list[Span]]:
    """Return the plain text of ``raw`` and the spans of its link anchors in that text."""
    body = raw.strip("\n")
    pieces: list[str] = []
    anchors: list[Span] = []
    length = 0
    cursor = 0
    for match in LINK.finditer(body):
        before = EMPHASIS.sub(r"\1", body[cursor : match.start()])
        anchor = EMPHASIS.sub(r"\1", match.group(1))
        pieces.append(before)
        length += len(before)
        anchors.append(Span(length, length + len(anchor), anchor))
        pieces.append(anchor)
        length += len(anchor)
        cursor = match.end()
    pieces.append(EMPHASIS.sub(r"\1", body[cursor:]))
    return "".join(pieces), anchors


def quoted_passages(text: str) -> list[Span]:
    """Every passage between double quotation marks, without the marks.

    The same passages as the regular expression ``"([^"\\n]+)"|“([^”\\n]+)”`` finds,
    leftmost first, in time linear in the text (the expression takes quadratic time on a
    line of many opening marks that never close).
    """
    spans: list[Span] = []
    ahead = {mark: text.find(mark) for mark in QUOTE_MARKS}  # the next of each, or -1: none
    start = 0
    while start <= len(text):
        for mark, at in ahead.items():
            if 0 <= at < start:  # passed: look again from here (each search starts after
                ahead[mark] = text.find(mark, start)  # the last, so all take linear time)
        marks = [at for at in ahead.values() if at >= 0]
        if not marks:
            break  # no line left holds a mark
        start = text.rfind("\n", start, min(marks)) + 1 or start  # the line of the next mark
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        _quoted_in_line(text, start, end, spans)
        start = end + 1
    return spans


def _quoted_in_line(text: str, start: int, end: int, spans: list[Span]) -> None:
    next_at = {mark: text.find(mark, start, end) for mark in QUOTE_MARKS}
    while True:
        candidates = [at for at in next_at.values() if at >= 0]
        if not candidates:
            return
        opening = min(candidates)
        mark = text[opening]
        closing = text.find(QUOTE_MARKS[mark], opening + 1, end)
        if closing < 0:  # no later mark of this kind can be closed on this line either
            next_at[mark] = -1
            continue
        if closing > opening + 1:  # a passage has at least one character
            spans.append(Span(opening + 1, closing, text[opening + 1 : closing]))
            resume = closing + 1
        else:
            resume = opening + 1
        for other, at in next_at.items():
            if 0 <= at < resume:
                next_at[other] = text.find(other, resume, end)


def strip_closing_punctuation(span: Span) -> Span:
    """The span without punctuation that closes the quoting sentence."""
    stripped = span.text.rstrip(CLOSING_PUNCTUATION)
    return Span(span.start, span.start + len(stripped), stripped)


def paragraphs(text: str) -> list[Span]:
    """The paragraphs of ``text``: blocks separated by blank lines, without their newlines."""
    spans = []
    start = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        spans.append(Span(start, match.start(), text[start : match.start()]))
        start = match.end()
    tail = text[start:].rstrip("\n")
    if tail:
        spans.append(Span(start, start + len(tail), tail))
    return [span for span in spans if span.text.strip()]


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


class LocateError(ValueError):
    """A passage is empty, absent from the text or occurs in it more than once."""


class PassageAbsent(LocateError):
    """The passage does not occur (or is empty)."""


class PassageAmbiguous(LocateError):
    """The passage occurs more than once."""


def locate(text: str, passage: str, *, within: Span | None = None) -> Span:
    """The one occurrence of ``passage`` in ``text`` (or inside ``within``).

    Raises :class:`PassageAbsent` when it is empty or absent, :class:`PassageAmbiguous`
    when it occurs more than once.
    """
    if not passage:
        raise PassageAbsent("is empty")
    offset = within.start if within else 0
    haystack = within.text if within else text
    first = haystack.find(passage)
    if first < 0:
        where = "inside `evidence`" if within else "in the text"
        raise PassageAbsent(f"{_short(passage)} does not occur {where}")
    second = haystack.find(passage, first + 1)
    if second >= 0:
        count = haystack.count(passage)
        where = "inside `evidence`" if within else "in the text"
        raise PassageAmbiguous(
            f"{_short(passage)} occurs {count} times {where}; lengthen it until it is unique"
        )
    return Span(offset + first, offset + first + len(passage), passage)


def _short(passage: str, limit: int = 60) -> str:
    flat = passage.replace("\n", "\\n")
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
