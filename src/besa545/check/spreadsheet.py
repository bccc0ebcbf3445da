"""The marks a spreadsheet leaves on a CSV it opened and saved: codes read as numbers (their
leading zeros dropped) and dates rewritten in its own format. Each is said once per column,
with the fix, and the per-cell problems it explains are left out of the report."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from besa545.model.problems import Problem, quote
from besa545.model.schema import ForeignKey, TableSchema

if TYPE_CHECKING:
    import pandas as pd

    from besa545.model.csvfile import StringTable

# How spreadsheets write a date they recognised: 7/1/2017, 01.07.2017, 2017/7/1,
# 1-Jul-17, 2017-07-01 00:00:00.
SPREADSHEET_DATE = re.compile(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}/\d{1,2}/\d{1,2}"
                              r"|\d{1,2}-[A-Za-z]{3}-\d{2,4}|\d{4}-\d{2}-\d{2}[ T]0?0:00(:00)?")
# The per-cell problems each mark explains, left out where the mark is reported.
EXPLAINED = {"spreadsheet-zeros": {"foreign-key", "pattern"},
             "spreadsheet-dates": {"type-date"}}
EXAMPLES = 3


@dataclass(frozen=True)
class SpreadsheetMark(Problem):
    """The problem of a column a spreadsheet changed, with the lines of the changed cells
    (for the report rule; the report shows the first line only)."""

    lines: frozenset[int | None] = dataclasses.field(default=frozenset(), compare=False,
                                                     repr=False)


def check_spreadsheet_marks(edited_tables: dict[str, StringTable],
                            schemas: dict[str, TableSchema]) -> list[Problem]:
    """One problem per column where cells look changed by a spreadsheet."""
    problems = []
    for name, table in edited_tables.items():
        schema = schemas.get(name)
        if schema is None:
            continue
        references = {key.fields[0]: key for key in schema.foreign_keys if len(key.fields) == 1}
        for field in schema.fields:
            if table.lacks(field.name):
                continue
            values = table.frame[field.name]
            if field.type == "date":
                changed = _rewritten_dates(values)
                code, what = "spreadsheet-dates", "dates a spreadsheet rewrote in its own format"
            elif field.type == "string" and (field.pattern or field.name in references):
                targets = _referenced(edited_tables, references.get(field.name))
                changed = _lost_zeros(values, field.pattern, targets)
                code, what = ("spreadsheet-zeros",
                              "codes a spreadsheet read as numbers, dropping the leading zero")
            else:
                continue
            if changed:
                problems.append(_said_once(table, field.name, values, changed, code, what))
    return problems


def _said_once(table: StringTable, column: str, values: pd.Series, changed: dict[str, str],
               code: str, what: str) -> Problem:
    import numpy as np

    from besa545.model.vectors import isin

    positions = np.flatnonzero(isin(values, list(changed)))
    shown = [values.iat[position] for position in positions[:EXAMPLES]]
    examples = ", ".join(f"{quote(value)} for {quote(changed[value])}" if changed[value]
                         else quote(value) for value in dict.fromkeys(shown))
    more = f" (and {len(positions) - EXAMPLES} more)" if len(positions) > EXAMPLES else ""
    count = (f"{len(positions)} cells look" if len(positions) > 1 else "1 cell looks")
    return SpreadsheetMark(table.file, table.line(int(positions[0])), column, code,
                           f"{count} like {what}: {examples}{more}",
                           lines=frozenset(table.line(int(position)) for position in positions))


def _digit_values(values: pd.Series) -> list[str]:
    """The distinct values made of digits only (found in Arrow: few, or none, per column)."""
    import pyarrow.compute as pc

    from besa545.model.vectors import arrow_text

    text = arrow_text(values)
    digits = pc.fill_null(pc.ascii_is_decimal(text), False)
    found: list[str] = pc.unique(pc.filter(text, digits)).to_pylist()
    return found


def _lost_zeros(values: pd.Series, pattern: str | None, targets: set[str] | None
                ) -> dict[str, str]:
    """Each digits-only value that a leading zero would make right, with that value: the
    key it then refers to (``targets``, when the column is a foreign key), or a value that
    matches ``pattern`` when the value itself does not."""
    candidates = _digit_values(values)
    if not candidates:
        return {}
    padded = {value: ["0" * zeros + value for zeros in (1, 2, 3)] for value in candidates}
    matching: set[str] = set()
    if pattern:  # asked as the pattern check asks (model/schema.py)
        import pandas as pd

        everything = pd.Series([*candidates, *(form for forms in padded.values()
                                               for form in forms)], dtype="str")
        matching = set(everything[everything.str.fullmatch(pattern)])
    lost = {}
    for value, forms in padded.items():
        for form in forms:
            referred = targets is not None and value not in targets and form in targets
            if referred or (pattern and value not in matching and form in matching):
                lost[value] = form
                break
    return lost


def _referenced(tables: dict[str, StringTable], key: ForeignKey | None) -> set[str] | None:
    """The values a foreign key may take, if its table was read; None otherwise."""
    if key is None:
        return None
    target = tables.get(key.resource)
    if target is None or key.reference_fields[0] not in target.frame.columns:
        return None  # unread, or no such column (a problem of the foreign key check)
    return set(_digit_values(target.frame[key.reference_fields[0]]))


def _rewritten_dates(values: pd.Series) -> dict[str, str]:
    """The values of a date column written the way spreadsheets write dates."""
    import pyarrow.compute as pc

    from besa545.model.vectors import arrow_text

    text = arrow_text(values)
    odd = pc.invert(pc.fill_null(pc.match_like(text, "____-__-__"), True))
    return {value: "" for value in pc.unique(pc.filter(text, odd)).to_pylist()
            if SPREADSHEET_DATE.fullmatch(value)}


def cells_a_spreadsheet_changed(problems: list[Problem]) -> set[Problem]:
    """A report rule: the per-cell problems a spreadsheet's change explains (a foreign key
    or pattern missed for a lost zero, a date that does not parse) are left out, at the
    very cells it changed; the column's problem says what to do. Where the changed codes
    are CAMEO codes, the rules that read what a code means are left out on those rows
    too. Any other problem of the column stays."""
    from besa545.check.conventions import READ_A_CODES_MEANING

    cells = {(mark.file, line, mark.column, code) for mark in problems
             if isinstance(mark, SpreadsheetMark) for line in mark.lines
             for code in EXPLAINED[mark.code]}
    rows = {(mark.file, line) for mark in problems if isinstance(mark, SpreadsheetMark)
            and mark.code == "spreadsheet-zeros" and mark.column == "cameo_code"
            for line in mark.lines}
    return {problem for problem in problems
            if (problem.file, problem.line, problem.column, problem.code) in cells
            or (problem.code in READ_A_CODES_MEANING and (problem.file, problem.line) in rows)}
