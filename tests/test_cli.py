"""The command line: exact output, exit codes, no tracebacks.

Commands run in this process through ``main([...])`` (see ``helpers.invoke``); the last
tests start real processes to check the two entry points themselves.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import besa545
from helpers import (
    ROOT,
    copy_package,
    invoke,
    line_of,
    reseal,
    run_cli,
    set_cell,
)

ACTOR_TYPES = ("person, state, government_body, international_organization, media_outlet, "
               "organization, group")


def _commands() -> list[str]:
    """The commands the parser knows (a new subparser is one more, checked below)."""
    import argparse

    from besa545.cli import make_parser

    actions = [action for action in make_parser()._actions
               if isinstance(action, argparse._SubParsersAction)]
    return list(actions[0].choices)


def test_the_parser_has_the_documented_commands():
    """The list the module's docstring gives, which a reader of cli.py sees first."""
    from besa545 import cli

    first_line = (cli.__doc__ or "").splitlines()[0]
    assert _commands() == first_line.split(": ", 1)[1].rstrip(".").split(", ")
    assert {"build", "validate", "score", "export"} <= set(_commands())


def test_help_lists_the_commands_and_is_a_usage_status():
    result = invoke()
    assert result.status == 2
    for command in _commands():
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command


@pytest.mark.parametrize(("command", "default", "others"), [
    ("validate", "text", ["json", "github"]), ("cite", "apa", ["bibtex", "cff"]),
    ("score", "text", ["json"])])
def test_a_commands_help_names_its_default_format_and_each_other_one(command, default, others):
    """``--help`` is where a user learns the formats: the help of ``--format`` names the
    default as such, then every other choice by name."""
    result = invoke(command, "--help")
    assert result.status == 0
    text = " ".join(result.stdout.split())
    described = re.search(rf"--format {{[a-z,]+}} {default} \(default\)(.*?)(?= -|$)", text)
    assert described, text
    for other in others:
        assert re.search(rf"\b{other}\b", described.group(1)), (other, described.group(1))


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in _commands():
        assert f"besa545 {command}" in readme, command


def test_info_lists_every_table_with_its_row_count():
    result = invoke("info")
    assert result.status == 0
    assert result.stdout.startswith(f"besa545 {besa545.__version__}: BESA Perspectives Paper "
                                    "545, annotated: Sino-American Disagreements on North "
                                    "Korea\n")
    for name in besa545.tables():
        rows = len(besa545.load(name))
        assert re.search(rf"^  {name}\s+{rows}$", result.stdout, re.MULTILINE), name
    assert "\ncite as:\n" in result.stdout


def test_validate_clean_package():
    result = invoke("validate")
    assert result == (0, "ok: no problems found\n", "")


def test_validate_missing_path_is_a_usage_error(tmp_path):
    missing = tmp_path / "nowhere"
    assert invoke("validate", str(missing)) == (
        2, "", f"Error: {missing} does not exist; pass a package directory or its "
               "datapackage.json\n")


def test_unknown_command_and_option_are_usage_errors():
    assert invoke("frobnicate").status == 2
    result = invoke("validate", "--format", "xml")
    assert result.status == 2
    assert result.stderr.endswith("error: argument --format: invalid choice: 'xml' "
                                  "(choose from 'text', 'json', 'github')\n")


def test_build_outside_a_package_is_a_usage_error(tmp_path):
    assert invoke("build", "--root", str(tmp_path)) == (
        2, "", f"Error: {tmp_path} is not a besa545 package (it needs schemas/ and data/); "
               "pass --root with a repository checkout\n")
    (tmp_path / "schemas").mkdir()
    (tmp_path / "data").mkdir()
    result = invoke("build", "--root", str(tmp_path))
    assert result.status == 1 and result.stdout == ""
    assert result.stderr.splitlines()[:2] == [
        "schemas/actors.json: schema-missing: the actors table has no schema",
        "    hint: restore it from the repository",
    ]
    assert result.stderr.endswith("6 problems found\nbuild failed: nothing was written\n")


# --- what a contributor reads: exact messages and hints ---------------------------------

