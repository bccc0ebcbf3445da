"""``besa545 diff``: rows and schema changes between two versions, the release they call
for under the versioning rule, and one clear error for what cannot be compared."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from besa545.use.diff import diff
from helpers import ROOT, copy_package, drop_row, invoke, set_cell


@pytest.fixture
def versions(tmp_path) -> tuple[Path, Path]:
    return copy_package(tmp_path / "old"), copy_package(tmp_path / "new")


def _as_json(old: Path, new: Path) -> dict:
    result = invoke("diff", str(old), str(new), "--format", "json")
    assert result.status == 0, result.stderr
    return json.loads(result.stdout)


def test_the_same_package_is_no_change(versions):
    old, new = versions
    assert _as_json(old, new) == {"old": str(old), "new": str(new), "level": "none",
                                  "tables": {}}
    assert invoke("diff", str(old), str(new)).stdout == f"{old} -> {new}: no change\n"


def test_a_corrected_cell_is_a_patch_named_by_key_and_column(versions):
    old, new = versions
    set_cell("topics", "six-party-talks", "label", "The Six Party Talks")(new)
    found = _as_json(old, new)
    assert found["level"] == "patch"
    assert found["tables"] == {"topics": {
        "level": "patch", "added": [], "removed": [], "schema": [],
        "changed": {"six-party-talks": {"label": [_label(), "The Six Party Talks"]}}}}


def _label() -> str:
    """The committed label of the topic six-party-talks."""
    import besa545

    topics = besa545.load("topics").set_index("topic_id")
    return str(topics.loc["six-party-talks", "label"])


def test_an_added_row_is_minor_and_a_removed_id_is_major(versions):
    old, new = versions
    drop_row("topics", "six-party-talks")(old)  # so new has it: added
    assert _as_json(old, new)["tables"]["topics"]["added"] == ["six-party-talks"]
    assert _as_json(old, new)["level"] == "minor"
    assert _as_json(new, old)["tables"]["topics"]["removed"] == ["six-party-talks"]
    assert _as_json(new, old)["level"] == "major"
    text = invoke("diff", str(new), str(old)).stdout
    assert text.splitlines()[:3] == [
        f"{new} -> {old}: a major release (breaking: something users relied on was removed "
        "or retyped)", "topics: 1 removed (major)", "  - six-party-talks"]


def test_schema_changes_are_classified(versions):
    old, new = versions
    schema = json.loads((new / "schemas" / "topics.json").read_text(encoding="utf-8"))
    schema["fields"] = [field for field in schema["fields"] if field["name"] != "description"]
    (new / "schemas" / "topics.json").write_text(json.dumps(schema), encoding="utf-8")
    events = json.loads((new / "schemas" / "events.json").read_text(encoding="utf-8"))
    status = next(field for field in events["fields"] if field["name"] == "status")
    status["constraints"]["enum"] = [*status["constraints"]["enum"][1:], "rumoured"]
    (new / "schemas" / "events.json").write_text(json.dumps(events), encoding="utf-8")
    found = _as_json(old, new)
    removed_value = json.loads((old / "schemas" / "events.json").read_text(
        encoding="utf-8"))["fields"]
    first = next(field for field in removed_value if field["name"] == "status")[
        "constraints"]["enum"][0]
    assert found["tables"]["topics"]["schema"] == [
        {"level": "major", "change": "column description removed"}]
    assert found["tables"]["events"]["schema"] == [
        {"level": "major", "change": f"column status no longer allows {first!r}"},
        {"level": "minor", "change": "column status also allows 'rumoured'"}]
    assert found["level"] == "major"


def test_a_git_revision_is_read_from_the_checkout(tmp_path):
    """OLD as a revision of the checkout, NEW the working tree."""
    repository = copy_package(tmp_path / "repository")
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "v1"]):
        subprocess.run(["git", "-C", str(repository), *command], check=True,
                       capture_output=True)
    set_cell("topics", "six-party-talks", "label", "The Six Party Talks")(repository)
    found = diff("HEAD", checkout=repository)
    assert (found.old, found.new, found.level) == ("HEAD", "the working tree", "patch")
    assert found.tables["topics"].changed == {
        "six-party-talks": {"label": [_label(), "The Six Party Talks"]}}


@pytest.mark.parametrize(("given", "says"), [
    ("no-such-revision", "no-such-revision is neither a package folder nor a git revision of"),
    ("-x", "'-x' is neither a package folder nor a git revision"),  # not an option of git
    ("src", "src is a folder but not a besa545 package (it needs schemas/ and data/)"),
])
def test_what_cannot_be_compared_is_one_clear_error(given, says, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = invoke("diff", "--", given)
    assert (result.status, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: {says}") and result.stderr.count("\n") == 1


def test_two_different_packages_are_refused(versions):
    old, new = versions
    descriptor = json.loads((new / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["name"] = "another-dataset"
    (new / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = invoke("diff", str(old), str(new))
    assert result.status == 2
    assert result.stderr == (f"Error: {old} and {new} are different packages "
                             "('besa-perspectives-545' and 'another-dataset'); diff compares "
                             "two versions of one\n")


def _changelogs(old: Path, new: Path, unreleased: str) -> None:
    (old / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n## 1.0.0 (2026-12-07)\n",
                                      encoding="utf-8")
    (new / "CHANGELOG.md").write_text(f"# Changelog\n\n## Unreleased\n\n{unreleased}\n\n"
                                      "## 1.0.0 (2026-12-07)\n", encoding="utf-8")


def _checked(old: Path, new: Path) -> tuple[int, list[str]]:
    result = invoke("diff", str(old), str(new), "--check-changelog")
    return result.status, result.stderr.splitlines()


def test_the_changelog_must_name_each_changed_row_and_mark_a_breaking_change(versions):
    old, new = versions
    drop_row("topics", "six-party-talks")(new)
    set_cell("topics", "thaad-deployment", "label", "THAAD")(new)
    _changelogs(old, new, "")
    assert _checked(old, new) == (1, [
        "CHANGELOG.md: the data changed (major) but the Unreleased section of CHANGELOG.md "
        "did not: say what changed, naming each row as `table/id`",
        "CHANGELOG.md: the change is breaking (major) but the Unreleased section of "
        'CHANGELOG.md does not say so: write "Breaking:" and what users must change',
        "CHANGELOG.md: topics/six-party-talks was removed but the Unreleased section of "
        "CHANGELOG.md does not name it (write `topics/six-party-talks`)",
        "CHANGELOG.md: topics/thaad-deployment changed but the Unreleased section of "
        "CHANGELOG.md does not name it (write `topics/thaad-deployment`)"])
    _changelogs(old, new, "- Breaking: `topics/six-party-talks` removed; "
                          "`topics/thaad-deployment` relabelled; `topics/no-such-topic` added.")
    assert _checked(old, new) == (1, [
        "CHANGELOG.md: the Unreleased section of CHANGELOG.md names `topics/no-such-topic`, "
        "which the diff does not show as added, removed or changed"])
    _changelogs(old, new, "- Breaking: `topics/six-party-talks` removed; "
                          "`topics/thaad-deployment` relabelled.")
    assert _checked(old, new) == (0, [])


def test_a_change_of_offsets_alone_needs_no_name(versions):
    """The build recomputes offsets when the text or an evidence moves: a row whose only
    change is a computed column is the consequence of another change, not one to name."""
    old, new = versions
    set_cell("events", "g20-summit-hamburg", "char_start", "1")(new)
    _changelogs(old, new, "- The offsets moved.")
    assert _checked(old, new) == (0, [])


def test_names_from_earlier_changes_and_paths_are_not_held_against_this_one(versions):
    """The Unreleased section grows over many pull requests: a row named by an earlier
    one is not this diff's, a path in backticks is no row, and a name may wrap."""
    old, new = versions
    set_cell("topics", "thaad-deployment", "label", "THAAD")(new)
    earlier = "- `topics/six-party-talks` relabelled earlier; see `docs/readers.md`."
    (old / "CHANGELOG.md").write_text(f"# Changelog\n\n## Unreleased\n\n{earlier}\n",
                                      encoding="utf-8")
    (new / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## Unreleased\n\n{earlier}\n- `topics/thaad-deployment` relabelled.\n",
        encoding="utf-8")
    assert _checked(old, new) == (0, [])


