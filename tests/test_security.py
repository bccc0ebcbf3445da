"""The validator as a security boundary: offline, confined to the package, read-only.

The fault cases of ``test_validate_faults.py`` cover what a hostile file is reported as;
these tests watch the whole run from outside: every connection attempt, every file
Python opens. (Files that pyarrow opens from C++ are not seen by an audit hook; the
validator hands it only the canonical paths of each table, checked beforehand.)
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import numpy as np
import pytest

from besa545.check.scheduler import validate
from helpers import ROOT, copy_package, edit_descriptor, reseal, resource

REMOTE = "http://203.0.113.1/profile.json"  # TEST-NET-3: never a real host


@pytest.fixture
def no_network(monkeypatch):
    """Every way Python opens a connection or resolves a name fails, and is recorded."""
    attempts: list[tuple[str, object]] = []

    def refuse(name: str):
        def blocked(*arguments: object, **_: object) -> None:
            attempts.append((name, arguments[1:] if name.startswith("socket.") else arguments))
            raise OSError(f"network blocked by the test: {name}")
        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


def test_the_network_block_does_block(no_network):
    with pytest.raises(OSError, match="network blocked"):
        socket.create_connection(("203.0.113.1", 80), timeout=1)
    assert no_network == [("create_connection", (("203.0.113.1", 80),))]


def _remote_schema_profile(root: Path) -> None:
    path = root / "schemas" / "topics.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["$schema"] = REMOTE
    schema["fields"][0]["constraints"]["profile"] = REMOTE
    path.write_text(json.dumps(schema), encoding="utf-8")


@pytest.mark.parametrize("edit, codes", [
    (None, []),
    (edit_descriptor(lambda d: resource(d, "topics").update(profile=REMOTE)),
     ["descriptor-stale"]),
    (edit_descriptor(lambda d: resource(d, "topics").update(dialect=REMOTE)),
     ["descriptor-stale"]),
    (edit_descriptor(lambda d: d.update(profile=REMOTE)), ["descriptor-stale"]),
    (_remote_schema_profile, ["foreign-key-table", "schema-invalid", "schema-invalid"]),
])
def test_a_whole_validation_makes_no_network_request(no_network, tmp_path, edit, codes):
    root = copy_package(tmp_path / "package")
    if edit:
        edit(root)
    report = validate(root, spec=True)  # the spec layer runs on a clean package
    assert report.codes() == codes, report.to_text()
    assert no_network == []


def test_a_remote_url_in_a_schema_is_named(tmp_path):
    root = copy_package(tmp_path / "package")
    _remote_schema_profile(root)
    messages = sorted(p.message for p in validate(root, spec=False).problems
                      if p.code == "schema-invalid")
    assert messages == [
        "$schema is a URL; a schema may not refer to anything outside the package "
        "(frictionless would fetch it)",
        "fields[0].constraints.profile is a URL; a schema may not refer to anything "
        "outside the package (frictionless would fetch it)"]


def _opened_during(callback) -> list[str]:
    opened: list[str] = []
    recording = [True]

    def hook(event: str, arguments: tuple) -> None:
        if recording[0] and event == "open" and isinstance(arguments[0], str | bytes | Path):
            opened.append(os.fsdecode(arguments[0]))

    sys.addaudithook(hook)  # hooks cannot be removed: this one stops recording instead
    try:
        callback()
    finally:
        recording[0] = False
    return opened


def test_python_opens_nothing_outside_the_package_and_the_installation(tmp_path):
    root = copy_package(tmp_path / "package")
    outside = tmp_path / "secret.csv"
    outside.write_text("topic_id\nsecret\n", encoding="utf-8")
    (root / "data" / "topics.csv").unlink()
    os.symlink(outside, root / "data" / "topics.csv")
    validate(root, spec=True)  # once, so that every module is imported before recording
    opened = _opened_during(lambda: validate(root, spec=True))
    allowed = [os.path.realpath(root), os.path.realpath(sys.prefix),
               os.path.realpath(sys.base_prefix)]
    assert opened, "the audit hook sees the files the validator reads"
    strays = [path for path in opened
              if not any(os.path.realpath(path).startswith(place + os.sep)
                         for place in allowed)]
    assert strays == []
    assert all(os.path.realpath(path) != str(outside.resolve()) for path in opened)


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_no_control_character_from_the_package_reaches_the_output(tmp_path, fmt):
    from helpers import invoke, replace_bytes, reseal

    root = copy_package(tmp_path / "package")
    # a header name that would clear the screen and print a fake verdict
    replace_bytes("data/topics.csv", b"topic_id,label,",
                  b"topic_id,label\x1b[2J\x1b[Hok: no problems found\xe2\x80\xae,")(root)
    reseal(root)
    result = invoke("validate", str(root), "--no-spec", "--format", fmt)
    assert result.status == 1
    shown = result.stdout + result.stderr
    assert not any(character in shown for character in "\x1b\u202e")
    escaped = "label\\x1b[2J\\x1b[Hok: no problems found\\u202e"
    assert escaped in shown.replace("\\\\", "\\")  # JSON doubles the backslashes


def test_printable_escapes_what_a_terminal_would_obey():
    from besa545.model.problems import printable

    assert printable("a\x1b[2J\rb\u202ec\u200bd\udcffe\x9bf é") == (
        "a\\x1b[2J\\x0db\\u202ec\\u200bd\\udcffe\\x9bf é")


def test_a_pattern_that_backtracks_in_python_never_reaches_pythons_engine(tmp_path):
    """``(?:(a|aa)*c|.*)`` is linear in RE2 (the tables layer) but exponential in Python's
    ``re``, which frictionless uses: the spec layer runs without patterns, so this returns
    (it would hang for hours otherwise) and the value is checked by RE2 alone."""
    from helpers import invoke, set_cell

    root = copy_package(tmp_path / "package")
    path = root / "schemas" / "topics.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    label = next(field for field in schema["fields"] if field["name"] == "label")
    label["constraints"]["pattern"] = "(?:(a|aa)*c|.*)"
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    set_cell("topics", "six-party-talks", "label", "a" * 48)(root)
    assert invoke("build", "--root", str(root)).status == 0
    report = validate(root, spec=True)
    assert report.ok, report.to_text()


def test_the_ci_workflow_runs_untrusted_pull_requests_with_least_privilege():
    import yaml


    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    for path in workflows:
        text = path.read_text(encoding="utf-8")
        workflow = yaml.safe_load(text)
        assert workflow["permissions"] == {"contents": "read"}, path.name
        triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as True
        assert "pull_request_target" not in triggers, path.name
        assert "secrets." not in text, path.name
        for name, job in workflow["jobs"].items():
            assert 0 < job["timeout-minutes"] <= 60, (path.name, name)


def _topics_bomb(root, value_bytes: int, dictionary: bool):
    """topics.parquet rewritten with every text cell ``value_bytes`` long (small on disk)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from besa545.model.schema import table_schema

    path = root / "data" / "parquet" / "topics.parquet"
    huge = ["a" * value_bytes] * pq.read_table(path).num_rows
    pq.write_table(pa.table({"topic_id": huge, "label": huge, "description": huge},
                            schema=table_schema("topics").arrow_schema()),
                   path, compression="zstd", use_dictionary=dictionary)
    reseal(root)
    return path


