"""The validator's entry point: it runs :data:`~besa545.check.plan.PLAN`, in order.

:func:`validate` runs the plan on a daemon thread of its own while the calling thread
waits, so that neither an interrupt nor a spent time budget waits for a long task to
end. Whatever happens inside a task, the run goes on: a task that raises becomes a
``validator-crash`` problem naming it, and the tasks that needed its value are skipped
(their input's problems say why). A run that ends with no problem but skipped a task
says so, as a problem: the validator never reports ok for something it did not check.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from besa545.check.plan import CHECKS, GIVEN, PLAN, REPORT_RULES, SPEC, Task
from besa545.model.package import DERIVED_TABLES, Package
from besa545.model.paths import DESCRIPTOR, package_path
from besa545.model.problems import Outcome, Problem, Report, quote


class ExtraMissing(ImportError):
    """The libraries validation needs (the ``validate`` extra) are missing or too old."""


def needs_the_validate_extra(what: str) -> None:
    """Raise :class:`ExtraMissing`, in one line that says what to install, when
    frictionless, pandera, jsonschema or pandas 3 is missing (reading needs none of them)."""
    import importlib.util

    import pandas as pd

    from besa545.model.fieldtypes import pandas_3

    missing = [name for name in ("frictionless", "pandera", "jsonschema")
               if importlib.util.find_spec(name) is None]
    if not pandas_3():
        missing.append(f"pandas 3 (this is pandas {pd.__version__})")
    if missing:
        raise ExtraMissing(f"{what} needs {', '.join(missing)}; install them with pip "
                           "install 'besa545[validate]' (reading the tables needs only pandas "
                           "and pyarrow)")


def validate(path: str | Path | None = None, *, spec: bool = True,
             time_budget: float | None = None) -> Report:
    """Check the package at ``path`` (a directory or its ``datapackage.json``).

    With no path, the installed or checked-out package is checked. ``spec=False`` skips
    the ``frictionless validate`` layer, the slowest, for very large packages. With a
    ``time_budget`` in seconds, the run returns once it is spent, even in the middle of a
    task: the problems found so far and a ``validator-timeout`` naming every task that had
    not finished (one cut off finishes on its own thread, is discarded, and no task starts
    after it). Never raises for bad input and never writes: every finding is a problem in
    the report.

    The run happens on a daemon thread while this thread waits for it, so that an
    interrupt (``KeyboardInterrupt``) is raised here at once and never waits for a task.
    Raises :class:`ExtraMissing` when the ``validate`` extra is not installed.
    """
    needs_the_validate_extra("besa545 validate")
    root = _root(path)
    if isinstance(root, Problem):
        return Report([root])
    deadline = None if time_budget is None else time.monotonic() + time_budget
    progress = Progress(time_budget, spec)
    runner = threading.Thread(target=_run_whole, args=(root, spec, deadline, progress),
                              name="besa545-validate", daemon=True)
    runner.start()
    while runner.is_alive():  # joined in slices: an interrupt is taken at once
        wait = WAIT if deadline is None else min(WAIT, deadline - time.monotonic())
        if wait <= 0:
            if progress.waiting():  # a task had not finished: the budget cut the run off
                return progress.cut_off()
            while runner.is_alive():  # every task had finished: only the report is left,
                runner.join(WAIT)  # linear in the problems found (under load, > WAIT)
            break
        runner.join(wait)
    if progress.report is None:  # the run itself broke down: never a silent ok
        return Report([*progress.problems, Problem(
            DESCRIPTOR, None, None, "validator-crash",
            f"the validator stopped: {progress.failure}")])
    return progress.report


WAIT = 0.2  # seconds between two looks at the run (and at the time budget)


class Progress:
    """What a run has found and which tasks it has finished, written by the run's threads
    and read by the caller, who may stop waiting before the run ends."""

    def __init__(self, time_budget: float | None, spec: bool = False) -> None:
        self.time_budget = time_budget
        self.tasks = [*PLAN, SPEC] if spec else list(PLAN)
        self.problems: list[Problem] = []
        self.finished: set[str] = set()  # tasks run, or skipped for want of an input
        self.report: Report | None = None
        self.failure = "no reason given"
        self.stopped = threading.Event()  # set once the caller stops waiting

    def cut_off(self) -> Report:
        """The report of a run stopped because its time budget was spent: what was found
        (with the same problems left out as in a whole report) and what did not finish.
        No task starts after this; one already running ends on its own thread."""
        self.stopped.set()
        waiting = self.waiting()
        what = (f"before: {', '.join(waiting)}" if waiting
                else "while the report was being assembled")
        return Report([*kept(list(self.problems)), Problem(
            DESCRIPTOR, None, None, "validator-timeout",
            f"the time budget of {self.time_budget} s ran out {what}")])

    def waiting(self) -> list[str]:
        """The tasks that have not finished, in order."""
        return [task.name for task in self.tasks if task.name not in self.finished]

    def late(self, deadline: float | None) -> bool:
        """Whether no further task may start: the budget is spent or the caller left."""
        return self.stopped.is_set() or _late(deadline)


def kept(problems: list[Problem]) -> list[Problem]:
    """``problems`` without those the report rules leave out (each reported otherwise), and
    each once: two checks may find the same fault (a Parquet copy that cannot be opened is
    found by the hash check and by the comparison)."""
    left_out = set().union(*(rule(problems) for rule in REPORT_RULES))
    return [problem for problem in dict.fromkeys(problems) if problem not in left_out]


def _run_whole(root: Path, spec: bool, deadline: float | None, progress: Progress) -> None:
    """The whole run, on its own thread; its report is left in ``progress``."""
    try:
        progress.report = _report(root, spec, deadline, progress)
    except BaseException as error:  # the caller reports it; a thread has no one to raise to
        progress.failure = f"{type(error).__name__}: {error}"


def _report(root: Path, spec: bool, deadline: float | None, progress: Progress) -> Report:
    values: dict[str, Any] = {"root": root}
    skipped = _run(PLAN, values, keep=set(SPEC.needs), deadline=deadline, progress=progress)
    if progress.late(deadline) and not progress.finished >= {task.name for task in PLAN}:
        return progress.cut_off()
    problems = kept(progress.problems)
    if not problems and skipped:
        in_order = [task.name for task in PLAN if task.name in skipped]
        problems.append(Problem(DESCRIPTOR, None, None, "validator-crash",
                                f"these checks could not run: {', '.join(in_order)}"))
    if spec and not problems:
        if progress.late(deadline):
            return progress.cut_off()
        problems += _run_task(SPEC, values).problems
    progress.finished.add(SPEC.name)  # run, or not needed on a package with problems
    return Report(problems)


def check_package(package: Package) -> list[Problem]:
    """Every registered check that a complete package in memory can answer, serially.

    The build runs this on what it is about to write (there are no files yet to hash or
    compare, so the checks of files are not among them).
    """
    edited = {name: table for name, table in package.tables.items()
              if name not in DERIVED_TABLES}
    values: dict[str, Any] = {"package": package, "rebuilt": package, "schemas": package.schemas,
                              "edited_tables": edited}
    runnable = [task for task in CHECKS if task is not SPEC and all(
        need in values for need in task.required)]
    progress = Progress(None)
    _run(runnable, values, keep=set(values), deadline=None, progress=progress)
    return kept(progress.problems)


def _run(tasks: Iterable[Task], values: dict[str, Any], keep: set[str],
         deadline: float | None, progress: Progress) -> list[str]:
    """Run every task in order, recording what they find in ``progress``; the names of the
    tasks skipped because a value they need is missing. No task starts once the run is
    late (the caller reports the cut-off)."""
    tasks = list(tasks)
    consumers = _consumers(tasks, keep)
    skipped: list[str] = []
    for task in tasks:
        if progress.late(deadline):
            break
        if not _ready(task, values):
            skipped.append(task.name)
        else:
            _record(task, _run_task(task, values), values, progress.problems)
        progress.finished.add(task.name)
        _release(task, values, consumers)
    return skipped


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _ready(task: Task, values: dict[str, Any]) -> bool:
    return all(values.get(need) is not None for need in task.required)


def _run_task(task: Task, values: dict[str, Any]) -> Outcome[Any]:
    inputs = {need: values[need] for need in task.needs if values.get(need) is not None}
    return _call(task, inputs)


def _call(task: Task, inputs: dict[str, Any]) -> Outcome[Any]:
    """Run one task; a crash inside it is a problem naming it, not a traceback."""
    try:
        result = task.run(**inputs)
    except Exception as error:  # the validator must never crash on input
        kind = "step" if task.is_step else "check"
        return Outcome(None, [Problem(
            DESCRIPTOR, None, None, "validator-crash",
            f"the {task.name} {kind} failed on this input: {type(error).__name__}: {error}")])
    return result if task.is_step else Outcome(None, list(result))


def _record(task: Task, outcome: Outcome[Any], values: dict[str, Any],
            problems: list[Problem]) -> None:
    problems += outcome.problems
    if task.is_step:
        values[task.name] = outcome.value


def _consumers(tasks: list[Task], keep: set[str]) -> dict[str, int]:
    """How many tasks still need each value; values in ``keep`` are never released."""
    counts: dict[str, int] = {}
    for task in tasks:
        for need in task.needs:
            if need not in keep and need not in GIVEN:
                counts[need] = counts.get(need, 0) + 1
    return counts


def _release(task: Task, values: dict[str, Any], consumers: dict[str, int]) -> None:
    """Forget the values that no later task needs: the derived tables are large."""
    for need in task.needs:
        if need in consumers:
            consumers[need] -= 1
            if consumers[need] == 0:
                values.pop(need, None)


def _root(path: object) -> Path | Problem:
    """The package directory that ``path`` names, or the problem with it."""
    if path is None:
        return package_path()
    if not isinstance(path, str | Path):
        return Problem(DESCRIPTOR, None, None, "descriptor-missing",
                       f"validate() takes a directory or a path to {DESCRIPTOR}, not "
                       f"{type(path).__name__}")
    path = Path(path)
    if path.is_dir():
        return path
    if path.name == DESCRIPTOR:
        return path.parent
    what = "is a file" if path.exists() else "does not exist"
    return Problem(DESCRIPTOR, None, None, "descriptor-missing",
                   f"{quote(str(path), 200)} {what}; pass a package directory or its "
                   f"{DESCRIPTOR}")
