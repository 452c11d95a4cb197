"""The engine exit: ProperDocs (the maintained fork of MkDocs 1.x) builds the same site.

`make build ENGINE=properdocs` is a supported path; this keeps it true by
building a fixture project with both engines and comparing every file, the
generator tag aside (and sitemap.xml.gz by its content: gzip stamps a time).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from conftest import BIN, copy_project, run

FIXTURE = Path(__file__).parent / "golden" / "every-feature" / "checklists"
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def build(engine: str, project: Path, site: Path) -> None:
    result = run([str(BIN / engine), "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(site)], cwd=project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr


def content(file: Path) -> bytes:
    data = file.read_bytes()
    if file.suffix == ".gz":
        return gzip.decompress(data)
    return GENERATOR.sub(b"", data) if file.suffix == ".html" else data


def test_properdocs_builds_the_same_site(tmp_path):
    if not (BIN / "properdocs").exists():
        pytest.fail("properdocs is pinned in requirements.txt; run make test to install it")
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    build("mkdocs", project, tmp_path / "mkdocs-site")
    build("properdocs", project, tmp_path / "properdocs-site")
    ours = {p.relative_to(tmp_path / "mkdocs-site"): p for p in (tmp_path / "mkdocs-site").rglob("*") if p.is_file()}
    theirs = {p.relative_to(tmp_path / "properdocs-site"): p for p in (tmp_path / "properdocs-site").rglob("*") if p.is_file()}
    assert sorted(ours) == sorted(theirs)
    different = [str(name) for name in ours if content(ours[name]) != content(theirs[name])]
    assert not different, f"pages that differ between the engines: {different}"
