"""Hostile content from a pull request: refused at its line, or inert in the built site.

Editors are semi-trusted: a reviewer reads a YAML diff, and nothing in that
diff may become active content on a health agency's pages. Each file of
``tests/hostile/`` is a checklist an attacker with write access could send,
with its expected outcome on its second line:

* ``# expect: refused LINE:COL: text`` — validation reports
  ``checklists/NAME.yml:LINE:COL: text…`` and nothing is built;
* ``# expect: inert`` — it validates, and in the strict build nothing of it
  is active: no script runs in Chromium with JavaScript on (no dialog, no
  navigation, no request to another host), no element of the built HTML
  carries an event handler, a script address or a refresh, and plain text
  shows exactly as written.

Every text field of a whole site is also filled with ``" ' < > &`` to prove
the escaping of what the theme writes into attributes and titles.
"""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import copy_project, mkdocs_build
from helpcentre import LANGUAGES, typography
from helpcentre.validate import load_site

HERE = Path(__file__).parent
HOSTILE = HERE / "hostile"
FIXTURE = HERE / "golden" / "every-feature" / "checklists"
EXPECT = re.compile(r"^# expect: (refused (\d+:\d+: .*)|inert)$", re.MULTILINE)
SPECIALS = "x\"y' < z > &"
"""What the every-field site writes into every text: each character HTML or an attribute could trip on."""


def expectation(file: Path) -> re.Match:
    found = EXPECT.search(file.read_text(encoding="utf-8"))
    assert found, f"{file.name} has no '# expect: refused LINE:COL: …' or '# expect: inert' line"
    return found


def cases(outcome: str) -> list[str]:
    return sorted(f.name for f in HOSTILE.glob("*.yml") if expectation(f).group(1).startswith(outcome))


def project_with(tmp_path: Path, *files: Path) -> Path:
    checklists = tmp_path / "checklists"
    checklists.mkdir(parents=True)
    for fixture in FIXTURE.glob("*.yml"):
        shutil.copy(fixture, checklists / fixture.name)
    for file in files:
        shutil.copy(file, checklists / file.name)
    return tmp_path


def test_the_corpus_has_both_outcomes():
    assert cases("refused") and cases("inert")


@pytest.mark.parametrize("name", cases("refused"))
def test_hostile_file_is_refused_at_its_line(tmp_path, name):
    site, problems = load_site(project_with(tmp_path, HOSTILE / name))
    assert site is None
    wanted = f"checklists/{name}:{expectation(HOSTILE / name).group(2)}"
    reported = [str(problem) for problem in problems.sorted()]
    assert any(line.startswith(wanted) for line in reported), (
        f"expected a line starting with\n  {wanted}\ngot\n  " + "\n  ".join(reported))


def test_a_checklist_named_index_is_refused(tmp_path):
    project = project_with(tmp_path)
    shutil.copy(FIXTURE / "add-user.yml", project / "checklists" / "index.yml")
    site, problems = load_site(project)
    assert site is None
    assert "checklists/index.yml:1:1: the file name 'index.yml' is kept for the collection's own page" in problems.report()


# --- The inert cases and the every-field site, built once ----------------------

def _fill(node, value: str):
    """Every ``{en, fr}`` text of a YAML document replaced by ``value``."""
    if isinstance(node, dict):
        if set(node) == set(LANGUAGES) and all(isinstance(v, str) for v in node.values()):
            return {lang: value for lang in LANGUAGES}
        return {key: _fill(child, value) for key, child in node.items()}
    if isinstance(node, list):
        return [_fill(child, value) for child in node]
    return node


def _without_links(node):
    """The fixture with its step-anchored links dropped (filled texts no longer hold them)."""
    if isinstance(node, dict):
        return {key: _without_links(child) for key, child in node.items() if key != "links"}
    if isinstance(node, list):
        return [_without_links(child) for child in node]
    return node


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """A strict build of the fixture site with every text set to SPECIALS, plus every inert case."""
    checklists = tmp_path_factory.mktemp("checklists")
    for fixture in FIXTURE.glob("*.yml"):
        data = _without_links(_fill(yaml.safe_load(fixture.read_text(encoding="utf-8")), SPECIALS))
        (checklists / fixture.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for name in cases("inert"):
        shutil.copy(HOSTILE / name, checklists / name)
    project = copy_project(tmp_path_factory.mktemp("project"), checklists)
    site = project / "site"
    result = mkdocs_build(project, site, feedback_endpoint=None)
    assert result.returncode == 0, result.stderr
    return site


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parsed(page: Path) -> _Elements:
    parser = _Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


ACTIVE_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "poster", "data"}