Edit = Callable[[Path], None]
REPRESENTATIVE: dict[str, tuple[Edit, str, str, str, str, str]] = {
    # name: (edit, table, key, column, code, "message\n    hint: hint")
    "enum": (set_cell("actors", "nba", "actor_type", "league"), "actors", "nba",
             "actor_type", "enum",
             "'league' is not an allowed value of actor_type\n"
             f"    hint: use one of: {ACTOR_TYPES}"),
    "minimum": (set_cell("authorships", "besa-pp-545", "position", "0"), "authorships",
                "besa-pp-545", "position", "minimum",
                "position is '0', below the minimum 1\n"
                "    hint: use a number of at least 1"),
    "maximum": (set_cell("cameo_codes", "042", "goldstein", "11"), "cameo_codes", "042",
                "goldstein", "maximum",
                "goldstein is '11', above the maximum 10\n"
                "    hint: use a number of at most 10"),
    "required": (set_cell("topics", "six-party-talks", "label", ""), "topics",
                 "six-party-talks", "label", "required",
                 "label is empty\n    hint: fill the cell; this column may not be empty"),
    "pattern": (set_cell("actors", "china", "country_iso3", "chn"), "actors", "china",
                "country_iso3", "pattern",
                "'chn' does not match the pattern of country_iso3\n"
                "    hint: the value must match the pattern [A-Z]{3}"),
    "slug": (set_cell("links", "link-global-times-editorial", "link_id", "Link GT"), "links",
             "link-global-times-editorial", "link_id", "pattern",
             "'Link GT' does not match the pattern of link_id\n"
             "    hint: identifiers are lowercase slugs like `donald-trump`: a-z, 0-9 and "
             "single hyphens"),
    "integer": (set_cell("authorships", "besa-pp-545", "position", "1.0"), "authorships",
                "besa-pp-545", "position", "type-integer",
                "'1.0' is not a valid integer for position\n"
                "    hint: write a whole number without decimals, e.g. 3 (at most "
                "9223372036854775807)"),
    "foreign key": (set_cell("stances", "china-opposes-war", "holder_actor_id", "chinaa"),
                    "stances", "china-opposes-war", "holder_actor_id", "foreign-key",
                    "'chinaa' is not in actors.actor_id; did you mean 'china'?\n"
                    "    hint: use an existing actor_id from data/actors.csv, or add a row "
                    "there first"),
    "evidence": (set_cell("events", "mar-a-lago-agreement", "evidence",
                          "the agreement at Mar-a-Lago"), "events", "mar-a-lago-agreement",
                 "evidence", "evidence-not-found",
                 "evidence 'the agreement at Mar-a-Lago' does not occur in the text; its "
                 "first 14 characters occur (line 15), then after 'the agreement ' the text "
                 "has 'r' where the evidence has 'a'\n"
                 "    hint: copy the passage exactly from sources/besa-pp-545.txt (no link "
                 "markup, same quotation marks and dashes); lengthen it if it occurs more "
                 "than once"),
}


@pytest.mark.parametrize("name", sorted(REPRESENTATIVE))
def test_validate_prints_the_exact_problem(tmp_path, name):
    edit, table, key, column, code, text = REPRESENTATIVE[name]
    root = copy_package(tmp_path / "package")
    line = line_of(root, table, key)
    edit(root)
    reseal(root)
    result = invoke("validate", str(root), "--no-spec")
    assert result == (1, f"data/{table}.csv:{line} [{column}]: {code}: {text}\n"
                         "1 problem found\n", "")


def test_validate_json_and_github_formats(tmp_path):
    root = copy_package(tmp_path / "package")
    set_cell("actors", "nba", "actor_type", "league")(root)
    reseal(root)
    line = line_of(root, "actors", "nba")
    result = invoke("validate", str(root), "--format", "json", "--no-spec")
    assert result.status == 1
    assert json.loads(result.stdout) == {"ok": False, "problems": [{
        "file": "data/actors.csv", "line": line, "column": "actor_type", "code": "enum",
        "message": "'league' is not an allowed value of actor_type",
        "hint": f"use one of: {ACTOR_TYPES}"}]}
    result = invoke("validate", str(root), "--format", "github", "--no-spec")
    assert result == (1, f"::error file=data/actors.csv,line={line},title=enum "
                         "[actor_type]::'league' is not an allowed value of actor_type Hint: "
                         f"use one of: {ACTOR_TYPES}\n", "")


def test_two_problems_are_counted_and_sorted_by_file_and_line(tmp_path):
    root = copy_package(tmp_path / "package")
    set_cell("topics", "six-party-talks", "label", "")(root)
    set_cell("actors", "nba", "actor_type", "league")(root)
    reseal(root)
    lines = invoke("validate", str(root), "--no-spec").stdout.splitlines()
    assert [line.split(":")[0] for line in lines[::2][:2]] == ["data/actors.csv",
                                                               "data/topics.csv"]
    assert lines[-1] == "2 problems found"


