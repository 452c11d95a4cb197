"""The built site read as untrusted: a pull request can put anything in it
(through docs/, or a build step), and the link checker must neither hang,
nor read without end, nor quote what lies outside, nor print control
characters from a page into the terminal or the CI log.

Cases that would hang or eat memory if the guard regressed run the command
line in a child process with a time and memory limit.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SCRIPTS
from helpcentre.links import check as check_module
from helpcentre.links import check_links
from helpcentre.links.check import BuiltSite
from helpcentre.links.report import as_github, as_text
from links_support import write_pages

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="symbolic links, FIFOs and /dev/zero are POSIX")
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # everything but the line break between problems


def make_site(folder: Path, pages: dict[str, str] | None = None) -> Path:
    site = folder / "site"
    pages = pages or {"index.html": '<html lang="en"><body><a href="fr/" hreflang="fr">fr</a></body></html>',
                      "fr/index.html": '<html lang="fr"><body><a href="../" hreflang="en">en</a></body></html>'}
    write_pages(site, pages)
    return site


def check_in_child(site: Path, *arguments: str) -> subprocess.CompletedProcess:
    """``python -m helpcentre.links`` with 30 s and 1 GiB at most."""

    def limits() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    env = {**os.environ, "PYTHONPATH": str(SCRIPTS), "NO_MKDOCS_2_WARNING": "1", "GITHUB_ACTIONS": "true"}
    return subprocess.run([sys.executable, "-m", "helpcentre.links", "--site", "site", "--root", ".", *arguments],
                          capture_output=True, text=True, timeout=30, env=env, preexec_fn=limits, cwd=site.parent)


def lines_of(outcome) -> list[str]:
    return as_text(outcome.problems).splitlines()


# -- what is not read ----------------------------------------------------------------

@POSIX_ONLY
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_links_to_dev_zero_and_fifos_are_reported_not_read(tmp_path):
    site = make_site(tmp_path)
    (site / "zero.html").symlink_to("/dev/zero")
    (site / "sitemap.xml").symlink_to("/dev/zero")
    os.mkfifo(site / "pipe.html")
    os.mkfifo(site / "feedback-manifest.json")
    inner = tmp_path / "site" / "devices"
    inner.mkdir()
    os.mkfifo(inner / "fifo")
    (site / "linked-pipe.html").symlink_to(inner / "fifo")
    result = check_in_child(site)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "site/zero.html: the file is a symbolic link leading outside the site folder; it was not read" in out
    assert "site/sitemap.xml: the file is a symbolic link leading outside the site folder; it was not read" in out
    assert "site/pipe.html: the file is not a regular file but a FIFO (named pipe); it was not read" in out
    assert "site/feedback-manifest.json: the file is not a regular file but a FIFO (named pipe)" in out
    assert "site/devices/fifo: the file is not a regular file but a FIFO (named pipe)" in out
    assert "site/linked-pipe.html: the file is a symbolic link to a FIFO (named pipe), not a regular file" in out
    assert "Traceback" not in result.stderr


@POSIX_ONLY
def test_a_link_out_of_the_site_is_refused_without_its_content(tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text('<html lang="en"><a href="THE-SECRET-ADDRESS.html">x</a><h1 id="SECRET-ID"></h1></html>')
    site = make_site(tmp_path)
    (site / "leak.html").symlink_to(secret)
    (site / "fr" / "leak.html").symlink_to(Path("..") / ".." / "secret.html")
    (site / "etc").symlink_to("/etc")  # a folder leading out: not followed, reported
    outcome = check_links(site, site_display="site")
    text = as_text(outcome.problems)
    assert "site/leak.html: the file is a symbolic link leading outside the site folder; it was not read" in text
    assert "site/fr/leak.html: the file is a symbolic link leading outside the site folder; it was not read" in text
    assert "site/etc: the file is a symbolic link leading outside the site folder; it was not read" in text
    assert "SECRET" not in text and str(tmp_path / "secret") not in text
    assert "leak.html" not in outcome.reporter.built.pages


@POSIX_ONLY
def test_links_inside_the_site_are_followed(tmp_path):
    site = make_site(tmp_path, {
        "index.html": '<html lang="en"><a href="alias.html#there">a</a><a href="fr/" hreflang="fr">fr</a></html>',
        "fr/index.html": '<html lang="fr"><a href="../" hreflang="en">en</a></html>',
        "real/page.html": '<html lang="en"><h1 id="there"></h1></html>',
        "fr/real/page.html": '<html lang="fr"></html>',
    })
    (site / "alias.html").symlink_to(Path("real") / "page.html")
    (site / "fr" / "alias.html").symlink_to(Path("real") / "page.html")
    outcome = check_links(site, site_display="site")
    assert lines_of(outcome) == []
    assert outcome.reporter.built.pages["alias.html"].ids == {"there"}


def test_a_page_over_the_cap_is_reported_not_read(tmp_path, monkeypatch):
    site = make_site(tmp_path)
    (site / "big.html").write_text('<html lang="en">' + "x" * 2000 + "</html>")
    monkeypatch.setattr(check_module, "MAX_SITE_FILE_BYTES", 1000)
    site_index = BuiltSite.load(site, "http://example.org/")
    assert "big.html" not in site_index.pages
    assert [f.message for f in site_index.refused] == ["the file is larger than 1,000 bytes (2,023 bytes)"]


# -- what is printed -----------------------------------------------------------------

def test_control_characters_in_addresses_are_escaped_in_the_report(tmp_path):
    site = make_site(tmp_path, {
        "index.html": ('<html lang="en"><body><a href="fr/" hreflang="fr">fr</a>'
                       '<a href="gone\x1b[2J\r.html">a</a>'
                       '<a href="%1b]0;pwned%07%0A::error::forged.html">b</a>'
                       '<a href="#evil\u202eltr">c</a>'
                       '<a href="mailto:a\x1b[31m@x">d</a>'
                       '</body></html>'),
        "fr/index.html": '<html lang="fr"><a href="../" hreflang="en">en</a></html>',
    })
    outcome = check_links(site, site_display="site")
    text = as_text(outcome.problems)
    assert len(outcome.problems) == 4, text
    assert not UNSAFE.search(text), text
    assert "link to gone\\x1b[2J\\x0d.html" in text
    assert "/\\x1b]0;pwned\\x07\\x0a::error::forged.html" in text
    assert "the page has no anchor 'evil\\u202eltr'" in text
    github = as_github(outcome.problems)
    assert len(github.splitlines()) == 4
    assert all(line.startswith("::error file=site/index.html,") for line in github.splitlines())
    assert not UNSAFE.search(github)


def test_a_file_name_with_control_characters_is_reported_escaped(tmp_path):
    site = make_site(tmp_path)
    (site / "x\x1b[2Jy.html").write_text('<html lang="en"><a href="nowhere.html">a</a></html>')
    outcome = check_links(site, site_display="site")
    text = as_text(outcome.problems)
    assert not UNSAFE.search(text), text
    assert text == ("site/x\\x1b[2Jy.html: the file has control or invisible characters in its name (shown escaped); "
                    "rename it. It was not read")


@POSIX_ONLY
def test_the_command_line_report_and_annotations_are_inert(tmp_path):
    site = make_site(tmp_path, {
        "index.html": '<html lang="en"><a href="fr/" hreflang="fr">fr</a><a href="a\x1b[2J%0D%0A::error::x.html">a</a></html>',
        "fr/index.html": '<html lang="fr"><a href="../" hreflang="en">en</a></html>',
    })
    result = check_in_child(site)
    assert result.returncode == 1
    assert not UNSAFE.search(result.stdout + result.stderr)
    lines = result.stdout.splitlines()
    assert len(lines) == 2  # the problem, and its annotation (GITHUB_ACTIONS=true)
    assert lines[1].startswith("::error file=site/index.html,line=1,col=")
    assert sum(line.startswith("::") for line in lines) == 1
