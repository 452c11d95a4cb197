"""helpcentre.lint: what it says about a sample file (tests/fixtures/lint-sample.yml), and that the real content is clean."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from conftest import ROOT, run

SAMPLE = Path(__file__).parent / "fixtures" / "lint-sample.yml"
EXPECT = re.compile(r"^# expect: (\d+:\d+: .*)$", re.M)


def lint(cwd: Path, *args: str, github: bool = False):
    """Run the lint as `make lint` does; outside GitHub Actions unless ``github``
    (there, each warning is also printed as an annotation)."""
    return run([sys.executable, "-m", "helpcentre.lint", *args], cwd=cwd,
               env={"GITHUB_ACTIONS": "true" if github else None})


def expected_warnings(display: str) -> list[str]:
    """The sample's ``# expect:`` lines, as lint prints them for the file shown as ``display``."""
    return [f"{display}:{line.split(': ', 1)[0]}: warning: {line.split(': ', 1)[1]}"
            for line in EXPECT.findall(SAMPLE.read_text(encoding="utf-8"))]


def test_sample_gets_exactly_its_expected_warnings(tmp_path):
    checklists = tmp_path / "checklists"
    checklists.mkdir()
    shutil.copy(SAMPLE, checklists / "sample.yml")
    result = lint(tmp_path)
    assert result.returncode == 0, result.stderr  # warnings only
    assert len(expected_warnings("x")) == 10
    assert result.stdout.splitlines() == expected_warnings("checklists/sample.yml")
    assert result.stderr == "1 file linted: 10 warnings.\n"


def test_strict_fails_on_warnings_with_the_same_messages(tmp_path):
    result = lint(tmp_path, "--strict", str(SAMPLE))
    assert result.returncode == 1
    # A file named outside the project is shown as it was named.
    assert result.stdout.splitlines() == expected_warnings(str(SAMPLE))
    assert result.stderr == "1 file linted: 10 warnings.\n"


def test_under_github_actions_each_warning_is_also_an_annotation(tmp_path):
    result = lint(tmp_path, str(SAMPLE), github=True)
    lines = result.stdout.splitlines()
    assert lines[:10] == expected_warnings(str(SAMPLE))
    annotations = lines[10:]
    assert len(annotations) == 10 and all(line.startswith("::warning file=") for line in annotations), annotations
    assert "line=26,col=22" in annotations[0]


def test_strict_passes_on_a_clean_file(tmp_path):
    clean = tmp_path / "clean.yml"
    clean.write_text("title: {en: “Quoted” text, fr: Texte « cité »}\n", encoding="utf-8")
    result = lint(tmp_path, "--strict", "clean.yml")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "1 file linted: no warnings.\n")


def test_a_missing_file_is_reported_not_counted_as_clean(tmp_path):
    missing = lint(tmp_path, str(tmp_path / "nope.yml"))
    assert missing.stdout == ""
    assert "Traceback" not in missing.stderr
    assert "no warnings" not in missing.stderr, "a file that does not exist was reported as linted and clean"
    assert f"{tmp_path / 'nope.yml'}" in missing.stderr and missing.returncode == 2, missing.stderr


def test_the_real_checklists_lint_with_located_warnings_only():
    """Lint's warnings never block (`make lint` exits 0 with them): whatever an
    editor's new checklist holds, each warning is one located line."""
    result = lint(ROOT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for line in result.stdout.splitlines():
        assert re.match(r"^checklists/[a-z0-9_-]+\.yml:\d+:\d+: warning: ", line), line


def test_a_file_that_cannot_be_read_is_left_to_the_validator(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("title: {en: 'unclosed\n", encoding="utf-8")
    result = lint(tmp_path, str(bad))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "1 file linted: no warnings.\n")
