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
IS_DIRECTORY = {"webannotation": False, "brat": True, "sqlite": True}


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
    out = tmp_path / "out"
    if IS_DIRECTORY[format]:
        besa545.export(format, out)
        next(out.iterdir()).write_text("stale\n", encoding="utf-8")  # a file it writes
    else:
        out.write_text("stale\n", encoding="utf-8")
    assert invoke("export", "--format", format, str(out), "--force") == (
        0, f"wrote {out} ({format})\n", "")
    assert contents(out) == contents(reference)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "reference"]


@pytest.mark.parametrize("format", ["brat", "sqlite"])
def test_force_never_replaces_a_directory_holding_other_files(tmp_path, format):
    out = tmp_path / "work"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    assert invoke("export", "--format", format, str(out), "--force") == (
        2, "", f"Error: {out} holds files that a {format} export does not write "
               "(notes.txt); it was not replaced, choose another path\n")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me\n"


def test_force_never_replaces_a_directory_with_a_file(tmp_path):
    out = tmp_path / "folder"
    out.mkdir()
    assert invoke("export", "--format", "webannotation", str(out), "--force") == (
        2, "", f"Error: {out} is a directory, and a webannotation export is one file; "
               "choose a file name\n")
    assert out.is_dir()


@pytest.mark.parametrize("format", FORMATS)
def test_a_failed_export_leaves_the_old_out_and_no_leftovers(tmp_path, monkeypatch, format):
    out = besa545.export(format, tmp_path / "out")
    before = contents(out)

    def fail_halfway(path: Path) -> None:
        target = path / "half-written" if IS_DIRECTORY[format] else path
        target.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setitem(export_module.EXPORTS, format,
                        export_module.EXPORTS[format]._replace(write=fail_halfway))
    with pytest.raises(RuntimeError, match="disk full"):
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
                                  "(choose from 'webannotation', 'brat', 'sqlite')\n")
    with pytest.raises(ValueError, match="unknown export format 'xml'; use one of: "
                                         "webannotation, brat, sqlite"):
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
        assert (chosen.names is not None) == IS_DIRECTORY[format]
        assert f"{format}: {chosen.what}." in help_text, format
        assert f"`{format}`" in table_row, format  # the README's command table
        assert f'``"{format}"``' in (besa545.export.__doc__ or ""), format
        assert besa545.export(format, tmp_path / format).is_dir() == IS_DIRECTORY[format]


def test_a_format_added_to_the_registry_is_exported(tmp_path, monkeypatch):
    """EXPORTS is the one list: a format added there is accepted by export() at once."""
    def write_plain(path: Path) -> None:
        path.write_text(besa545.text(), encoding="utf-8")

    monkeypatch.setitem(export_module.EXPORTS, "plain",
                        export_module.ExportFormat("the text, one file", write_plain, None))
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
