"""The layout holds: the import-linter contracts, no import cycles, imports at the top, and
one folder name per wing across cli/, services/, ui/ and tests/unit/."""

from __future__ import annotations

import ast
import importlib.metadata
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

from nmrf_desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "nmrf_desktop"

# SQLAlchemy's declarative registry: the tables name each other by class.
TABLE_REGISTRATION = {"nmrf_desktop.store.models", "nmrf_desktop.store.calendar_models",
                      "nmrf_desktop.store.overlap_models"}
# Packages outside the core that must never import SQLAlchemy directly.
NOT_CORE = ("ui", "cli", "domain", "bundles", "importers", "reports", "overlap")
# A wing has this folder (or module) in each of these places.
WINGS = {
    "exchange": ("cli/exchange.py", "services/exchange", "ui/exchange", "unit/exchange"),
    "backup": ("cli/backup.py", "services/backup", "ui/backup", "unit/backup"),
    "reports": ("cli/reports.py", "services/reports", "ui/reports", "unit/reports"),
    "overlap": ("cli/overlap.py", "services/overlap.py", "ui/overlap", "unit/overlap"),
    "calendar": ("cli/calendar.py", "services/calendar.py", "ui/calendar", "unit/calendar"),
}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path))
    return out


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module or ""] if node.level == 0 else ["."]


def test_the_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency"
    run = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


@pytest.mark.parametrize("package", NOT_CORE)
def test_only_the_core_imports_sqlalchemy(package: str) -> None:
    offenders = []
    for name, path in _modules():
        if not name.startswith(f"nmrf_desktop.{package}"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                    m.split(".")[0] in {"sqlalchemy", "alembic"} for m in _imported(node)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"SQLAlchemy outside services/ and store/: {offenders}"


def test_no_import_cycles_but_the_table_registry() -> None:
    graph = grimp.build_graph("nmrf_desktop", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        if module in TABLE_REGISTRATION:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if imported in TABLE_REGISTRATION or imported == module:
                continue
            if graph.chain_exists(imported=module, importer=imported):
                cycles.append(f"{module} <-> {imported}")
    assert not cycles, "import cycles: " + "; ".join(cycles)


def test_project_imports_are_at_the_top_unless_deferred_on_purpose() -> None:
    """An import inside a function hides a cycle; one deferred on purpose says why."""
    hidden = []
    for _name, path in _modules():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for func in ast.walk(ast.parse(source)):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                if not any(m.startswith(("nmrf_desktop", ".")) for m in _imported(node)):
                    continue
                above = lines[max(0, node.lineno - 4):node.lineno]
                if not any("#" in line for line in above):
                    hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not hidden, f"imports inside functions without a reason: {hidden}"


@pytest.mark.parametrize("wing", sorted(WINGS))
def test_each_wing_has_one_name_in_every_layer(wing: str) -> None:
    cli, services, ui, tests = WINGS[wing]
    for place in (PACKAGE / cli, PACKAGE / services, PACKAGE / ui, ROOT / "tests" / tests):
        assert place.exists(), f"the {wing} wing has no {place.relative_to(ROOT)}"


def test_no_flat_wing_modules_are_left() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("cli_*.py"))
    flat += sorted(p.name for p in (PACKAGE / "services").glob("backup*.py"))
    flat += sorted(p.name for p in (PACKAGE / "services").glob("bundle_*.py"))
    assert not flat, f"modules that belong in a wing's folder: {flat}"


def test_every_command_is_in_its_wing_and_every_entry_point_resolves() -> None:
    """The dispatcher's table matches what the wings define, and the installed scripts
    (`nmrf`, `nmrf-desktop`) name functions that exist."""
    defined = {name: wing for wing in main.WINGS for name in main.wing(wing).COMMANDS}
    assert defined == main.COMMAND_WINGS
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for scripts in (project["scripts"], project["gui-scripts"]):
        for target in scripts.values():
            ep = importlib.metadata.EntryPoint(name="x", value=target, group="console_scripts")
            assert callable(ep.load()), target
