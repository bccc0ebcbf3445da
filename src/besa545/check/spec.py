"""The spec layer: ``frictionless validate``, the reference implementation of the spec.

It is the slowest layer, so the validator runs it last and only on a package with no
other problem.
"""

from __future__ import annotations

from pathlib import Path

from besa545.model.paths import DESCRIPTOR
from besa545.model.problems import Problem


def check_spec(root: Path) -> list[Problem]:
    """``frictionless validate`` of the descriptor and its CSVs."""
    import frictionless

    report = frictionless.validate(str(root / DESCRIPTOR))
    problems = []
    for task in report.tasks:
        for error in task.errors:
            problems.append(Problem(
                task.place or DESCRIPTOR, getattr(error, "row_number", None),
                getattr(error, "field_name", None), f"spec-{error.type}", error.message,
                "frictionless rejects the package; fix the value it names"))
    for error in report.errors:
        problems.append(Problem(DESCRIPTOR, None, None, f"spec-{error.type}", error.message,
                                "frictionless rejects the descriptor"))
    return problems