@pytest.mark.parametrize(("value_bytes", "dictionary", "reads"), [
    # every page large once decompressed: refused on the footer, no page decompressed
    (1_000_000, False, 0),
    # pages small, one dictionary entry repeated in every row: refused by its decoded size
    # within the first columns, before the rest is read
    (150_000, True, 1),
], ids=["pages-declared-large", "dictionary-repeated"])
def test_a_parquet_copy_that_unpacks_far_beyond_its_csv_is_refused_unread(
        tmp_path, monkeypatch, value_bytes, dictionary, reads):
    import pyarrow.parquet as pq

    from besa545.check import files

    root = copy_package(tmp_path / "package")
    path = _topics_bomb(root, value_bytes, dictionary)
    assert path.stat().st_size < 10_000
    monkeypatch.setattr(files, "PARQUET_SLACK", 1_000_000)
    read_from = []
    real_read = pq.ParquetFile.read

    def watched(self, *arguments, **options):
        if self.schema_arrow.names == ["topic_id", "label", "description"]:
            read_from.append(options.get("columns"))
        return real_read(self, *arguments, **options)

    monkeypatch.setattr(pq.ParquetFile, "read", watched)
    report = validate(root, spec=False)
    assert [(p.file, p.code) for p in report.problems] == [
        ("data/parquet/topics.parquet", "file-too-large")]
    assert read_from == [["topic_id"]][:reads]
    limit = files.PARQUET_EXPANSION * (root / "data" / "topics.csv").stat().st_size + 1_000_000
    if reads == 0:  # the footer's sizes, summed over every column chunk
        footer = pq.ParquetFile(path).metadata
        declared = sum(footer.row_group(group).column(column).total_uncompressed_size
                       for group in range(footer.num_row_groups)
                       for column in range(footer.num_columns))
        assert report.problems[0].message == (
            f"the Parquet copy declares {declared:,} bytes once decompressed, over the "
            f"{limit:,} allowed beside data/topics.csv; it was not decoded")
    else:
        assert report.problems[0].message == (
            f"the Parquet copy unpacks to over {limit:,} bytes by its column topic_id, far "
            "more than data/topics.csv; no further column was read")


