"""A corpus of broken checklists, each with the located messages it must get.

Every file in tests/bad/ starts with one or more ``# expect: LINE:COL: text``
comments; validating it must report ``checklists/NAME.yml:LINE:COL: text…``
for each, and nothing may raise.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import helpcentre
from helpcentre.validate import load_site

BAD = Path(__file__).parent / "bad"
SHARED = Path(__file__).parent / "golden" / "every-feature" / "checklists" / "_shared.yml"
# A line starts after LF or after CR alone (cr-line-endings.yml), as libyaml reads lines.
EXPECT = re.compile(rb"(?:^|(?<=[\r\n]))# expect: (\d+:\d+: [^\r\n]*)")


def project_with(tmp_path: Path, *files: Path) -> Path:
    checklists = tmp_path / "checklists"
    checklists.mkdir()
    shutil.copy(SHARED, checklists / "_shared.yml")
    for file in files:
        shutil.copy(file, checklists / file.name)
    return tmp_path


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.yml")))
def test_bad_file_gets_its_located_messages(tmp_path, name):
    file = BAD / name
    expected = [m.decode("utf-8") for m in EXPECT.findall(file.read_bytes())]
    assert expected, f"{name} has no '# expect:' line"
    site, problems = load_site(project_with(tmp_path, file))
    assert site is None
    reported = [str(p) for p in problems.sorted()]
    for message in expected:
        wanted = f"checklists/{name}:{message}"
        assert any(line.startswith(wanted) for line in reported), (
            f"expected a line starting with\n  {wanted}\ngot\n  " + "\n  ".join(reported))


def test_every_problem_of_every_file_is_reported_in_one_run(tmp_path):
    files = sorted(BAD.glob("*.yml"))
    site, problems = load_site(project_with(tmp_path, *files))
    named = {str(p.location.path) for p in problems.errors}
    assert named == {f"checklists/{f.name}" for f in files}


def test_command_line_reports_problems_without_traceback_and_exits_1(tmp_path):
    project = project_with(tmp_path, BAD / "script-tag.yml", BAD / "duplicate-key.yml", BAD / "not-utf8.yml")
    result = helpcentre(project, "validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "4 problems found; nothing was built."  # <script> and </script> count apart
    assert all(re.match(r"^checklists/[a-z0-9-]+\.yml:\d+:\d+: ", line) for line in lines[:-1]), lines


def test_file_names_are_ids(tmp_path):
    bad_name = tmp_path / "Bad Name.yml"
    bad_name.write_text((BAD.parent / "golden" / "every-feature" / "checklists" / "add-user.yml").read_text())
    stray = tmp_path / "stray.yaml"
    stray.write_text("x: 1\n")
    site, problems = load_site(project_with(tmp_path, bad_name, stray))
    report = problems.report()
    assert "checklists/Bad Name.yml:1:1: the file name 'Bad Name.yml' is the checklist's id" in report
    assert "checklists/stray.yaml:1:1: checklist files end in .yml, not .yaml" in report
