"""The files layer: the descriptor, the set of tables, sizes and hashes, Parquet copies.

(The bytes, header and rows of each CSV are checked as it is read, by
:mod:`besa545.model.csvfile`.)
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.derive.descriptor import package_descriptor, parquet_descriptor
from besa545.model.codes import RUN_BUILD
from besa545.model.csvfile import check_bytes
from besa545.model.hashing import file_sha256
from besa545.model.package import Package
from besa545.model.paths import (
    DESCRIPTOR,
    JOURNAL,
    PARQUET_DESCRIPTOR,
    PARQUET_GUIDE,
    PARQUET_GUIDE_TEXT,
    STAGED,
    csv_file,
    mapped,
    open_regular,
    parquet_file,
    staged_leftovers,
    unopenable,
    why_not_readable,
)
from besa545.model.problems import Outcome, Problem, quote
from besa545.model.schema import TableSchema, table_names

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


MAX_DESCRIPTOR_BYTES = 10_000_000  # the real one is about 13 KB
TABLE_NAME = re.compile(r"[a-z0-9_]+")  # a table name is safe to put in a path


def read_descriptor(root: Path) -> Outcome[dict[str, Any]]:
    """``datapackage.json`` parsed: a regular file inside the package holding an object.

    Its content is compared with what the build writes by
    :func:`check_descriptor_fresh`; nothing the validator reads is located through it.
    """
    file = DESCRIPTOR
    path = root / file
    if path.is_symlink():
        return Outcome(None, [Problem(file, None, None, "path-unsafe",
                                      f"{file} is a symbolic link; the validator reads only "
                                      "regular files", f"replace it with the file: {RUN_BUILD}")])
    if not path.is_file():
        return Outcome(None, [Problem(file, None, None, "descriptor-missing",
                                      f"there is no {file} in {quote(str(root), 200)}")])
    if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
        return Outcome(None, [Problem(file, None, None, "descriptor-json",
                                      f"{file} is over {MAX_DESCRIPTOR_BYTES:,} bytes")])
    try:
        with open_regular(path, file) as handle:
            data = handle.read(MAX_DESCRIPTOR_BYTES + 1)
    except OSError as error:
        return Outcome(None, [unopenable(file, error)])
    if len(data) > MAX_DESCRIPTOR_BYTES:
        return Outcome(None, [Problem(file, None, None, "descriptor-json",
                                      f"{file} is over {MAX_DESCRIPTOR_BYTES:,} bytes")])
    text, problems = check_bytes(data, file)
    if text is None:
        return Outcome(None, problems)
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        return Outcome(None, [Problem(file, error.lineno, None, "descriptor-json",
                                      f"invalid JSON: {error.msg} (column {error.colno})")])
    except RecursionError:
        return Outcome(None, [Problem(file, None, None, "descriptor-json",
                                      "the JSON is nested too deeply to read")])
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return Outcome(None, [Problem(file, None, "resources", "descriptor-resources",
                                      "the descriptor has no list of resources")])
    return Outcome(descriptor, problems)


def check_no_interrupted_build(root: Path) -> list[Problem]:
    """No build stopped halfway: its journal or staged files would mean a mix of old and
    new files."""
    leftovers = [path for path in (root / JOURNAL, *staged_leftovers(root)) if path.exists()]
    return [Problem(str(path.relative_to(root)), None, None, "build-interrupted",
                    "a build stopped before it replaced every file")
            for path in leftovers[:1]]


def check_no_stray_files(root: Path, tables: list[str],
                         edited_tables: dict[str, Any] | None = None) -> list[Problem]:
    """``data/``, ``data/parquet/`` and ``sources/`` hold only the package's files: the
    tables, their Parquet copies and the papers' sources (the wheel carries these folders
    whole, so anything else would ship to every user unchecked)."""
    expected = {"data": {csv_file(name).removeprefix("data/") for name in tables} | {"parquet"},
                "data/parquet": {parquet_file(name).removeprefix("data/parquet/")
                                 for name in tables} | {os.path.basename(PARQUET_GUIDE)}}
    documents = (edited_tables or {}).get("documents")
    if documents is not None and not documents.lacks("raw_path", "text_path"):
        expected["sources"] = {os.path.basename(value) for column in ("raw_path", "text_path")
                               for value in documents.frame[column].dropna().tolist()}
    problems = []
    for folder, names in expected.items():
        try:
            entries = sorted(os.listdir(root / folder))
        except OSError:
            continue  # a folder missing or unreadable: its files are reported as such
        if not names - {"parquet"} <= set(entries):
            continue  # a file named is not there (or a name is wrong): a source left unnamed
            # is then that fault's consequence, reported where the name is
        problems += [Problem(f"{folder}/{entry}", None, None, "file-unexpected",
                             f"{folder}/{entry} is not a file of the package")
                     for entry in entries if entry not in names and not entry.endswith(STAGED)]
    return problems


def list_tables(root: Path, descriptor: dict[str, Any] | None = None) -> Outcome[list[str]]:
    """The package's tables: one per file in ``schemas/``, and any other table the
    descriptor lists (so that its missing schema is reported). Never taken from the
    descriptor alone: removing a resource from it does not remove a table from the check.
    """
    found = set(table_names(root))
    problems = [Problem(f"schemas/{name}.json", None, None, "schema-invalid",
                        f"{quote(name)} is not a table name",
                        "name the file with lowercase letters, digits and underscores")
                for name in sorted(found) if not TABLE_NAME.fullmatch(name)]
    names = {name for name in found if TABLE_NAME.fullmatch(name)}
    listed = {resource.get("name") for resource in
              (descriptor or {}).get("resources", []) if isinstance(resource, dict)}
    names |= {name for name in listed if isinstance(name, str) and TABLE_NAME.fullmatch(name)}
    if not names:
        return Outcome(None, [*problems, Problem(
            "schemas", None, None, "schema-missing", "the package has no Table Schemas in "
            "schemas/", "pass the directory of a besa545 package")])
    size = _bytes_to_read(root, names)
    if size > MAX_PACKAGE_BYTES:  # no value: nothing is read
        return Outcome(None, [*problems, Problem(
            DESCRIPTOR, None, None, "file-too-large",
            f"the tables' CSV files and sources/ hold {size:,} bytes together, over the "
            f"{MAX_PACKAGE_BYTES:,} a package may have; nothing was read")])
    return Outcome(sorted(names), problems)


# The validator's memory grows with what it reads: about four times the CSVs and sources
# (docs/security.md); a package over this size is refused before anything is read.
MAX_PACKAGE_BYTES = 1_000_000_000


def _bytes_to_read(root: Path, names: set[str]) -> int:
    """The size of every table's CSV and of every regular file in ``sources/`` (a link is
    not followed and counts nothing: it is refused where it would be read)."""
    import stat

    total = 0
    for name in names:
        try:
            status = (root / csv_file(name)).lstat()
        except OSError:
            continue  # missing or unreadable: reported where the table is read
        total += status.st_size if stat.S_ISREG(status.st_mode) else 0
    if (root / "sources").is_dir() and not (root / "sources").is_symlink():
        with os.scandir(root / "sources") as entries:  # one stat per entry, kept by scandir
            total += sum(entry.stat(follow_symlinks=False).st_size for entry in entries
                         if entry.is_file(follow_symlinks=False))
    return total


def check_descriptor_fresh(descriptor: dict[str, Any],
                           schemas: dict[str, TableSchema]) -> list[Problem]:
    """``datapackage.json`` is what the build writes for these schemas: the same
    metadata and one resource per table at its canonical paths, nothing else.

    Sizes and hashes are taken as recorded (:func:`check_hashes` compares them with the
    files). Resources of tables whose schema has problems of its own are not compared.
    """
    recorded = _recorded_sizes(descriptor)
    expected = package_descriptor(schemas, lambda path: recorded.get(path, (None, None)))
    problems = [_stale(f"{key} is {quote(descriptor.get(key))}, the build writes "
                       f"{quote(value)}", key)
                for key, value in expected.items() if key != "resources"
                and descriptor.get(key) != value]
    problems += [_stale(f"{quote(key)} is not written by the build", key)
                 for key in descriptor if key not in expected]
    wanted = {resource["name"]: resource for resource in expected["resources"]}
    seen = set()
    for position, resource in enumerate(descriptor["resources"]):
        name = resource.get("name") if isinstance(resource, dict) else None
        where = f"resources[{position}]"
        if name not in wanted:
            if not (isinstance(name, str) and TABLE_NAME.fullmatch(name) and name not in schemas):
                problems.append(_stale(f"{where} ({quote(name)}) is not a table of the package",
                                       where))
            continue
        seen.add(name)
        if resource != wanted[name]:
            key = _first_difference(resource, wanted[name])
            problems.append(_stale(f"{where}.{key} of {name} is {quote(resource.get(key))}, "
                                   f"the build writes {quote(wanted[name].get(key))}",
                                   f"{where}.{key}"))
    problems += [_stale(f"table {name} has no resource", "resources")
                 for name in wanted if name not in seen]
    return problems


def check_parquet_guide(root: Path, tables: list[str]) -> list[Problem]:
    """``data/parquet/README.md`` is there, as the build writes it: without it, reading the
    folder as one dataset mixes the tables silently. Read once the package's tables are
    listed (``tables``: a package refused as a whole is not read at all)."""
    file = PARQUET_GUIDE
    reason = why_not_readable(root, file)
    if reason:
        return [Problem(file, None, None, "path-unsafe", f"{file} {reason}")]
    if not (root / file).is_file():
        return [Problem(file, None, None, "parquet-guide", f"{file} does not exist")]
    wanted = PARQUET_GUIDE_TEXT.encode("utf-8")
    try:
        with open_regular(root / file, file) as handle:
            stored = handle.read(len(wanted) + 1)
    except OSError as error:
        return [unopenable(file, error)]
    if stored != wanted:
        return [Problem(file, None, None, "parquet-guide", f"{file} is not what the build writes")]
    return []


def check_parquet_descriptor(root: Path, schemas: dict[str, TableSchema]) -> list[Problem]:
    """``datapackage-parquet.json`` is what the build writes for these schemas (resources
    of tables whose schema has problems of its own are not compared)."""
    file = PARQUET_DESCRIPTOR
    path = root / file
    reason = why_not_readable(root, file)
    if reason:
        return [Problem(file, None, None, "path-unsafe", f"{file} {reason}")]
    if not path.is_file():
        return [Problem(file, None, None, "descriptor-stale", f"{file} does not exist")]
    expected = parquet_descriptor(package_descriptor(schemas, lambda _: (None, None)))
    try:
        with open_regular(path, file) as handle:
            data = handle.read(MAX_DESCRIPTOR_BYTES + 1)
        stored = json.loads(data.decode("utf-8"))
    except OSError as error:
        return [unopenable(file, error)]
    except (ValueError, RecursionError):
        stored = None
    if isinstance(stored, dict) and isinstance(stored.get("resources"), list):
        stored["resources"] = [
            resource for resource in stored["resources"] if not (
                isinstance(resource, dict) and isinstance(resource.get("name"), str)
                and TABLE_NAME.fullmatch(resource["name"]) and resource["name"] not in schemas)]
    if stored != expected:
        return [Problem(file, None, None, "descriptor-stale",
                        f"{file} is not what the build writes")]
    return []


def _stale(message: str, column: str) -> Problem:
    return Problem(DESCRIPTOR, None, column, "descriptor-stale", message)


def _first_difference(actual: dict[str, Any], wanted: dict[str, Any]) -> str:
    for key in [*wanted, *actual]:
        if actual.get(key) != wanted.get(key):
            return str(key)
    return ""


def _recorded_sizes(descriptor: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The ``bytes`` and ``hash`` recorded for each path (CSV and Parquet)."""
    sizes: dict[str, tuple[Any, Any]] = {}
    for resource in descriptor["resources"]:
        entries = [resource, resource.get("parquet")] if isinstance(resource, dict) else []
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                sizes[entry["path"]] = (entry.get("bytes"), entry.get("hash"))
    return sizes


