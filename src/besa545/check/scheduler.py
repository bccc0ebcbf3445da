"""The validator's entry point and the one place that knows about threads.

:func:`validate` runs :data:`~besa545.check.plan.PLAN` on a daemon thread of its own
while the calling thread waits, so that neither an interrupt nor a spent time budget
waits for a long task to end. With ``workers=0`` every task runs in order on that
thread: the simple version, and the reference. With
``workers=1`` (the default) the tasks in :data:`BACKGROUND`, which spend their time in
C code that releases the GIL (hashing, Arrow's CSV parser, pandera's vectorised column
checks, the Parquet comparison), run on one background thread while this thread reads
the papers and derives the texts in Python. On the million-row benchmark
(``docs/benchmarks.md``) the overlap makes a run 1.1x to 1.2x faster than the serial twin
on an idle machine (11.0x faster than ``frictionless validate`` on 2026-12-01). Problems
are sorted when reported, so which thread found one does not show:
``tests/test_scheduler.py`` holds the two modes to identical reports.

Whatever happens inside a task, the run goes on: a task that raises becomes a
``validator-crash`` problem naming it, and the tasks that needed its value are skipped
(their input's problems say why). A run that ends with no problem but skipped a task
says so, as a problem: the validator never reports ok for something it did not check.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from besa545.check.plan import CHECKS, GIVEN, PLAN, REPORT_RULES, SPEC, Task
from besa545.model.package import DERIVED_TABLES, TEXT_INPUTS, Package
from besa545.model.paths import DESCRIPTOR, package_path
from besa545.model.problems import Outcome, Problem, Report, quote

# Tasks that run on the background thread when there is one (see the module docstring).
BACKGROUND = frozenset({"hashes", "early_tables", "early_columns", "parquet"})
T = TypeVar("T")


def validate(path: str | Path | None = None, *, spec: bool = True, workers: int = 1,
             time_budget: float | None = None) -> Report:
    """Check the package at ``path`` (a directory or its ``datapackage.json``).

    With no path, the installed or checked-out package is checked. ``spec=False`` skips
    the ``frictionless validate`` layer, the slowest, for very large packages.
    ``workers=0`` runs every check serially; ``1`` (default) overlaps the C-heavy ones on
    a background thread. With a ``time_budget`` in seconds, the run returns once it is
    spent, even in the middle of a task: the problems found so far and a
    ``validator-timeout`` naming every task that had not finished (one cut off finishes
    on its own thread, is discarded, and no task starts after it). Never raises for bad
    input and never writes: every finding is a problem in the report.

    The run happens on daemon threads while this thread waits for it, so that an
    interrupt (``KeyboardInterrupt``) is raised here at once and never waits for a task.
    """
    root = _root(path)
    if isinstance(root, Problem):
        return Report([root])
    deadline = None if time_budget is None else time.monotonic() + time_budget
    progress = Progress(time_budget, spec)
    runner = threading.Thread(target=_run_whole, args=(root, spec, workers, deadline, progress),
                              name="besa545-validate", daemon=True)
    runner.start()
    while runner.is_alive():  # joined in slices: an interrupt is taken at once
        wait = WAIT if deadline is None else min(WAIT, deadline - time.monotonic())
        if wait <= 0:
            return progress.cut_off()
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
        waiting = [task.name for task in self.tasks if task.name not in self.finished]
        return Report([*kept(list(self.problems)), Problem(
            DESCRIPTOR, None, None, "validator-timeout",
            f"the time budget of {self.time_budget} s ran out before: {', '.join(waiting)}")])

    def late(self, deadline: float | None) -> bool:
        """Whether no further task may start: the budget is spent or the caller left."""
        return self.stopped.is_set() or _late(deadline)


def kept(problems: list[Problem]) -> list[Problem]:
    """``problems`` without those the report rules leave out (each reported otherwise), and
    each once: two checks may find the same fault (a Parquet copy that cannot be opened is
    found by the hash check and by the comparison)."""
    left_out = set().union(*(rule(problems) for rule in REPORT_RULES))
    return [problem for problem in dict.fromkeys(problems) if problem not in left_out]


def _run_whole(root: Path, spec: bool, workers: int, deadline: float | None,
               progress: Progress) -> None:
    """The whole run, on its own thread; its report is left in ``progress``."""
    try:
        progress.report = _report(root, spec, workers, deadline, progress)
    except BaseException as error:  # the caller reports it; a thread has no one to raise to
        progress.failure = f"{type(error).__name__}: {error}"


def _report(root: Path, spec: bool, workers: int, deadline: float | None,
            progress: Progress) -> Report:
    values: dict[str, Any] = {"root": root}
    run = _run_threaded if workers > 0 else _run_serial
    skipped = run(PLAN, values, keep=set(SPEC.needs), deadline=deadline, progress=progress)
    if any(name.startswith(LATE) for name in skipped):
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
        progress.finished.add(SPEC.name)
    return Report(problems)


def check_package(package: Package) -> list[Problem]:
    """Every registered check that a complete package in memory can answer, serially.

    The build runs this on what it is about to write (there are no files yet to hash or
    compare, so the checks of files are not among them).
    """
    early = {name: table for name, table in package.tables.items()
             if name not in TEXT_INPUTS and name not in DERIVED_TABLES}
    values: dict[str, Any] = {"package": package, "rebuilt": package, "schemas": package.schemas,
                              "early_tables": early}
    runnable = [task for task in CHECKS if task is not SPEC and all(
        need in values for need in task.required)]
    progress = Progress(None)
    _run_serial(runnable, values, keep=set(values), deadline=None, progress=progress)
    return progress.problems


def _run_serial(tasks: Iterable[Task], values: dict[str, Any], keep: set[str],
                deadline: float | None, progress: Progress) -> list[str]:
    """Run every task in order on this thread, recording what they find in ``progress``;
    the tasks skipped (named ``LATE + name`` when the deadline had passed)."""
    tasks = list(tasks)
    consumers = _consumers(tasks, keep)
    skipped: list[str] = []
    for task in tasks:
        if progress.late(deadline):
            skipped.append(LATE + task.name)
            continue
        if not _ready(task, values):
            skipped.append(task.name)
        else:
            _record(task, _run_task(task, values), values, progress.problems)
        progress.finished.add(task.name)
        _release(task, values, consumers)
    return skipped


def _run_threaded(tasks: Iterable[Task], values: dict[str, Any], keep: set[str],
                  deadline: float | None, progress: Progress) -> list[str]:
    """Like :func:`_run_serial`, with the :data:`BACKGROUND` tasks on one worker thread.

    The worker takes tasks in the order they are submitted, so a background task whose
    input is another background task's value finds it finished. This thread waits for a
    background value only when a task of its own needs it.
    """
    tasks = list(tasks)
    consumers = _consumers(tasks, keep)
    skipped: list[str] = []
    running: dict[str, tuple[Task, Future[Outcome[Any] | None]]] = {}
    worker = _Worker()

    def collect(name: str) -> None:
        task, future = running.pop(name)
        outcome = future.result()
        if outcome is LATE_OUTCOME:
            skipped.append(LATE + task.name)
            return
        if outcome is None:
            skipped.append(task.name)
        elif task.is_step:  # its problems were recorded on the worker, as it finished
            values[task.name] = outcome.value
        progress.finished.add(task.name)
        _release(task, values, consumers)

    try:
        for task in tasks:
            if progress.late(deadline):
                skipped.append(LATE + task.name)
                continue
            if task.name in BACKGROUND:
                inputs = {need: values[need] for need in task.needs if need in values}
                waits_for = {need: running[need][1] for need in task.needs if need in running}
                running[task.name] = (task, worker.submit(
                    _run_after, task, inputs, waits_for, partial(progress.late, deadline),
                    progress.problems))
                continue
            for need in task.needs:
                if need in running:
                    collect(need)
            if not _ready(task, values):
                skipped.append(task.name)
            else:
                _record(task, _run_task(task, values), values, progress.problems)
            progress.finished.add(task.name)
            _release(task, values, consumers)
        for name in list(running):
            collect(name)
    finally:
        worker.stop()
    return skipped


class _Worker:
    """One daemon thread that runs what it is given in order (a thread pool's worker
    would be joined when the interpreter exits, holding up an interrupted run)."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = (
            queue.SimpleQueue())
        threading.Thread(target=self._work, name="besa545-background", daemon=True).start()

    def submit(self, function: Callable[..., T], *arguments: Any) -> Future[T]:
        future: Future[T] = Future()
        self.queue.put((partial(function, *arguments), future))
        return future

    def stop(self) -> None:
        """Let the thread end once the work already given is done."""
        self.queue.put(None)

    def _work(self) -> None:
        while (item := self.queue.get()) is not None:
            call, future = item
            try:
                future.set_result(call())
            except BaseException as error:  # handed to whoever waits for the result
                future.set_exception(error)


def _run_after(task: Task, inputs: dict[str, Any],
               waits_for: dict[str, Future[Outcome[Any] | None]],
               late: Callable[[], bool], problems: list[Problem]) -> Outcome[Any] | None:
    """On the worker: the task, given the values it needs from earlier background tasks
    (already finished: they were earlier in the worker's queue), its problems added to
    ``problems`` as soon as it ends (a run cut off later still reports them). None: it
    was not ready; :data:`LATE_OUTCOME`: the run was cut off before it could start."""
    if late():
        return LATE_OUTCOME
    ready = {name: value for name, value in inputs.items() if value is not None}
    for need, future in waits_for.items():
        outcome = future.result()
        if outcome is LATE_OUTCOME:
            return LATE_OUTCOME
        if outcome is not None and outcome.value is not None:
            ready[need] = outcome.value
    if any(need not in ready for need in task.required):
        return None
    outcome = _call(task, ready)
    problems += outcome.problems
    return outcome


LATE = "late:"  # marks a task skipped because the time budget was spent
LATE_OUTCOME: Outcome[Any] = Outcome(None, [])  # a background task that never started


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
