"""The build: from the human-edited CSVs and the raw paper to every generated file.

It reads ``data/*.csv``, fills the computed columns (:mod:`besa545.derive`), runs every
check that a package in memory can answer (:func:`besa545.check.scheduler.check_package`)
and only then writes, atomically, what :mod:`besa545.assemble.render` renders. A failed
build raises :class:`~besa545.model.problems.ProblemsError` and leaves every file as it
was.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from besa545.assemble.render import descriptor_bytes, render
from besa545.check.reading import read_schemas
from besa545.check.scheduler import check_package
from besa545.derive import derive_offsets, derive_texts
from besa545.derive.descriptor import parquet_descriptor
from besa545.derive.documents import read_documents
from besa545.model.csvfile import (
    StringTable,
    from_spreadsheet,
    read_csv_bytes,
    read_string_table,
)
from besa545.model.hashing import sha256
from besa545.model.package import DERIVED_TABLES, TEXT_INPUTS, Package
from besa545.model.paths import (
    DESCRIPTOR,
    JOURNAL,
    PARQUET_DESCRIPTOR,
    STAGED,
    WRITTEN_FOLDERS,
    csv_path,
    read_regular,
    staged_leftovers,
    write_beside,
)
from besa545.model.problems import Problem, ProblemsError
from besa545.model.schema import TableSchema, table_names


def build(root: Path) -> dict[str, int]:
    """Rebuild every derived file of the package at ``root``; return rows per table.

    One build at a time: the package folder is locked for the whole build, and a second
    build fails at once (``build-busy``). An input (a CSV, a schema, a paper) changed while
    the build read it stops the build (``build-input-changed``). Raises
    :class:`ProblemsError` when the package has problems or a file cannot be written;
    then no file has changed.
    """
    with _locked(root):
        inputs = _input_hashes(root)
        package = compute(root)
        problems = check_package(package)
        if problems:
            raise ProblemsError(problems)
        _write(root, render(package), unchanged=lambda: _same_inputs(root, inputs))
    return {name: len(table.frame) for name, table in package.tables.items()}


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the package folder itself (no lock file to leave behind)."""
    import fcntl

    descriptor = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ProblemsError([Problem(".", None, None, "build-busy",
                                         "another build of this package is running")]) from None
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _input_hashes(root: Path) -> dict[str, str]:
    """The hash of every file the build reads: the edited CSVs, the schemas, the papers."""
    files = [*root.glob("schemas/*.json"), *root.glob("sources/*.md"),
             *(path for path in root.glob("data/*.csv") if path.stem not in DERIVED_TABLES)]
    return {path.relative_to(root).as_posix(): sha256(path.read_bytes())
            for path in sorted(files) if path.is_file()}


def _same_inputs(root: Path, before: dict[str, str]) -> None:
    """Raise ``build-input-changed`` for every input added, removed or edited since
    ``before`` was taken."""
    now = _input_hashes(root)
    changed = sorted(path for path in before.keys() | now.keys()
                     if before.get(path) != now.get(path))
    if changed:
        raise ProblemsError([Problem(path, None, None, "build-input-changed",
                                     f"{path} changed while the build read it")
                             for path in changed])


def _write(root: Path, files: dict[str, bytes], unchanged: Callable[[], None]) -> None:
    try:
        write_atomically(root, files, before_renaming=unchanged)
    except OSError as error:
        where = Path(error.filename).relative_to(root) if error.filename and Path(
            error.filename).is_relative_to(root) else Path(str(error.filename or root))
        raise ProblemsError([Problem(str(where), None, None, "build-write",
                                     f"cannot write: {error.strerror or error}")]) from error


def compute(root: Path) -> Package:
    """Read the CSVs and the raw paper and fill every computed column, in memory."""
    read, problems = read_schemas(root, table_names(root))  # as the validator reads them
    schemas = read or {}
    tables: dict[str, StringTable] = {}
    for name, schema in schemas.items():
        if name in DERIVED_TABLES:
            continue
        table, found = _read_edited(csv_path(name, root), f"data/{name}.csv", schema)
        problems += found
        if table is not None:
            tables[name] = table
    problems += [Problem(f"schemas/{name}.json", None, None, "schema-missing",
                         f"the {name} table has no schema")
                 for name in (*TEXT_INPUTS, *DERIVED_TABLES) if name not in schemas
                 and not any(problem.file == f"schemas/{name}.json" for problem in problems)]
    if problems:
        raise ProblemsError(problems)
    documents, found = read_documents(root, tables["documents"])
    if found:
        raise ProblemsError(found)
    package = Package(root, schemas, tables, documents)
    derive_texts(package)
    problems = derive_offsets(package)
    if problems:
        raise ProblemsError(problems)
    return package


def _read_edited(path: Path, file: str,
                 schema: TableSchema) -> tuple[StringTable | None, list[Problem]]:
    """A human-edited CSV, accepted also as a spreadsheet saves it (BOM, CRLF): the build
    writes every CSV back in the canonical form."""
    data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
    canonical = from_spreadsheet(data)
    if canonical is not None:
        return read_csv_bytes(canonical, file, schema, allow_missing_computed=True)
    return read_string_table(path, file, schema, allow_missing_computed=True)


