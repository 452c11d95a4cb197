"""`mkdocs build` renders each language in a process of its own (LanguageProcesses).

The site must be the same bytes as the one-process build the i18n plugin
makes, and a problem in one language's pages must fail the build as it
would in one process, with nothing of the other processes left behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BIN, copy_project, differences, run, site_contents

FIXTURE = Path(__file__).parent / "golden" / "every-feature" / "checklists"


def build(project: Path, site: Path, config: str = "mkdocs.yml"):
    return run([str(BIN / "mkdocs"), "build", "--strict", "-f", config, "--site-dir", str(site)], cwd=project)


def one_process_config(project: Path) -> str:
    """mkdocs.yml with the plugin told to build the languages one after the other."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "  - helpcentre:\n"
    assert marker in text
    (project / "sequential.yml").write_text(text.replace(marker, marker + "      parallel: false\n"), encoding="utf-8")
    return "sequential.yml"


def leftovers(folder: Path) -> list[str]:
    """Folders a child process built into, still there."""
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".site-"))


@pytest.mark.parametrize("checklists", [FIXTURE, None], ids=["every-feature", "live"])
def test_parallel_build_is_the_sequential_build(tmp_path, checklists):
    project = copy_project(tmp_path / "project", checklists=checklists)
    sequential = build(project, tmp_path / "sequential", one_process_config(project))
    assert sequential.returncode == 0, sequential.stderr
    parallel = build(project, tmp_path / "site")
    assert parallel.returncode == 0, parallel.stderr
    assert "WARNING" not in parallel.stderr, parallel.stderr
    ours, theirs = site_contents(tmp_path / "site"), site_contents(tmp_path / "sequential")
    assert any(name.startswith("fr/") and name.endswith(".html") for name in ours), "no French page was built"
    assert not differences(ours, theirs), f"files that differ: {differences(ours, theirs)}"
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("page", ["index.fr.md", "index.en.md"], ids=["in-the-child", "in-the-parent"])
def test_a_warning_in_one_language_fails_the_build(tmp_path, page):
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    home = project / "docs" / page
    home.write_text(home.read_text(encoding="utf-8") + "\n[Nowhere](no-such-page.md)\n", encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr
    assert not leftovers(tmp_path)
