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
        """The release the edited tables call for: a derived table's rows follow them (a
        text correction moves mention ids, and is still a patch)."""
        from besa545.model.package import DERIVED_TABLES

        return max((table.level for name, table in self.tables.items()
                    if name not in DERIVED_TABLES), key=LEVELS.index, default="none")

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
        """One line per change; every value escaped (a line break or a control character
        in a key is shown, never written: CI reads lines that start with :: as commands)."""
        from besa545.model.problems import printable

        lines = [f"{self.old} -> {self.new}: {_says(self.level)}"]
        for name, table in self.tables.items():
            if table.level == "none":
                continue
            counts = ", ".join(f"{len(rows)} {what}" for what, rows in (
                ("added", table.added), ("removed", table.removed),
                ("changed", table.changed)) if rows)
            lines.append(f"{name}: {counts or 'schema only'} ({table.level})")
            lines += [f"  schema: {printable(what)} ({level})" for level, what in table.schema]
            lines += [f"  + {printable(key)}" for key in table.added]
            lines += [f"  - {printable(key)}" for key in table.removed]
            for key, columns in table.changed.items():
                cells = "; ".join(f"{printable(column)} {_cell(old)} -> {_cell(new)}"
                                  for column, (old, new) in columns.items())
                lines.append(f"  ~ {printable(key)}: {cells}")
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
NAMED = re.compile(r"`([a-z][a-z0-9_]*)/([^`]+)`")


def _unreleased(root: Path) -> str | None:
    """The text of the CHANGELOG's Unreleased section, or None without a CHANGELOG."""
    text = _read(root, CHANGELOG)
    if text is None:
        return None
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
    from besa545.model.problems import printable

    if new is None:
        return [f"the new version has no {CHANGELOG}"]
    problems = []
    if found.level != "none" and new.strip() == (old or "").strip():
        problems.append(f"the data changed ({found.level}) but the Unreleased section of "
                        f"{CHANGELOG} did not: say what changed, naming each row as "
                        "`table/id`")
    if found.level == "major" and not BREAKING.search(new):
        problems.append(f"the change is breaking (major) but the Unreleased section of "
                        f"{CHANGELOG} does not say so: write \"Breaking:\" and what users must "
                        "change")
    named = _named(new, found.tables)
    earlier = _named(old or "", found.tables)  # named by changes already merged
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
            problems += [f"{name}/{printable(key)} {what} but the Unreleased section of "
                         f"{CHANGELOG} does not name it (write `{name}/{printable(key)}`)"
                         for key, what in edited if (name, key) not in named]
    problems += [f"the Unreleased section of {CHANGELOG} names `{name}/{printable(key)}`, "
                 "which the diff does not show as added, removed or changed"
                 for name, key in sorted(named - earlier - shown)]
    return problems


# "Breaking" as a word, not inside "non-breaking".
BREAKING = re.compile(r"(?<![-\w])breaking\b", re.IGNORECASE)


def _named(section: str, tables: dict[str, TableDiff]) -> set[tuple[str, str]]:
    """The rows a CHANGELOG section names as `table/key`: only tables of the package (a
    path such as `docs/readers.md` is not a row), a key's line breaks and indentation read
    as one space (a long name wraps)."""
    return {(table, " ".join(key.split())) for table, key in NAMED.findall(section)
            if table in tables}


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
        _extract(archive.stdout, Path(temporary))
        yield Path(temporary)


def _extract(data: bytes, into: Path) -> None:
    """The regular files and folders of a tar archive of a revision, and nothing else (a
    committed link is left out, as the validator refuses it); on every Python 3.11."""
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if member.name.startswith("/") or ".." in parts:
                continue
            if member.isdir():
                (into / member.name).mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                source = tar.extractfile(member)
                if source is not None:
                    (into / member.name).parent.mkdir(parents=True, exist_ok=True)
                    (into / member.name).write_bytes(source.read())


