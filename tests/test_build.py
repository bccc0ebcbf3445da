"""The build: deterministic, normalising, atomic, and precise when evidence is wrong."""

from __future__ import annotations

import csv
import io
import json
import random
import re

import pytest

from helpers import ROOT, invoke, set_cell, snapshot

COMMITTED = None


def committed() -> dict[str, bytes]:
    global COMMITTED
    if COMMITTED is None:
        COMMITTED = snapshot(ROOT)
    return COMMITTED


def test_building_a_copy_reproduces_the_committed_files_byte_for_byte(package_copy):
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 0, result.stderr
    assert snapshot(package_copy) == committed()
    again = invoke("build", "--root", str(package_copy))
    assert again.status == 0 and snapshot(package_copy) == committed()


def test_build_normalises_order_quoting_and_computed_columns(package_copy):
    path = package_copy / "data" / "events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    random.Random(545).shuffle(body)
    order = list(reversed(range(len(header))))
    computed = {header.index("char_start"), header.index("char_end")}
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow([header[i] for i in order if i not in computed])
    for row in body:
        writer.writerow([row[i] for i in order if i not in computed])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 0, result.stderr
    assert snapshot(package_copy) == committed()


def test_nullable_integers_are_written_without_decimals():
    for path in (ROOT / "data").glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        for row in csv.DictReader(io.StringIO(text)):
            for column in ("char_start", "char_end", "position", "series_number"):
                assert "." not in (row.get(column) or ""), (path.name, column)


