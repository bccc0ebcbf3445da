"""The layering of docs/architecture.md holds: each stage imports only from itself and the
stages before it, and no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import ROOT

SOURCE = ROOT / "src"
STAGES = ["model", "derive", "check", "assemble", "use"]  # then the top: cli, __init__, ...


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted((SOURCE / "besa545").rglob("*.py"))}


def stage(module: str) -> int:
    """0 to 4 for the stages in order; 5 for the modules on top."""
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else len(STAGES)


def imports(module: str) -> set[str]:
    """Every besa545 module that ``module`` imports, at any depth of its code."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from besa545.model import metadata` imports the module besa545.model.metadata
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES
                     else node.module for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in MODULES and name != module}
    return found


GRAPH = {module: imports(module) for module in MODULES}


def test_every_module_sits_in_a_stage_or_on_top():
    top = {module for module in MODULES if stage(module) == len(STAGES)}
    assert top == {"besa545", "besa545.__main__", "besa545.cli"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_only_to_the_same_or_an_earlier_stage(module):
    later = sorted(target for target in GRAPH[module] if stage(target) > stage(module))
    assert later == [], f"{module} (stage {stage(module)}) imports a later stage: {later}"


def test_no_import_cycle():
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH[module]):
            assert state.get(target) != "open", " -> ".join([*path, module, target])
            if target not in state:
                visit(target, [*path, module])
        state[module] = "done"

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [])


def test_the_probe_sees_imports_inside_functions_too():
    """The cycle and layering checks would be blind if lazy imports were not found."""
    assert "besa545.check.scheduler" in GRAPH["besa545"]  # imported inside validate()
    assert "besa545.model.fields" in GRAPH["besa545.check.tables"]


def test_architecture_page_names_every_module():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [module for module, path in MODULES.items() if path.name != "__init__.py"
               and f"`{path.name}`" not in page]
    assert missing == []


def test_architecture_page_says_what_every_check_parameter_holds():
    """The table of values a check may take is the plan's: the given values and one row
    per step, so a renamed or added step is described where a newcomer looks."""
    import re

    from besa545.check.plan import GIVEN, PLAN

    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    described = re.findall(r"^  \| `(\w+)` \|", page, re.MULTILINE)
    assert described == [*GIVEN, *(task.name for task in PLAN if task.is_step)]


def test_benchmarks_and_scripts_use_only_public_names_of_besa545():
    """A benchmark that reaches into a module's private helpers breaks whenever they
    change (benchmarks/agreement/agreement.py once imported five of score.py's)."""
    private = []
    for path in sorted([*(ROOT / "benchmarks").rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("besa545")):
                private += [f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                            for alias in node.names if alias.name.startswith("_")
                            and not alias.name.startswith("__")]
    assert private == []
