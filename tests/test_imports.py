"""How the packages may import one another (DESIGN.md, Layout), read from the source."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _sources(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


def test_nutrition_imports_nothing_from_planner():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources("nutrition")
        if any(name.split(".")[0] == "planner" for name in _imports(path))
    ]
    assert offenders == []


def test_accounts_imports_neither_nutrition_nor_planner():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources("accounts")
        if any(name.split(".")[0] in {"nutrition", "planner"} for name in _imports(path))
    ]
    assert offenders == []


def test_the_food_models_do_not_import_the_history_reader():
    # nutrition.history reads what the models record; the other way round was a circle.
    assert not {n for n in _imports(ROOT / "nutrition/models.py") if "history" in n.split(".")[1:2]}


def test_no_app_code_imports_by_a_name_in_a_string():
    # importlib hid two dependencies (a migration's private functions, a module "until it
    # lands"); plain imports show them to readers and to ruff.
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("accounts", "config", "nutrition", "planner")
        for path in _sources(package)
        if "importlib" in _imports(path)
    ]
    assert offenders == []
