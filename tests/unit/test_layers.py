"""The floors of the code: imports only run down, and no module imports itself in a circle.

``civicmod`` (application) → {``classifiers``, ``sinks``} → ``pipeline`` (core); see
docs/architecture.md. Read with the stdlib ``ast`` module, so a lazy import inside a function
counts as much as one at the top of a file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ("civicmod", "classifiers", "sinks", "pipeline")
ALLOWED: dict[str, set[str]] = {
    "pipeline": {"pipeline"},
    "classifiers": {"classifiers", "pipeline"},
    "sinks": {"sinks", "pipeline"},
    "civicmod": {"civicmod", "classifiers", "sinks", "pipeline"},
}


def _modules() -> Iterator[tuple[str, Path]]:
    for package in FLOORS:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(path: Path, top_level_only: bool) -> set[str]:
    """The project modules ``path`` imports (``top_level_only``: at import time only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in FLOORS}


MODULES = dict(_modules())


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_run_down_a_floor(module: str) -> None:
    floor = module.split(".")[0]
    upward = sorted(name for name in _imports(MODULES[module], top_level_only=False)
                    if name.split(".")[0] not in ALLOWED[floor])
    assert upward == [], f"{module} imports a floor above or beside it: {upward}"


def test_no_module_imports_itself_through_a_circle() -> None:
    graph = {module: {name for name in _imports(path, top_level_only=True) if name in MODULES}
             for module, path in MODULES.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    circles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append([*trail[trail.index(target):], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text("def f():\n    from civicmod.cli import app\n", encoding="utf-8")
    assert "civicmod.cli" in _imports(source, top_level_only=False)
    assert _imports(source, top_level_only=True) == set()