def test_a_wrapped_name_is_read_as_one():
    """An alias key holds spaces, so a long name wraps in the CHANGELOG: read as one."""
    from besa545.use.diff import TableDiff, _named

    tables = {"aliases": TableDiff()}
    assert _named("- `aliases/trump-administration|new US\n  administration` changed",
                  tables) == {("aliases", "trump-administration|new US administration")}
    assert _named("- `docs/readers.md` and `data/parquet/`", tables) == set()


def test_a_derived_table_does_not_set_the_release(versions):
    """A text correction moves offsets, so mention ids change: the edited tables decide."""
    old, new = versions
    drop_row("mentions", next(iter(_keys(new, "mentions"))))(new)
    found = diff(str(old), str(new), checkout=ROOT)
    assert found.tables["mentions"].removed and found.level == "none"


def _keys(root: Path, table: str) -> list[str]:
    import csv

    with (root / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as stream:
        return [row[next(iter(row))] for row in csv.DictReader(stream)]


def test_a_key_twice_or_a_linked_file_is_an_error_not_a_guess(versions, tmp_path):
    old, new = versions
    topics = new / "data" / "topics.csv"
    lines = topics.read_text(encoding="utf-8").splitlines(keepends=True)
    topics.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    result = invoke("diff", str(old), str(new))
    assert result.status == 2 and "twice; run `besa545 validate` on it first" in result.stderr
    outside = tmp_path / "outside.csv"
    outside.write_text("topic_id,label,description\nsecret,SECRET,x\n", encoding="utf-8")
    topics.unlink()
    topics.symlink_to(outside)
    result = invoke("diff", str(old), str(new))
    assert result.status == 2 and "SECRET" not in result.stdout + result.stderr


def test_a_line_break_in_a_key_is_shown_escaped_never_written(versions):
    """A value that starts a new line could be read by CI as a command (::warning::)."""
    old, new = versions
    set_cell("topics", "six-party-talks", "label", "x\n::warning::injected")(new)
    text = invoke("diff", str(old), str(new)).stdout
    assert not any(line.startswith("::") for line in text.splitlines())
    assert "\\n::warning::injected" in text


def test_constraint_and_key_changes_are_reported(versions):
    old, new = versions
    path = new / "schemas" / "events.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    label = next(field for field in schema["fields"] if field["name"] == "label")
    label["constraints"]["required"] = False
    schema["foreignKeys"] = schema["foreignKeys"][1:]
    path.write_text(json.dumps(schema), encoding="utf-8")
    changes = _as_json(old, new)["tables"]["events"]["schema"]
    assert {"level": "major", "change": "column label constraint required: True -> False"} \
        in changes
    assert any(change["change"].startswith("foreign key document_id -> documents removed")
               and change["level"] == "major" for change in changes)