def test_no_built_page_carries_active_content(hostile_site):
    """Every page of the site (titles travel into every page's navigation)."""
    pages = sorted(hostile_site.rglob("*.html"))
    assert pages
    for page in pages:
        where = page.relative_to(hostile_site)
        for tag, attrs in parsed(page).elements:
            assert tag not in {"base", "iframe", "object", "embed", "frame"}, f"{where}: <{tag}>"
            assert not (tag == "meta" and "http-equiv" in attrs), f"{where}: <meta {attrs}>"
            for name, value in attrs.items():
                assert not name.startswith("on"), f"{where}: <{tag} {name}={value!r}>"
                if name in URL_ATTRIBUTES:
                    assert not ACTIVE_SCHEMES.match(html.unescape(value)), f"{where}: <{tag} {name}={value!r}>"
            if tag == "img":
                assert not re.match(r"^(https?:)?//", attrs.get("src", "")), f"{where}: third-party image {attrs}"


def _checklist_pages(site: Path, lang: str) -> list[Path]:
    root = site if lang == LANGUAGES[0] else site / lang
    return [page for page in (root / "help").glob("*/*/index.html") if "feedback" not in page.parts]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_titles_and_descriptions_show_exactly_what_was_written(hostile_site, lang):
    expected = typography.apply(SPECIALS, lang)
    pages = [p for p in _checklist_pages(hostile_site, lang) if p.parent.name in {"first-setup", "add-user"}]
    assert len(pages) == 2
    for page in pages:
        document = parsed(page)
        assert document.title.startswith(expected + " - "), (page, document.title)
        descriptions = [attrs for tag, attrs in document.elements if tag == "meta" and attrs.get("name") == "description"]
        assert [attrs["content"] for attrs in descriptions] == [expected], page
        assert all(set(attrs) == {"name", "content"} for attrs in descriptions), descriptions


@pytest.mark.parametrize("name", cases("inert"))
def test_inert_case_builds_and_its_markup_shows_as_text(hostile_site, name):
    """The page of each inert case exists in both languages and shows its title as written."""
    data = yaml.safe_load((HOSTILE / name).read_text(encoding="utf-8"))
    checklist_id = name[: -len(".yml")]
    for lang in LANGUAGES:
        root = hostile_site if lang == LANGUAGES[0] else hostile_site / lang
        page = root / "help" / data["collection"] / checklist_id / "index.html"
        assert page.exists(), page
        assert parsed(page).title.startswith(typography.apply(data["title"][lang], lang) + " - ")


# --- In a real browser, with JavaScript on --------------------------------------

@pytest.fixture(scope="module")
def served(hostile_site):
    from browser.conftest import serve_static

    server, address = serve_static(hostile_site)
    yield address
    server.shutdown()


def test_nothing_fires_in_chromium_on_any_hostile_page(hostile_site, served):
    from browser.conftest import CHROMIUM, LAUNCH_ARGS, _need_chromium
    _need_chromium()
    from playwright.sync_api import sync_playwright

    pages = [p for lang in LANGUAGES for p in _checklist_pages(hostile_site, lang)]
    pages += [p for p in hostile_site.rglob("help/*/*/*/index.html")]  # guided step pages
    assert pages
    fired: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(java_script_enabled=True)
        context.set_default_timeout(10_000)

        def outside(route):
            fired.append(f"request to {route.request.url}")
            route.abort()

        context.route(re.compile(r"^(?!http://127\.0\.0\.1:).*"), outside)
        page = context.new_page()
        page.on("dialog", lambda dialog: (fired.append(f"dialog {dialog.message!r} on {page.url}"), dialog.dismiss()))
        for built in pages:
            url = served + built.parent.relative_to(hostile_site).as_posix() + "/"
            page.goto(url, wait_until="load")
            # Hover and focus everything: handlers such as onmouseover need a reader's gesture.
            page.evaluate("""() => { for (const el of document.querySelectorAll('body *')) {
                for (const type of ['mouseover', 'mouseenter', 'focus', 'click']) {
                    if (type === 'click' && el.closest('a')) continue;
                    el.dispatchEvent(new Event(type, {bubbles: false}));
                } } }""")
            page.wait_for_timeout(100)
            assert page.url == url, f"{url} sent the reader to {page.url}"
        browser.close()
    assert not fired, "\n".join(fired)
