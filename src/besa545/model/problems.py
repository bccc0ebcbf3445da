"""Problems: what the build and the validator report, as values.

A problem names the file, the line as an editor shows it, the column, a stable check
code (registered in :mod:`besa545.model.codes`), a message quoting the offending value
and a hint saying how to fix it (the code's default hint when none is given).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

from besa545.model.codes import lookup
from besa545.model.fields import is_invisible

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the package, located as precisely as possible."""

    file: str
    line: int | None
    column: str | None
    code: str
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        registered = lookup(self.code)  # raises KeyError for an unregistered code
        if not self.hint:
            object.__setattr__(self, "hint", registered.hint)
        # Text from the package reaches terminals and CI logs: no control character,
        # invisible formatting character or undecodable byte is ever printed raw.
        for name in ("file", "column", "message", "hint"):
            value = getattr(self, name)
            if value is not None and NOT_PLAIN_ASCII.search(value):
                object.__setattr__(self, name, printable(value))

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f" [{self.column}]"
        return where

    def as_text(self) -> str:
        text = f"{self.location()}: {self.code}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def as_github(self) -> str:
        params = [f"file={_escape_property(self.file)}"]
        if self.line is not None:
            params.append(f"line={self.line}")
        title = f"{self.code}" + (f" [{self.column}]" if self.column else "")
        params.append(f"title={_escape_property(title)}")
        body = self.message + (f" Hint: {self.hint}" if self.hint else "")
        return f"::error {','.join(params)}::{_escape_data(body)}"


@dataclass
class Report:
    """The outcome of a validation: every problem found, in file and line order."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems), key=_sort_key)

    def codes(self) -> list[str]:
        return [problem.code for problem in self.sorted()]

    def to_json(self) -> str:
        problems = [{name: getattr(problem, name) for name in PROBLEM_FIELDS}
                    for problem in self.sorted()]
        return json.dumps({"ok": self.ok, "problems": problems}, indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        problems = self.sorted()
        if not problems:
            return "ok: no problems found"
        lines = [problem.as_text() for problem in problems]
        noun = "problem" if len(problems) == 1 else "problems"
        lines.append(f"{len(problems)} {noun} found")
        return "\n".join(lines)

    def to_github(self) -> str:
        return "\n".join(problem.as_github() for problem in self.sorted())


# What a report says of each problem (a subclass may carry more, for the report rules).
PROBLEM_FIELDS = ("file", "line", "column", "code", "message", "hint")


class ProblemsError(Exception):
    """Raised by the build when the package has problems; carries them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class Outcome(NamedTuple, Generic[T]):
    """What a step of the build or the validator gives: a value (None when it could not
    be produced) and the problems met producing it."""

    value: T | None
    problems: list[Problem]


def _sort_key(problem: Problem) -> tuple[str, int, str, str, str]:
    return (problem.file, problem.line or 0, problem.column or "", problem.code, problem.message)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


# Every character but printable ASCII is looked at; those of the categories the cell rules
# call invisible (controls, format characters such as zero-width and bidirectional ones or
# tags, line and paragraph separators, lone surrogates) are escaped.
NOT_PLAIN_ASCII = re.compile("[^\x20-\x7e]")


def printable(text: str) -> str:
    """``text`` with every invisible character (:data:`~besa545.model.fields.INVISIBLE`,
    the line break included) written as an escape."""
    return NOT_PLAIN_ASCII.sub(_escape_if_invisible, text)


def _escape_if_invisible(match: re.Match[str]) -> str:
    return _escape_character(match) if is_invisible(match.group()) else match.group()


def _escape_character(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def quote(value: Any, limit: int = 70) -> str:
    text = str(value).replace("\n", "\\n")
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
