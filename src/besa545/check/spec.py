"""The spec layer: ``frictionless validate``, the reference implementation of the spec.

It is the slowest layer, so the validator runs it last and only on a package with no
other problem, which means its descriptor is exactly what the build writes. frictionless
is given that descriptor's resources with each CSV's bytes and Table Schema in memory,
the schema's ``pattern`` constraints left out: frictionless runs patterns with Python's
backtracking ``re``, where a pattern that the linear-time engine of the tables layer
checks in microseconds can take hours (``(?:(a|aa)*c|.*)`` on 48 ``a``). Patterns are
checked there, not here.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from besa545.model.paths import DESCRIPTOR, read_regular, unopenable
from besa545.model.problems import Problem
from besa545.model.schema import TableSchema


def check_spec(root: Path, schemas: dict[str, TableSchema]) -> list[Problem]:
    """``frictionless validate`` of the package, patterns left to the tables layer.

    frictionless is handed the bytes of each CSV, read here the way every other layer reads
    (:func:`~besa545.model.paths.read_regular`: a regular file inside the package, opened
    without following a link), never a path: so it opens no file itself, and checks the
    very bytes the other layers checked. Sizes, hashes and foreign keys are checked on
    those bytes as on the files.
    """
    import frictionless

    try:
        descriptor = json.loads(read_regular(root / DESCRIPTOR, DESCRIPTOR).decode("utf-8"))
    except OSError as error:
        return [unopenable(DESCRIPTOR, error)]
    resources, problems = [], []
    for resource in descriptor["resources"]:
        file = resource["path"]
        try:
            data = read_regular(root / file, file)
        except OSError as error:  # changed since the other layers read it
            problems.append(unopenable(file, error))
            continue
        resources.append(frictionless.Resource(
            data=data, name=resource["name"], format=resource["format"],
            encoding=resource["encoding"], schema=frictionless.Schema.from_descriptor(
                without_patterns(schemas[resource["name"]].descriptor)),
            hash=resource["hash"], bytes=resource["bytes"]))
    # the package's own properties (name, licenses, sources, ...) are checked too: they
    # are given with a placeholder resource that is replaced before anything is validated
    metadata = {key: value for key, value in descriptor.items() if key != "resources"}
    try:
        package = frictionless.Package.from_descriptor(
            {**metadata, "resources": [{"name": "placeholder", "data": []}]})
    except frictionless.FrictionlessException as rejected:
        return [*problems, *(Problem(DESCRIPTOR, None, None, f"spec-{reason.type}",
                                     reason.message, "frictionless rejects the descriptor")
                             for reason in rejected.reasons or [rejected.error])]
    package.resources = []
    for resource in resources:
        package.add_resource(resource)  # sets the resource's package: foreign keys need it
    report = package.validate()
    files = {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    for task in report.tasks:
        for finding in task.errors:
            problems.append(Problem(
                files.get(str(task.name), DESCRIPTOR), getattr(finding, "row_number", None),
                getattr(finding, "field_name", None), f"spec-{finding.type}",
                finding.message))
    for finding in report.errors:
        problems.append(Problem(DESCRIPTOR, None, None, f"spec-{finding.type}",
                                finding.message, "frictionless rejects the descriptor"))
    return problems


def without_patterns(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of a Table Schema descriptor with no ``pattern`` constraint."""
    stripped = copy.deepcopy(schema)
    for field in stripped.get("fields", []):
        field.get("constraints", {}).pop("pattern", None)
    return stripped