@pytest.mark.parametrize("dictionary", [False, True], ids=["declared", "decoded"])
def test_a_parquet_copy_exactly_at_the_size_limit_is_read(tmp_path, monkeypatch, dictionary):
    """The limit is a size a copy may have: a copy whose footer declares (pages) or whose
    first column decodes to (a dictionary) exactly the limit is read, and its values found
    stale, not refused as a bomb."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from besa545.check import files

    root = copy_package(tmp_path / "package")
    path = _topics_bomb(root, 150_000, dictionary)
    if dictionary:  # the size of the first column's values held as plain large strings
        size = pa.chunked_array(pq.read_table(path, columns=["topic_id"])["topic_id"],
                                pa.large_string()).nbytes
    else:
        size = files._declared_unpacked_bytes(pq.ParquetFile(path).metadata)
    csv_bytes = (root / "data" / "topics.csv").stat().st_size
    monkeypatch.setattr(files, "PARQUET_SLACK", size - files.PARQUET_EXPANSION * csv_bytes)
    assert [(p.file, p.code) for p in validate(root, spec=False).problems] == [
        ("data/parquet/topics.parquet", "parquet-stale")]
    monkeypatch.setattr(files, "PARQUET_SLACK", files.PARQUET_SLACK - 1)
    assert [(p.file, p.code) for p in validate(root, spec=False).problems] == [
        ("data/parquet/topics.parquet", "file-too-large")]


def test_the_size_limits_are_those_docs_security_md_states():
    """docs/security.md promises the limits; the numbers the code applies are those."""
    import re

    from besa545.check import files, reading
    from besa545.model import csvfile

    docs = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert "more than 4 times its CSV's size plus 64 MiB once decompressed" in docs
    assert (files.PARQUET_EXPANSION, files.PARQUET_SLACK) == (4, 64 * 2**20)
    assert re.search(r"hold over 1 GB together is refused", docs)
    assert re.search(r"a CSV over 1 GB on its own likewise", docs)
    assert files.MAX_PACKAGE_BYTES == reading.MAX_TABLE_BYTES == 10**9
    assert "a descriptor over 10 MB and a cell over 1 MB are refused" in docs
    assert (files.MAX_DESCRIPTOR_BYTES, csvfile.MAX_CELL_BYTES) == (10**7, 10**6)


def test_a_table_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from besa545.check import reading

    root = copy_package(tmp_path / "package")
    size = (root / "data" / "events.csv").stat().st_size
    monkeypatch.setattr(reading, "MAX_TABLE_BYTES", size - 1)
    problems = [p for p in validate(root, spec=False).problems if p.file == "data/events.csv"]
    assert [(p.code, p.message) for p in problems] == [(
        "file-too-large",
        f"the file has {size:,} bytes, over the {size - 1:,} a table may have")]


def test_a_package_over_the_size_limit_is_refused_before_anything_is_read(tmp_path,
                                                                        monkeypatch):
    """Memory is bounded by the package's size, so the package's size is bounded: every
    CSV and source file counts, and over the limit no table is read."""
    from besa545.check import files

    root = copy_package(tmp_path / "package")
    size = sum(path.stat().st_size for path in [*(root / "data").glob("*.csv"),
                                                 *(root / "sources").iterdir()])
    monkeypatch.setattr(files, "MAX_PACKAGE_BYTES", size - 1)
    validate(root, spec=False)  # once, so that every module is imported before recording
    report = validate(root, spec=False)
    opened = _opened_during(lambda: validate(root, spec=False))
    assert [(p.file, p.code, p.message) for p in report.problems] == [(
        "datapackage.json", "file-too-large",
        f"the tables' CSV files and sources/ hold {size:,} bytes together, over the "
        f"{size - 1:,} a package may have; nothing was read")]
    assert [path for path in opened if path.endswith((".csv", ".md", ".txt"))] == []
    monkeypatch.setattr(files, "MAX_PACKAGE_BYTES", size)
    assert validate(root, spec=False).ok


def test_a_source_file_named_by_two_documents_is_read_once(tmp_path):
    """Reading is bounded by the files counted, not by how often rows name them: a second
    document naming the first one's files is reported and its files are not read again."""
    import pandas as pd

    from besa545.derive.documents import read_documents
    from besa545.model.csvfile import StringTable

    root = copy_package(tmp_path / "package")
    frame = pd.read_csv(root / "data" / "documents.csv", dtype=str, keep_default_na=False)
    twice = pd.concat([frame, frame.assign(document_id="copy")], ignore_index=True)
    table = StringTable("documents", "data/documents.csv", twice, np.array([2, 3]))
    opened = _opened_during(lambda: read_documents(root, table))
    documents, problems = read_documents(root, table)
    assert sorted(documents) == ["besa-pp-545"]
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [
        (3, "raw_path", "source-shared",
         "sources/besa-pp-545.md is already a file of the document on line 2")]
    assert [path for path in opened if path.endswith(".md")] == [
        str(root / "sources" / "besa-pp-545.md")]


