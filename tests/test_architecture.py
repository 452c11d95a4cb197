"""ARCHITECTURE.md's import rules, checked on the source (every import, lazy ones included)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPTS = ROOT / "scripts"
CORE = SCRIPTS / "helpcentre"
EDGE = SCRIPTS / "mkdocs_helpcentre.py"
ENGINES = ("mkdocs", "material", "mkdocs_static_i18n")
CHECKS = ("links", "lint", "parity")


def layers() -> dict[str, int]:
    """Module → layer, read from ARCHITECTURE.md's table (the document is the rule)."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    found = {}
    for layer, modules in re.findall(r"^\| (\d+) \| ([^|]+) \|", text, re.MULTILINE):
        for module in re.findall(r"`([a-z_]+)`", modules):
            found[module] = int(layer)
    return found


def imports(file: Path, package: str) -> list[tuple[str, int]]:
    """(absolute module name, line) of every import in ``file``; ``package`` resolves relative ones."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:  # from . import a, b
                    found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
                    continue
            else:
                module = node.module
            found.append((module, node.lineno))
    return found


def modules_of(folder: Path, package: str):
    for file in sorted(folder.rglob("*.py")):
        relative = file.relative_to(folder).with_suffix("")
        parts = [p for p in relative.parts if p != "__init__"]
        name = ".".join([package, *parts])
        own_package = name if file.name == "__init__.py" else name.rsplit(".", 1)[0]
        yield file, name, own_package


def core_name(module: str) -> str | None:
    """'helpcentre.render' → 'render'; 'helpcentre.LANGUAGES' (a name, not a module) → '__init__';
    None outside the core."""
    parts = module.split(".")
    if parts[0] != "helpcentre":
        return None
    if len(parts) == 1 or not ((CORE / f"{parts[1]}.py").exists() or (CORE / parts[1]).is_dir()):
        return "__init__"
    return parts[1]


def test_every_core_module_has_a_layer_in_architecture_md():
    named = layers()
    modules = {core_name(name) for _, name, _ in modules_of(CORE, "helpcentre")} - {None}
    unplaced = sorted(m for m in modules if m not in named and m not in CHECKS)
    assert not unplaced, f"add these modules to ARCHITECTURE.md's table: {unplaced}"


@pytest.mark.parametrize("file, name, package", list(modules_of(CORE, "helpcentre")), ids=lambda v: str(v))
def test_core_and_checks_follow_the_rules(file, name, package):
    named = layers()
    own = core_name(name)
    is_check = own in CHECKS
    for module, line in imports(file, package):
        where = f"{file.relative_to(ROOT)}:{line}: imports {module}"
        top = module.split(".")[0]
        assert top not in ENGINES, f"{where}: the core and its checks know no engine"
        assert top not in ("helpcentre_feedback", "bench"), where
        if top == "mkdocs_helpcentre":
            assert is_check, f"{where}: only the editorial checks may ask the edge (for read_project)"
            continue
        target = core_name(module)
        if target is None or is_check or target == own:
            continue
        assert target not in CHECKS, f"{where}: the core does not use the editorial checks"
        assert target in named, f"{where}: {target} has no layer in ARCHITECTURE.md"
        assert named[target] <= named[own], f"{where}: layer {named[own]} may not import layer {named[target]}"


def test_checks_ask_the_edge_only_for_read_project():
    for file, name, package in modules_of(CORE, "helpcentre"):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "mkdocs_helpcentre":
                assert [a.name for a in node.names] == ["read_project"], f"{file}:{node.lineno}"


def test_the_edge_uses_the_core_not_the_checks():
    for module, line in imports(EDGE, ""):
        target = core_name(module)
        assert target not in CHECKS, f"{EDGE.name}:{line}: imports {module}"


def test_the_feedback_service_and_the_generator_share_no_code():
    service = SCRIPTS / "helpcentre_feedback"
    assert service.is_dir(), "the feedback service is a package of its own beside the generator"
    for file, name, package in modules_of(service, "helpcentre_feedback"):
        for module, line in imports(file, package):
            assert module.split(".")[0] not in ("helpcentre", "mkdocs_helpcentre", "bench"), f"{file}:{line}: {module}"
