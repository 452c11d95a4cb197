"""Shared pieces of the link-check tests: throwaway projects, built once, and their reports.

(Not a conftest: a second conftest.py outside a package would shadow the
project's. Test modules import the fixtures they use from here.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import copy_project, mkdocs_build

FIXTURES = Path(__file__).parent / "fixtures"


def write_pages(folder: Path, pages: dict[str, str]) -> None:
    """A hand-made site: each page's text at its path under ``folder``."""
    for path, text in pages.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")


def prepare_project(destination: Path, extra_checklists: bool = True) -> Path:
    """A copy of the project, optionally with the fixture checklists (alpha links to beta).

    The copy's mkdocs.yml is used as it is: a hand-written page the real nav
    leaves out fails the strict build here, as it fails `make build`."""
    project = copy_project(destination)
    if extra_checklists:
        for file in sorted(FIXTURES.glob("*.yml")):
            shutil.copy(file, project / "checklists" / file.name)
        # The fixtures join a live collection; these tests name the pages they
        # break by path, so the collection keeps the English addresses here
        # (French addresses are tested with the build: test_build, test_validate).
        shared = project / "checklists" / "_shared.yml"
        shared.write_text(re.sub(r"(?m)^\s+french-slug: .*\n", "", shared.read_text(encoding="utf-8")), encoding="utf-8")
    return project


def build(project: Path) -> Path:
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


@pytest.fixture(scope="session")
def fault_project(tmp_path_factory) -> tuple[Path, Path]:
    """The project plus alpha.yml and beta.yml, built once: (project, site)."""
    project = prepare_project(tmp_path_factory.mktemp("links-project"))
    return project, build(project)


@pytest.fixture(scope="session")
def real_project(tmp_path_factory) -> tuple[Path, Path]:
    """The project as it is, built once: (project, site)."""
    project = prepare_project(tmp_path_factory.mktemp("links-real"), extra_checklists=False)
    return project, build(project)


@pytest.fixture
def fault_site(fault_project, tmp_path) -> tuple[Path, Path]:
    """A copy of the fault project's built site, to break further: (project, site)."""
    project, site = fault_project
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    return project, copy


def report_lines(project: Path, site: Path) -> list[str]:
    """The report's lines, with the site folder shown as ``site``."""
    from helpcentre.links import check_links

    outcome = check_links(site, project, site_display="site")
    return [str(problem) for problem in outcome.problems]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a built file; the test fails if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def without_location(line: str) -> str:
    """A report line without its ``:LINE:COL`` (HTML line numbers move with the theme)."""
    return re.sub(r"^(\S+?):\d+:\d+: ", r"\1: ", line)
