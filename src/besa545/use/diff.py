"""``besa545 diff OLD [NEW]``: what changed between two versions of the package, table by
table, row by row (by primary key) and column by column, and what that means for a user.

OLD and NEW are each a package folder or a git revision of the checkout (NEW defaults to
the working tree). The rule (CONTRIBUTING.md, "Versions"): a removed table, column, row
id or allowed value, or a changed column type, breaks what users wrote against the old
version (a **major** release); an added table, column, row or allowed value is **minor**;
a changed cell under an id that stays is a **patch**.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from besa545.model.paths import DESCRIPTOR, csv_file, schema_file
from besa545.model.schema import TableSchema, parse_schema, table_names

LEVELS = ("none", "patch", "minor", "major")
CHANGELOG = "CHANGELOG.md"


class DiffError(ValueError):
    """OLD or NEW cannot be compared; the message says why and what to pass instead."""


@dataclass
class TableDiff:
    """The changes of one table: rows by key, and its schema's changes."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, list[str | None]]] = field(default_factory=dict)
    schema: list[tuple[str, str]] = field(default_factory=list)  # (level, what changed)

    @property
    def level(self) -> str:
        levels = [level for level, _ in self.schema]
        levels += ["major"] * bool(self.removed) + ["minor"] * bool(self.added)
        levels += ["patch"] * bool(self.changed)
        return max(levels, key=LEVELS.index, default="none")


