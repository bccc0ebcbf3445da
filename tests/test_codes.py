"""Problem codes: a closed list, each code emitted somewhere, provoked by a test, documented."""

from __future__ import annotations

import ast
import re

import pytest

from besa545.model.codes import CODES, LAYERS, lookup
from besa545.model.problems import Problem
from helpers import ROOT
from test_validate_faults import every_case_location

SOURCE = ROOT / "src" / "besa545"


def _code_arguments() -> list[tuple[str, ast.expr]]:
    """The code argument (4th) of every ``Problem(...)`` call in the source."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("Problem", "SpreadsheetMark") and len(node.args) >= 4):
                found.append((str(path.relative_to(ROOT)), node.args[3]))
    return found


def test_every_literal_code_in_the_source_is_registered():
    literals = [(file, argument.value) for file, argument in _code_arguments()
                if isinstance(argument, ast.Constant)]
    assert len(literals) > 40  # the scan finds the calls (it is not looking at nothing)
    assert [(file, code) for file, code in literals if code not in CODES] == []


def test_codes_computed_at_run_time_come_from_known_places():
    """Only these modules pass a computed code: the content rules (from their tables of
    rules), the span-in-evidence check (from the column name), the pandera failures
    (mapped by PANDERA_CODES), the spreadsheet marks (one code per kind of mark) and the
    spec layer (spec-*). Any of those codes that is not
    registered fails when the Problem is made, which the fault cases would show."""
    computed = sorted({file for file, argument in _code_arguments()
                       if not isinstance(argument, ast.Constant)})
    assert computed == ["src/besa545/check/content.py", "src/besa545/check/spec.py",
                        "src/besa545/check/spreadsheet.py", "src/besa545/check/tables.py",
                        "src/besa545/derive/offsets.py"]


def test_an_unregistered_code_cannot_make_a_problem():
    with pytest.raises(KeyError, match="unregistered problem code 'made-up'"):
        Problem("data/events.csv", 2, None, "made-up", "message")
    with pytest.raises(KeyError):
        Problem("data/events.csv", 2, None, "spec-", "an empty spec type is no code")


def test_spec_codes_are_a_family():
    assert lookup("spec-foreign-key").layer == "spec"


def test_a_problem_without_a_hint_gets_the_registered_default():
    problem = Problem("data/events.csv", 2, "status", "required", "status is empty")
    assert problem.hint == "fill the cell; this column may not be empty"
    assert Problem("f", 1, None, "required", "m", "own hint").hint == "own hint"


def test_every_code_has_a_layer_title_and_hint():
    for code in CODES.values():
        assert code.layer in LAYERS and code.title and code.hint, code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code.code), code


def _tested_codes() -> set[str]:
    return {code for expected in every_case_location(ROOT).values() for *_, code in expected}


def test_every_registered_code_is_provoked_by_a_test():
    """Codes not provoked by a fault case are asserted exactly by a named test."""
    elsewhere = {
        "validator-crash": "test_a_crashing_check_is_a_located_problem_and_the_others_run",
        "validator-timeout": "test_a_spent_time_budget_is_reported_never_ok",
        "file-too-large": "test_a_table_over_the_size_limit_is_refused_before_it_is_read",
        "file-unreadable": "test_a_file_that_cannot_be_opened_is_a_problem_at_that_file",
        "build-write": "test_a_build_that_cannot_write_changes_nothing_and_says_where",
        "build-busy": "test_a_second_build_at_the_same_time_fails_at_once_and_writes_nothing",
        "build-input-changed": "test_an_edit_saved_while_the_build_reads_stops_it_and_is_kept",
        "source-shared": "test_a_source_file_named_by_two_documents_is_read_once",
    }
    tests = "".join(path.read_text(encoding="utf-8") for path in ROOT.glob("tests/test_*.py"))
    for code, test in elsewhere.items():
        assert f"def {test}(" in tests and f'"{code}"' in tests, (code, test)
    assert set(CODES) - _tested_codes() == set(elsewhere)


def test_problem_codes_page_lists_every_code():
    page = (ROOT / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"| `{code}` |" in page, code
