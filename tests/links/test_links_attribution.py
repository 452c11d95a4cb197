"""Who wrote a broken link: each one reported where it was written, and only there.

* A link of the theme's chrome (header, navigation, footer: Material's "Made
  with Material for MkDocs") is the theme's, even on a hand-written page whose
  Markdown has an address like it: only a link inside the page's content area
  that the Markdown really writes (not in code) is reported at a Markdown line.
* Every published text is mapped to its own file and line: links written in
  ``checklists/_shared.yml`` (collections' summaries, contacts' purposes), in
  a checklist's summary shown on its collection's page and the home page, and
  in the UI strings (``strings.yml``), like links written in a checklist.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from helpcentre.links import check_links, external
from helpcentre.links.check import Target
from helpcentre.links.report import MAX_PAGES_SHOWN
from helpcentre.links.scan import content_span, tag_offsets
from links_support import build, prepare_project, real_project, without_location, write_pages  # noqa: F401


def unknown_hosts(urls, options=None, **kwargs):
    """The outside check, as with no such host anywhere: every outside address fails."""
    return {url: external.Result(url, False, detail="unknown host") for url in urls}


def lines_of(site: Path, project: Path, **options) -> list[str]:
    return [str(problem) for problem in check_links(site, project, site_display="site", **options).problems]


# -- the content area ------------------------------------------------------------------

MATERIAL_PAGE = """<html lang="en"><body>
<header class="md-header"><a href="../" class="md-logo">Home</a></header>
<!-- <div class="md-content"> in a comment is no content area -->
<script>var x = '<article class="md-content__inner">';</script>
<nav class="md-nav"><a href="../other/">Other</a></nav>
<main class="md-main"><div class="md-content" data-md-component="content">
<article class="md-content__inner md-typeset">
<div><a href="#here">in</a><article><a href="#nested">nested</a></article></div>
<a href="#after-nested">still in</a>
</article>
<a href="#edit">in md-content, after the article</a>
</div></main>
<footer class="md-footer"><a href="https://squidfunk.github.io/mkdocs-material/">Material for MkDocs</a></footer>
</body></html>
"""


def test_the_content_area_is_materials_article():
    start, end = content_span(MATERIAL_PAGE)
    inside = MATERIAL_PAGE[start:end]
    assert inside.startswith('<article class="md-content__inner md-typeset">') and inside.endswith("</article>")
    assert 'href="#after-nested"' in inside and 'href="#edit"' not in inside
    offsets = tag_offsets(MATERIAL_PAGE)
    hrefs = re.findall(r'href="([^"]+)"', MATERIAL_PAGE)
    assert len(offsets) == len(hrefs)
    assert [href for href, offset in zip(hrefs, offsets) if start <= offset < end] == ["#here", "#nested", "#after-nested"]


def test_other_content_areas_and_none():
    without_article = MATERIAL_PAGE.replace('<article class="md-content__inner md-typeset">', "<article>")
    start, end = content_span(without_article)
    assert without_article[start:].startswith('<div class="md-content"') and without_article[:end].endswith("</div>")
    assert 'href="#edit"' in without_article[start:end]
    plain = '<html><body><a href="x/">x</a><main id="m"><a href="y/">y</a></main></body></html>'
    start, end = content_span(plain)
    assert plain[start:end] == '<main id="m"><a href="y/">y</a></main>'
    assert content_span('<html><body><a href="x/">x</a></body></html>') is None
    assert content_span('<div class="md-content-extra"><a href="x/">x</a></div>') is None  # a class token, not a prefix


@pytest.mark.parametrize("hostile", [
    "md-content " * 50_000,
    '<div class="md-content">' + "<div " * 50_000,
    '<div class="md-content">' + "<div>" * 50_000,
    "<x md-content " * 30_000,
])
def test_the_content_area_is_found_in_linear_time(hostile):
    started = time.perf_counter()
    content_span(hostile)
    assert time.perf_counter() - started < 1.0


# -- a hand-written page: its content, its chrome ------------------------------------------

GUIDE_MD = """# Guide

