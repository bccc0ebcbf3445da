"""The code type-checks: mypy in strict mode over src/ (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT


def test_mypy_strict_reports_nothing():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout
