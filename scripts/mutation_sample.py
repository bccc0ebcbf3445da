"""Mutation testing of a seeded sample of every module of ``src/besa545``, run in a private copy.

Each mutant is one small change at one place in one module (a comparison or boolean
operator swapped, a ``not`` removed, a constant changed, ``continue``/``break`` swapped, a
returned value replaced by ``None``, a statement replaced by ``pass``). A fixed number of
mutants per module is drawn with ``random.Random(seed)``; each is written into a copy of
the repository (``git archive`` of a commit, never the working tree) and the behaviour
tests are run there with the copy's ``src`` first on ``PYTHONPATH``, the test files named
after the mutated module or importing it first. A mutant is killed when a behaviour test
fails (or the run times out); the lint, type and architecture tests and the slow
environment tests are not run (the browser's and Datasette's only for the modules they
relate to), so the linter never kills a mutant. The modules are every
``.py`` file under ``src/besa545`` at the commit, named by their path there
(``check/files``, ``use/score/read``, ``derive/__init__``), except ``__main__.py`` and the
``__init__.py`` files that hold only a docstring and imports.

Run from the repository root, with the project's virtual environment::

    .venv/bin/python scripts/mutation_sample.py                  # seed 545, 40 per module
    .venv/bin/python scripts/mutation_sample.py --per-module 3   # check the machinery
    .venv/bin/python scripts/mutation_sample.py --list           # the sample, not run
    .venv/bin/python scripts/mutation_sample.py --ids model/schema:17 check/files:4
    .venv/bin/python scripts/mutation_sample.py --include tests/test_new.py  # + new tests
    .venv/bin/python scripts/mutation_sample.py --commit 20c90f9 --json r.json --resume

It prints, per module and in total, the mutants sampled, killed and surviving, and each
survivor with its line, operator and change; ``--json FILE`` keeps every result as it
comes, and ``--resume`` runs only the mutants that file has no result for. Mutant ids
(``module:index``) number every mutant of a module in source order, so they name the same
mutant only for the same commit.
"""

from __future__ import annotations

import argparse
import ast
import copy
import io
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = "src/besa545"
# Not behaviour tests (lint, types, imports between stages) or slow environment tests.
EXCLUDED_TESTS = {"test_lint.py", "test_types.py", "test_architecture.py", "test_wheel.py",
                  "test_citation.py", "test_benchmarks.py", "test_examples.py",
                  "test_consumers.py"}
# Slow, or needing a browser or Datasette: run only for the modules they relate to (the
# explorer's page is tested nowhere else).
ONLY_RELATED_TESTS = {"test_explorer.py", "test_export_sqlite.py"}
# Run first: they exercise the mutated modules most, so a killed mutant stops early (-x).
FIRST_TESTS = ["test_check_messages.py", "test_conventions.py", "test_score.py",
               "test_schema_lint.py", "test_column_checks.py",
               "test_composite_keys.py", "test_coerce.py", "test_parquet_copies.py",
               "test_validate_faults.py", "test_schemas.py", "test_content.py",
               "test_scheduler.py", "test_security.py", "test_cli.py"]
LAST_TESTS = ["test_validate_property.py"]  # the slowest file

COMPARISON_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt,
    ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}


@dataclass(frozen=True)
class Mutant:
    """One change: the ``node``-th node (in ``ast.walk`` order) of top-level statement
    ``statement`` of ``module``, changed by ``operator`` (``detail`` picks among several
    changes of one node, such as the operators of a chained comparison)."""

    id: str
    module: str
    statement: int
    node: int
    operator: str
    detail: int
    line: int
    original: str
    mutated: str


@dataclass
class Result:
    """What the tests said about one mutant."""

    mutant: Mutant
    status: str  # killed, survived, timeout, error
    seconds: float
    failed: str  # the first failing test (or why the run failed)

    @property
    def is_killed(self) -> bool:
        return self.status in ("killed", "timeout")


# --- enumerating mutants ---------------------------------------------------------------