def _replace_in(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_evidence_fails_with_file_line_and_nothing_is_written(package_copy):
    path = package_copy / "data" / "authorships.csv"
    _replace_in(path, "by George N. Tzogopoulos", "by George Tzogopoulos")
    before = snapshot(package_copy)
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "data/authorships.csv:2 [evidence]: evidence-not-found" in result.stderr
    assert "'by George Tzogopoulos' does not occur in the text" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(package_copy) == before


def test_ambiguous_evidence_fails_and_says_how_often_it_occurs(package_copy):
    path = package_copy / "data" / "authorships.csv"
    _replace_in(path, "by George N. Tzogopoulos", "George N. Tzogopoulos")
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "data/authorships.csv:2 [evidence]: evidence-ambiguous" in result.stderr
    assert "occurs 2 times in the text; lengthen it" in result.stderr


def test_changed_source_text_fails_the_build(package_copy):
    raw = package_copy / "sources" / "besa-pp-545.md"
    raw.write_bytes(raw.read_bytes().replace(b"July 30, 2017", b"July 31, 2017"))
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "data/documents.csv:2 [raw_sha256]: source-hash" in result.stderr


def _edit_paper(root, old: bytes, new: bytes) -> None:
    """Change the raw paper and record its new hash, as a contributor adding it would."""
    import hashlib

    raw = root / "sources" / "besa-pp-545.md"
    before = hashlib.sha256(raw.read_bytes()).hexdigest()
    raw.write_bytes(raw.read_bytes().replace(old, new))
    documents = root / "data" / "documents.csv"
    documents.write_text(documents.read_text(encoding="utf-8").replace(
        before, hashlib.sha256(raw.read_bytes()).hexdigest()), encoding="utf-8")


def test_a_paper_whose_summary_starts_a_formula_fails_the_build(package_copy):
    """The executive summary is derived from the paper, which a contributor may add: a
    spreadsheet formula there must not reach data/documents.csv."""
    _edit_paper(package_copy, b"EXECUTIVE SUMMARY: The North",
                b"EXECUTIVE SUMMARY: =2+5*cmd|A0 The North")
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "data/documents.csv:2 [executive_summary]: cell-formula" in result.stderr


def test_a_paragraph_that_starts_like_a_formula_fails_the_build(package_copy):
    """A paragraph is the paper's text, copied byte for byte into data/paragraphs.csv: one
    that a spreadsheet would run as a formula is refused like the summary above (a list
    marker is layout, which the raw text can leave out)."""
    _edit_paper(package_copy, b"\nAt the time of this writing,",
                b"\n@ At the time of this writing,")
    before = snapshot(package_copy)
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "source-formula: paragraph besa-pp-545-p" in result.stderr
    assert snapshot(package_copy) == before


def _drop_line_containing(path, needle: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines if needle not in line]
    assert len(kept) == len(lines) - 1, needle
    path.write_text("\n".join(kept), encoding="utf-8")


def test_build_fails_when_a_quoted_passage_has_no_row(package_copy):
    _drop_line_containing(package_copy / "data" / "quotations.csv", "sports-diplomacy,")
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert ("sources/besa-pp-545.txt:23: quotation-missing: the quoted passage "
            "'sports diplomacy' at 2616-2632 has no row in data/quotations.csv") in result.stderr


def test_build_fails_when_a_link_has_no_row(package_copy):
    _drop_line_containing(package_copy / "data" / "links.csv", "link-global-times-editorial,")
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "link-missing: the link 'Global Times editorial' at 4551-4573" in result.stderr


def test_build_fails_when_an_actor_is_never_mentioned(package_copy):
    _drop_line_containing(package_copy / "data" / "aliases.csv", "nba,NBA")
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "[actor_id]: actor-unmentioned: actor 'nba' is never mentioned" in result.stderr


def test_alias_pattern_prefers_the_longest_whole_word_alias():
    from besa545.derive.mentions import alias_pattern

    pattern = alias_pattern(["Kim", "Kim Jong-un", "US", "US-China Commission", "[x]", "Moon"])
    text = "Kim Jong-un and Kim met the US-China Commission, not xKim or Moons; [x] US."
    assert [match.group() for match in pattern.finditer(text)] == [
        "Kim Jong-un", "Kim", "US-China Commission", "[x]", "US"]


def test_derived_rows_are_in_the_order_the_build_writes():
    """Rows come out sorted by primary key, as written, also once a number outgrows its
    zero padding (p100 sorts before p11), so files and fresh derivations line up."""
    from besa545.derive.columns import string_table
    from besa545.model.paths import schema_dir
    from besa545.model.schema import parse_schema

    schema = parse_schema("paragraphs", json.loads(
        (schema_dir() / "paragraphs.json").read_text(encoding="utf-8")))
    ids = ["d-p09", "d-p10", "d-p11", "d-p100"]
    columns = {name: [str(number) for number in range(4)] for name in schema.field_names}
    columns["paragraph_id"] = ids
    table = string_table("paragraphs", schema, columns)
    assert table.frame["paragraph_id"].tolist() == ["d-p09", "d-p10", "d-p100", "d-p11"]
    assert table.frame["position"].tolist() == ["0", "1", "3", "2"]  # rows move whole


# --- all or nothing ---------------------------------------------------------------------


def _edit_a_label(root):
    _replace_in(root / "data" / "topics.csv", "Six Party", "Six-Party")


def test_a_build_that_cannot_write_changes_nothing_and_says_where(package_copy):
    _edit_a_label(package_copy)
    target = package_copy / "sources" / "besa-pp-545.txt"
    target.unlink()
    target.mkdir()  # the plain text's path is taken by a directory
    before = snapshot(package_copy)
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("sources/besa-pp-545.txt: build-write: cannot write: "
                                    "not a regular file\n")
    assert snapshot(package_copy) == before
    assert [path.name for path in package_copy.rglob("*besa545*")] == []


def test_a_full_disk_midway_leaves_the_old_files(package_copy, monkeypatch):
    import errno

    from besa545.assemble import pipeline

    _edit_a_label(package_copy)
    before = snapshot(package_copy)
    writes = []

    def fill_up(path, data, **options):
        writes.append(path)
        if len(writes) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_write(path, data, **options)

    real_write = pipeline.write_beside
    monkeypatch.setattr(pipeline, "write_beside", fill_up)
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "build-write: cannot write: No space left on device" in result.stderr
    assert snapshot(package_copy) == before
    assert [path.name for path in package_copy.rglob("*besa545*")] == []


def test_a_build_killed_during_the_renames_is_completed_by_the_next(package_copy,
                                                                      monkeypatch):
    import os

    from besa545.assemble import pipeline
    from besa545.check.scheduler import validate

    _edit_a_label(package_copy)
    renames = []
    real_replace = os.replace

    def killed_after_one(source, target):
        if str(target).endswith(pipeline.JOURNAL) or len(renames) < 1:
            renames.append(target)
            return real_replace(source, target)
        raise KeyboardInterrupt  # stands for kill -9: nothing after this line runs

    monkeypatch.setattr(pipeline.os, "replace", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(package_copy)
    monkeypatch.undo()
    assert (package_copy / pipeline.JOURNAL).is_file()
    assert "build-interrupted" in validate(package_copy, spec=False).codes()
    pipeline.finish_interrupted_build(package_copy)  # what the next build does first
    assert validate(package_copy, spec=False).ok
    assert not (package_copy / pipeline.JOURNAL).exists()


def test_files_staged_by_a_build_killed_before_its_journal_are_removed(package_copy):
    from besa545.check.scheduler import validate

    leftover = package_copy / "data" / ".topics.csv.besa545-staged"
    leftover.write_text("half a file", encoding="utf-8")
    report = validate(package_copy, spec=False)
    assert [(p.file, p.code) for p in report.problems] == [
        ("data/.topics.csv.besa545-staged", "build-interrupted")]
    assert invoke("build", "--root", str(package_copy)).status == 0
    assert not leftover.exists()
    assert snapshot(package_copy) == committed()


@pytest.mark.parametrize("table", ["topics", "events"])
def test_a_csv_saved_by_a_spreadsheet_is_built_and_written_back_canonical(package_copy,
                                                                          table):
    """UTF-8 with a BOM and CRLF line endings, as spreadsheets save CSV: the validator
    refuses it, with the build as the hint; the build accepts it and writes the canonical
    file back (here: the very bytes that were committed)."""
    from besa545.check.scheduler import validate

    path = package_copy / "data" / f"{table}.csv"
    canonical = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + canonical.replace(b"\n", b"\r\n"))
    before = validate(package_copy, spec=False)
    assert {(p.file, p.line, p.code) for p in before.problems} >= {
        (f"data/{table}.csv", 1, "file-bom"), (f"data/{table}.csv", 1, "file-line-ending")}
    assert all(p.hint.startswith("run `besa545 build`") for p in before.problems
               if p.code in ("file-bom", "file-line-ending"))
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 0, result.stderr
    assert path.read_bytes() == canonical
    assert validate(package_copy, spec=False).ok


def test_a_line_break_inside_a_quoted_cell_stays_a_line_break():
    """A tool that ends lines with CRLF does so inside cells too: the cell keeps its line
    break, as LF (a CR is never valid in a cell), and quotes escaped as "" do not confuse
    which bytes are inside a cell. A CR alone anywhere means the file is not a
    spreadsheet's CRLF file, and nothing is rewritten."""
    from besa545.model.csvfile import from_spreadsheet

    saved = (b'\xef\xbb\xbfid,note\r\n'
             b'a,"one\r\ntwo"\r\n'
             b'b,"say ""hi""\r\nthere"\r\n')
    rows = list(csv.reader(io.StringIO(from_spreadsheet(saved).decode(), newline="")))
    assert rows == [["id", "note"], ["a", "one\ntwo"], ["b", 'say "hi"\nthere']]
    assert from_spreadsheet(b'id,note\r\na,"one\rtwo"\r\n') is None


def test_a_csv_with_cr_alone_is_still_refused_by_the_build(package_copy):
    """CR without LF is not what a spreadsheet writes; the build does not guess."""
    path = package_copy / "data" / "topics.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "file-line-ending" in result.stderr + result.stdout


def test_the_build_refuses_a_paper_with_a_hidden_character(package_copy):
    """The build runs the source rules too: no bidirectional override reaches the plain
    text, data/paragraphs.csv or `besa545 show`."""
    import hashlib

    from helpers import replace_bytes, set_cell, snapshot

    replace_bytes("sources/besa-pp-545.md", b"through the generosity",
                  "through\u202e the generosity".encode())(package_copy)
    digest = hashlib.sha256((package_copy / "sources" / "besa-pp-545.md").read_bytes())
    set_cell("documents", "besa-pp-545", "raw_sha256", digest.hexdigest())(package_copy)
    before = snapshot(package_copy)
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "source-character: U+202E" in result.stderr
    assert snapshot(package_copy) == before


def test_a_second_build_at_the_same_time_fails_at_once_and_writes_nothing(package_copy):
    import fcntl
    import os

    _edit_a_label(package_copy)
    before = snapshot(package_copy)
    first = os.open(package_copy, os.O_RDONLY)  # a first build holds the package
    try:
        fcntl.flock(first, fcntl.LOCK_EX)
        result = invoke("build", "--root", str(package_copy))
    finally:
        os.close(first)
    assert result.status == 1
    assert "build-busy: another build of this package is running" in result.stderr
    assert snapshot(package_copy) == before
    assert invoke("build", "--root", str(package_copy)).status == 0  # the lock went with it


def test_an_edit_saved_while_the_build_reads_stops_it_and_is_kept(package_copy, monkeypatch):
    from besa545.assemble import pipeline

    real_compute = pipeline.compute

    def edited_meanwhile(root):
        package = real_compute(root)
        _edit_a_label(root)  # the contributor saves topics.csv while the build works
        return package

    monkeypatch.setattr(pipeline, "compute", edited_meanwhile)
    before = committed()
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert ("data/topics.csv: build-input-changed: data/topics.csv changed while the build "
            "read it") in result.stderr
    after = snapshot(package_copy)
    assert b"Six-Party" in after["data/topics.csv"]  # the edit is there, not overwritten
    assert {path: data for path, data in after.items() if path != "data/topics.csv"} == {
        path: data for path, data in before.items() if path != "data/topics.csv"}


@pytest.mark.parametrize("path", ["schemas/topics.json", "sources/besa-pp-545.md"])
def test_a_schema_or_paper_saved_while_the_build_reads_stops_it(package_copy, monkeypatch,
                                                                 path):
    from besa545.assemble import pipeline

    real_compute = pipeline.compute

    def edited_meanwhile(root):
        package = real_compute(root)
        with open(root / path, "ab") as stream:
            stream.write(b"\n")  # saved again by an editor that adds a final newline
        return package

    monkeypatch.setattr(pipeline, "compute", edited_meanwhile)
    before = committed()
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert f"{path}: build-input-changed: {path} changed while the build read it" in (
        result.stderr)
    after = snapshot(package_copy)
    assert after[path] == before[path] + b"\n"
    assert {name: data for name, data in after.items() if name != path} == {
        name: data for name, data in before.items() if name != path}


def test_a_journal_whose_staged_file_is_gone_is_a_failure_not_a_mix(package_copy,
                                                                    monkeypatch):
    import os

    from besa545.assemble import pipeline

    _edit_a_label(package_copy)
    real_replace = os.replace

    def killed_after_the_journal(source, target):
        real_replace(source, target)
        if str(target).endswith(pipeline.JOURNAL):
            raise KeyboardInterrupt  # kill -9 once the journal is written

    monkeypatch.setattr(pipeline.os, "replace", killed_after_the_journal)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(package_copy)
    monkeypatch.undo()
    for staged in package_copy.rglob(f"*{pipeline.STAGED}"):
        staged.unlink()  # removed by something else before the renames
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "a file the build journal lists is missing" in result.stderr
    assert (package_copy / pipeline.JOURNAL).is_file()  # still says the build is unfinished


@pytest.mark.parametrize("journal", [
    [["data/.payload.besa545-staged", ".git/hooks/pre-commit", "0" * 64]],
    [["sources/.o.besa545-staged", "../outside", "0" * 64]],
    [["data/.topics.csv.x.besa545-staged", "data/topics.csv"]],  # another shape
    {"renames": 1},
], ids=["target-outside-the-written-folders", "target-above-the-package", "two-parts",
        "not-a-list"])
def test_a_journal_a_build_did_not_write_moves_nothing(package_copy, journal):
    """A pull request can commit a journal; the build that a maintainer then runs moves
    none of the files it names, and says to delete it."""
    import json

    from besa545.assemble import pipeline

    (package_copy / "data" / ".payload.besa545-staged").write_text("#!/bin/sh\n")
    (package_copy / "sources" / ".o.besa545-staged").write_text("outside\n")
    (package_copy / pipeline.JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "delete it" in result.stderr or "not a file the build writes" in result.stderr
    assert not (package_copy / ".git" / "hooks").exists()
    assert not (package_copy.parent / "outside").exists()
    assert (package_copy / "data" / ".payload.besa545-staged").exists()  # not moved


def test_a_write_folder_that_is_a_link_out_of_the_package_is_not_written(package_copy,
                                                                         tmp_path):
    import os

    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "actors.parquet").write_bytes(b"someone's file")
    parquet = package_copy / "data" / "parquet"
    for path in parquet.iterdir():
        path.unlink()
    parquet.rmdir()
    os.symlink(victim, parquet)
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    assert "leads outside the package through a symbolic link" in result.stderr
    assert [path.name for path in victim.iterdir()] == ["actors.parquet"]
    assert (victim / "actors.parquet").read_bytes() == b"someone's file"


@pytest.mark.parametrize("change", ["edited while staging", "deleted while computing"])
def test_an_input_changed_late_in_the_build_stops_it(package_copy, monkeypatch, change):
    from besa545.assemble import pipeline

    topics = package_copy / "data" / "topics.csv"
    actors = package_copy / "data" / "actors.csv"
    if change == "edited while staging":
        _edit_a_label(package_copy)  # so that the build has a file to stage
        real_write_beside = pipeline.write_beside

        def staging(path, data, **options):
            if "USER-EDIT" not in actors.read_text(encoding="utf-8"):
                _replace_in(actors, "Begin-Sadat", "USER-EDIT")  # saved while it stages
            return real_write_beside(path, data, **options)

        monkeypatch.setattr(pipeline, "write_beside", staging)
    else:
        real_compute = pipeline.compute

        def computing(root):
            package = real_compute(root)
            topics.unlink()
            return package

        monkeypatch.setattr(pipeline, "compute", computing)
    with pytest.raises(pipeline.ProblemsError) as caught:
        pipeline.build(package_copy)
    changed = "data/actors.csv" if change == "edited while staging" else "data/topics.csv"
    assert [(problem.file, problem.code) for problem in caught.value.problems] == [
        (changed, "build-input-changed")]
    if change == "edited while staging":
        assert "USER-EDIT" in actors.read_text(encoding="utf-8")  # kept
    else:
        assert not topics.exists()  # not brought back
    assert list(package_copy.rglob(f"*{pipeline.STAGED}")) == []


def test_a_table_saved_by_a_spreadsheet_fails_the_build_once_per_column(package_copy):
    """Codes that lost their zeros and dates in a spreadsheet's format: the build names the
    spreadsheet once per column, not one foreign key or date per cell, and writes nothing."""
    before = snapshot(package_copy)
    for event in ("g20-summit-hamburg", "moon-trump-white-house-meeting"):
        set_cell("events", event, "date_start", "7/1/2017")(package_copy)
    set_cell("events", "g20-summit-hamburg", "cameo_code", "44")(package_copy)
    set_cell("events", "moon-trump-white-house-meeting", "cameo_code", "42")(package_copy)
    edited = snapshot(package_copy)
    result = invoke("build", "--root", str(package_copy))
    assert result.status == 1
    codes = re.findall(r"^data/events\.csv:\d+ \[(\w+)\]: ([a-z-]+):", result.stderr, re.M)
    assert sorted(codes) == [("cameo_code", "spreadsheet-zeros"),
                             ("date_start", "spreadsheet-dates")], result.stderr
    assert snapshot(package_copy) == edited != before