# --- the entry points, as real processes ------------------------------------------------


def test_version_from_python_m():
    result = run_cli("--version")
    assert (result.returncode, result.stdout) == (0, f"besa545 {besa545.__version__}\n")


def test_python_m_and_console_script_agree():
    script = Path(sys.executable).parent / "besa545"
    assert script.is_file(), "the console script is installed with the package"
    direct = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                            check=False)
    assert direct.stdout == run_cli("--version").stdout


def test_a_bad_package_gives_no_traceback_in_a_real_process(tmp_path):
    root = copy_package(tmp_path / "package")
    (root / "datapackage.json").write_text("{", encoding="utf-8")
    result = run_cli("validate", str(root))
    assert result.returncode == 1 and result.stderr == ""
    assert result.stdout.startswith("datapackage.json:1: descriptor-json: invalid JSON: ")


@pytest.mark.parametrize("arguments", [["show", "--all"], ["info"],
                                       ["validate", "--format", "json"]])
def test_a_closed_pipe_is_a_quiet_end(arguments):
    """`besa545 show --all | head -1`: the reader leaves early; no traceback, status 141."""
    process = subprocess.Popen([sys.executable, "-m", "besa545", *arguments],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(1)
    process.stdout.close()  # what head does once it has its line
    error = process.stderr.read()
    assert process.wait() in (0, 141)  # 0 only if everything fit in the pipe's buffer
    assert error == b""


class ClosedPipe(io.StringIO):
    """A stdout whose reader has gone: every write fails as it would on a closed pipe."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("arguments", [["show", "--all"], ["info"], ["cite"], ["validate"],
                                       ["validate", "--format", "json"]])
def test_every_command_ends_quietly_with_141_on_a_closed_pipe(monkeypatch, capsys,
                                                              arguments):
    from besa545.cli import main

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(arguments) == 141
    assert capsys.readouterr().err == ""


def test_build_of_an_installed_package_is_refused_and_writes_nothing(monkeypatch, tmp_path):
    """Run from a wheel, ``besa545 build`` would rebuild site-packages; it says where to
    build instead. (The wheel test runs the same command in a real installation.)"""
    from besa545 import cli
    from helpers import copy_package, snapshot

    installed = copy_package(tmp_path / "site-packages" / "besa545")
    before = snapshot(installed)
    monkeypatch.setattr(cli, "HERE", installed)
    monkeypatch.setattr(cli, "package_path", lambda: installed)
    result = invoke("build")
    assert result.status == 2
    assert result.stderr == (
        f"Error: this besa545 is installed (its data is in {installed}), and an installed "
        "package is not rebuilt in place; run `besa545 build` in a repository checkout, or "
        "pass --root with one\n")
    assert snapshot(installed) == before


@pytest.mark.parametrize("budget", ["nan", "inf", "-1", "0", "1e308", "soon"])
def test_a_time_budget_is_a_positive_finite_number_of_seconds(budget):
    result = invoke("validate", "--time-budget", budget)
    assert result.status == 2
    assert "--time-budget" in result.stderr and repr(budget) in result.stderr


HOSTILE = "a \x1b[2J\x07 b\u202e c\u200b\r\U000e0041"  # clear, bell, bidi, zero width, CR, tag


@pytest.mark.parametrize(("command", "module", "function"), [
    (("show", "3"), "besa545.use.show", "render_paragraphs"),
    (("cite",), "besa545.use.cite", "render_citation"),
    (("info",), "besa545.use.cite", "render_citation"),
])
def test_text_from_the_data_reaches_the_terminal_escaped(monkeypatch, command, module,
                                                         function):
    """A value the package holds (a paper's text, a title in the citation) is printed with
    its control, bidirectional and invisible characters escaped, its lines kept."""
    import importlib

    monkeypatch.setattr(importlib.import_module(module), function,
                        lambda *arguments: f"first {HOSTILE}\nsecond line\n")
    result = invoke(*command)
    assert result.status == 0
    assert "first a \\x1b[2J\\x07 b\\u202e c\\u200b\\x0d\\U000e0041\nsecond line" in result.stdout
    assert not set(result.stdout) & set("\x1b\x07\u202e\u200b\r\U000e0041")
