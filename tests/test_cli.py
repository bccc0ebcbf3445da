"""The command line: exit codes, messages, no tracebacks."""

from __future__ import annotations

import re

import besa545
from conftest import ROOT, run_cli


def test_version_and_help():
    assert run_cli("--version").stdout.strip() == f"besa545 {besa545.__version__}"
    result = run_cli()
    assert result.returncode == 2 and "build" in result.stdout and "validate" in result.stdout


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("build", "validate", "info", "show", "cite"):
        assert f"besa545 {command}" in readme, command


def test_info_lists_every_table_with_its_row_count():
    result = run_cli("info")
    assert result.returncode == 0
    assert besa545.__version__ in result.stdout
    for name in besa545.tables():
        rows = len(besa545.load(name))
        assert re.search(rf"^\s+{name}\s+{rows}$", result.stdout, re.MULTILINE), name
    assert "cite as:" in result.stdout


def test_validate_clean_package_exits_zero():
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok: no problems found"


def test_validate_missing_path_is_a_usage_error(tmp_path):
    result = run_cli("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and "does not exist" in result.stderr


def test_unknown_command_and_option_are_usage_errors():
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("validate", "--format", "xml").returncode == 2


def test_python_m_and_console_script_agree():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "besa545"
    assert script.is_file(), "the console script is installed with the package"
    direct = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                            check=False)
    assert direct.stdout == run_cli("--version").stdout


def test_build_outside_a_package_is_a_usage_error(tmp_path):
    result = run_cli("build", "--root", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and "is not a besa545 package" in result.stderr
    (tmp_path / "schemas").mkdir()
    (tmp_path / "data").mkdir()
    result = run_cli("build", "--root", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "schemas/documents.json: schema-missing" in result.stderr