def check_hashes(root: Path, descriptor: dict[str, Any],
                 schemas: dict[str, TableSchema]) -> list[Problem]:
    """Each table's CSV and Parquet file has the size and hash the descriptor records."""
    recorded = _recorded_sizes(descriptor)
    problems = []
    for name in schemas:
        for file in (csv_file(name), parquet_file(name)):
            path = root / file
            reason = why_not_readable(root, file)
            if reason:
                if file == parquet_file(name):  # a CSV's is reported when it is read
                    problems.append(Problem(file, None, None, "path-unsafe",
                                            f"{file} {reason}"))
                continue
            if not path.is_file():
                if file == parquet_file(name):  # a missing CSV is reported when it is read
                    problems.append(Problem(file, None, None, "file-missing",
                                            "the Parquet copy does not exist"))
                continue
            if file not in recorded:
                continue  # the descriptor lacks the resource: reported as descriptor-stale
            try:
                actual = (path.stat().st_size, file_sha256(path, file))
            except OSError as error:
                if file == parquet_file(name):  # a CSV's is reported when it is read
                    problems.append(unopenable(file, error))
                continue
            if recorded[file] != actual:
                size, digest = recorded[file]
                message = (f"the file has {actual[0]} bytes and hash {actual[1]}, the "
                           f"descriptor records {quote(size)} and {quote(digest)}")
                if not str(digest).startswith("sha256:"):
                    message += "; only sha256: hashes are accepted"
                problems.append(Problem(file, None, None, "file-hash", message))
    return problems


