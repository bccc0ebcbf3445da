"""``besa545 export --format sqlite``: every table with its types and keys, the same rows
as ``besa545.load``, foreign keys enforced, and a Datasette site that serves it."""

from __future__ import annotations

import html
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import besa545
from helpers import ROOT, loaded_rows

# The SQLite type each Frictionless type should have (issue 15): written here from the
# issue, not read from the code under test.
EXPECTED_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL",
                  "boolean": "INTEGER", "date": "TEXT"}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return besa545.export("sqlite", tmp_path_factory.mktemp("sqlite") / "sqlite")


@pytest.fixture(scope="module")
def database(out):
    connection = sqlite3.connect(f"file:{out / 'besa545.db'}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_the_directory_holds_the_database_and_its_metadata(out):
    assert sorted(path.name for path in out.iterdir()) == [
        ".besa545-written", "besa545.db", "metadata.json"]


def test_every_table_with_every_row_as_loaded(database):
    names = [row[0] for row in database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    assert names == sorted(besa545.tables())
    for name in names:
        fields = besa545.schema(name)["fields"]
        columns = ", ".join(f'"{field["name"]}"' for field in fields)
        stored = database.execute(f'SELECT {columns} FROM "{name}" ORDER BY rowid').fetchall()
        loaded = loaded_rows(name)
        assert len(stored) == len(loaded), name
        for row, expected in zip(stored, loaded, strict=True):
            for field, value in zip(fields, row, strict=True):
                want = expected[field["name"]]
                if field["type"] == "boolean" and want is not None:
                    want = int(want)  # SQLite has no boolean: 0 or 1
                assert value == want and type(value) is type(want), (name, field["name"])


def test_columns_have_the_schema_types_and_required_fields_are_not_null(database):
    for name in besa545.tables():
        schema = besa545.schema(name)
        info = database.execute(f'PRAGMA table_info("{name}")').fetchall()
        assert [column[1] for column in info] == [field["name"] for field in schema["fields"]]
        for column, field in zip(info, schema["fields"], strict=True):
            assert column[2] == EXPECTED_TYPES[field["type"]], (name, field["name"])
            required = bool(field.get("constraints", {}).get("required"))
            assert bool(column[3]) == required, (name, field["name"])
        primary = sorted((column[5], column[1]) for column in info if column[5])
        assert [column for _, column in primary] == schema["primaryKey"], name


def test_every_foreign_key_is_declared(database):
    for name in besa545.tables():
        declared = {}
        for row in database.execute(f'PRAGMA foreign_key_list("{name}")'):
            identifier, _, table, source, target = row[:5]
            declared.setdefault(identifier, (table, [], []))
            declared[identifier][1].append(source)
            declared[identifier][2].append(target)
        expected = []
        for key in besa545.schema(name).get("foreignKeys", []):
            fields, reference = key["fields"], key["reference"]["fields"]
            expected.append((key["reference"]["resource"],
                             [fields] if isinstance(fields, str) else fields,
                             [reference] if isinstance(reference, str) else reference))
        assert sorted(declared.values()) == sorted(expected), name


def test_foreign_keys_hold_and_are_enforced(out, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(out / "besa545.db", copy)
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        connection.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
            connection.execute("INSERT INTO event_participants VALUES "
                               "('no-such-event', 'china', 'source', 'stated')")
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed"):
            connection.execute("INSERT INTO actors SELECT * FROM actors LIMIT 1")
    finally:
        connection.close()


def test_empty_cells_are_null(database):
    events = besa545.load("events")
    nulls = database.execute("SELECT count(*) FROM events WHERE cameo_code IS NULL").fetchone()
    assert nulls[0] == events["cameo_code"].isna().sum() > 0
    assert database.execute("SELECT count(*) FROM events WHERE cameo_code = ''").fetchone() \
        == (0,)


def test_the_datasette_metadata_describes_every_table_and_column(out):
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert metadata["title"] == descriptor["title"]
    # the database holds the paper's passages too: the licence says so, the description how
    from besa545.model.metadata import LICENSE_STATEMENT

    assert metadata["license"] == "CC-BY-4.0, except the paper's passages (see the description)"
    assert metadata["description"].endswith(LICENSE_STATEMENT)
    assert metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "Tzogopoulos" in metadata["source"] and "545" in metadata["source"]
    tables = metadata["databases"]["besa545"]["tables"]
    assert sorted(tables) == besa545.tables()
    for name, table in tables.items():
        schema = besa545.schema(name)
        assert table["description"] == schema["description"]
        assert table["columns"] == {field["name"]: field["description"]
                                    for field in schema["fields"]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # localhost only
        return response.read().decode("utf-8")


@pytest.mark.slow
def test_datasette_serves_the_tables_with_their_descriptions(out, tmp_path):
    port = _free_port()
    log = (tmp_path / "datasette.log").open("wb")
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "besa545.db", "-m", "metadata.json",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=out, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                served = json.loads(_get(f"{base}/-/metadata.json"))
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (tmp_path / "datasette.log").read_text()
                assert time.monotonic() < deadline, "datasette did not start within 60 s"
                time.sleep(0.25)
        descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
        assert served["title"] == descriptor["title"]
        events = json.loads(_get(f"{base}/besa545/events.json?_shape=array&_size=max"))
        assert len(events) == len(besa545.load("events"))
        page = _get(f"{base}/besa545/events")
        assert "<h1" in page and "date_start" in page
        words = " ".join(besa545.schema("events")["description"].split()[:4])
        assert html.escape(words) in page, words
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_a_name_holding_a_quote_stays_one_column():
    """Validation refuses such a field name; the export quotes every name anyway, so that
    a name can never end its identifier and add SQL of its own."""
    import sqlite3

    from besa545.model.schema import parse_schema
    from besa545.use.export import create_table_sql

    name = 'label" TEXT, "forged" AS (1) --'
    schema = parse_schema('we"ird', {"fields": [{"name": name, "type": "string"}]})
    connection = sqlite3.connect(":memory:")
    connection.execute(create_table_sql(schema))
    columns = connection.execute("""SELECT name FROM pragma_table_xinfo('we"ird')""").fetchall()
    assert columns == [(name,)]