See [the other page](other.md#gone).

Write links as `[text](https://example.org/shown-as-code)` or <https://example.org/written>.
"""


def chrome(body: str, lang: str = "en") -> str:
    """A page as Material lays it out: ``body`` in the article, links in the header and footer."""
    return (f'<html lang="{lang}"><body>\n'
            '<header class="md-header"><a href="../other/#gone">Other, from the header</a></header>\n'
            '<div class="md-content" data-md-component="content"><article class="md-content__inner md-typeset">\n'
            f"{body}\n"
            "</article></div>\n"
            '<footer class="md-footer"><a href="../other/#gone">Next: other</a>\n'
            '<a href="https://squidfunk.github.io/mkdocs-material/" target="_blank" rel="noopener">Material for MkDocs</a>\n'
            "</footer></body></html>\n")


@pytest.fixture
def guide(tmp_path) -> tuple[Path, Path]:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_url: http://127.0.0.1:8000/\ndocs_dir: docs\n", encoding="utf-8")
    (project / "docs/guide.en.md").write_text(GUIDE_MD, encoding="utf-8")
    (project / "docs/guide.fr.md").write_text("# Guide\n", encoding="utf-8")
    site = project / "site"
    pages = {
        "index.html": '<html lang="en"><body></body></html>',
        "fr/index.html": '<html lang="fr"><body></body></html>',
        "guide/index.html": chrome('<p>See <a href="../other/#gone">the other page</a>.</p>\n'
                                   '<p>Write links as <code>[text](https://example.org/shown-as-code)</code> or'
                                   ' <a href="https://example.org/written">https://example.org/written</a>.</p>\n'
                                   '<p><a href="https://example.org/shown-as-code">a link the Markdown does not write</a></p>'),
        "fr/guide/index.html": '<html lang="fr"><body></body></html>',
        "other/index.html": '<html lang="en"><body><h1 id="here">x</h1></body></html>',
        "fr/other/index.html": '<html lang="fr"><body><h1 id="ici">x</h1></body></html>',
    }
    write_pages(site, pages)
    return project, site


def test_only_links_of_the_content_that_the_markdown_writes_are_its_lines(guide, monkeypatch):
    project, site = guide
    monkeypatch.setattr(external, "check", unknown_hosts)
    lines = lines_of(site, project, external=True)
    page = (site / "guide/index.html").read_text(encoding="utf-8").splitlines()
    assert sorted(line for line in lines if line.startswith("docs/")) == [
        "docs/guide.en.md:3:22: link to ../other/#gone (/other/#gone): the page has no anchor 'gone' (on /guide/)",
        "docs/guide.en.md:5:64: link to https://example.org/written: unknown host (on /guide/)",
    ]
    assert sorted(without_location(line) for line in lines if line.startswith("site/")) == [
        # the header's and the footer's copies of the article's link: the theme's, one line
        "site/guide/index.html: link to ../other/#gone (/other/#gone): the page has no anchor 'gone' (from the templates)",
        # in the article, but written only as code in the Markdown
        "site/guide/index.html: link to https://example.org/shown-as-code: unknown host (from docs/guide.en.md or the templates)",
        # the footer's "Made with Material for MkDocs"
        "site/guide/index.html: link to https://squidfunk.github.io/mkdocs-material/: unknown host (from the templates)",
    ]
    theme = next(line for line in lines if "(/other/#gone)" in line and line.startswith("site/"))
    assert "Other, from the header" in page[int(theme.split(":")[1]) - 1]  # at the first copy: the header's


def test_the_themes_footer_link_is_never_a_line_of_the_editors_guide(real_project, monkeypatch):
    """The review's case: with --external and no such host, Material's footer link was
    reported at a line of docs/editors-guide.en.md (a `https://…` written as code)."""
    project, site = real_project
    monkeypatch.setattr(external, "check", unknown_hosts)
    lines = [line for line in lines_of(site, project, external=True) if "squidfunk" in line]
    pages = len([page for page in site.rglob("*.html") if "squidfunk.github.io" in page.read_text(encoding="utf-8")])
    assert pages > 2
    assert len(lines) == 1, lines
    assert re.fullmatch(r"site/\S+\.html:\d+:\d+: link to https://squidfunk\.github\.io/mkdocs-material/: unknown host"
                        rf" \(from the templates; also on {pages - 1} more pages\)", lines[0]), lines[0]


# -- texts outside checklists: _shared.yml, summaries, UI strings ----------------------------

GONE = "http://127.0.0.1:8000/help/{}-gone/"
GONE_FR = "http://127.0.0.1:8000/fr/help/{}-gone/"


def _set_value(path: Path, line: int, column: int, value: str) -> None:
    """Replace the YAML value starting at ``line``:``column`` (a one-line scalar) by ``value``, quoted."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text = lines[line - 1]
    lines[line - 1] = text[: column - 1] + '"' + value.replace('"', '\\"') + '"\n'
    path.write_text("".join(lines), encoding="utf-8")


def where(path: Path, project: Path, needle: str) -> str:
    """``file:line:col`` of ``needle`` in ``path``, as the report names it."""
    text = path.read_text(encoding="utf-8")
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return f"{path.relative_to(project).as_posix()}:{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


@pytest.fixture(scope="module")
def texts_project(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """The project with alpha and beta, a broken link in each kind of text outside a
    checklist's own pages, built once: (project, site, {name: where written})."""
    from helpcentre.validate import load_site

    project = prepare_project(tmp_path_factory.mktemp("links-texts"))
    # Its own copy of the templates, to write into strings.yml (and untouched by edits to the working tree's).
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    plugin = re.search(r"^([ ]+)- helpcentre:[ ]*\n", text, re.M)
    assert plugin and "templates_dir" not in text
    config.write_text(text[: plugin.end()] + plugin.group(1) + "    templates_dir: scripts/helpcentre/templates\n"
                      + text[plugin.end():], encoding="utf-8")

    site_model, problems = load_site(project)
    assert site_model is not None, problems
    shared = project / site_model.shared.path
    collection = site_model.checklists["beta"].collection.id
    summary = site_model.shared.collections[collection].summary
    contact = site_model.shared.contacts[site_model.checklists["beta"].contacts[0].id]
    assert contact.purpose is not None, "beta's contact has a purpose in _shared.yml"
    edits = [  # (location of the value, new value), from the bottom of the file up: lines do not move
        (contact.purpose.fr_location, f"Soutien, voir [le portail]({GONE_FR.format('purpose')})."),
        (contact.purpose.en_location, f"Support, see [the portal]({GONE.format('purpose')})."),
        (summary.fr_location, f"Adhérer ([à propos]({GONE_FR.format('summary')}))."),
        (summary.en_location, f"Joining ([about]({GONE.format('summary')}))."),
    ]
    for location, value in sorted(edits, key=lambda edit: -edit[0].line):
        _set_value(shared, location.line, location.column, value)
    beta = project / "checklists/beta.yml"
    text = beta.read_text(encoding="utf-8")
    old = "summary: {en: Beta summary., fr: Résumé bêta.}"
    assert old in text
    beta.write_text(text.replace(old, f'summary: {{en: "Beta [summary]({GONE.format("beta-summary")}).", fr: Résumé bêta.}}'),
                    encoding="utf-8")
    strings = project / "scripts/helpcentre/templates/strings.yml"
    text = strings.read_text(encoding="utf-8")
    heading = re.search(r"^support_heading:\n  en: .*$", text, re.M)
    assert heading, "strings.yml has support_heading"
    strings.write_text(text[: heading.start()] + f'support_heading:\n  en: "Need help? [Ask]({GONE.format("strings")})"'
                       + text[heading.end():], encoding="utf-8")
    site = build(project)
    found = {
        "purpose": where(shared, project, GONE.format("purpose")),
        "purpose-fr": where(shared, project, GONE_FR.format("purpose")),
        "summary": where(shared, project, GONE.format("summary")),
        "summary-fr": where(shared, project, GONE_FR.format("summary")),
        "beta-summary": where(beta, project, GONE.format("beta-summary")),
        "strings": where(strings, project, GONE.format("strings")),
    }
    return project, site, found


def on_pages(site: Path, url: str) -> str:
    """" (on /, /help/x/ and 2 more)": every page whose HTML has a link to ``url``, as the report lists them."""
    shown = sorted(Target(page.relative_to(site).as_posix()).shown() for page in site.rglob("*.html")
                   if f'href="{url}"' in page.read_text(encoding="utf-8"))
    assert shown, f"no page links to {url}"
    more = f" and {len(shown) - MAX_PAGES_SHOWN} more" if len(shown) > MAX_PAGES_SHOWN else ""
    return f" (on {', '.join(shown[:MAX_PAGES_SHOWN])}{more})"


@pytest.fixture(scope="module")
def texts_report(texts_project) -> list[str]:
    project, site, _ = texts_project
    return lines_of(site, project)


def test_a_collections_summary_is_reported_at_its_line_of_shared_yml(texts_project, texts_report):
    _, site, found = texts_project
    for key, url, shown in [("summary", GONE.format("summary"), "/help/summary-gone/"),
                            ("summary-fr", GONE_FR.format("summary"), "/fr/help/summary-gone/")]:
        pages = on_pages(site, url)
        assert pages.startswith(" (on /, " if key == "summary" else " (on /fr/, ")  # the home page shows it
        assert f"{found[key]}: link to {url} ({shown}) does not exist{pages}" in texts_report, "\n".join(texts_report)


def test_a_contacts_purpose_is_reported_at_its_line_of_shared_yml(texts_project, texts_report):
    _, site, found = texts_project
    for key, url, shown in [("purpose", GONE.format("purpose"), "/help/purpose-gone/"),
                            ("purpose-fr", GONE_FR.format("purpose"), "/fr/help/purpose-gone/")]:
        pages = on_pages(site, url)
        assert "/help/ereferral/beta/" in pages or " more)" in pages
        assert f"{found[key]}: link to {url} ({shown}) does not exist{pages}" in texts_report, "\n".join(texts_report)


def test_a_checklists_summary_is_one_line_for_its_page_its_collection_and_the_home_page(texts_project, texts_report):
    _, site, found = texts_project
    url = GONE.format("beta-summary")
    pages = on_pages(site, url)
    assert pages.startswith(" (on /, ")
    assert f"{found['beta-summary']}: link to {url} (/help/beta-summary-gone/) does not exist{pages}" in texts_report, \
        "\n".join(texts_report)


def test_a_ui_string_is_reported_at_its_line_of_strings_yml(texts_project, texts_report):
    _, site, found = texts_project
    url = GONE.format("strings")
    assert found["strings"].startswith("scripts/helpcentre/templates/strings.yml:")
    assert f"{found['strings']}: link to {url} (/help/strings-gone/) does not exist{on_pages(site, url)}" in texts_report, \
        "\n".join(texts_report)


def test_no_link_of_those_texts_is_left_to_the_templates(texts_report):
    assert not [line for line in texts_report if "-gone/" in line and not line.startswith(("checklists/", "scripts/"))], \
        "\n".join(texts_report)
