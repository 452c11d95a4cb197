"""The renderer's inputs besides the model: the UI strings are content too."""

from __future__ import annotations

import shutil

from helpcentre.pipeline import Project, render
from helpcentre.render import TEMPLATES_DIR

from test_golden import GOLDEN


def project_with_strings(tmp_path, edit) -> Project:
    shutil.copytree(GOLDEN / "every-feature" / "checklists", tmp_path / "checklists")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    strings = templates / "strings.yml"
    strings.write_text(edit(strings.read_text(encoding="utf-8")), encoding="utf-8")
    return Project(tmp_path, templates_dir="templates")


def test_a_ui_string_without_french_is_a_located_error(tmp_path):
    project = project_with_strings(tmp_path, lambda text: text.replace('  fr: "Qui"\n', "", 1))
    result = render(project)
    assert result.site is None
    report = result.problems.report()
    assert "templates/strings.yml:" in report and "has no French ('fr') version" in report, report


def test_a_ui_string_is_checked_like_checklist_text(tmp_path):
    project = project_with_strings(tmp_path, lambda text: text.replace('  en: "Who"', '  en: "<img src=x onerror=alert(1)>"', 1))
    result = render(project)
    assert result.site is None
    assert "raw HTML is not allowed" in result.problems.report()


def test_the_shipped_strings_load(tmp_path):
    shutil.copytree(GOLDEN / "every-feature" / "checklists", tmp_path / "checklists")
    result = render(Project(tmp_path))
    assert result.site is not None, result.problems.report()
    assert set(result.renderer.strings) == {"en", "fr"}
    assert result.renderer.strings["en"].keys() == result.renderer.strings["fr"].keys()
