"""The code stays ruff-clean (the rules are in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import ROOT


def test_ruff_reports_nothing():
    ruff = Path(sys.executable).parent / "ruff"
    folders = [name for name in ("src", "tests", "benchmarks", "scripts", "examples")
               if (ROOT / name).is_dir()]
    result = subprocess.run([str(ruff), "check", "--output-format", "concise", *folders],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
