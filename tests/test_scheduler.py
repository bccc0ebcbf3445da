"""The scheduler: the plan runs in order, a crash or a spent time budget is a problem, and
nothing is dropped silently."""

from __future__ import annotations

import _thread
import dataclasses
import signal
import subprocess
import sys
import threading
import types

import pytest

from besa545.check import plan, scheduler
from besa545.check.scheduler import validate
from besa545.model.problems import Outcome
from helpers import copy_package, reseal, set_cell


def test_the_plan_names_each_value_before_it_is_needed():
    known = set(plan.GIVEN)
    for task in plan.PLAN:
        assert set(task.required) <= known, (task.name, set(task.required) - known)
        if task.is_step:
            known.add(task.name)


def _crashing(task: plan.Task) -> plan.Task:
    def explode(**_: object) -> list[object]:
        raise RuntimeError("boom")

    return dataclasses.replace(task, run=explode)


@pytest.mark.parametrize("crashing", ["foreign_keys", "edited_columns"])
def test_a_crashing_check_is_a_located_problem_and_the_others_run(monkeypatch, tmp_path,
                                                                    crashing):
    root = copy_package(tmp_path / "package")
    set_cell("event_participants", "warmbier-death", "role", "victim")(root)
    set_cell("events", "mar-a-lago-agreement", "date_basis", "")(root)
    reseal(root)
    tasks = tuple(_crashing(task) if task.name == crashing else task for task in plan.PLAN)
    monkeypatch.setattr(scheduler, "PLAN", tasks)
    report = validate(root, spec=False)
    crash = [problem for problem in report.problems if problem.code == "validator-crash"]
    assert [(problem.file, problem.message) for problem in crash] == [
        ("datapackage.json",
         f"the {crashing} check failed on this input: RuntimeError: boom")]
    # the other checks still ran: the date rule (content) and, unless it is the one that
    # crashed, the enum of an edited table (event_participants)
    codes = set(report.codes())
    assert "date-basis" in codes
    assert ("enum" in codes) == (crashing != "edited_columns")


def test_a_crashing_step_skips_what_needs_it_but_never_reports_ok(monkeypatch, tmp_path):
    root = copy_package(tmp_path / "package")
    tasks = tuple(_crashing(task) if task.name == "derived_fresh" else task
                  for task in plan.PLAN)
    monkeypatch.setattr(scheduler, "PLAN", tasks)
    report = validate(root, spec=False)
    assert report.codes() == ["validator-crash"]
    assert "the derived_fresh step failed" in report.problems[0].message


def test_a_task_that_cannot_run_is_a_problem_when_nothing_else_explains_it(monkeypatch):
    """A step that gives no value and no problem would let later checks be skipped in
    silence; the run then says which checks did not run."""
    def silent(**_: object) -> Outcome[object]:
        return Outcome(None, [])

    tasks = tuple(dataclasses.replace(task, run=silent) if task.name == "package" else task
                  for task in plan.PLAN)
    monkeypatch.setattr(scheduler, "PLAN", tasks)
    report = validate(spec=False)
    assert report.codes() == ["validator-crash"]
    assert report.problems[0].message == (
        "these checks could not run: parquet, derived_fresh, derived_columns, foreign_keys, "
        "case_duplicates, offsets, subject_evidence, dates, cells")


def test_a_spent_time_budget_is_reported_never_ok():
    report = validate(spec=True, time_budget=0)
    assert report.codes() == ["validator-timeout"]
    unstarted = [task.name for task in plan.PLAN] + ["spec"]
    assert report.problems[0].message == (
        f"the time budget of 0 s ran out before: {', '.join(unstarted)}")


def _blocking(task: plan.Task, release: threading.Event, started: threading.Event
              ) -> plan.Task:
    """``task``, made to wait until ``release`` is set: a task that never ends on its own."""
    run = task.run

    def wait_then_run(**inputs: object) -> object:
        started.set()
        release.wait(timeout=600)  # a guard: the test sets it long before
        return run(**inputs)

    return dataclasses.replace(task, run=wait_then_run)