@dataclass
class Diff:
    old: str
    new: str
    tables: dict[str, TableDiff]

    @property
    def level(self) -> str:
        return max((table.level for table in self.tables.values()), key=LEVELS.index,
                   default="none")

    def to_json(self) -> str:
        return json.dumps({
            "old": self.old, "new": self.new, "level": self.level,
            "tables": {name: {"level": table.level, "added": table.added,
                              "removed": table.removed, "changed": table.changed,
                              "schema": [{"level": level, "change": what}
                                         for level, what in table.schema]}
                       for name, table in self.tables.items() if table.level != "none"}},
            ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        lines = [f"{self.old} -> {self.new}: {_says(self.level)}"]
        for name, table in self.tables.items():
            if table.level == "none":
                continue
            counts = ", ".join(f"{len(rows)} {what}" for what, rows in (
                ("added", table.added), ("removed", table.removed),
                ("changed", table.changed)) if rows)
            lines.append(f"{name}: {counts or 'schema only'} ({table.level})")
            lines += [f"  schema: {what} ({level})" for level, what in table.schema]
            lines += [f"  + {key}" for key in table.added]
            lines += [f"  - {key}" for key in table.removed]
            for key, columns in table.changed.items():
                cells = "; ".join(f"{column} {_cell(old)} -> {_cell(new)}"
                                  for column, (old, new) in columns.items())
                lines.append(f"  ~ {key}: {cells}")
        return "\n".join(lines)


def _says(level: str) -> str:
    return {"none": "no change", "patch": "a patch (corrections; every id kept)",
            "minor": "a minor release (rows, columns or values added)",
            "major": "a major release (breaking: something users relied on was removed "
                     "or retyped)"}[level]


def _cell(value: str | None) -> str:
    from besa545.model.problems import quote

    return "empty" if value is None else quote(value)


def diff(old: str, new: str | None = None, *, checkout: Path,
         changelog: list[str] | None = None) -> Diff:
    """Compare OLD with NEW (the working tree at ``checkout`` when None)."""
    with _package(old, checkout) as old_root, _package(new, checkout) as new_root:
        _same_dataset(old_root, new_root, old, new or "the working tree")
        old_schemas, new_schemas = _schemas(old_root, old), _schemas(new_root, new)
        tables = {}
        for name in sorted(old_schemas.keys() | new_schemas.keys()):
            tables[name] = _table_diff(name, old_root, new_root, old_schemas.get(name),
                                       new_schemas.get(name))
        found = Diff(old, new or "the working tree", tables)
        if changelog is not None:
            changelog += changelog_problems(found, _unreleased(old_root), _unreleased(new_root),
                                            new_schemas)
    return found


# ---- the CHANGELOG against the diff ------------------------------------------------------

# An id the Unreleased section names: `table/key` in backticks (a key of several columns
# joined by |, as the diff shows it).
NAMED = re.compile(r"`([a-z][a-z0-9_]*)/([^`\n]+)`")


def _unreleased(root: Path) -> str | None:
    """The text of the CHANGELOG's Unreleased section, or None without a CHANGELOG."""
    path = root / CHANGELOG
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    start = text.find("\n## Unreleased")
    if start < 0:
        return ""
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def changelog_problems(found: Diff, old: str | None, new: str | None,
                       schemas: dict[str, TableSchema]) -> list[str]:
    """What the CHANGELOG's Unreleased section leaves unsaid about ``found``: the data
    changed and the section did not; a breaking change not marked as one; an id it names
    that the diff does not show; an edited row added, removed or changed (beyond the
    columns the build computes) that it does not name as `table/key`."""
    from besa545.model.package import DERIVED_TABLES

    if new is None:
        return [f"the new version has no {CHANGELOG}"]
    problems = []
    if found.level != "none" and new.strip() == (old or "").strip():
        problems.append(f"the data changed ({found.level}) but the Unreleased section of "
                        f"{CHANGELOG} did not: say what changed, naming each row as "
                        "`table/id`")
    if found.level == "major" and "breaking" not in new.lower():
        problems.append(f"the change is breaking (major) but the Unreleased section of "
                        f"{CHANGELOG} does not say so: write \"Breaking:\" and what users must "
                        "change")
    named = {(table, key) for table, key in NAMED.findall(new)}
    shown = set()
    for name, table in found.tables.items():
        computed = {field.name for field in schemas[name].fields if field.is_computed} if (
            name in schemas) else set()
        edited = [*((key, "was added") for key in table.added),
                  *((key, "was removed") for key in table.removed),
                  *((key, "changed") for key, columns in table.changed.items()
                    if set(columns) - computed)]
        shown |= {(name, key) for key in [*table.added, *table.removed, *table.changed]}
        if name not in DERIVED_TABLES:
            problems += [f"{name}/{key} {what} but the Unreleased section of {CHANGELOG} "
                         f"does not name it (write `{name}/{key}`)"
                         for key, what in edited if (name, key) not in named]
    problems += [f"the Unreleased section of {CHANGELOG} names `{name}/{key}`, which the "
                 "diff does not show as added, removed or changed"
                 for name, key in sorted(named - shown)]
    return problems


@contextmanager
def _package(given: str | None, checkout: Path) -> Iterator[Path]:
    """The package folder ``given`` names: a folder, a git revision of ``checkout``
    (extracted to a temporary folder), or the working tree when None."""
    if given is None:
        yield checkout
        return
    folder = Path(given)
    if folder.is_dir():
        if not (folder / "schemas").is_dir() or not (folder / "data").is_dir():
            raise DiffError(f"{given} is a folder but not a besa545 package (it needs "
                            "schemas/ and data/)")
        yield folder
        return
    revision = _revision(given, checkout)
    with tempfile.TemporaryDirectory(prefix="besa545-diff-") as temporary:
        archive = subprocess.run(
            ["git", "-C", str(checkout), "archive", "--format=tar", revision, "--",
             "schemas", "data", DESCRIPTOR, *_if_there(checkout, revision, CHANGELOG)],
            capture_output=True, check=False)
        if archive.returncode != 0:
            raise DiffError(f"revision {given} holds no besa545 package (git: "
                            f"{archive.stderr.decode(errors='replace').strip()})")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(temporary, filter="data")
        yield Path(temporary)


def _if_there(checkout: Path, revision: str, path: str) -> list[str]:
    """``[path]`` when the revision has it (git archive fails on a path it lacks)."""
    found = subprocess.run(["git", "-C", str(checkout), "cat-file", "-e", f"{revision}:{path}"],
                           capture_output=True, check=False)
    return [path] if found.returncode == 0 else []


def _revision(given: str, checkout: Path) -> str:
    if given.startswith("-"):
        raise DiffError(f"{given!r} is neither a package folder nor a git revision")
    try:
        found = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--verify",
                                "--quiet", f"{given}^{{commit}}"], capture_output=True,
                               text=True, check=False)
    except OSError:
        raise DiffError(f"{given} is not a folder, and git is not installed to read it as "
                        "a revision") from None
    if found.returncode != 0:
        raise DiffError(f"{given} is neither a package folder nor a git revision of "
                        f"{checkout}")
    return found.stdout.strip()


