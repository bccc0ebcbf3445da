"""What the validator does, as one explicit list: every step and every check, in order.

A *step* reads or derives something that later tasks need and returns an
:class:`~besa545.model.problems.Outcome` (a value and the problems met); a *check*
returns the problems it finds. Either is a plain function whose parameters name the
values it needs: ``check_foreign_keys(package, derived_fresh)`` runs once ``package`` and
``derived_fresh`` exist. A parameter with a default is optional. The scheduler
(:mod:`besa545.check.scheduler`) runs this list in order.

To add a check: write a function in the module of its layer (files, tables, content, or
conventions for a rule of the annotation guide) whose parameters are values named here
(``root`` and the steps; docs/architecture.md says what each holds), and add
``check(that_function)`` to
:data:`PLAN` after the steps that produce what it needs. Its problem codes go in
:mod:`besa545.model.codes`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from besa545.check.content import (
    check_actors_mentioned,
    check_aliases,
    check_cells,
    check_dates,
    check_derived,
    check_links,
    check_offsets,
    check_quotations,
    check_sources,
    check_subject_evidence,
)
from besa545.check.conventions import (
    check_bases,
    check_codes_of_undone_events,
    check_date_texts,
    check_directed_targets,
    check_link_targets,
    check_role_texts,
    check_same_positions,
    check_stance_duplicates,
    check_subjects_in_evidence,
    conventions_of_broken_tables,
)
from besa545.check.files import (
    check_descriptor_fresh,
    check_hashes,
    check_no_interrupted_build,
    check_no_stray_files,
    check_parquet,
    check_parquet_descriptor,
    check_parquet_guide,
    hashes_of_unbuilt_csvs,
    list_tables,
    parquet_of_broken_csvs,
    read_descriptor,
)
from besa545.check.reading import (
    assemble_package,
    read_derived_tables,
    read_edited_tables,
    read_schemas,
    read_text_package,
    rederive_package,
)
from besa545.check.spec import check_spec
from besa545.check.spreadsheet import cells_a_spreadsheet_changed, check_spreadsheet_marks
from besa545.check.tables import (
    check_case_duplicates,
    check_derived_columns,
    check_edited_columns,
    check_foreign_keys,
)
from besa545.model.problems import Problem


@dataclass(frozen=True)
class Task:
    """One step or check: its name, its function and the values it needs."""

    name: str
    run: Callable[..., Any]
    is_step: bool
    needs: tuple[str, ...]  # every parameter, in order
    optional: frozenset[str]  # the parameters with a default

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(need for need in self.needs if need not in self.optional)


def _task(name: str, run: Callable[..., Any], *, is_step: bool) -> Task:
    parameters = inspect.signature(run).parameters.values()
    return Task(name, run, is_step, tuple(parameter.name for parameter in parameters),
                frozenset(parameter.name for parameter in parameters
                          if parameter.default is not inspect.Parameter.empty))


def step(name: str, run: Callable[..., Any]) -> Task:
    """A task whose outcome's value becomes ``name`` for the tasks after it."""
    return _task(name, run, is_step=True)


def check(run: Callable[..., Any]) -> Task:
    """A task that returns problems; named after its function without ``check_``."""
    return _task(run.__name__.removeprefix("check_"), run, is_step=False)


# The values a run starts with.
GIVEN = ("root",)

PLAN: tuple[Task, ...] = (
    # files: the descriptor, the tables (from schemas/), every file's size and hash
    check(check_no_interrupted_build),
    step("descriptor", read_descriptor),
    step("tables", list_tables),
    step("schemas", read_schemas),
    check(check_descriptor_fresh),
    check(check_parquet_descriptor),
    check(check_parquet_guide),
    check(check_hashes),
    # the tables a contributor edits, each on its own
    step("edited_tables", read_edited_tables),
    check(check_edited_columns),
    check(check_no_stray_files),
    check(check_spreadsheet_marks),
    # the texts: read the papers, derive paragraphs, mentions and every offset afresh
    step("text_package", read_text_package),
    step("rebuilt", rederive_package),
    step("derived_tables", read_derived_tables),
    step("package", assemble_package),
    check(check_parquet),
    # derived files fresh; then every column, key and content rule
    step("derived_fresh", check_derived),
    check(check_derived_columns),
    check(check_foreign_keys),
    check(check_case_duplicates),
    check(check_offsets),
    check(check_subject_evidence),
    check(check_sources),
    check(check_aliases),
    check(check_quotations),
    check(check_links),
    check(check_dates),
    check(check_actors_mentioned),
    # the coding conventions of docs/annotation-guide.md
    check(check_subjects_in_evidence),
    check(check_stance_duplicates),
    check(check_same_positions),
    check(check_bases),
    check(check_directed_targets),
    check(check_codes_of_undone_events),
    check(check_role_texts),
    check(check_link_targets),
    check(check_date_texts),
    check(check_cells),
)

# Run last, and only on a package with no other problem: it is by far the slowest.
SPEC = check(check_spec)

CHECKS: tuple[Task, ...] = (*(task for task in PLAN if not task.is_step), SPEC)

# Once every problem is known, these leave out the ones another problem already explains.
REPORT_RULES: tuple[Callable[[list[Problem]], set[Problem]], ...] = (
    parquet_of_broken_csvs,  # a copy is only compared with a CSV that is right
    hashes_of_unbuilt_csvs,  # "run the build" is said once, by not-built
    conventions_of_broken_tables,  # a lost row explains what the conventions miss
    cells_a_spreadsheet_changed,  # a column a spreadsheet changed is said once
)
