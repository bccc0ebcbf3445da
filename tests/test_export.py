"""``besa545 export``, whatever the format: the same bytes each run, written atomically, an
existing OUT refused without --force, usage errors as one line. Each format's content is
tested in its own file (``test_export_webannotation.py``, ``_brat.py``, ``_sqlite.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import besa545
from besa545.use import export as export_module
from helpers import ROOT, invoke

FORMATS = export_module.FORMATS
# Written here, not read from EXPORTS: a new format must say which it is (the test below).
IS_DIRECTORY = {"webannotation": False, "brat": True, "sqlite": True, "xlsx": False,
                "stata": True, "spss": True}
# A file each format writes (a directory's, or "" for the one file).
A_FILE = {"webannotation": "", "brat": "visual.conf", "sqlite": "metadata.json", "xlsx": "",
          "stata": "topics.dta", "spss": "topics.sav"}
# Another format's export, planted where this one's goes.
ANOTHER = {"webannotation": "brat", "brat": "sqlite", "sqlite": "brat", "xlsx": "webannotation",
           "stata": "spss", "spss": "stata"}


def contents(path: Path) -> dict[str, bytes]:
    """Every file of an export (a file, or a directory's files by name)."""
    if path.is_file():
        return {"": path.read_bytes()}
    return {child.name: child.read_bytes() for child in sorted(path.iterdir())}


@pytest.mark.parametrize("format", FORMATS)
def test_an_export_is_the_same_bytes_each_time(tmp_path, format):
    first = besa545.export(format, tmp_path / "first")
    second = besa545.export(format, tmp_path / "second")
    assert first == tmp_path / "first"
    assert first.is_dir() == IS_DIRECTORY[format]
    assert contents(first) == contents(second)
    assert all(contents(first).values())  # no empty file


@pytest.mark.parametrize("format", FORMATS)
def test_an_export_leaves_nothing_but_out_beside_it(tmp_path, format):
    besa545.export(format, tmp_path / "out")
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("format", FORMATS)
def test_an_existing_out_is_refused_without_force(tmp_path, format):
    out = tmp_path / "out"
    out.write_text("mine\n", encoding="utf-8")
    result = invoke("export", "--format", format, str(out))
    assert result == (2, "", f"Error: {out} already exists; pass --force to replace it, "
                             "or choose another path\n")
    assert out.read_text(encoding="utf-8") == "mine\n"
    with pytest.raises(FileExistsError):
        besa545.export(format, out)


@pytest.mark.parametrize("format", FORMATS)
def test_force_replaces_an_earlier_export(tmp_path, format):
    reference = besa545.export(format, tmp_path / "reference")
    out = besa545.export(format, tmp_path / "out")
    stale = out / A_FILE[format]
    stale.write_bytes(stale.read_bytes() + b" ")
    assert invoke("export", "--format", format, str(out), "--force") == (
        0, f"wrote {out} ({format})\n", "")
    assert contents(out) == contents(reference)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "reference"]


@pytest.mark.parametrize(("format", "planted"), [
    (format, planted) for format in FORMATS
    for planted in ("a copy of a data file", "another format's export",
                    "an export with a file added")
    if IS_DIRECTORY[format] or planted != "an export with a file added"])