# Check-then-use: what was checked is what is read.

def _without_path_checks(monkeypatch) -> None:
    """Every check made before a file is read says yes, as if the file had been swapped for
    a symbolic link just after it was checked: only the open itself can refuse it."""
    from besa545.check import files, reading
    from besa545.model import paths, schema

    for module in (files, reading, schema, paths):
        monkeypatch.setattr(module, "why_not_readable", lambda root, file: None)
    monkeypatch.setattr(paths.PathGuard, "why_unsafe", lambda self, value: None)


SECRET = "a-secret-outside-the-package"


@pytest.mark.parametrize("swapped", [
    "data/topics.csv", "data/parquet/topics.parquet", "schemas/topics.json",
    "sources/besa-pp-545.md", "sources/besa-pp-545.txt"])
def test_a_file_swapped_for_a_link_after_its_check_is_not_read(tmp_path, monkeypatch,
                                                                 swapped):
    root = copy_package(tmp_path / "package")
    outside = tmp_path / "outside.txt"
    outside.write_text(f"topic_id,label\n{SECRET},x\n", encoding="utf-8")
    assert (root / swapped).is_file()
    (root / swapped).unlink()
    (root / swapped).symlink_to(outside)
    _without_path_checks(monkeypatch)
    report = validate(root, spec=False)
    assert ("path-unsafe", swapped) in {(p.code, p.file) for p in report.problems}
    assert SECRET not in report.to_json()
    assert "validator-crash" not in report.codes()  # each check that opens it says so


