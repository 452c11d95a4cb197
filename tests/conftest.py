"""Shared fixtures: throwaway copies of the project, and the golden-file switch."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
BIN = Path(sys.executable).parent

def free_port() -> int:
    """A loopback port nobody listens on now (for servers the tests start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# What a help-centre project is made of (the rest is output or tooling).
PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "checklists", "scripts")


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="rewrite the expected files of golden tests from the current output",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden") or os.environ.get("UPDATE_GOLDEN") == "1"


def copy_project(destination: Path, checklists: Path | None = None) -> Path:
    """A copy of this project (without built output) to build or break safely."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__", "help"))
        else:
            shutil.copy2(source, destination / part)
    if checklists is not None:
        shutil.rmtree(destination / "checklists")
        shutil.copytree(checklists, destination / "checklists")
    return destination


FEEDBACK_ENDPOINT = "http://127.0.0.1:8001"
"""The endpoint the session's site is built with (the service itself runs only where a test starts it)."""


def run(args: list[str], cwd: Path, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(SCRIPTS), **(env or {})}
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, **kwargs)


def mkdocs_build(project: Path, site: Path, feedback_endpoint: str | None = None) -> subprocess.CompletedProcess:
    """A strict build; the feedback form posts to ``feedback_endpoint`` (none: no form)."""
    return run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)], cwd=project,
               env={"FEEDBACK_ENDPOINT": feedback_endpoint})


def helpcentre(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "helpcentre", *args], cwd=project)


def built_clean(project: Path, feedback_endpoint: str | None = FEEDBACK_ENDPOINT) -> Path:
    """``project`` built strictly into ``project/site``, with not one warning."""
    site = project / "site"
    result = mkdocs_build(project, site, feedback_endpoint)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)
    return site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real project, built once for the session with the strict build."""
    return built_clean(copy_project(tmp_path_factory.mktemp("project")))


_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def site_contents(site: Path, ignore_generator: bool = False) -> dict[str, bytes]:
    """Every file of a built site by its path, as a reader gets it: sitemap.xml.gz
    by its content (gzip stamps the time it was made); with ``ignore_generator``,
    pages without the engine's name and version (its generator tag)."""
    contents = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        elif ignore_generator and path.suffix == ".html":
            data = _GENERATOR.sub(b"", data)
        contents[path.relative_to(site).as_posix()] = data
    return contents


def differences(ours: dict[str, bytes], theirs: dict[str, bytes]) -> list[str]:
    """The paths missing on either side or with other bytes (empty: the same site)."""
    return sorted(name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name))
