"""The scheduler: the threaded run equals its serial twin, and nothing is dropped silently.

(Every fault case of ``test_validate_faults.py`` also compares the two modes.)
"""

from __future__ import annotations

import dataclasses

import pytest

from besa545.check import plan, scheduler
from besa545.check.scheduler import validate
from besa545.model.problems import Outcome
from helpers import copy_package, reseal, set_cell


@pytest.mark.parametrize("spec", [False, True])
def test_serial_and_threaded_agree_on_the_real_package(spec):
    threaded, serial = validate(spec=spec), validate(spec=spec, workers=0)
    assert threaded.to_json() == serial.to_json()
    assert threaded.ok


def test_the_plan_names_each_value_before_it_is_needed():
    known = set(plan.GIVEN)
    for task in plan.PLAN:
        assert set(task.required) <= known, (task.name, set(task.required) - known)
        if task.is_step:
            known.add(task.name)
    assert {task.name for task in plan.PLAN} >= scheduler.BACKGROUND


def _crashing(task: plan.Task) -> plan.Task:
    def explode(**_: object) -> list[object]:
        raise RuntimeError("boom")

    return dataclasses.replace(task, run=explode)


@pytest.mark.parametrize("workers", [0, 1])
@pytest.mark.parametrize("crashing", ["foreign_keys", "early_columns"])
def test_a_crashing_check_is_a_located_problem_and_the_others_run(monkeypatch, tmp_path,
                                                                    workers, crashing):
    root = copy_package(tmp_path / "package")
    set_cell("event_participants", "warmbier-death", "role", "victim")(root)
    set_cell("events", "mar-a-lago-agreement", "date_basis", "")(root)
    reseal(root)
    tasks = tuple(_crashing(task) if task.name == crashing else task for task in plan.PLAN)
    monkeypatch.setattr(scheduler, "PLAN", tasks)
    report = validate(root, spec=False, workers=workers)
    crash = [problem for problem in report.problems if problem.code == "validator-crash"]
    assert [(problem.file, problem.message) for problem in crash] == [
        ("datapackage.json",
         f"the {crashing} check failed on this input: RuntimeError: boom")]
    # the other checks still ran: the date rule (content) and, unless it is the one that
    # crashed, the enum of a table read early (event_participants)
    codes = set(report.codes())
    assert "date-basis" in codes
    assert ("enum" in codes) == (crashing != "early_columns")


@pytest.mark.parametrize("workers", [0, 1])
def test_a_crashing_step_skips_what_needs_it_but_never_reports_ok(monkeypatch, tmp_path,
                                                                    workers):
    root = copy_package(tmp_path / "package")
    tasks = tuple(_crashing(task) if task.name == "settled" else task for task in plan.PLAN)
    monkeypatch.setattr(scheduler, "PLAN", tasks)
    report = validate(root, spec=False, workers=workers)
    assert report.codes() == ["validator-crash"]
    assert "the settled step failed" in report.problems[0].message


@pytest.mark.parametrize("workers", [0, 1])
def test_a_task_that_cannot_run_is_a_problem_when_nothing_else_explains_it(monkeypatch,
                                                                           workers):
    """A step that gives no value and no problem would let later checks be skipped in
    silence; the run then says which checks did not run."""
    def silent(**_: object) -> Outcome[object]:
        return Outcome(None, [])

    tasks = tuple(dataclasses.replace(task, run=silent) if task.name == "package" else task
                  for task in plan.PLAN)
    monkeypatch.setattr(scheduler, "PLAN", tasks)
    report = validate(spec=False, workers=workers)
    assert report.codes() == ["validator-crash"]
    assert report.problems[0].message == (
        "these checks could not run: parquet, settled, late_columns, foreign_keys, "
        "case_duplicates, offsets")


@pytest.mark.parametrize("workers", [0, 1])
def test_a_spent_time_budget_is_reported_never_ok(workers):
    report = validate(spec=True, workers=workers, time_budget=0)
    assert report.codes() == ["validator-timeout"]
    unstarted = [task.name for task in plan.PLAN]
    assert report.problems[0].message == (
        f"the time budget of 0 s ran out before: {', '.join(unstarted)}")