def test_a_folder_swapped_for_a_link_after_its_check_is_not_read(tmp_path, monkeypatch):
    root = copy_package(tmp_path / "package")
    outside = tmp_path / "elsewhere"
    (root / "data" / "parquet").rename(outside)
    (root / "data" / "parquet").symlink_to(outside)
    _without_path_checks(monkeypatch)
    report = validate(root, spec=False)
    unsafe = [p.file for p in report.sorted() if p.code == "path-unsafe"]
    # every file of the folder, the copies and the guide beside them
    assert unsafe == sorted(f"data/parquet/{path.name}" for path in outside.iterdir())
    assert all(p.message.endswith("leads outside the package through a symbolic link")
               for p in report.problems if p.code == "path-unsafe")


def test_open_regular_refuses_each_kind_of_file_it_must_not_read(tmp_path):
    from besa545.model.paths import NOT_REGULAR, OUTSIDE, SYMLINK, UnsafeFile, open_regular

    (tmp_path / "pkg" / "data").mkdir(parents=True)
    (tmp_path / "pkg" / "data" / "fine.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "pkg" / "data" / "link.csv").symlink_to(tmp_path / "pkg" / "data" / "fine.csv")
    os.mkfifo(tmp_path / "pkg" / "data" / "fifo.csv")  # opening it must not wait for a writer
    (tmp_path / "pkg" / "data" / "dir.csv").mkdir()
    (tmp_path / "away").mkdir()
    (tmp_path / "away" / "x.csv").write_text("b\n", encoding="utf-8")
    (tmp_path / "pkg" / "linked").symlink_to(tmp_path / "away")
    root = tmp_path / "pkg"
    with open_regular(root / "data" / "fine.csv", "data/fine.csv") as handle:
        assert handle.read() == b"a\n"
    for file, reason in [("data/link.csv", SYMLINK), ("data/fifo.csv", NOT_REGULAR),
                         ("data/dir.csv", NOT_REGULAR), ("linked/x.csv", OUTSIDE)]:
        with pytest.raises(UnsafeFile) as caught:
            open_regular(root / file, file)
        assert caught.value.reason == reason, file
    # a caller naming a package path that is not the end of what it opens is a bug: it
    # must never turn into a read whose confinement is not checked
    for mismatched in ["data/other.csv", "pkg/fine.csv", "../pkg/data/fine.csv", ""]:
        with pytest.raises(ValueError, match="does not end with the package path"):
            open_regular(root / "data" / "fine.csv", mismatched)



@pytest.mark.parametrize("path, file, root", [
    ("/r/data/a.csv", "data/a.csv", "/r"),  # the usual name: taken off the end as text
    ("/data/a.csv", "data/a.csv", "/"),
    ("/r/x/../data/a.csv", "data/a.csv", "/r/x/.."),  # resolved later, by realpath
    ("/r/data/a.csv", "./data/a.csv", "/r"),  # other spellings of the same name: parsed
    ("/r/data/a.csv", "data//a.csv", "/r"),
    ("/r/data/./a.csv", "data/a.csv", "/r"),
])
def test_the_root_is_the_path_without_the_package_name(path, file, root):
    from besa545.model.paths import _root_of

    assert _root_of(Path(path), file) == root

def _refuse_to_open(monkeypatch, suffix: str) -> None:
    """Opening a package file whose path ends with ``suffix`` fails as a permission error
    would (root reads everything, so it is simulated)."""
    from besa545.model import paths

    real_open = os.open

    def refuse(path, *arguments, **options):
        if str(path).endswith(suffix):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *arguments, **options)

    monkeypatch.setattr(paths.os, "open", refuse)


def test_a_file_that_cannot_be_opened_is_a_problem_at_that_file(tmp_path, monkeypatch):
    """A permission error (root reads everything, so it is simulated) is reported at the
    file, with the system's reason, and every other table is still checked."""
    from helpers import set_cell

    root = copy_package(tmp_path / "package")
    set_cell("event_participants", "warmbier-death", "role", "victim")(root)
    reseal(root)
    _refuse_to_open(monkeypatch, "topics.csv")
    report = validate(root, spec=False)
    assert [(p.file, p.line, p.column, p.code, p.message, p.hint) for p in report.problems
            if p.file == "data/topics.csv"] == [(
                "data/topics.csv", None, None, "file-unreadable",
                "the file cannot be read: Permission denied",
                "make the file readable (check its permissions), or restore it from the "
                "repository")]
    assert "enum" in report.codes()  # another table's problem is still found


