"""An editor's first pull request: a new collection with two checklists.

The fixture (tests/fixtures/new-collection/) adds a collection, two roles and a
contact to the live _shared.yml, and two checklists that link to each other's
steps and to a step of the live content. On a copy of the project, the
commands CI runs (the Makefile's validate, build, check-links and lint) must
all pass. Of the live content the test reads only ids, at run time: the first
checklist and its first step, the target of the cross link.
"""

from __future__ import annotations

import posixpath

import sys
from pathlib import Path

import pytest
import yaml

from browser.conftest import twin

from conftest import BIN, ROOT, copy_project, run

FIXTURE = Path(__file__).parent / "fixtures" / "new-collection"
NEW_CHECKLISTS = ("records-access-request", "records-correction")
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/shared.schema.json\n"


def live_target() -> tuple[str, str]:
    """The first live checklist (by file name) and the id of its first step."""
    for path in sorted((ROOT / "checklists").glob("*.yml")):
        if path.name.startswith("_"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in data.get("sections") or []:
            for step in section.get("steps") or []:
                return path.stem, step["id"]
    pytest.fail("no live checklist has a step to link to")


def add_new_collection(project: Path) -> tuple[str, str]:
    """Write the fixture into the project's checklists/; returns the live link target."""
    checklists = project / "checklists"
    shared_path = checklists / "_shared.yml"
    shared = yaml.safe_load(shared_path.read_text(encoding="utf-8")) or {}
    additions = yaml.safe_load((FIXTURE / "_shared-additions.yml").read_text(encoding="utf-8"))
    for key, entries in additions.items():
        taken = {entry["id"] for entry in shared.get(key) or []}
        clash = taken & {entry["id"] for entry in entries}
        assert not clash, f"the live _shared.yml already declares {key} {sorted(clash)}: rename them in {FIXTURE}"
        shared[key] = list(shared.get(key) or []) + entries
    shared_path.write_text(
        SCHEMA_LINE + yaml.safe_dump(shared, allow_unicode=True, sort_keys=False, width=1 << 16), encoding="utf-8")

    live_checklist, live_step = live_target()
    for name in NEW_CHECKLISTS:
        target = checklists / f"{name}.yml"
        assert not target.exists(), f"the live content already has {target.name}: rename the fixture"
        text = (FIXTURE / f"{name}.yml").read_text(encoding="utf-8")
        assert "LIVE-CHECKLIST" in text and "LIVE-STEP" in text
        target.write_text(text.replace("LIVE-CHECKLIST", live_checklist).replace("LIVE-STEP", live_step),
                          encoding="utf-8")
    return live_checklist, live_step


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("new-collection"))
    add_new_collection(project)
    return project


def python(project: Path, *args: str):
    # Outside GitHub Actions: no annotation lines mixed into the output compared here.
    return run([sys.executable, "-m", *args], cwd=project, env={"GITHUB_ACTIONS": None})


def test_the_fixture_is_what_an_editor_writes(project):
    """Two checklists, the new collection, links both ways and to the live step."""
    for name in NEW_CHECKLISTS:
        text = (FIXTURE / f"{name}.yml").read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../schema/checklist.schema.json\n")
        assert yaml.safe_load(text)["collection"] == "patient-records"
    first, second = ((FIXTURE / f"{name}.yml").read_text(encoding="utf-8") for name in NEW_CHECKLISTS)
    assert "checklist:records-correction#" in first and "checklist:records-access-request#" in second


def test_validate_passes(project):
    result = python(project, "helpcentre", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_lint_finds_nothing(project):
    result = python(project, "helpcentre.lint", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.fixture(scope="module")
def site(project) -> Path:
    """`make build`: the strict build into site/."""
    result = run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", "site"], cwd=project,
                 env={"FEEDBACK_ENDPOINT": None})
    assert result.returncode == 0, result.stderr[-3000:]
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)
    return project / "site"


def test_build_publishes_the_new_collection_in_both_languages(project, site):
    steps = {
        name: [step["id"] for section in yaml.safe_load((FIXTURE / f"{name}.yml").read_text(encoding="utf-8"))["sections"]
               for step in section.get("steps") or []]
        for name in NEW_CHECKLISTS
    }
    for prefix in ("", "fr/"):
        assert (site / prefix / "help" / "patient-records" / "index.html").is_file()
        for name, step_ids in steps.items():
            article = site / prefix / "help" / "patient-records" / name
            assert (article / "index.html").is_file()
            for step in step_ids:
                assert (article / step / "index.html").is_file(), f"{prefix}{name}/{step}"
        home = (site / prefix / "index.html").read_text(encoding="utf-8")
        assert "help/patient-records/records-access-request/" in home


def test_the_cross_links_reach_their_steps(project, site):
    live_checklist, live_step = live_target()
    live_collection = yaml.safe_load(
        (project / "checklists" / f"{live_checklist}.yml").read_text(encoding="utf-8"))["collection"]
    live_page = f"help/{live_collection}/{live_checklist}/"
    for prefix in ("", "fr/"):
        article = (site / prefix / "help/patient-records/records-access-request/index.html").read_text(encoding="utf-8")
        # The live article's page in this language, where it declares it (French pages may have French addresses).
        target = live_page if not prefix else twin(site, live_page, "fr")
        href = posixpath.relpath(target, f"{prefix}help/patient-records/records-access-request/") + "/"
        assert f'href="{href}#{live_step}"' in article, href
        assert 'href="../records-correction/#review-correction-request"' in article
        back = (site / prefix / "help/patient-records/records-correction/index.html").read_text(encoding="utf-8")
        assert 'href="../records-access-request/#verify-identity"' in back


def test_check_links_passes(project, site):
    result = python(project, "helpcentre.links", "--site", "site", "--root", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "", result.stdout