def _if_there(checkout: Path, revision: str, path: str) -> list[str]:
    """``[path]`` when the revision has it (git archive fails on a path it lacks)."""
    found = subprocess.run(["git", "-C", str(checkout), "cat-file", "-e", f"{revision}:./{path}"],
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
            names.append(json.loads(_read(root, DESCRIPTOR) or "")["name"])
        except (ValueError, KeyError, TypeError):
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
            descriptor = json.loads(_read(root, schema_file(name)) or "")
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
        if (was.enum is None) != (now.enum is None):  # a category column, or no longer one
            changes.append(("major", f"column {name} " + (
                "is now restricted to listed values" if now.enum is not None
                else "is no longer restricted to listed values")))
        for constraint in sorted((was.constraints.keys() | now.constraints.keys()) - {"enum"}):
            before_value = was.constraints.get(constraint)
            after_value = now.constraints.get(constraint)
            if before_value != after_value:
                changes.append((_constraint_level(constraint, after_value),
                                f"column {name} constraint {constraint}: {before_value!r} -> "
                                f"{after_value!r}"))
        if was.description != now.description:
            changes.append(("patch", f"column {name} has a new description (major if its "
                                     "meaning changed: say so in the CHANGELOG)"))
    if old.primary_key != new.primary_key:
        changes.append(("major", f"primary key changed from {', '.join(old.primary_key)} to "
                                 f"{', '.join(new.primary_key)}"))
    for key in sorted(set(old.foreign_keys) - set(new.foreign_keys), key=str):
        changes.append(("major", f"foreign key {', '.join(key.fields)} -> {key.resource} "
                                 "removed"))
    for key in sorted(set(new.foreign_keys) - set(old.foreign_keys), key=str):
        changes.append(("minor", f"foreign key {', '.join(key.fields)} -> {key.resource} "
                                 "added"))
    if old.description != new.description:
        changes.append(("patch", "the table has a new description"))
    return sorted(changes, key=lambda change: (-LEVELS.index(change[0]), change[1]))


def _constraint_level(constraint: str, now: object) -> str:
    """A guarantee given up (a column no longer required or unique) breaks what users may
    rely on: major. A rule the values already met (the validator checks them) is a patch."""
    return "major" if constraint in ("required", "unique") and not now else "patch"


def _read(root: Path, file: str) -> str | None:
    """A file of the package as text, read as the validator reads (a regular file inside
    the package, no link followed, no more than the validator reads of a package), or None
    when it is not there."""
    from besa545.check.files import MAX_PACKAGE_BYTES
    from besa545.model.paths import open_regular

    if not (root / file).exists() and not (root / file).is_symlink():
        return None
    try:
        with open_regular(root / file, file) as handle:
            data = handle.read(MAX_PACKAGE_BYTES + 1)
    except OSError as error:
        raise DiffError(f"{root / file} cannot be read ({error}); run `besa545 validate` on "
                        "the package first") from None
    if len(data) > MAX_PACKAGE_BYTES:
        raise DiffError(f"{root / file} is larger than a package may be")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DiffError(f"{root / file} is not UTF-8; run `besa545 validate` on the package "
                        "first") from None


def _rows(root: Path, schema: TableSchema) -> dict[str, dict[str, str | None]]:
    """The table's rows by primary key (several key columns joined by ``|``); a missing
    file is a table without rows. A key twice, or a row longer than the header, is an
    error: the diff of a package that does not validate would not say what changed."""
    text = _read(root, csv_file(schema.name))
    if text is None:
        return {}
    rows: dict[str, dict[str, str | None]] = {}
    try:
        for row in csv.DictReader(io.StringIO(text, newline="")):
            if None in row:
                raise DiffError(f"{root / csv_file(schema.name)} has a row with more cells "
                                "than its header; run `besa545 validate` on it first")
            key = "|".join(row.get(column) or "" for column in schema.primary_key)
            if key in rows:
                raise DiffError(f"{root / csv_file(schema.name)} has the key {key!r} twice; "
                                "run `besa545 validate` on it first")
            rows[key] = {column: value if value != "" else None
                         for column, value in row.items()}
    except csv.Error as error:
        raise DiffError(f"{root / csv_file(schema.name)} cannot be read as CSV ({error}); "
                        "run `besa545 validate` on it first") from None
    return rows