@pytest.mark.parametrize("csv_fault", [False, True], ids=["csv-clean", "csv-with-a-fault"])
def test_a_parquet_copy_that_cannot_be_opened_is_reported_once(tmp_path, monkeypatch,
                                                               csv_fault):
    """A Parquet copy that cannot be opened is one problem at that file (the hash check and
    the comparison both find it), whether or not its CSV has a problem of its own."""
    from helpers import set_cell

    root = copy_package(tmp_path / "package")
    if csv_fault:
        set_cell("topics", "dialogue-with-north-korea", "topic_id", "Not A Slug")(root)
        reseal(root)
    _refuse_to_open(monkeypatch, "topics.parquet")
    report = validate(root, spec=False)
    assert [(p.file, p.code, p.message) for p in report.problems
            if p.file == "data/parquet/topics.parquet"] == [(
                "data/parquet/topics.parquet", "file-unreadable",
                "the file cannot be read: Permission denied")]
    assert any(p.file == "data/topics.csv" for p in report.problems) == csv_fault


def test_the_spec_layer_reads_the_bytes_the_validator_read_and_locates_its_findings(
        tmp_path):
    """frictionless is handed each CSV's bytes, not a path to open, and what it finds is
    reported at the CSV (here a foreign key only it is asked about, the layer being
    called directly)."""
    import besa545
    from besa545.check.reading import read_schemas
    from besa545.check.spec import check_spec

    root = copy_package(tmp_path / "package")
    path = root / "data" / "authorships.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(
        ",george-n-tzogopoulos,", ",nobody-at-all,"), encoding="utf-8")
    reseal(root)
    schemas = read_schemas(root, besa545.tables()).value
    found = {(p.file, p.line, p.code) for p in check_spec(root, schemas)}
    assert found == {("data/authorships.csv", 2, "spec-foreign-key")}


def _spec_findings(root: Path) -> set[tuple[str, str]]:
    import besa545
    from besa545.check.reading import read_schemas
    from besa545.check.spec import check_spec

    schemas = read_schemas(root, besa545.tables()).value
    return {(p.file, p.code) for p in check_spec(root, schemas)}


def test_the_spec_layer_checks_the_packages_own_properties(tmp_path):
    """The descriptor's package-level properties reach frictionless with the resources
    (the other layers hold them equal to what the build writes; this catches a build
    that writes what the spec forbids)."""
    root = copy_package(tmp_path / "package")
    edit_descriptor(lambda d: d.update(licenses="CC-BY-4.0"))(root)
    assert _spec_findings(root) == {("datapackage.json", "spec-package-error")}


def test_a_file_the_spec_layer_cannot_open_is_located_not_a_crash(tmp_path):
    """A CSV swapped for a link after the other layers read it is reported at that CSV
    (as the files layer would), and the other resources are still checked."""
    root = copy_package(tmp_path / "package")
    topics = root / "data" / "topics.csv"
    topics.rename(root / "topics-elsewhere.csv")
    topics.symlink_to(root / "topics-elsewhere.csv")
    # stances, whose foreign key names topics, cannot be checked without it: frictionless
    # says so (a resource error), and no table is reported ok that was not read
    assert _spec_findings(root) == {("data/topics.csv", "path-unsafe"),
                                    ("data/stances.csv", "spec-resource-error")}