def check_parquet(root: Path, package: Package) -> list[Problem]:
    """Each Parquet copy has its table's Arrow schema and holds the same rows as the CSV.

    Only the copies of CSVs without a problem of their own are reported on (a CSV with a
    bad value cannot be compared with its copy); :func:`parquet_of_broken_csvs` drops the
    others once every problem is known.
    """
    return [problem for name in package.tables
            for problem in _check_parquet(root, name, package)]


def hashes_of_unbuilt_csvs(problems: list[Problem]) -> set[Problem]:
    """The file-hash problems to leave out: those of a CSV with rows not yet built (the
    not-built problem already says to run the build; saying it twice says nothing)."""
    unbuilt = {problem.file for problem in problems if problem.code == "not-built"}
    return {problem for problem in problems
            if problem.code == "file-hash" and problem.file in unbuilt}


def parquet_of_broken_csvs(problems: list[Problem]) -> set[Problem]:
    """The Parquet problems to leave out: those of a CSV that has problems of its own."""
    files = {problem.file for problem in problems}
    return {problem for problem in problems if problem.code.startswith("parquet-")
            and problem.file.startswith("data/parquet/")
            and csv_file(problem.file.removeprefix("data/parquet/").removesuffix(".parquet"))
            in files}


def _check_parquet(root: Path, name: str, package: Package) -> list[Problem]:
    """Compare the Parquet copy with the CSV column by column, in Arrow.

    Each Parquet column is rendered as the CSV writes it (integers and booleans as text,
    dates as ISO dates, enums as their values); numbers are compared as numbers. Text
    columns are read still dictionary-encoded, so that their decoded size is known before
    they are decoded: a copy that would unpack far beyond its CSV is refused.
    """
    import pyarrow as pa

    file = parquet_file(name)
    path = root / file
    if not path.is_file() or why_not_readable(root, file):
        return []  # reported by check_hashes
    limit = PARQUET_EXPANSION * (root / csv_file(name)).stat().st_size + PARQUET_SLACK
    try:
        with mapped(path, file) as data:
            return _compare_parquet(pa.py_buffer(data), name, package, limit)
    except OSError as error:
        return [unopenable(file, error)]


