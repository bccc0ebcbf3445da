"""`import besa545` stays cheap: the heavy libraries load on first use only."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "pyarrow", "frictionless", "pandera", "numpy")


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    return set(result.stdout.split())


def test_import_loads_no_heavy_module():
    loaded = loaded_after("import besa545; besa545.__version__; besa545.tables()")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_the_probe_does_see_heavy_modules_once_used():
    loaded = loaded_after("import besa545; besa545.load('documents')")
    assert {"pandas", "pyarrow"} <= loaded
