"""The link check over a real build: YAML faults at their lines, HTML faults once each.

Two checklists are added to a copy of the project: ``alpha.yml`` writes links
that pass validation but break on the site (its own old address, a short
phone number, an email without @, an English page from the French text);
``beta.yml`` writes only good ones. Other faults are injected into the built
HTML, one per test, and must each add exactly the expected line to the report.
"""

from __future__ import annotations

import re
import sys

import pytest

from conftest import run
from links_support import edit, fault_project, fault_site, real_project, report_lines, without_location  # noqa: F401

ALPHA_EN = "/help/ereferral/alpha/"
ALPHA_FR = "/fr/help/ereferral/alpha/"

YAML_FAULTS = [
    "checklists/alpha.yml:13:27: link to http://127.0.0.1:8000/help/nope/ (/help/nope/) does not exist (on /help/ereferral/alpha/)",
    "checklists/alpha.yml:16:34: link to http://127.0.0.1:8000/fr/nope/ (/fr/nope/) does not exist (on /fr/help/ereferral/alpha/)",
    "checklists/alpha.yml:21:37: link to tel:+1866250155 is a malformed phone link: a North American number has 11 digits"
    " with the leading 1, this one has 10, e.g. tel:+18662501554 (on /help/ereferral/alpha/, /help/ereferral/alpha/alpha-one/)",
    "checklists/alpha.yml:21:82: link to tel:+1866250155 is a malformed phone link: a North American number has 11 digits"
    " with the leading 1, this one has 10, e.g. tel:+18662501554 (on /fr/help/ereferral/alpha/, /fr/help/ereferral/alpha/alpha-one/)",
    "checklists/alpha.yml:23:35: link to mailto:help.example.org is a malformed email link: 'help.example.org' is not an"
    " email address (on /help/ereferral/alpha/, /help/ereferral/alpha/alpha-two/)",
    "checklists/alpha.yml:23:83: link to mailto:help.example.org is a malformed email link: 'help.example.org' is not an"
    " email address (on /fr/help/ereferral/alpha/, /fr/help/ereferral/alpha/alpha-two/)",
    "checklists/alpha.yml:26:10: link to http://127.0.0.1:8000/help/ereferral/beta/ (/help/ereferral/beta/) leads to an"
    " English page from a French page; link to its French twin /fr/help/ereferral/beta/ instead (on /fr/help/ereferral/alpha/)",
]


@pytest.fixture(scope="module")
def baseline(fault_project) -> list[str]:
    project, site = fault_project
    return report_lines(project, site)


def test_links_written_in_yaml_are_reported_once_at_their_line(baseline):
    for expected in YAML_FAULTS:
        assert baseline.count(expected) == 1, f"expected once:\n  {expected}\ngot:\n  " + "\n  ".join(baseline)
    from_yaml = [line for line in baseline if line.startswith("checklists/")]
    assert sorted(from_yaml) == sorted(YAML_FAULTS)


def test_good_links_are_not_reported(baseline):
    assert not [line for line in baseline if line.startswith("checklists/") and not line.startswith("checklists/alpha.yml")]
    assert not [line for line in baseline if line.startswith("docs/")]


def new_lines(project, site, baseline) -> list[str]:
    after = report_lines(project, site)
    base = {without_location(line) for line in baseline}
    return [line for line in after if without_location(line) not in base]


def test_a_target_that_lost_its_anchor_is_reported_where_each_link_to_it_was_written(fault_site, baseline):
    project, site = fault_site
    edit(site / "help/ereferral/beta/index.html", '<li class="hc-step" id="beta-two">', '<li class="hc-step">')
    added = new_lines(project, site, baseline)
    from_yaml = sorted(line for line in added if line.startswith("checklists/"))
    assert len(from_yaml) == 2, "\n".join(added)
    assert from_yaml[0] == (
        "checklists/alpha.yml:12:34: link to checklist:beta#beta-two (/help/ereferral/beta/#beta-two): the page has no"
        " anchor 'beta-two' (on /help/ereferral/alpha/)")
    # beta's own "#beta-two", on the checklist page (and on the guided pages that show that text)
    prefix = "checklists/beta.yml:12:48: link to #beta-two: the page has no anchor 'beta-two' (on "
    assert from_yaml[1].startswith(prefix + "/help/ereferral/beta/"), from_yaml[1]
    assert "/fr/" not in from_yaml[1]


def test_a_broken_same_page_anchor_from_the_templates_names_the_page_and_line(fault_site, baseline):
    project, site = fault_site
    page = site / "fr/help/ereferral/beta/index.html"
    edit(page, 'href="#hc-support"', 'href="#hc-soutien"')
    added = new_lines(project, site, baseline)
    assert len(added) == 1, added
    assert re.fullmatch(
        r"site/fr/help/ereferral/beta/index\.html:\d+:\d+: link to #hc-soutien: the page has no anchor 'hc-soutien'"
        r" \(from the templates\)", added[0]), added[0]
    line = int(added[0].split(":")[1])
    assert 'href="#hc-soutien"' in page.read_text(encoding="utf-8").splitlines()[line - 1]


def test_a_broken_link_to_another_page(fault_site, baseline):
    project, site = fault_site
    edit(site / "fr/help/ereferral/index.html", '<li><a href="alpha/">', '<li><a href="alpha-old/">')
    added = new_lines(project, site, baseline)
    assert [without_location(line) for line in added] == [
        "site/fr/help/ereferral/index.html: link to alpha-old/ (/fr/help/ereferral/alpha-old/) does not exist (from the templates)",
    ]


