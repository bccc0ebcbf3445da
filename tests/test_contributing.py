"""CONTRIBUTING's three walkthroughs, run as a contributor runs them, on a copy of the
repository: the rows and the messages are taken from the document itself, so a wrong
example or a message that changed fails here.

``make data`` is run as the commands it runs (build, figures, validate) with the copy's
own ``src`` first on the path, so that the copy is what is built. A walkthrough that
takes a row out and puts it back must give back the repository byte for byte (then
``make test`` passes there as it does here); the one that changes a value must leave
every generated file fresh, as the copy's own freshness tests say.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, repository_files

pytestmark = pytest.mark.slow

TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = TEXT.index(f"## {title}")
    end = TEXT.find("\n## ", start + 1)
    return TEXT[start : end if end >= 0 else len(TEXT)]


def _blocks(section: str, language: str) -> list[str]:
    """The fenced blocks of ``section`` in ``language`` ("" for blocks without one)."""
    blocks, current, kind = [], None, ""
    for line in section.splitlines():
        if current is None and line.startswith("```"):
            current, kind = [], line[3:].strip()
        elif current is not None and line == "```":
            if kind == language:
                blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _copy(tmp_path: Path) -> Path:
    """The repository's files as they are now, in a folder of another name."""
    repository = tmp_path / "my-clone"
    for path in repository_files():
        target = repository / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return repository


def _tracked_bytes(repository: Path) -> dict[str, bytes]:
    return {str(path.relative_to(repository)): path.read_bytes()
            for path in sorted(repository.rglob("*")) if path.is_file()}


def _run(repository: Path, *command: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(repository / "src")}
    return subprocess.run([sys.executable, *command], cwd=repository, env=environment,
                          capture_output=True, text=True, check=False)


def _make_data(repository: Path) -> None:
    for command in (["-m", "besa545", "build"], ["scripts/figures.py"],
                    ["-m", "besa545", "validate"]):
        result = _run(repository, *command)
        assert result.returncode == 0, (command, result.stdout + result.stderr)


def _delete_line(path: Path, prefix: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(prefix)]
    assert len(kept) == len(lines) - 1, (path, prefix)
    path.write_text("".join(kept), encoding="utf-8")


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as stream:
        stream.write(line + "\n")


def test_the_loop_uses_the_command_that_refreshes_every_generated_file():
    assert "make data" in _section("The loop for every change")


def test_example_1_a_changed_value_leaves_every_generated_file_fresh(tmp_path):
    repository = _copy(tmp_path)
    actors = repository / "data" / "actors.csv"
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "nba,NBA,organization,Of which", "nba,NBA,organization,A league of which"),
        encoding="utf-8")
    assert "make data" in _blocks(_section("Example 1"), "bash")[0]
    _make_data(repository)
    fresh = _run(repository, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "tests/test_repository_files.py")
    assert fresh.returncode == 0, fresh.stdout[-3000:]
    # the mistake the example shows gives the message it shows
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "nba,NBA,organization,", "nba,NBA,league,"), encoding="utf-8")
    result = _run(repository, "-m", "besa545", "build")
    (expected,) = [block for block in _blocks(_section("Example 1"), "")
                   if "actor_type" in block]
    assert result.returncode == 1
    assert set(expected.splitlines()) <= set(result.stderr.splitlines())


def test_example_2_a_quotation_taken_out_and_added_back(tmp_path):
    repository = _copy(tmp_path)
    before = _tracked_bytes(repository)
    quotations = repository / "data" / "quotations.csv"
    section = _section("Example 2")
    _delete_line(quotations, "trump-severe-things,")
    refused = _run(repository, "-m", "besa545", "build")
    shown = [block for block in _blocks(section, "") if "quotation-missing" in block]
    assert refused.returncode == 1
    assert set(shown[0].splitlines()) <= set(refused.stderr.splitlines())
    (row,) = _blocks(section, "csv")
    _append(quotations, row)
    _make_data(repository)
    assert _tracked_bytes(repository) == before
    # the typo the example shows (curly quotation marks) gives the message it shows
    _delete_line(quotations, "trump-severe-things,")
    _append(quotations, row.replace('""severe things""', "“severe things”"))
    typo = _run(repository, "-m", "besa545", "build")
    (expected,) = [block for block in _blocks(section, "") if "evidence-not-found" in block]
    assert typo.returncode == 1
    assert set(expected.splitlines()) <= set(typo.stderr.splitlines())


def test_example_3_an_actor_taken_out_and_added_back(tmp_path):
    repository = _copy(tmp_path)
    before = _tracked_bytes(repository)
    data = repository / "data"
    _delete_line(data / "actors.csv", "nba,")
    _delete_line(data / "aliases.csv", "nba,")
    _delete_line(data / "actor_relations.csv", "dennis-rodman,affiliated_with,nba,")
    actor, alias, relation = _blocks(_section("Example 3"), "csv")
    _append(data / "actors.csv", actor)
    _append(data / "aliases.csv", alias)
    _append(data / "actor_relations.csv", relation)
    _make_data(repository)
    assert _tracked_bytes(repository) == before
