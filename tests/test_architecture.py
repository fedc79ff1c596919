"""The layout is the architecture: dependencies point one way, pure modules stay pure."""

import ast
from pathlib import Path

import pytest

import seminarium

ROOT = Path(seminarium.__file__).parent
# Each app may import only the apps before it.
LAYERS = [
    "core",
    "people",
    "programmes",
    "nominations",
    "attendance",
    "conferencing",
    "timetabling",
    "evaluation",
    "certificates",
    "reporting",
]
PURE_MODULES = [
    "certificates/sandbox.py",
    "people/names.py",
    "people/transliteration.py",
    "attendance/intervals.py",
    "timetabling/solver.py",
    "timetabling/check.py",
    "timetabling/instances.py",
    "conferencing/providers/__init__.py",
    "conferencing/providers/_common.py",
    "conferencing/providers/base.py",
    "conferencing/providers/bbb.py",
    "conferencing/providers/janus.py",
    "conferencing/providers/jitsi.py",
    "conferencing/providers/zoom.py",
]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_one_above_it(app):
    above = {f"seminarium.{name}" for name in LAYERS[LAYERS.index(app) + 1 :]}
    offending = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / app).rglob("*.py")
        for module in _imported_modules(path)
        if any(module == upper or module.startswith(upper + ".") for upper in above)
    }
    assert offending == set()


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_algorithms_import_no_django(module):
    imported = _imported_modules(ROOT / module)
    assert not {m for m in imported if m.split(".")[0] in {"django", "seminarium"}}