@pytest.mark.parametrize("blocked", ["edited_columns", "foreign_keys"])
def test_a_time_budget_stops_the_run_in_the_middle_of_a_task(monkeypatch, tmp_path, blocked):
    """The budget does not wait for a running task to end (this one would never end): the
    run returns with what it found so far and names every task that had not finished."""
    root = copy_package(tmp_path / "package")
    set_cell("events", "mar-a-lago-agreement", "date_basis", "")(root)
    (root / ".besa545-build-journal.json").write_text("[]", encoding="utf-8")
    reseal(root)
    release, started = threading.Event(), threading.Event()
    tasks = tuple(_blocking(task, release, started) if task.name == blocked else task
                  for task in plan.PLAN)
    monkeypatch.setattr(scheduler, "PLAN", tasks)
    # the clock stands still until the blocked task starts, then jumps past the budget
    clock = types.SimpleNamespace(monotonic=lambda: 1000.0 if started.is_set() else 0.0)
    monkeypatch.setattr(scheduler, "time", clock)
    try:
        report = validate(root, spec=False, time_budget=5)
    finally:
        release.set()
    assert started.is_set()
    names = [task.name for task in plan.PLAN]
    timeout = report.problems[-1]
    assert timeout.code == "validator-timeout"
    waiting = timeout.message.removeprefix("the time budget of 5 s ran out before: ")
    assert waiting.split(", ") == names[names.index(blocked):]  # it and every one after
    # a problem found before the budget ran out is kept (the first check's)
    assert "build-interrupted" in report.codes()


def _cut_off_while(monkeypatch, blocked: str, root, *, spec: bool,
                   ran: list[str] | None = None, after: str | None = None):
    """The report of a run whose time budget runs out while ``blocked`` runs (once the
    task ``after`` has ended, if given), with every task that started recorded in ``ran``;
    the run's threads have ended when it returns."""
    release, started, ended = threading.Event(), threading.Event(), threading.Event()

    def recorded(task: plan.Task) -> plan.Task:
        run = task.run

        def recording(**inputs: object) -> object:
            if ran is not None:
                ran.append(task.name)
            try:
                return run(**inputs)
            finally:
                if task.name == after:
                    ended.set()
        return dataclasses.replace(task, run=recording)

    def blocking(task: plan.Task) -> plan.Task:
        run = _blocking(task, release, started).run

        def in_turn(**inputs: object) -> object:
            if after is not None:
                ended.wait(timeout=600)
            return run(**inputs)
        return dataclasses.replace(task, run=in_turn)

    monkeypatch.setattr(scheduler, "PLAN", tuple(
        blocking(task) if task.name == blocked else recorded(task) for task in plan.PLAN))
    if blocked == "spec":
        monkeypatch.setattr(scheduler, "SPEC", _blocking(plan.SPEC, release, started))
    clock = types.SimpleNamespace(monotonic=lambda: 1000.0 if started.is_set() else 0.0)
    monkeypatch.setattr(scheduler, "time", clock)
    before = set(threading.enumerate())
    try:
        report = validate(root, spec=spec, time_budget=5)
    finally:
        release.set()
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=60)
    return report


def test_a_budget_spent_once_every_task_has_finished_cuts_nothing_off(monkeypatch):
    """Once the last task has ended, the run has found all it will: a budget that runs out
    while the report is assembled still gives the whole report, not a timeout."""
    ended = threading.Event()
    last = plan.PLAN[-1]

    def run_then_end(**inputs: object) -> object:
        try:
            return last.run(**inputs)
        finally:
            ended.set()

    monkeypatch.setattr(scheduler, "PLAN", (*plan.PLAN[:-1],
                                            dataclasses.replace(last, run=run_then_end)))
    # past the budget after the last task, for the run's thread only: the caller, which
    # would wait a moment more for the report, keeps waiting, so the test has no race
    clock = types.SimpleNamespace(monotonic=lambda: 1000.0 if ended.is_set() and (
        threading.current_thread().name == "besa545-validate") else 0.0)
    monkeypatch.setattr(scheduler, "time", clock)
    report = validate(spec=False, time_budget=5)
    assert report.codes() == []


def test_a_budget_spent_during_the_frictionless_layer_names_it(monkeypatch):
    report = _cut_off_while(monkeypatch, "spec", None, spec=True)
    assert [(p.code, p.message) for p in report.problems] == [
        ("validator-timeout", "the time budget of 5 s ran out before: spec")]


def test_no_task_starts_after_the_run_is_cut_off(monkeypatch, tmp_path):
    """Once the caller has left, the run's thread starts nothing more: the tasks after the
    one running at the cut-off never start."""
    ran: list[str] = []
    report = _cut_off_while(monkeypatch, "hashes", copy_package(tmp_path / "package"),
                            spec=False, ran=ran)
    names = [task.name for task in plan.PLAN]
    assert report.codes()[-1] == "validator-timeout"
    assert ran == names[:names.index("hashes")]
    assert "hashes" in report.problems[-1].message