def _docstrings(tree: ast.AST) -> list[ast.stmt]:
    """The docstring statements in ``tree`` (never mutated: they change nothing)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                found.append(first)
    return found


def _skipped(statement: ast.stmt, docstrings: list[ast.stmt]) -> set[int]:
    """Ids of the nodes of ``statement`` that are never run or never evaluated:
    ``docstrings``, annotations, ``if TYPE_CHECKING:`` blocks and f-string format
    specifications."""
    skipped: set[int] = set()

    def skip(node: ast.AST | None) -> None:
        if node is not None:
            skipped.update(id(inner) for inner in ast.walk(node))

    for docstring in docstrings:
        skip(docstring)
    for node in ast.walk(statement):
        if isinstance(node, ast.arg | ast.AnnAssign):
            skip(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            skip(node.returns)
        elif isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            skip(node)
        elif isinstance(node, ast.FormattedValue):
            skip(node.format_spec)
    return skipped


def _in_functions(statement: ast.stmt) -> set[int]:
    """Ids of the statements inside a function body (the ones ``pass`` may replace)."""
    inside: set[int] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(inner) for body in node.body for inner in ast.walk(body)
                          if isinstance(inner, ast.stmt))
    return inside


def _changes(node: ast.AST, statements: set[int]) -> Iterator[tuple[str, int]]:
    """The (operator, detail) changes that apply to ``node``."""
    if isinstance(node, ast.Compare):
        for position, operator in enumerate(node.ops):
            if type(operator) in COMPARISON_SWAPS:
                yield "comparison", position
    elif isinstance(node, ast.BoolOp):
        yield "and-or", 0
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not-removed", 0
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            yield "true-false", 0
        elif type(node.value) is int:
            yield "integer+1", 0
        elif isinstance(node.value, str):
            yield "string", 0
    elif isinstance(node, ast.Continue | ast.Break):
        yield "continue-break", 0
    if isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None):
        yield "return-none", 0
    if id(node) in statements and not isinstance(node, ast.Pass):
        yield "statement-pass", 0


def _parents(tree: ast.AST) -> dict[int, tuple[ast.AST, str, int | None]]:
    """For each node id: its parent, the field holding it and its index in a list field."""
    parents: dict[int, tuple[ast.AST, str, int | None]] = {}
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for index, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        parents[id(child)] = (parent, field, index)
            elif isinstance(value, ast.AST):
                parents[id(value)] = (parent, field, None)
    return parents


def _replace(tree: ast.AST, node: ast.AST, new: ast.AST) -> None:
    parent, field, index = _parents(tree)[id(node)]
    if index is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[index] = new


def _apply(statement: ast.stmt, node: ast.AST, operator: str, detail: int) -> ast.AST:
    """Change ``node`` (inside ``statement``) in place; return the node now in its place."""
    if operator == "comparison":
        assert isinstance(node, ast.Compare)
        node.ops[detail] = COMPARISON_SWAPS[type(node.ops[detail])]()
    elif operator == "and-or":
        assert isinstance(node, ast.BoolOp)
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif operator == "not-removed":
        assert isinstance(node, ast.UnaryOp)
        _replace(statement, node, node.operand)
        return node.operand
    elif operator == "true-false":
        assert isinstance(node, ast.Constant)
        node.value = not node.value
    elif operator == "integer+1":
        assert isinstance(node, ast.Constant)
        node.value = node.value + 1
    elif operator == "string":
        assert isinstance(node, ast.Constant)
        node.value = f"XX{node.value}XX"
    elif operator == "continue-break":
        new: ast.AST = ast.Break() if isinstance(node, ast.Continue) else ast.Continue()
        _replace(statement, node, new)
        return new
    elif operator == "return-none":
        assert isinstance(node, ast.Return)
        node.value = ast.Constant(None)
    elif operator == "statement-pass":
        new = ast.Pass()
        _replace(statement, node, new)
        return new
    else:
        raise ValueError(operator)
    return node


def _shown(node: ast.AST) -> str:
    """One short line of source for a report."""
    text = ast.unparse(node).splitlines()[0] if ast.unparse(node) else ""
    return text if len(text) <= 90 else text[:87] + "..."


def enumerate_mutants(module: str, source: str) -> list[Mutant]:
    """Every mutant of ``source``, in a stable order (ids are ``module:index``)."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for position, statement in enumerate(tree.body):
        skipped, statements = _skipped(statement, docstrings), _in_functions(statement)
        for number, node in enumerate(ast.walk(statement)):
            if id(node) in skipped:
                continue
            for operator, detail in _changes(node, statements):
                before = _shown(node)
                mutated = copy.deepcopy(statement)
                changed = _apply(mutated, list(ast.walk(mutated))[number], operator, detail)
                found.append(Mutant(f"{module}:{len(found)}", module, position, number,
                                    operator, detail, getattr(node, "lineno", 0), before,
                                    _shown(changed)))
    return found