def test_a_descriptor_that_grows_after_its_size_is_read_is_refused(tmp_path, monkeypatch):
    """The size limit holds for the bytes read, not only for the size the file had when
    it was looked at: a descriptor that another process lengthens in between is refused
    as too large, not parsed (the race is simulated by lengthening it as it is opened)."""
    from besa545.check import files

    root = copy_package(tmp_path / "package")
    descriptor = root / "datapackage.json"
    real_open = files.open_regular

    def lengthen_then_open(path, file):
        if path == descriptor:
            with descriptor.open("ab") as stream:  # the same JSON, padded past the limit
                stream.write(b" " * (files.MAX_DESCRIPTOR_BYTES + 1 - descriptor.stat().st_size))
        return real_open(path, file)

    monkeypatch.setattr(files, "open_regular", lengthen_then_open)
    report = validate(root, spec=False)
    assert [(p.file, p.code, p.message) for p in report.problems] == [
        ("datapackage.json", "descriptor-json", "datapackage.json is over 10,000,000 bytes")]


@pytest.mark.parametrize("file", [
    "datapackage.json", "datapackage-parquet.json", "schemas/topics.json", "data/topics.csv",
    "data/mentions.csv", "data/parquet/topics.parquet", "sources/besa-pp-545.md",
    "sources/besa-pp-545.txt"])
def test_every_kind_of_file_that_cannot_be_opened_is_one_problem_at_it(tmp_path, monkeypatch,
                                                                        file):
    """Each file the validator opens, refused (as a permission error would), is reported
    once at that file with the system's reason; no check crashes on it."""
    root = copy_package(tmp_path / "package")
    _refuse_to_open(monkeypatch, file)
    report = validate(root, spec=False)
    assert [(p.file, p.code, p.message) for p in report.problems if p.file == file] == [
        (file, "file-unreadable", "the file cannot be read: Permission denied")]
    assert "validator-crash" not in report.codes()


def test_a_pull_request_is_validated_by_the_base_branchs_code_too():
    """One job runs none of the pull request's code: it installs besa545 from the base
    branch's commit and hands the pull request's checkout to it as data only."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "validate.yml").read_text(
        encoding="utf-8"))
    job = workflow["jobs"]["trusted-validate"]
    assert job["if"] == "github.event_name == 'pull_request'"
    checkouts = {step["with"]["path"]: step["with"] for step in job["steps"]
                 if step.get("uses", "").startswith("actions/checkout@")}
    assert checkouts["trusted"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert checkouts["pr"]["ref"] == "${{ github.event.pull_request.head.sha }}"
    assert all(options["persist-credentials"] is False for options in checkouts.values())
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert 'python -m pip install --quiet "./trusted[validate]"' in runs
    for command in ("besa545 validate", "besa545 diff"):
        step = next(step for step in job["steps"] if command in step.get("run", ""))
        assert step["working-directory"] == "${{ runner.temp }}"  # no checkout's src/ there
    diff = next(run for run in runs if "besa545 diff" in run)
    assert 'besa545 diff forked "$GITHUB_WORKSPACE/pr" --check-changelog' in diff
    assert 'merge-base "$BASE" HEAD' in diff  # against where the pull request branched off
    assert 'exit "$status"' in diff  # a CHANGELOG that leaves the diff unsaid fails the job
    # the pull request's files are named only as the package to validate and to diff
    assert not [run for run in runs if "./pr" in run or "pr/src" in run]
    assert not [step for step in job["steps"] if step.get("uses", "").startswith("./")]


def test_a_descriptor_the_spec_layer_cannot_open_is_located_not_a_crash(tmp_path):
    """The descriptor swapped for a link after the other layers read it: the spec layer
    reports it at the descriptor (a list of problems, as every check returns)."""
    from besa545.check.spec import check_spec

    root = copy_package(tmp_path / "package")
    descriptor = root / "datapackage.json"
    descriptor.rename(root / "elsewhere.json")
    descriptor.symlink_to(root / "elsewhere.json")
    assert [(problem.file, problem.code) for problem in check_spec(root, {})] == [
        ("datapackage.json", "path-unsafe")]


def test_a_mapped_file_is_unmapped_when_its_reader_is_done(tmp_path):
    """The validator maps every CSV it reads; a map left open would hold the file (and its
    memory) until the run ends, a million-row table at a time."""
    from besa545.model.paths import mapped

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_bytes(b"a\n1\n")
    with mapped(tmp_path / "data" / "t.csv", "data/t.csv") as view:
        assert bytes(view[:2]) == b"a\n"
    assert view.closed
