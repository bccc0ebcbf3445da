"""`import besa545` stays cheap: the heavy libraries load on first use only."""

from __future__ import annotations

import inspect
import subprocess
import sys

import besa545

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


def test_a_star_import_gives_every_public_function_and_the_version():
    """``from besa545 import *`` is how a notebook takes the API: it must bring each public
    function of the package and ``__version__``, and fail on no name."""
    namespace: dict[str, object] = {}
    exec("from besa545 import *", namespace)
    functions = {name for name, value in vars(besa545).items()
                 if inspect.isfunction(value) and value.__module__ == "besa545"
                 and not name.startswith("_")}
    assert set(namespace) - {"__builtins__"} == functions | {"__version__"}