def test_a_cut_off_report_leaves_out_what_a_whole_report_leaves_out(monkeypatch, tmp_path):
    """A broken cell makes its Parquet copy differ too; a whole report names the cell only,
    and so does a report cut off later in the run."""
    root = copy_package(tmp_path / "package")
    set_cell("events", "mar-a-lago-agreement", "date_start", "2017-13-01")(root)
    reseal(root)
    whole = validate(root, spec=False)
    assert "parquet-stale" not in whole.codes() and "type-date" in whole.codes()
    report = _cut_off_while(monkeypatch, "cells", root, spec=False,
                            after="parquet")
    assert report.codes()[-1] == "validator-timeout"
    assert "type-date" in report.codes() and "parquet-stale" not in report.codes()


def test_an_interrupt_returns_at_once_and_leaves_no_thread_that_holds_the_process(
        monkeypatch):
    # Ctrl-C as a terminal delivers it, even where this process was started with SIGINT
    # ignored (a background job of a shell), in which case interrupt_main does nothing
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    monkeypatch.setattr(scheduler, "WAIT", 0.05)
    release, started = threading.Event(), threading.Event()
    tasks = tuple(_blocking(task, release, started) if task.name == "edited_columns" else task
                  for task in plan.PLAN)
    monkeypatch.setattr(scheduler, "PLAN", tasks)
    threading.Thread(target=lambda: started.wait() and _thread.interrupt_main()).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            validate(spec=False)
        assert not release.is_set()  # the blocked task is still running ...
        ours = [thread for thread in threading.enumerate()
                if thread.name.startswith("besa545")]
        assert ours and all(thread.daemon for thread in ours)  # ... on daemon threads
    finally:
        release.set()
        signal.signal(signal.SIGINT, previous)


def test_an_interrupted_validate_command_exits_130_without_waiting(tmp_path):
    """As a process: Ctrl-C while a task runs ends it with the usual status at once."""
    script = tmp_path / "interrupted.py"
    script.write_text(
        "import dataclasses, os, signal, threading, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignored\n"
        "from besa545.check import plan, scheduler\n"
        "from besa545.cli import main\n"
        "never = threading.Event()\n"
        "def stuck(**_):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    never.wait()\n"
        "scheduler.PLAN = tuple(dataclasses.replace(t, run=stuck) if t.name == 'parquet'"
        " else t for t in plan.PLAN)\n"
        "sys.exit(main(['validate', '--no-spec']))\n", encoding="utf-8")
    finished = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=300)  # a guard against a hang, not a speed target
    assert finished.returncode == 130, finished.stderr
    assert "Traceback" not in finished.stderr


def test_validate_names_what_is_wrong_with_its_argument(tmp_path):
    """``validate()`` given something that is not a package is one located problem, never
    a traceback: a wrong type, a path that does not exist, a file that is not the
    descriptor."""
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    missing = tmp_path / "nowhere"
    assert [(p.file, p.code, p.message) for p in validate(42).problems] == [
        ("datapackage.json", "descriptor-missing",
         "validate() takes a directory or a path to datapackage.json, not int")]
    for path, what in ((missing, "does not exist"), (other, "is a file")):
        assert [(p.file, p.code, p.message) for p in validate(path).problems] == [
            ("datapackage.json", "descriptor-missing",
             f"{str(path)!r} {what}; pass a package directory or its datapackage.json")]


def test_a_budget_spent_once_every_task_has_run_gives_the_whole_report(monkeypatch):
    """The clock passes the budget while the report is assembled (every task done): the
    caller waits for that report rather than cutting off a finished run."""
    assembling = threading.Event()

    def slow_rule(problems: list) -> set:
        assembling.set()
        threading.Event().wait(0.05)
        return set()

    monkeypatch.setattr(scheduler, "REPORT_RULES", (*plan.REPORT_RULES, slow_rule))
    clock = types.SimpleNamespace(monotonic=lambda: 1000.0 if assembling.is_set() else 0.0)
    monkeypatch.setattr(scheduler, "time", clock)
    report = validate(spec=False, time_budget=5)
    assert report.to_text() == "ok: no problems found"