def record_hashes(root: Path) -> None:
    """Record in ``datapackage.json`` the current size and hash of every file it lists (and
    derive ``datapackage-parquet.json`` from it again).

    For tests and benchmarks that plant a fault in a file and want only the content to be
    wrong; the build itself records hashes of what it writes. A descriptor that cannot be
    read is left alone, as are entries that are not files inside the package.
    """
    path = root / DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        entries = [resource, resource.get("parquet")] if isinstance(resource, dict) else []
        for entry in entries:
            file = root / str(entry.get("path")) if isinstance(entry, dict) else None
            if entry and file is not None and file.is_file() and not file.is_symlink():
                data = file.read_bytes()
                entry["bytes"], entry["hash"] = len(data), sha256(data)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    with suppress(KeyError, TypeError, AttributeError):  # a descriptor broken on purpose
        (root / PARQUET_DESCRIPTOR).write_bytes(descriptor_bytes(parquet_descriptor(descriptor)))


def write_atomically(root: Path, files: dict[str, bytes],
                     before_renaming: Callable[[], None] = lambda: None) -> None:
    """Replace every changed file, all of them or none, even across a crash.

    Each new file is first written beside its target (:func:`write_beside`, under a name
    ending in the staging suffix); then a journal listing every rename is written (itself
    so), the renames are done and the journal removed. A build killed before the journal
    exists leaves the old files intact (its staged files are removed by the next build);
    one killed during the renames is completed by the next build from the journal. Raises
    ``OSError`` when a file cannot be written, after removing what it staged, and whatever
    ``before_renaming`` (called once every file is staged) raises, likewise.
    """
    finish_interrupted_build(root)
    staged: list[tuple[str, str, str]] = []  # staged file, target, hash of the new bytes
    try:
        for relative, data in files.items():
            target = _writable(root, relative)
            if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                continue
            staged_file = write_beside(target, data, suffix=STAGED)
            staged.append((staged_file.relative_to(root).as_posix(), relative, sha256(data)))
        before_renaming()  # the last moment to stop with nothing replaced
        if not staged:
            return
        journal = write_beside(root / JOURNAL, json.dumps(staged).encode("utf-8"), suffix=STAGED)
        os.replace(journal, root / JOURNAL)
    except BaseException:
        for temporary, _, _ in staged:
            (root / temporary).unlink(missing_ok=True)
        raise
    finish_interrupted_build(root)


def _writable(root: Path, relative: str) -> Path:
    """``root / relative`` if the build may write it: a plain name in one of the folders the
    build writes, that folder really inside the package (not reached through a symbolic
    link), and the file itself not a link or a directory; ``OSError`` otherwise."""
    folder, _, name = relative.rpartition("/")
    target = root / relative
    if folder not in WRITTEN_FOLDERS or not name or name in (".", ".."):
        raise OSError(errno.EINVAL, "not a file the build writes", str(target))
    real_root = os.path.realpath(root)
    if os.path.realpath(target.parent) != os.path.join(real_root, folder).rstrip("/"):
        raise OSError(errno.EXDEV, "its folder leads outside the package through a "
                      "symbolic link", str(target))
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise IsADirectoryError(errno.EISDIR, "not a regular file", str(target))
    return target


def _journal_entries(root: Path) -> list[tuple[str, str, str]]:
    """The renames the journal lists, each checked: the target is a file the build
    writes (:func:`_writable`) and the staged file a staging name beside it. A journal of
    another shape, or one that names anything else (a pull request can commit one), is an
    ``OSError``: nothing it lists is moved."""
    journal = root / JOURNAL
    try:
        entries = json.loads(read_regular(journal, JOURNAL).decode("utf-8"))
    except (OSError, ValueError) as error:
        raise OSError(errno.EINVAL, f"the build journal cannot be read ({error}); if no "
                      "build of yours was interrupted, delete it", str(journal)) from None
    checked = []
    for entry in entries if isinstance(entries, list) else [None]:
        if not (isinstance(entry, list) and len(entry) == 3
                and all(isinstance(part, str) for part in entry)):
            raise OSError(errno.EINVAL, "the build journal is not one a build wrote; if no "
                          "build of yours was interrupted, delete it", str(journal))
        temporary, relative, digest = entry
        folder, _, name = relative.rpartition("/")
        staged_folder, _, staged_name = temporary.rpartition("/")
        _writable(root, relative)
        if (staged_folder != folder or not staged_name.startswith(f".{name}.")
                or not staged_name.endswith(STAGED) or "/" in staged_name):
            raise OSError(errno.EINVAL, "the build journal names a file the build did not "
                          "stage; if no build of yours was interrupted, delete it",
                          str(journal))
        checked.append((temporary, relative, digest))
    return checked


def finish_interrupted_build(root: Path) -> None:
    """Complete the renames a journal lists, then remove every staged file left over. A
    listed file neither staged nor already renamed (its target does not hold the bytes the
    journal records) raises ``FileNotFoundError``, the journal kept."""
    journal = root / JOURNAL
    if journal.is_file() or journal.is_symlink():
        for temporary, relative, digest in _journal_entries(root):
            if (root / temporary).is_file():
                if sha256((root / temporary).read_bytes()) != digest:
                    raise OSError(errno.EINVAL, "a file the build journal lists does not "
                                  "hold what the journal records", str(root / temporary))
                os.replace(root / temporary, root / relative)
            elif not ((root / relative).is_file()
                      and sha256((root / relative).read_bytes()) == digest):
                # neither staged nor renamed: the journal cannot be completed
                raise FileNotFoundError(errno.ENOENT, "a file the build journal lists is "
                                        "missing", str(root / temporary))
        journal.unlink()
    for leftover in staged_leftovers(root):
        leftover.unlink()