def test_a_link_to_the_wrong_language(fault_site, baseline):
    project, site = fault_site
    edit(site / "fr/help/ereferral/index.html", '<li><a href="beta/">', '<li><a href="../../../help/ereferral/beta/">')
    added = new_lines(project, site, baseline)
    assert [without_location(line) for line in added] == [
        "site/fr/help/ereferral/index.html: link to ../../../help/ereferral/beta/ (/help/ereferral/beta/) leads to an English"
        " page from a French page; link to its French twin /fr/help/ereferral/beta/ instead (from the templates)",
    ]


def test_a_language_switcher_that_misses_the_twin(fault_site, baseline):
    project, site = fault_site
    edit(site / "help/ereferral/beta/index.html",
         '<a href="../../../fr/help/ereferral/beta/" hreflang="fr"', '<a href="../../../fr/" hreflang="fr"')
    added = new_lines(project, site, baseline)
    assert [without_location(line) for line in added] == [
        "site/help/ereferral/beta/index.html: the language switcher leads to /fr/, not to this page's French twin"
        " /fr/help/ereferral/beta/ (from the templates)",
    ]


def test_pages_without_their_twin(fault_site, baseline):
    project, site = fault_site
    (site / "orphan").mkdir()
    (site / "orphan/index.html").write_text('<html lang="en"><body><a href="../">Home</a></body></html>', encoding="utf-8")
    (site / "fr/seule").mkdir()
    (site / "fr/seule/index.html").write_text('<html lang="fr"><body><a href="../">Accueil</a></body></html>', encoding="utf-8")
    added = new_lines(project, site, baseline)
    assert sorted(added) == [
        "site/fr/seule/index.html: the French page /fr/seule/ has no English twin (/seule/ does not exist)",
        "site/orphan/index.html: the English page /orphan/ has no French twin (/fr/orphan/ does not exist)",
    ]


def test_a_malformed_phone_link_from_the_templates(fault_site, baseline):
    project, site = fault_site
    edit(site / "help/ereferral/beta/index.html", 'href="tel:+18662501554"', 'href="tel:1-866-250-1554"')
    added = new_lines(project, site, baseline)
    assert [without_location(line) for line in added] == [
        "site/help/ereferral/beta/index.html: link to tel:1-866-250-1554 is a malformed phone link: a number without +"
        " needs ';phone-context='; write the whole number with + instead, e.g. tel:+18662501554 (from the templates)",
    ]


def test_a_page_in_the_wrong_language_folder(fault_site, baseline):
    project, site = fault_site
    edit(site / "fr/help/ereferral/beta/index.html", '<html lang="fr"', '<html lang="en"')
    added = new_lines(project, site, baseline)
    assert "site/fr/help/ereferral/beta/index.html: page /fr/help/ereferral/beta/ is in the French folder but says lang=\"en\"" in added


def test_the_same_broken_template_link_on_many_pages_is_one_line(fault_site, baseline):
    project, site = fault_site
    pages = sorted(site.glob("help/ereferral/*/index.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("</body>", '<a href="/gone/">gone</a></body>'), encoding="utf-8")
    added = new_lines(project, site, baseline)
    assert len(added) == 1, added
    assert added[0].endswith(f"link to /gone/ does not exist (from the templates; also on {len(pages) - 1} more pages)")


def test_feedback_manifest_pages_must_exist_in_their_language(fault_site, baseline):
    project, site = fault_site
    (site / "feedback-manifest.json").write_text(
        '{"version": 1, "languages": ["en", "fr"], "answers": ["yes", "no"],'
        ' "pages": {"beta": {"en": "help/ereferral/beta/", "fr": "fr/help/ereferral/beta/"}},'
        ' "thanks": {"en": "feedback/gone/", "fr": "help/ereferral/"},'
        ' "comment_pages": {"en": "help/ereferral/{page}/", "fr": "fr/help/ereferral/{page}/"}}', encoding="utf-8")
    manifest = [line for line in report_lines(project, site) if line.startswith("site/feedback-manifest.json")]
    assert manifest == [
        "site/feedback-manifest.json: feedback-manifest.json: thanks[en] is feedback/gone/, which is not a page of the site",
        "site/feedback-manifest.json: feedback-manifest.json: thanks[fr] is help/ereferral/, an English page",
    ]


def test_command_line_exit_codes_and_no_traceback(fault_project, tmp_path):
    project, site = fault_project
    failing = run([sys.executable, "-m", "helpcentre.links", "--site", str(site), "--root", str(project)], cwd=project)
    assert failing.returncode == 1
    assert "Traceback" not in failing.stderr + failing.stdout
    assert failing.stdout.splitlines() and all(re.match(r"^\S+?(:\d+:\d+)?: ", line) for line in failing.stdout.splitlines())
    assert re.search(r"\d+ problems in \d+ pages, \d+ links\.", failing.stderr)
    missing = run([sys.executable, "-m", "helpcentre.links", "--site", str(tmp_path / "nothing")], cwd=project)
    assert missing.returncode == 2 and "run `make build` first" in missing.stderr and "Traceback" not in missing.stderr


def test_the_real_site_has_no_link_problem(real_project):
    project, site = real_project
    result = run([sys.executable, "-m", "helpcentre.links", "--site", "site", "--root", "."], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "checked: no problems." in result.stderr