def test_force_replaces_only_what_an_export_of_the_format_wrote(tmp_path, format, planted):
    """Recognised by content, not by name: a file or folder that is not this format's
    export is left as it was, whatever it is called."""
    out = tmp_path / "out"
    if planted == "a copy of a data file":
        out.write_bytes((ROOT / "data" / "actors.csv").read_bytes())
    elif planted == "another format's export":
        besa545.export(ANOTHER[format], out)
    else:
        besa545.export(format, out)
        (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    before = contents(out)
    result = invoke("export", "--format", format, str(out), "--force")
    if planted == "an export with a file added":
        why = "holds files this command did not write (notes.txt)"
    elif out.is_dir() != IS_DIRECTORY[format]:
        why = "is not a directory" if IS_DIRECTORY[format] else "is not a regular file"
    else:
        why = "exists and was not written by this command"
    assert result == (2, "", f"Error: {out} {why}; it was not replaced, choose another "
                             "path\n")
    assert contents(out) == before


def test_a_folder_holding_only_an_exports_file_names_is_not_taken_for_one(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "metadata.json").write_text("{}\n", encoding="utf-8")  # someone's Datasette
    assert invoke("export", "--format", "sqlite", str(out), "--force") == (
        2, "", f"Error: {out} exists and was not written by this command; it was not "
               "replaced, choose another path\n")
    assert contents(out) == {"metadata.json": b"{}\n"}


@pytest.mark.parametrize("format", FORMATS)
def test_a_failed_export_leaves_the_old_out_and_no_leftovers(tmp_path, monkeypatch, format):
    from besa545.model import paths

    out = besa545.export(format, tmp_path / "out")
    before = contents(out)
    real_write_beside = paths.write_beside
    written = []

    def fail_on_the_second_file(path: Path, data: bytes, **options) -> Path:
        if len(written) == (1 if IS_DIRECTORY[format] else 0):
            raise OSError(28, "No space left on device")
        written.append(path)
        return real_write_beside(path, data, **options)

    monkeypatch.setattr(paths, "write_beside", fail_on_the_second_file)
    with pytest.raises(OSError, match="No space left"):
        besa545.export(format, out, force=True)
    assert contents(out) == before
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_a_missing_parent_directory_is_a_usage_error(tmp_path):
    out = tmp_path / "nowhere" / "out.json"
    assert invoke("export", "--format", "webannotation", str(out)) == (
        2, "", f"Error: {out.parent} is not a directory; create it first\n")
    assert not out.parent.exists()


def test_an_unknown_format_is_refused_with_the_choices(tmp_path):
    result = invoke("export", "--format", "xml", str(tmp_path / "out"))
    assert result.status == 2
    assert result.stdout == ""
    assert result.stderr.endswith("error: argument --format: invalid choice: 'xml' "
                                  "(choose from 'webannotation', 'brat', 'sqlite', 'xlsx', "
                                  "'stata', 'spss')\n")
    with pytest.raises(ValueError, match="unknown export format 'xml'; use one of: "
                                         "webannotation, brat, sqlite, xlsx, stata, spss"):
        besa545.export("xml", tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_each_format_is_written_as_it_says_and_listed_by_the_command(tmp_path):
    """Every format of EXPORTS is one file or one directory as its description says, and
    the command's help names each with that description."""
    assert list(IS_DIRECTORY) == list(export_module.EXPORTS)
    help_text = " ".join(invoke("export", "--help").stdout.split())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (table_row,) = [line for line in readme.splitlines()
                    if line.startswith("| `besa545 export")]
    for format, chosen in export_module.EXPORTS.items():
        assert ("directory" in chosen.what) == IS_DIRECTORY[format], format
        assert chosen.is_directory == IS_DIRECTORY[format]
        assert f"{format}: {chosen.what}." in help_text, format
        assert f"`{format}`" in table_row, format  # the README's command table
        assert f'``"{format}"``' in (besa545.export.__doc__ or ""), format
        assert besa545.export(format, tmp_path / format).is_dir() == IS_DIRECTORY[format]


def test_a_format_added_to_the_registry_is_exported(tmp_path, monkeypatch):
    """EXPORTS is the one list: a format added there is accepted by export() at once."""
    def plain() -> bytes:
        return besa545.text().encode("utf-8")

    monkeypatch.setitem(export_module.EXPORTS, "plain",
                        export_module.ExportFormat("the text, one file", plain, False))
    out = besa545.export("plain", tmp_path / "paper.txt")
    assert out.read_text(encoding="utf-8") == besa545.text()


def test_format_and_out_are_required():
    assert invoke("export", "out").status == 2
    assert invoke("export", "--format", "brat").status == 2


def test_the_readme_says_how_to_open_each_export():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for format in FORMATS:
        assert f"besa545 export --format {format}" in readme, format
    for tool in ("brat", "INCEpTION", "datasette besa545.db -m metadata.json", "Hypothesis"):
        assert tool in readme, tool


def test_dash_is_standard_output_for_a_one_file_format(tmp_path):
    import subprocess
    import sys

    written = besa545.export("webannotation", tmp_path / "out.jsonld").read_bytes()
    shown = subprocess.run([sys.executable, "-m", "besa545", "export", "--format",
                            "webannotation", "-"], capture_output=True, check=True, cwd=tmp_path)
    assert shown.stdout == written
    assert list(tmp_path.iterdir()) == [tmp_path / "out.jsonld"]  # no file named -
    assert invoke("export", "--format", "brat", "-") == (
        2, "", "Error: a brat export is a directory: pass its path, not - (standard output "
               "takes a one-file format)\n")


def test_a_file_that_only_quotes_the_generator_name_is_not_replaced(tmp_path):
    out = tmp_path / "notes.md"
    out.write_text('I ran "besa545 export --format webannotation" yesterday.\n',
                   encoding="utf-8")
    result = invoke("export", "--format", "webannotation", str(out), "--force")
    assert result == (2, "", f"Error: {out} exists and was not written by this command; it "
                             "was not replaced, choose another path\n")


@pytest.mark.parametrize("command", [("html",), ("export", "--format", "brat")])
def test_a_folder_of_the_checkout_that_links_outside_it_is_not_written_through(
        tmp_path, monkeypatch, command):
    """A pull request can commit `docs` (or any folder) as a link to elsewhere: html and
    export refuse to write through it, as the build does, and write nothing there."""
    from besa545 import cli

    checkout, elsewhere = tmp_path / "checkout", tmp_path / "elsewhere"
    (checkout / "data").mkdir(parents=True)
    elsewhere.mkdir()
    (checkout / "docs").symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.setattr(cli, "package_path", lambda: checkout)
    out = checkout / "docs" / "out"
    result = invoke(*command, str(out))
    assert result.status == 2 and result.stdout == ""
    assert result.stderr.endswith(
        f"{out} is inside the checkout, but a symbolic link in its folders leads outside "
        "it: nothing was written; remove the link, or pass a path outside the checkout\n")
    assert list(elsewhere.iterdir()) == []
    alias = tmp_path / "alias"  # the checkout reached through another link
    alias.symlink_to(checkout, target_is_directory=True)
    for through in (alias / "docs" / "out", checkout / "data" / ".." / "docs" / "out"):
        assert invoke(*command, str(through)).status == 2, through
    assert list(elsewhere.iterdir()) == []
    monkeypatch.chdir(tmp_path)  # outside the checkout, a path is followed as given
    assert invoke(*command, "elsewhere/out").status == 0
    assert [path.name for path in elsewhere.iterdir()] == ["out"]


def test_the_sqlite_columns_are_declared_with_sqlites_own_type_names(tmp_path):
    """TEXT, INTEGER and REAL, which every SQLite tool shows as they are (booleans as
    INTEGER 0/1, dates as ISO TEXT): checked on columns of each kind."""
    import sqlite3

    out = besa545.export("sqlite", tmp_path / "sqlite")
    connection = sqlite3.connect(out / "besa545.db")
    try:
        declared = {(table, row[1]): row[2] for table in ("events", "cameo_codes")
                    for row in connection.execute(f"PRAGMA table_info({table})")}
    finally:
        connection.close()
    assert {key: declared[key] for key in [
        ("events", "cameo_code"), ("events", "char_start"), ("events", "target_unstated"),
        ("events", "date_start"), ("cameo_codes", "goldstein")]} == {
        ("events", "cameo_code"): "TEXT", ("events", "char_start"): "INTEGER",
        ("events", "target_unstated"): "INTEGER", ("events", "date_start"): "TEXT",
        ("cameo_codes", "goldstein"): "REAL"}


def test_the_help_says_how_to_open_the_sqlite_export_in_datasette():
    help_text = " ".join(invoke("export", "--help").stdout.split())
    assert "(datasette besa545.db -m metadata.json)." in help_text
