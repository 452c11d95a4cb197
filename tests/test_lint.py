"""The editors' lint: what it says about a sample file, and that the real content is clean."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from conftest import ROOT, run

SAMPLE = Path(__file__).parent / "samples" / "lint-sample.yml"
EXPECT = re.compile(r"^# expect: (\d+:\d+: .*)$", re.M)


def lint(cwd: Path, *args: str):
    return run([sys.executable, "-m", "helpcentre.lint", *args], cwd=cwd)


def test_sample_gets_exactly_its_expected_warnings(tmp_path):
    checklists = tmp_path / "checklists"
    checklists.mkdir()
    shutil.copy(SAMPLE, checklists / "sample.yml")
    result = lint(tmp_path)
    assert result.returncode == 0, result.stderr  # warnings only
    expected = [f"checklists/sample.yml:{line.split(': ', 1)[0]}: warning: {line.split(': ', 1)[1]}"
                for line in EXPECT.findall(SAMPLE.read_text(encoding="utf-8"))]
    assert result.stdout.splitlines() == expected
    assert "1 file linted: 10 warnings." in result.stderr


def test_strict_fails_on_warnings_and_no_traceback(tmp_path):
    result = lint(tmp_path, "--strict", str(SAMPLE))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    missing = lint(tmp_path, str(tmp_path / "nope.yml"))
    assert "Traceback" not in missing.stderr


def test_the_real_checklists_are_clean():
    result = lint(ROOT, "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_a_file_that_cannot_be_read_is_left_to_the_validator(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("title: {en: 'unclosed\n", encoding="utf-8")
    result = lint(tmp_path, str(bad))
    assert result.returncode == 0 and result.stdout == "" and "Traceback" not in result.stderr
