"""A site older than its inputs is not checked: after an edit, `make build` first.

Before this, ``make check-links`` after an edit without a rebuild read the old
pages and said "no problems" about a link the edit had just broken.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from helpcentre.links.__main__ import main
from links_support import real_project  # noqa: F401

BUILT = 1_700_000_000  # when the hand-made site below was "built"
STALE_LINE = re.compile(r"^(?P<file>\S+): changed (?:just|\d+ (?:s|min|h|days)) after (?P<site>\S+) was built"
                        r"(?: \(and (?P<others>\d+) other files?\))?; run `make build` first: the links of an"
                        r" out-of-date site were not checked$")


@pytest.fixture(autouse=True)
def no_annotations(monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)  # an annotation would be a second line


@pytest.fixture
def project(tmp_path) -> Path:
    """A project and its site, every input older than the site (nothing is built: the times say it)."""
    root = tmp_path / "project"
    files = {
        "mkdocs.yml": "site_url: http://127.0.0.1:8000/\ndocs_dir: docs\nplugins:\n  - helpcentre:\n      templates_dir: tpl\n",
        "checklists/_shared.yml": "collections: []\n",
        "checklists/alpha.yml": "title: {en: Alpha, fr: Alpha}\n",
        "docs/index.en.md": "# Home\n",
        "docs/index.fr.md": "# Accueil\n",
        "docs/guides/setup.en.md": "# Set-up\n",
        "docs/help/c/alpha.en.md": "generated\n",
        "tpl/strings.yml": "phone: {en: Phone, fr: Téléphone}\n",
        "tpl/checklist.md.j2": "{{ checklist.title|text }}\n",
        "site/index.html": '<html lang="en"><body><a href="fr/" hreflang="fr">Français</a></body></html>',
        "site/fr/index.html": '<html lang="fr"><body><a href="../" hreflang="en">English</a></body></html>',
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        when = BUILT if name.startswith("site/") else BUILT - 3600
        os.utime(path, (when, when))
    return root


def touch(path: Path, seconds_after_build: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("x\n", encoding="utf-8")
    os.utime(path, (BUILT + seconds_after_build, BUILT + seconds_after_build))


def check(project: Path, capsys, *options: str) -> tuple[int, list[str], str]:
    code = main(["--site", str(project / "site"), "--root", str(project), *options])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_a_site_newer_than_its_inputs_is_checked(project, capsys):
    code, out, err = check(project, capsys)
    assert (code, out) == (0, [])
    assert "checked: no problems." in err


@pytest.mark.parametrize("changed", [
    "checklists/alpha.yml",
    "checklists/_shared.yml",
    "checklists/new.yml",           # a file added since the build
    "docs/index.en.md",
    "docs/guides/setup.en.md",      # hand-written pages in folders too
    "docs/images/shot.png",         # and what they show
    "tpl/strings.yml",              # the UI strings and templates, where mkdocs.yml says they are
    "tpl/checklist.md.j2",
    "mkdocs.yml",
])
def test_an_input_changed_after_the_build_is_one_line_and_exit_code_1(project, capsys, changed):
    touch(project / changed, 120)
    code, out, err = check(project, capsys)
    assert code == 1
    assert len(out) == 1, out
    match = STALE_LINE.match(out[0])
    assert match, out[0]
    assert (match["file"], match["site"], match["others"]) == (changed, str(project / "site"), None)
    assert "2 min after" in out[0]
    assert err == ""  # nothing else: not a summary of a check that did not run


@pytest.mark.parametrize("not_an_input", [
    "docs/help/c/alpha.en.md",      # the build writes docs/help/ itself
    "docs/help/c/new.fr.md",
    "checklists/.alpha.yml.swp",    # an editor's swap file, lock, backup
    "checklists/.#alpha.yml",
    "checklists/alpha.yml~",
    "docs/.DS_Store",
    "site/index.html",              # the site itself
    "README.md",
])
def test_what_the_build_does_not_read_does_not_make_the_site_stale(project, capsys, not_an_input):
    touch(project / not_an_input, 120)
    code, out, _ = check(project, capsys)
    assert (code, out) == (0, [])


def test_the_newest_change_is_named_and_the_others_counted(project, capsys):
    touch(project / "checklists/alpha.yml", 30)
    touch(project / "docs/index.fr.md", 7200)
    touch(project / "tpl/strings.yml", 90)
    code, out, _ = check(project, capsys)
    assert code == 1 and len(out) == 1
    match = STALE_LINE.match(out[0])
    assert match and (match["file"], match["others"]) == ("docs/index.fr.md", "2"), out[0]
    assert "2 h after" in out[0]


def test_the_build_time_is_the_newest_of_sitemap_and_home_page(project, capsys):
    touch(project / "checklists/alpha.yml", 60)
    (project / "site/sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset/>\n', encoding="utf-8")
    touch(project / "site/sitemap.xml", 120)  # written by a later build
    code, out, _ = check(project, capsys)
    assert (code, out) == (0, [])


def test_allow_stale_checks_anyway_with_a_warning(project, capsys):
    touch(project / "checklists/alpha.yml", 120)
    (project / "site/index.html").write_text(
        '<html lang="en"><body><a href="fr/" hreflang="fr">Français</a><a href="gone/">gone</a></body></html>', encoding="utf-8")
    os.utime(project / "site/index.html", (BUILT, BUILT))
    code, out, err = check(project, capsys, "--allow-stale")
    assert code == 1  # the broken link of the old page is still an error
    assert out[0].startswith("checklists/alpha.yml: warning: changed 2 min after ")
    assert out[0].endswith("; the links checked are those of the out-of-date site (run `make build` first)")
    assert out[1].startswith(f"{project / 'site'}/index.html:1:")
    assert "1 problem and 1 warning" in err


def test_allow_stale_on_a_good_site_passes_unless_strict(project, capsys):
    touch(project / "mkdocs.yml", 120)
    code, out, err = check(project, capsys, "--allow-stale")
    assert code == 0 and len(out) == 1 and out[0].startswith("mkdocs.yml: warning: changed ")
    assert "1 warning" in err
    code, _, _ = check(project, capsys, "--allow-stale", "--strict")
    assert code == 1


def test_formats_for_tools(project, capsys):
    touch(project / "checklists/alpha.yml", 120)
    code, out, _ = check(project, capsys, "--format", "json")
    records = json.loads("\n".join(out))  # standard output stays one JSON document
    assert code == 1 and [(r["kind"], r["severity"], r["location"]) for r in records] == [("stale", "error", "checklists/alpha.yml")]
    code, out, _ = check(project, capsys, "--format", "github")
    assert code == 1 and len(out) == 1
    assert out[0].startswith("::error file=checklists/alpha.yml::changed 2 min after ")


def test_a_real_build_then_an_edit_without_rebuilding(real_project, tmp_path, capsys):
    built, _ = real_project
    project = tmp_path / "copy"
    shutil.copytree(built, project, symlinks=True)  # times kept: the site is as new as its build
    checklist = sorted(p for p in (project / "checklists").glob("*.yml") if not p.name.startswith("_"))[0]
    with checklist.open("a", encoding="utf-8") as file:
        file.write("# edited after the build\n")
    code, out, err = check(project, capsys)
    assert code == 1 and len(out) == 1, out
    match = STALE_LINE.match(out[0])
    assert match and match["file"] == f"checklists/{checklist.name}", out[0]
    assert "checked" not in err
    code, out, err = check(project, capsys, "--allow-stale")
    assert code == 0 and len(out) == 1 and out[0].startswith(f"checklists/{checklist.name}: warning: ")
    assert "1 warning" in err
