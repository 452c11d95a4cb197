"""The engine exit: ProperDocs (the maintained fork of MkDocs 1.x) builds the same site.

`make build ENGINE=properdocs` is a supported path; this keeps it true by
building a fixture project with both engines and comparing every file, the
generator tag aside (and sitemap.xml.gz by its content: gzip stamps a time).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BIN, copy_project, differences, run, site_contents

FIXTURE = Path(__file__).parent / "golden" / "every-feature" / "checklists"


def build(engine: str, project: Path, site: Path) -> None:
    result = run([str(BIN / engine), "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(site)], cwd=project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr


def test_properdocs_builds_the_same_site(tmp_path):
    if not (BIN / "properdocs").exists():
        pytest.fail("properdocs is pinned in requirements.txt; run make test to install it")
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    build("mkdocs", project, tmp_path / "mkdocs-site")
    build("properdocs", project, tmp_path / "properdocs-site")
    different = differences(site_contents(tmp_path / "mkdocs-site", ignore_generator=True),
                            site_contents(tmp_path / "properdocs-site", ignore_generator=True))
    assert not different, f"pages that differ between the engines: {different}"
