"""Checklist files as an attacker would write them: the validator reads only
regular files inside the project, never more than it allows, and whatever
the content holds, what it prints is one plain line per problem.

Cases that would hang or eat memory if the guard regressed (a FIFO, a link to
``/dev/zero``) run the command in a child process with a time and memory
limit, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SCRIPTS
from helpcentre.problems import (
    FileRefused, Location, Problem, Problems, github_annotation, read_regular_file, shown, workflow_command,
)
from helpcentre.source import MAX_FILE_BYTES, SourceFile, bidi_controls, parse_source
from helpcentre.validate import load_site

GOLDEN = ROOT / "tests" / "golden" / "every-feature" / "checklists"
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="symbolic links, FIFOs and /dev/zero are POSIX")


def project(tmp_path: Path) -> Path:
    """A project with the shared definitions and one good checklist."""
    checklists = tmp_path / "project" / "checklists"
    checklists.mkdir(parents=True)
    shutil.copy(GOLDEN / "_shared.yml", checklists)
    shutil.copy(GOLDEN / "add-user.yml", checklists)
    shutil.copy(GOLDEN / "first-setup.yml", checklists)  # add-user links to it
    return tmp_path / "project"


def validate_in_child(root: Path) -> subprocess.CompletedProcess:
    """``helpcentre validate`` with 30 s and 1 GiB at most: reading /dev/zero or
    waiting on a FIFO fails here rather than hanging the suite."""

    def limits() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    env = {**os.environ, "PYTHONPATH": str(SCRIPTS), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "helpcentre", "--root", str(root), "validate"],
                          capture_output=True, text=True, timeout=30, env=env, preexec_fn=limits)


# -- only regular files, only so much ----------------------------------------------

@POSIX_ONLY
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_link_to_dev_zero_is_refused_unread(tmp_path):
    root = project(tmp_path)
    (root / "checklists" / "zero.yml").symlink_to("/dev/zero")
    result = validate_in_child(root)
    assert result.returncode == 1, result.stderr
    assert "checklists/zero.yml:1:1: the file is" in result.stderr
    assert "leading outside the project folder" in result.stderr  # /dev is outside: refused before its type is looked at
    assert "Traceback" not in result.stderr


@POSIX_ONLY
def test_a_link_to_a_device_inside_the_project_is_not_a_regular_file(tmp_path):
    """Where the real path is inside the project, the type is what refuses it."""
    root = project(tmp_path)
    devices = root / "devices"
    devices.mkdir()
    os.mkfifo(devices / "pipe")
    (root / "checklists" / "piped.yml").symlink_to(devices / "pipe")
    result = validate_in_child(root)
    assert result.returncode == 1
    assert ("checklists/piped.yml:1:1: the file is a symbolic link to a FIFO (named pipe), not a regular file; "
            "it was not read") in result.stderr


@POSIX_ONLY
def test_a_fifo_is_not_waited_on(tmp_path):
    root = project(tmp_path)
    os.mkfifo(root / "checklists" / "pipe.yml")
    result = validate_in_child(root)  # a blocking open would wait for a writer until the timeout
    assert result.returncode == 1
    assert "checklists/pipe.yml:1:1: the file is not a regular file but a FIFO (named pipe); it was not read" in result.stderr


def test_a_folder_named_like_a_checklist_is_not_a_regular_file(tmp_path):
    root = project(tmp_path)
    (root / "checklists" / "folder.yml").mkdir()
    site, problems = load_site(root)
    assert site is None
    assert "checklists/folder.yml:1:1: the file is not a regular file but a folder" in problems.report()


def test_a_file_over_the_cap_is_refused_with_the_cap(tmp_path):
    root = project(tmp_path)
    (root / "checklists" / "big.yml").write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    site, problems = load_site(root)
    assert site is None
    assert (f"checklists/big.yml:1:1: the file is larger than {MAX_FILE_BYTES:,} bytes"
            in problems.report())
    assert f"a checklist may be at most {MAX_FILE_BYTES:,} bytes" in problems.report()


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="no /proc")
def test_the_cap_counts_what_is_read_not_what_stat_says():
    """/proc files say they are 0 bytes long and are not: the cap holds anyway."""
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(FileRefused) as refused:
        read_regular_file("/proc/self/maps", 10)
    assert refused.value.kind == "size" and "larger than 10 bytes" in refused.value.reason
    assert len(read_regular_file("/proc/self/maps", 1 << 20)) > 10


def test_a_file_at_the_cap_is_read(tmp_path):
    file = tmp_path / "exact"
    file.write_bytes(b"x" * 100)
    assert read_regular_file(file, 100) == b"x" * 100
    with pytest.raises(FileRefused):
        read_regular_file(file, 99)


# -- symbolic links ------------------------------------------------------------------

@POSIX_ONLY
def test_a_link_out_of_the_project_is_refused_without_its_content(tmp_path):
    secret = tmp_path / "secret.yml"  # outside the project folder
    secret.write_text("collection: THE-SECRET-VALUE\nroot:x:0:0:root:/root:/bin/bash\n")
    root = project(tmp_path)
    (root / "checklists" / "passwd.yml").symlink_to(secret)
    (root / "checklists" / "relative.yml").symlink_to(Path("..") / ".." / "secret.yml")
    site, problems = load_site(root)
    report = problems.report()
    assert site is None
    for name in ("passwd", "relative"):
        assert (f"checklists/{name}.yml:1:1: the file is a symbolic link leading outside the project folder; "
                "it was not read") in report
    assert "SECRET" not in report and "root:x" not in report and str(tmp_path / "secret") not in report


@POSIX_ONLY
def test_a_link_to_etc_passwd_is_refused(tmp_path):
    root = project(tmp_path)
    (root / "checklists" / "passwd.yml").symlink_to("/etc/passwd")
    site, problems = load_site(root)
    assert "checklists/passwd.yml:1:1: the file is a symbolic link leading outside the project folder" in problems.report()
    assert "root:" not in problems.report()


@POSIX_ONLY
def test_a_linked_checklists_folder_leading_out_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(GOLDEN / "_shared.yml", outside)
    shutil.copy(GOLDEN / "add-user.yml", outside)
    root = tmp_path / "project"
    root.mkdir()
    (root / "checklists").symlink_to(outside)
    site, problems = load_site(root)
    assert site is None
    assert ("checklists/add-user.yml:1:1: the file is reached through a symbolic link leading outside the project folder"
            in problems.report())


@POSIX_ONLY
def test_links_inside_the_project_stay_allowed(tmp_path):
    """A checklist kept elsewhere in the repository and linked in validates as itself."""
    root = project(tmp_path)
    kept = root / "content"
    kept.mkdir()
    (root / "checklists" / "add-user.yml").rename(kept / "add-user.yml")
    (root / "checklists" / "add-user.yml").symlink_to(Path("..") / "content" / "add-user.yml")
    site, problems = load_site(root)
    assert site is not None, problems.report()
    assert "add-user" in site.checklists


@POSIX_ONLY
def test_a_dangling_link_cannot_be_read(tmp_path):
    root = project(tmp_path)
    (root / "checklists" / "gone.yml").symlink_to(root / "nowhere.yml")
    site, problems = load_site(root)
    assert "checklists/gone.yml:1:1: cannot read the file: No such file or directory" in problems.report()


# -- what is printed -----------------------------------------------------------------

HOSTILE = "a\x1b[2J\x1b]0;pwned\x07\rb\nc::error file=x::forged\u202eevil\x85\u2028\x9b31m\u200b"


def test_shown_escapes_every_control_bidi_and_invisible_character():
    text = shown(HOSTILE)
    assert text == ("a\\x1b[2J\\x1b]0;pwned\\x07\\x0db\\x0ac::error file=x::forged\\u202eevil\\x85\\u2028\\x9b31m\\u200b")
    assert shown(text) == text  # safe to apply twice
    plain = "Étape 1 : « Ouvrir » — 1-866-250-1554\u00a0!"  # accents, guillemets, no-break space stay as they are
    assert shown(plain) is plain


def test_every_problem_prints_as_one_inert_line():
    problems = Problems()
    problems.add(Location("checklists/\x1b[31mred.yml", 2, 3), f"unknown role '{HOSTILE}'")
    line = problems.report()
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u202e" not in line
    assert line.startswith("checklists/\\x1b[31mred.yml:2:3: unknown role 'a\\x1b[2J")
    problem = Problem(Location("x.yml"), "a\rb")  # made directly, not through Problems.add
    assert problem.message == "a\\x0db"


def test_escaped_problems_stay_equal_and_deduplicated():
    problems = Problems()
    problems.add(Location("x.yml"), "a\x1bb")
    problems.add(Location("x.yml"), "a\x1bb")
    assert len(problems.items) == 1


def test_workflow_commands_cannot_be_forged():
    line = workflow_command("error", "100% broken\n::error::forged\r%0A", file="checklists/a,line=9::b.yml", line=3, col=None)
    # One line: the runner reads a command per line, and everything after the
    # properties' "::" is the message (a "::" there starts nothing). A "," or
    # "::" in a property cannot add a property or end them early.
    assert "\n" not in line and "\r" not in line
    assert line == ("::error file=checklists/a%2Cline=9%3A%3Ab.yml,line=3::"
                    "100%25 broken\\x0a::error::forged\\x0d%250A")


def test_github_annotation_of_a_problem():
    problem = Problem(Location("checklists/a.yml", 4, 2), "50% done\x1b[2J", "warning")
    assert github_annotation(problem) == "::warning file=checklists/a.yml,line=4,col=2::50%25 done\\x1b[2J"


def test_control_characters_written_in_yaml_are_escaped_in_messages(tmp_path):
    root = project(tmp_path)
    text = (GOLDEN / "add-user.yml").read_text(encoding="utf-8")
    text = re.sub(r"^collection: .*$", lambda _: 'collection: "acc\\e[2J\\rounts\\u202e"', text, count=1, flags=re.M)
    (root / "checklists" / "add-user.yml").write_text(text, encoding="utf-8")
    site, problems = load_site(root)
    report = problems.report()
    assert site is None
    assert "checklists/add-user.yml:1:13: 'acc\\x1b[2J\\x0dounts\\u202e' is not a valid collection id" in report
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", report)


def test_the_command_line_prints_no_control_character(tmp_path):
    root = project(tmp_path)
    (root / "checklists" / "x\x1b[2Jy.yml").write_text("collection: accounts\n")
    result = subprocess.run([sys.executable, "-m", "helpcentre", "--root", str(root), "validate"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(SCRIPTS), "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 1
    assert "\x1b" not in result.stderr
    assert "checklists/x\\x1b[2Jy.yml:1:1: the file name 'x\\x1b[2Jy.yml' is the checklist's id" in result.stderr


# -- bidi controls ("Trojan Source") ---------------------------------------------------

def test_bidi_controls_are_found_in_any_text():
    assert bidi_controls("plain « texte » \u200e") == []  # a mark is not an override
    found = bidi_controls("ab\u202ecd\u2069")
    assert [index for index, _ in found] == [2, 5]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in found[0][1] and "U+2069 POP DIRECTIONAL ISOLATE" in found[1][1]


def test_bidi_controls_in_a_file_are_located_and_counted():
    text = "collection: a\n" + "# \u202e\n" * 12
    problems = Problems()
    parse_source(text.encode(), "checklists/x.yml", problems)
    lines = [str(p) for p in problems.sorted()]
    assert "checklists/x.yml:2:3: the text holds the invisible character U+202E" in lines[0]
    assert sum("U+202E" in line for line in lines) == 10
    assert any(line.startswith("checklists/x.yml:12:3: and 2 more bidi control characters") for line in lines)


# -- line breaks and emptiness ---------------------------------------------------------

@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029"])
def test_lines_are_counted_as_libyaml_counts_them(newline):
    text = newline.join(["# a comment", "collection: x", "title:", "  en: é", "", "summary: {en: s}", ""])
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    source = SourceFile("x.yml", text, root)
    for key, value in root.value:
        for node in (key, value):
            mark = node.start_mark
            assert source.line_column(mark.index) == (mark.line + 1, mark.column + 1), (newline, node.value)


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_a_file_starting_with_a_comment_is_not_empty_whatever_its_line_endings(newline):
    problems = Problems()
    text = newline.join(["# a comment", "collection: accounts", ""])
    source = parse_source(text.encode(), "checklists/x.yml", problems)
    assert source.root is not None
    assert "empty" not in problems.report()


@pytest.mark.parametrize("text", ["", "# only\r# comments\r", "---\r# c\r...\r", "  \t\r\n"])
def test_files_with_only_comments_blanks_and_markers_are_empty(text):
    problems = Problems()
    parse_source(text.encode(), "checklists/x.yml", problems)
    assert problems.report() == (
        "checklists/x.yml:1:1: the file is empty: a checklist needs at least a 'collection', a 'title', a 'summary' and 'sections'")


def test_the_empty_message_names_what_a_checklist_needs_and_no_id_field():
    problems = Problems()
    parse_source(b"# nothing\n", "checklists/x.yml", problems)
    message = problems.items[0].message
    assert all(word in message for word in ("collection", "title", "summary", "sections"))
    assert "id" not in message.split()
    shared = Problems()
    parse_source(b"", "checklists/_shared.yml", shared)
    assert "_shared.yml needs at least 'collections'" in shared.report()


def test_a_utf8_error_after_cr_line_breaks_is_on_its_line():
    problems = Problems()
    parse_source(b"collection: a\rtitle: caf\xe9\r", "checklists/x.yml", problems)
    assert problems.report().startswith("checklists/x.yml:2:11: the file is not valid UTF-8 (byte 0xe9)")