def _same_dataset(old: Path, new: Path, old_name: str, new_name: str) -> None:
    names = []
    for root, given in ((old, old_name), (new, new_name)):
        try:
            names.append(json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))["name"])
        except (OSError, ValueError, KeyError, TypeError):
            raise DiffError(f"{given} has no readable {DESCRIPTOR} naming its package") from None
    if names[0] != names[1]:
        raise DiffError(f"{old_name} and {new_name} are different packages ({names[0]!r} and "
                        f"{names[1]!r}); diff compares two versions of one")


def _schemas(root: Path, given: str | None) -> dict[str, TableSchema]:
    """Every table's schema, read for its fields and keys only: an older version's schema
    need not pass today's lint to be compared."""
    schemas = {}
    for name in table_names(root):
        try:
            descriptor = json.loads((root / schema_file(name)).read_text(encoding="utf-8"))
            schemas[name] = parse_schema(name, descriptor)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise DiffError(f"{given or 'the working tree'}: {schema_file(name)} is not a "
                            f"Table Schema ({error})") from None
    return schemas


def _table_diff(name: str, old_root: Path, new_root: Path, old: TableSchema | None,
                new: TableSchema | None) -> TableDiff:
    if old is None or new is None:
        schema = new or old
        assert schema is not None
        rows = _rows(new_root if old is None else old_root, schema)
        keys = list(rows)
        return (TableDiff(added=keys, schema=[("minor", "table added")]) if old is None
                else TableDiff(removed=keys, schema=[("major", "table removed")]))
    result = TableDiff(schema=_schema_changes(old, new))
    before, after = _rows(old_root, old), _rows(new_root, new)
    result.added = [key for key in after if key not in before]
    result.removed = [key for key in before if key not in after]
    for key in after.keys() & before.keys():
        columns = {column: [before[key].get(column), value]
                   for column, value in after[key].items()
                   if column in before[key] and before[key][column] != value}
        if columns:
            result.changed[key] = columns
    result.changed = dict(sorted(result.changed.items()))
    return result


def _schema_changes(old: TableSchema, new: TableSchema) -> list[tuple[str, str]]:
    before = {field.name: field for field in old.fields}
    after = {field.name: field for field in new.fields}
    changes = [("major", f"column {name} removed") for name in before if name not in after]
    changes += [("minor", f"column {name} added") for name in after if name not in before]
    for name in after.keys() & before.keys():
        was, now = before[name], after[name]
        if was.type != now.type:
            changes.append(("major", f"column {name} changed type from {was.type} to "
                                     f"{now.type}"))
        gone = [value for value in was.enum or [] if value not in (now.enum or [])]
        if gone and now.enum is not None:
            changes.append(("major", f"column {name} no longer allows "
                                     f"{', '.join(map(repr, gone))}"))
        new_values = [value for value in now.enum or [] if value not in (was.enum or [])]
        if new_values and was.enum is not None:
            changes.append(("minor", f"column {name} also allows "
                                     f"{', '.join(map(repr, new_values))}"))
        if was.description != now.description:
            changes.append(("patch", f"column {name} has a new description"))
    if old.primary_key != new.primary_key:
        changes.append(("major", f"primary key changed from {', '.join(old.primary_key)} to "
                                 f"{', '.join(new.primary_key)}"))
    return sorted(changes, key=lambda change: (-LEVELS.index(change[0]), change[1]))


def _rows(root: Path, schema: TableSchema) -> dict[str, dict[str, str | None]]:
    """The table's rows by primary key (several key columns joined by ``|``); a missing
    file is a table without rows."""
    path = root / csv_file(schema.name)
    if not path.is_file():
        return {}
    rows = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for row in csv.DictReader(stream):
                key = "|".join(row.get(column) or "" for column in schema.primary_key)
                rows[key] = {column: value if value != "" else None
                             for column, value in row.items() if column is not None}
    except (UnicodeDecodeError, csv.Error) as error:
        raise DiffError(f"{path} cannot be read as CSV ({error}); run `besa545 validate` on "
                        "it first") from None
    return rows