def _compare_parquet(data: pa.Buffer, name: str, package: Package, limit: int
                     ) -> list[Problem]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = parquet_file(name)
    schema, frame = package.schemas[name], package.tables[name].frame
    try:
        plain = pq.ParquetFile(pa.BufferReader(data))
        stored = plain.schema_arrow
        wanted = schema.arrow_schema()
        if not stored.equals(wanted, check_metadata=False):
            return [Problem(file, None, None, "parquet-stale",
                            f"the Parquet copy's columns are {_columns(stored)}, the table's "
                            f"are {_columns(wanted)}")]
        parquet = pq.ParquetFile(pa.BufferReader(data),
                                 read_dictionary=_dictionary_columns(plain.metadata, schema))
        if parquet.metadata.num_rows != len(frame):
            return [_stale_copy(name)]
        declared = _declared_unpacked_bytes(parquet.metadata)
        if declared > limit:  # before any page is decompressed
            return [Problem(file, None, None, "file-too-large",
                            f"the Parquet copy declares {declared:,} bytes once "
                            f"decompressed, over the {limit:,} allowed beside "
                            f"{csv_file(name)}; it was not decoded")]
        unpacked = 0
        for field in schema.fields:
            column = parquet.read(columns=[field.name])[field.name]
            unpacked += _decoded_bytes(column)
            if unpacked > limit:
                return [Problem(file, None, None, "file-too-large",
                                f"the Parquet copy unpacks to over {limit:,} bytes by its "
                                f"column {field.name}, far more than {csv_file(name)}; no "
                                "further column was read")]
            if not _same_column(column, frame[field.name], field.type):
                return [_stale_copy(name)]
    except Exception as error:  # any unreadable file is a problem to report
        return [Problem(file, None, None, "parquet-unreadable",
                        f"the Parquet copy cannot be read: {quote(str(error), 200)}",
                        f"regenerate it: {RUN_BUILD}")]
    return []


