"""helpcentre.parity: translation parity against a temporary git repository, a BASE commit then a change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run

BASE = """\
collection: ereferral
title:
  en: Who can acces eReferral?
  fr: Qui peut accéder à la référence électronique?
summary: {en: One summary., fr: Un résumé.}
sections:
  - id: intro
    title: {en: Intro, fr: Intro}
    body:
      en: |
        First paragraph, wrapped
        here.
      fr: |
        Premier paragraphe.
    steps:
      - id: one
        text: {en: Do one thing, fr: Faire une chose}
      - id: two
        text: {en: Do two things, fr: Faire deux choses}  # parity: ok
      - id: three
        text: {en: Three, fr: Trois}
      - id: four
        text: {en: Four, fr: Quatre}
    callouts:
      - type: info
        body: {en: Note, fr: Remarque}
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
                   cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = tmp_path / "repo"
    (repo / "checklists").mkdir(parents=True)
    (repo / "docs").mkdir()
    (repo / "checklists" / "x.yml").write_text(BASE, encoding="utf-8")
    (repo / "docs" / "page.en.md").write_text("# Page\n\nHello.\n", encoding="utf-8")
    (repo / "docs" / "page.fr.md").write_text("# Page\n\nBonjour.\n", encoding="utf-8")
    (repo / "docs" / "both.en.md").write_text("# Both\n", encoding="utf-8")
    (repo / "docs" / "both.fr.md").write_text("# Les deux\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "change")
    return repo


def change(repo: Path, *replacements: tuple[str, str]) -> None:
    path = repo / "checklists" / "x.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def parity(repo: Path, *args: str):
    return run([sys.executable, "-m", "helpcentre.parity", "--base", "main", "--root", str(repo), *args], cwd=repo,
               env={"GITHUB_ACTIONS": None})  # no annotation lines mixed into what the tests compare


def test_one_language_changed_is_a_warning_at_the_changed_line(repo):
    change(repo,
           ("Do one thing,", "Do one thing now,"),        # English only: warn
           ("fr: Trois}", "fr: Trois choses}"),            # French only: warn
           ("en: Four, fr: Quatre", "en: Four things, fr: Quatre choses"),  # both: fine
           ("en: Note,", "en: A note,"))                   # in a list entry without id
    result = parity(repo)
    assert result.returncode == 0, result.stderr  # warnings only
    assert result.stdout.splitlines() == [
        "checklists/x.yml:17:20: warning: the English changed but the French did not (sections › intro › steps › one › text);"
        " if it needs no translation (a typo fix), add '# parity: ok' at the end of this line",
        "checklists/x.yml:21:31: warning: the French changed but the English did not (sections › intro › steps › three › text);"
        " if it needs no translation (a typo fix), add '# parity: ok' at the end of this line",
        "checklists/x.yml:26:20: warning: the English changed but the French did not (sections › intro › callouts › #1 › body);"
        " if it needs no translation (a typo fix), add '# parity: ok' at the end of this line",
    ]
    assert parity(repo, "--strict").returncode == 1


def test_a_new_marker_accepts_the_change_and_an_old_one_does_not(repo):
    change(repo,
           ("Who can acces eReferral?", "Who can access eReferral?  # parity: ok (typo)"),
           ("Do two things,", "Do two things now,"))
    result = parity(repo, "--verbose")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("checklists/x.yml:19:20: warning: the English changed but the French did not "
                               "(sections › intro › steps › two › text); the '# parity: ok' on line 19 was already there in main")
    assert lines[1] == ("accepted: checklists/x.yml:3:7: the English changed but the French did not (title): "
                        "accepted by '# parity: ok (typo)' on line 3")
    assert len(lines) == 2


def test_rewrapping_new_texts_and_uncommitted_changes(repo):
    change(repo,
           ("First paragraph, wrapped\n        here.", "First paragraph,\n        wrapped here."),  # same words
           ("      - id: three", "      - id: new\n        text: {en: New, fr: Nouveau}\n      - id: three"))
    git(repo, "commit", "-q", "-am", "rewrap and add")
    change(repo, ("Faire une chose", "Faire une seule chose"))  # not committed: still counted
    result = parity(repo)
    assert result.stdout.splitlines() == [
        "checklists/x.yml:17:38: warning: the French changed but the English did not (sections › intro › steps › one › text);"
        " if it needs no translation (a typo fix), add '# parity: ok' at the end of this line",
    ]


def test_hand_written_pages_and_their_twins(repo):
    (repo / "docs" / "page.en.md").write_text("# Page\n\nHello there.\n", encoding="utf-8")
    (repo / "docs" / "both.en.md").write_text("# Both pages\n", encoding="utf-8")
    (repo / "docs" / "both.fr.md").write_text("# Les deux pages\n", encoding="utf-8")
    result = parity(repo)
    assert result.stdout.splitlines() == [
        "docs/page.en.md:3:1: warning: the English page changed but its French twin docs/page.fr.md did not;"
        " if it needs no translation, add '<!-- parity: ok -->' to the page",
    ]
    (repo / "docs" / "page.en.md").write_text("# Page\n\nHello there.\n<!-- parity: ok -->\n", encoding="utf-8")
    assert parity(repo).stdout == ""


def test_changes_on_main_since_the_branch_are_not_blamed_on_it(repo):
    git(repo, "checkout", "-q", "main")
    change(repo, ("Do one thing,", "Do one thing on main,"))
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "checkout", "-q", "change")
    assert parity(repo).stdout == ""


def test_an_unknown_base_is_a_usage_error_without_traceback(repo):
    result = run([sys.executable, "-m", "helpcentre.parity", "--base", "origin/nope", "--root", str(repo)], cwd=repo,
                 env={"GITHUB_ACTIONS": None})
    assert result.returncode == 2
    assert "'origin/nope' is not a commit here" in result.stderr and "Traceback" not in result.stderr