def mutated_source(source: str, mutant: Mutant) -> str:
    """``source`` with the mutant's top-level statement replaced by its changed unparse
    (every other line kept as written)."""
    tree = ast.parse(source)
    statement = tree.body[mutant.statement]
    if mutant.operator:
        _apply(statement, list(ast.walk(statement))[mutant.node], mutant.operator,
               mutant.detail)
    decorators = getattr(statement, "decorator_list", [])
    start = min([statement.lineno, *(decorator.lineno for decorator in decorators)])
    lines = source.splitlines()
    assert statement.end_lineno is not None
    lines[start - 1:statement.end_lineno] = ast.unparse(statement).splitlines()
    return "\n".join(lines) + "\n"


def check_splicing(module: str, source: str) -> None:
    """Splicing an unchanged statement back must give the same program (the machinery's
    own test: only the mutation may differ)."""
    original = ast.dump(ast.parse(source))
    for position in range(len(ast.parse(source).body)):
        unchanged = Mutant("", module, position, 0, "", 0, 0, "", "")
        if ast.dump(ast.parse(mutated_source(source, unchanged))) != original:
            raise SystemExit(f"splicing statement {position} of {module} changes the program")


def find_modules(commit: str) -> dict[str, str]:
    """The source of every module of ``src/besa545`` at ``commit`` that holds code, by its
    path under ``src/besa545`` without ``.py`` (not ``__main__.py``, nor an ``__init__.py``
    of only a docstring and imports)."""
    def git(*arguments: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *arguments], capture_output=True,
                              text=True, check=True).stdout

    sources = {}
    for path in sorted(git("ls-tree", "-r", "--name-only", commit, f"{SRC}/").split()):
        if not path.endswith(".py") or path.endswith("/__main__.py"):
            continue
        source = git("show", f"{commit}:{path}")
        if path.endswith("/__init__.py") and all(
                isinstance(statement, ast.Import | ast.ImportFrom) or (
                    isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
                for statement in ast.parse(source).body):
            continue
        sources[path.removeprefix(f"{SRC}/").removesuffix(".py")] = source
    return sources


def sample(mutants: dict[str, list[Mutant]], seed: int, per_module: int
           ) -> list[Mutant]:
    """``per_module`` mutants of each module, drawn with one ``random.Random(seed)`` in the
    order of ``mutants``."""
    generator = random.Random(seed)
    chosen = []
    for module in mutants:
        found = mutants[module]
        picks = generator.sample(range(len(found)), min(per_module, len(found)))
        chosen += [found[index] for index in sorted(picks)]
    return chosen


# --- running the tests in a copy -------------------------------------------------------


def make_copy(commit: str, destination: Path, include: list[str]) -> None:
    """The files of ``commit`` at ``destination``, plus the working-tree files ``include``;
    a sibling ``shared`` links to the repository's (some tests read reference texts)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    for relative in include:
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, target)
    shared = ROOT.parent / "shared"
    if shared.is_dir() and not (destination.parent / "shared").exists():
        (destination.parent / "shared").symlink_to(shared)


def related(module: str, test: Path) -> bool:
    """Whether the test file is named after ``module`` (``use/export``:
    ``test_export_brat.py``) or imports it (``besa545.model.csvfile``, ``from
    besa545.check import plan``)."""
    dotted = ".".join(["besa545", *module.split("/")]).removesuffix(".__init__")
    package, _, name = dotted.rpartition(".")
    return name in test.stem.split("_")[1:] or re.search(
        rf"\b{re.escape(dotted)}\b|from {re.escape(package)} import [\w\s,(]*\b{name}\b",
        test.read_text(encoding="utf-8")) is not None


def test_files(copy_root: Path, module: str | None = None) -> list[str]:
    """The behaviour test files, in a fixed order: the ones that check most first, and for
    a mutant of ``module`` the ones related to it before those (and the
    :data:`ONLY_RELATED_TESTS` only if related); without a module, every one."""
    present = {path.name: path for path in (copy_root / "tests").glob("test_*.py")
               if path.name not in EXCLUDED_TESTS}
    middle = sorted(name for name in present if name not in FIRST_TESTS + LAST_TESTS)
    ordered = [present[name] for name in FIRST_TESTS + middle + LAST_TESTS if name in present]
    if module is not None:
        ordered = sorted((path for path in ordered if path.name not in ONLY_RELATED_TESTS
                          or related(module, path)), key=lambda path: not related(module, path))
    return [f"tests/{path.name}" for path in ordered]


def environment(copy_root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(copy_root / "src"), "CI": "true",
            "PYTHONDONTWRITEBYTECODE": "1"}


def imported_from(python: str, copy_root: Path) -> str:
    """Where ``besa545`` is imported from in the copy (it must be the copy's ``src``)."""
    return subprocess.run([python, "-c", "import besa545; print(besa545.__file__)"],
                          cwd=copy_root, env=environment(copy_root), capture_output=True,
                          text=True, check=True).stdout.strip()


def run_tests(python: str, copy_root: Path, timeout: float, module: str | None = None
              ) -> tuple[str, str]:
    """Run the behaviour tests for a mutant of ``module`` (every one without a module) in
    ``copy_root``: (status, first failure)."""
    command = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               f"--basetemp={copy_root.parent / 'pytest-tmp'}", *test_files(copy_root, module)]
    process = subprocess.Popen(command, cwd=copy_root, env=environment(copy_root),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return "timeout", f"no result in {timeout:.0f} s"
    failures = [line for line in output.splitlines()
                if line.startswith(("FAILED ", "ERROR "))]
    first = failures[0][:160] if failures else output.strip().splitlines()[-1][:160]
    if process.returncode == 0:
        return "survived", ""
    if process.returncode in (1, 2) or output.startswith("ImportError while loading conftest"):
        return "killed", first  # tests failed, or a test module or the conftest (pytest's
        # exit status 4) failed to import the mutated package
    return "error", f"pytest exited with {process.returncode}: {first}"


def run_mutant(mutant: Mutant, sources: dict[str, str], python: str, copies: queue.Queue[Path],
               timeout: float) -> Result:
    copy_root = copies.get()
    path = copy_root / SRC / f"{mutant.module}.py"
    started = time.monotonic()
    try:
        path.write_text(mutated_source(sources[mutant.module], mutant), encoding="utf-8")
        status, failed = run_tests(python, copy_root, timeout, mutant.module)
    finally:
        path.write_text(sources[mutant.module], encoding="utf-8")
        copies.put(copy_root)
    return Result(mutant, status, round(time.monotonic() - started, 1), failed)


# --- reporting -------------------------------------------------------------------------


def summary(results: list[Result]) -> str:
    lines = [f"{'module':<20}{'sampled':>9}{'killed':>8}{'survived':>10}{'errors':>8}"]
    for module in [*dict.fromkeys(result.mutant.module for result in results), "total"]:
        chosen = [result for result in results if module in (result.mutant.module, "total")]
        if not chosen:
            continue
        killed = sum(result.is_killed for result in chosen)
        survived = sum(result.status == "survived" for result in chosen)
        errors = sum(result.status == "error" for result in chosen)
        lines.append(f"{module:<20}{len(chosen):>9}{killed:>8}{survived:>10}{errors:>8}")
    survivors = [result.mutant for result in results if result.status == "survived"]
    lines.append(f"\nsurvivors ({len(survivors)}):")
    lines += [f"  {m.id:<22} {SRC}/{m.module}.py:{m.line} {m.operator}: {m.original!r} -> "
              f"{m.mutated!r}" for m in survivors]
    errors = [result for result in results if result.status == "error"]
    lines += [f"  error {result.mutant.id}: {result.failed}" for result in errors]
    return "\n".join(lines)


def save(path: Path, header: dict[str, object], results: list[Result]) -> None:
    """Write every result so far (after each mutant: a long run can be resumed)."""
    path.write_text(json.dumps({**header, "results": [
        {**asdict(result.mutant), "status": result.status, "seconds": result.seconds,
         "failed": result.failed} for result in results]}, indent=1), encoding="utf-8")


def load(path: Path, header: dict[str, object], every: dict[str, Mutant]) -> list[Result]:
    """The killed and surviving mutants recorded by an earlier run with the same commit,
    seed and files (timeouts and errors are run again)."""
    if not path.is_file():
        return []
    recorded = json.loads(path.read_text(encoding="utf-8"))
    if any(recorded.get(key) != value for key, value in header.items()):
        raise SystemExit(f"{path} records another run: {recorded.get('commit')}")
    return [Result(every[entry["id"]], entry["status"], entry["seconds"], entry["failed"])
            for entry in recorded["results"] if entry["status"] in ("killed", "survived")]


def run_all(chosen: list[Mutant], sources: dict[str, str], options: argparse.Namespace,
            commit: str, done: list[Result], record: Callable[[list[Result]], None]
            ) -> list[Result] | None:
    """Run ``chosen`` in copies of ``commit``, one copy per job; None if the unmutated
    copy fails its tests."""
    with tempfile.TemporaryDirectory(prefix="mutation-") as scratch:
        roots = [Path(scratch) / f"job{job}" / "main" for job in range(max(1, options.jobs))]
        copies: queue.Queue[Path] = queue.Queue()
        for copy_root in roots:
            make_copy(commit, copy_root, options.include)
            copies.put(copy_root)
        print(f"besa545 imported from {imported_from(options.python, roots[0])}")
        print("tests: " + " ".join(test_files(roots[0])), flush=True)
        if not options.no_baseline:
            status, failed = run_tests(options.python, roots[0], options.timeout * 2)
            if status != "survived":
                print(f"the unmutated copy fails its tests ({status}): {failed}")
                return None
            print("the unmutated copy passes", flush=True)
        results = list(done)
        finished = {result.mutant.id for result in done}
        with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            futures = [pool.submit(run_mutant, mutant, sources, options.python, copies,
                                   options.timeout)
                       for mutant in chosen if mutant.id not in finished]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                record(results)
                m = result.mutant
                print(f"{len(results):>4}/{len(chosen)} {m.id:<22} {result.status:<9} "
                      f"{result.seconds:>6.1f}s line {m.line} {m.operator}: {m.original!r} -> "
                      f"{m.mutated!r} {result.failed}", flush=True)
    order = {mutant.id: position for position, mutant in enumerate(chosen)}
    return sorted(results, key=lambda result: order[result.mutant.id])


def parse_options(arguments: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=545)
    parser.add_argument("--per-module", type=int, default=40)
    parser.add_argument("--ids", nargs="+", help="run only these mutants (module:index)")
    parser.add_argument("--commit", default="HEAD", help="the commit to copy and mutate")
    parser.add_argument("--include", nargs="+", default=[],
                        help="working-tree files to add to the copy (new test files)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds for one mutant's tests; then it counts as killed")
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    parser.add_argument("--json", type=Path, help="write every result to this file")
    parser.add_argument("--resume", action="store_true",
                        help="keep the killed and surviving mutants already in --json")
    parser.add_argument("--list", action="store_true", help="print the sample, run nothing")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the run of the unmutated copy")
    options = parser.parse_args(arguments)
    if options.resume and not options.json:
        parser.error("--resume needs --json")
    return options


def main(arguments: list[str] | None = None) -> int:
    options = parse_options(arguments)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", options.commit],
                            capture_output=True, text=True, check=True).stdout.strip()
    sources = find_modules(commit)
    mutants = {module: enumerate_mutants(module, source) for module, source in sources.items()}
    for module, source in sources.items():
        check_splicing(module, source)
    every = {mutant.id: mutant for found in mutants.values() for mutant in found}
    unknown = [name for name in options.ids or [] if name not in every]
    if unknown:
        raise SystemExit(f"unknown mutant ids: {', '.join(unknown)}")
    chosen = ([every[name] for name in options.ids] if options.ids
              else sample(mutants, options.seed, options.per_module))
    print(f"commit {commit}; seed {options.seed}; {options.per_module} per module; "
          + ", ".join(f"{module} {len(found)} mutants" for module, found in mutants.items()))
    if options.list:
        for mutant in chosen:
            print(f"{mutant.id:<22} {SRC}/{mutant.module}.py:{mutant.line} {mutant.operator}: "
                  f"{mutant.original!r} -> {mutant.mutated!r}")
        return 0
    header: dict[str, object] = {"commit": commit, "seed": options.seed,
                                 "per_module": options.per_module, "ids": options.ids,
                                 "include": options.include}
    wanted = {mutant.id for mutant in chosen}
    done = [result for result in load(options.json, header, every)
            if result.mutant.id in wanted] if options.resume else []
    results = run_all(chosen, sources, options, commit, done,
                      lambda so_far: save(options.json, header, so_far) if options.json
                      else None)
    if results is None:
        return 1
    print()
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