def _dictionary_columns(metadata: Any, schema: TableSchema) -> list[str]:
    """The text columns with a dictionary page in some row group: read still encoded, a
    dictionary's decoded size is known before it is decoded. A plain-encoded column
    decodes to about its declared size, which the footer check has already bounded."""
    texts = {field.name for field in schema.fields if field.type == "string"}
    return sorted({metadata.row_group(group).column(column).path_in_schema
                   for group in range(metadata.num_row_groups)
                   for column in range(metadata.num_columns)
                   if metadata.row_group(group).column(column).has_dictionary_page}
                  & texts)


def _declared_unpacked_bytes(metadata: Any) -> int:
    """The decompressed size of every column chunk, as the file's footer records it."""
    return sum(metadata.row_group(group).column(column).total_uncompressed_size
               for group in range(metadata.num_row_groups)
               for column in range(metadata.num_columns))


def _stale_copy(name: str) -> Problem:
    return Problem(parquet_file(name), None, None, "parquet-stale",
                   f"the Parquet copy does not hold the same rows as {csv_file(name)}")


def _decoded_bytes(column: Any) -> int:
    """The bytes ``column`` takes once decoded, computed without decoding it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            lengths = pc.binary_length(chunk.dictionary).take(chunk.indices)
            total += int(pc.sum(lengths).as_py() or 0) + 8 * len(chunk)
        else:
            total += chunk.nbytes
    return total


# A Parquet copy holds the CSV's values: unpacked, it is about the CSV's size (a little
# more for integers and dates). One that unpacks to far more (a compression bomb) is
# refused on its metadata alone, before a column is read.
PARQUET_EXPANSION = 4
PARQUET_SLACK = 64 * 2**20


def _columns(schema: Any) -> str:
    return quote(", ".join(f"{field.name}: {field.type}" for field in schema), 300)


def _same_column(stored: Any, text: pd.Series, kind: str) -> bool:
    """Whether a Parquet column holds, row by row, the values of a CSV text column."""
    import numpy as np
    import pyarrow.compute as pc

    from besa545.model.vectors import arrow_text, numbers

    if kind == "number":
        left = stored.to_numpy()
        right = numbers(text)
        return bool(np.array_equal(left.astype(float), right, equal_nan=True))
    if kind == "date":
        stored = pc.strftime(stored, format="%Y-%m-%d")
    csv_text = arrow_text(text)
    stored = pc.cast(stored, csv_text.type)
    equal = pc.fill_null(pc.equal(stored, csv_text), False)
    both_null = pc.and_(pc.is_null(stored), pc.is_null(csv_text))
    return bool(pc.all(pc.or_(equal, both_null)).as_py())
