"""Search with JavaScript off, end to end: the header's box of a built page is a plain form to the
feedback service's GET /search, which answers in the page's language with that language's pages
only; without a service, the box gives way to the A–Z index of the page's language.

Real builds, the real service, Debian's Chromium. The words searched come from the built
indexes (a word of the French pages that no English page has), never from the live wording.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import copy_project, mkdocs_build
from helpcentre import LANGUAGES
from .conftest import screenshot, serve_static, site_with_service
from .test_accessibility import WCAG_TAGS
from .test_search import index, only_in


@pytest.fixture(scope="module")
def with_service(tmp_path_factory):
    """A site built with a service, served over HTTP, and the service reading its search indexes."""
    with site_with_service(tmp_path_factory.mktemp("search-no-js")) as (site, site_url, endpoint, db):
        yield site, site_url, endpoint


@pytest.fixture(scope="module")
def without_service(tmp_path_factory):
    """The same project built with no service (FEEDBACK_ENDPOINT unset), served over HTTP."""
    base = tmp_path_factory.mktemp("search-no-service")
    project = copy_project(base / "project")
    site = base / "site"
    built = mkdocs_build(project, site, feedback_endpoint=None)
    assert built.returncode == 0, built.stderr
    static, site_url = serve_static(site)
    yield site, site_url
    static.shutdown()


def new_page(browser, js: bool, width: int = 1300):
    context = browser.new_context(java_script_enabled=js, viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    return context, context.new_page()


def an_article(site, lang: str) -> str:
    """The address (below the language's root) of a checklist article in ``lang``: an English article
    of the built index (help/<collection>/<article>/), then its twin, as the page's hreflang link names it
    (a French article may live at a French address)."""
    english = next(doc["location"] for doc in index(site, LANGUAGES[0])["docs"]
                   if "#" not in doc["location"] and doc["location"].startswith("help/")
                   and doc["location"].count("/") == 3)
    if lang == LANGUAGES[0]:
        return english
    page = (site / english / "index.html").read_text(encoding="utf-8")
    link = next(tag for tag in re.findall(r"<link [^>]*>", page) if 'rel="alternate"' in tag and f'hreflang="{lang}"' in tag)
    path = urlsplit(urljoin("http://site/" + english, re.search(r'href="([^"]*)"', link).group(1))).path
    assert path.startswith(f"/{lang}/"), path
    return path[len(f"/{lang}/"):]


def test_a_french_reader_without_script_searches_from_the_header_and_gets_french_pages(browser, with_service):
    site, site_url, endpoint = with_service
    word = only_in(site, "fr")
    context, page = new_page(browser, js=False)
    try:
        page.goto(site_url + "fr/" + an_article(site, "fr"))
        assert page.evaluate("() => document.documentElement.classList.contains('no-js')")
        box = page.locator(".md-search__input")
        assert box.is_visible(), "the header's search box is hidden with script off"
        assert page.locator(".hc-search-az").count() == 0
        box.click()
        page.keyboard.type(word)
        screenshot(page, "search-no-js-box-fr")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.startswith(endpoint + "/search?"), page.url
        assert "lang=fr" in page.url
        assert page.evaluate("() => document.documentElement.lang") == "fr"
        assert page.locator("h1").inner_text() == "Résultats de recherche"
        assert page.locator("#hc-search-query").input_value() == word
        links = page.eval_on_selector_all(".hc-search-page__title a", "links => links.map(a => a.href)")
        assert links, f"searching {word!r} found nothing"
        assert all(link.startswith(site_url + "fr/") for link in links), links
        marks = {m.lower() for m in page.locator("mark").all_inner_texts()}
        assert word in marks, marks
        # In the site's look: its stylesheets loaded from the site's address.
        colour = page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).backgroundColor")
        assert colour == "rgb(29, 79, 118)", colour  # --md-primary-fg-color of helpcentre.css
        screenshot(page, "search-no-js-results-fr")

        # A result leads to the page on the site, in French.
        with page.expect_navigation():
            page.locator(".hc-search-page__title a").first.click()
        assert page.url.startswith(site_url + "fr/")
        assert page.evaluate("() => document.documentElement.lang") == "fr"

        # A word of the English pages only: nothing, said in French, from a French page.
        english = only_in(site, "en")
        page.goto(endpoint + "/search?lang=fr&query=" + english)
        assert page.locator(".hc-search-page__title a").count() == 0
        assert "Aucune page ne correspond" in page.locator(".hc-search-page__message").first.inner_text()
    finally:
        context.close()


def test_the_results_page_meets_wcag_21_aa(browser, with_service):
    from axe_playwright_python.sync_playwright import Axe

    site, site_url, endpoint = with_service
    context = browser.new_context(viewport={"width": 1300, "height": 900}, bypass_csp=True)  # for axe's own script
    try:
        page = context.new_page()
        failures = []
        for lang in LANGUAGES:
            for query in (only_in(site, lang), "", "x" * 201):
                page.goto(f"{endpoint}/search?lang={lang}&query={query}")
                results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
                if results.violations_count:
                    failures.append(f"{lang} {query[:20]!r}:\n{results.generate_report()}")
        assert not failures, "\n".join(failures)
    finally:
        context.close()


def test_with_script_on_the_header_box_is_material_s_search(browser, with_service):
    site, site_url, _ = with_service
    context, page = new_page(browser, js=True)
    try:
        page.goto(site_url + "fr/")
        assert not page.evaluate("() => document.documentElement.classList.contains('no-js')")
        assert page.locator(".md-search__input").is_visible()
        assert not page.locator(".hc-search__submit").is_visible()
        page.click(".md-search__input")
        page.keyboard.type(only_in(site, "fr"), delay=30)
        page.wait_for_selector(".md-search-result__item a")
        page.keyboard.press("Enter")  # Material opens its best result; the form is not sent
        page.wait_for_load_state()
        assert page.url.startswith(site_url + "fr/"), page.url
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_a_service_the_box_gives_way_to_the_a_z_index_with_script_off_only(browser, without_service, lang):
    site, site_url = without_service
    root = "" if lang == LANGUAGES[0] else f"{lang}/"
    titles = {doc["location"]: doc["title"] for doc in index(site, lang)["docs"]}
    for js in (False, True):
        context, page = new_page(browser, js=js)
        try:
            page.goto(site_url + root + an_article(site, lang))
            link = page.locator("a.hc-search-az")
            assert link.count() == 1
            if js:
                assert not link.is_visible(), "the A–Z link shows although script runs"
                assert page.locator(".md-search__input").is_visible()
                continue
            assert link.is_visible() and not page.locator(".md-search").is_visible()
            # It leads to this language's A–Z index: the page of the built index with that title.
            href = link.evaluate("a => a.href")
            assert href.startswith(site_url + root), href
            assert titles.get(href[len(site_url + root):]) == link.inner_text().strip(), href
            box = link.bounding_box()
            assert box["height"] >= 44, box
            link.focus()
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline == "solid", "no visible focus on the A–Z link"
            screenshot(page, f"search-no-service-{lang}")
            with page.expect_navigation():
                link.click()
            assert page.url == href
            assert page.evaluate("() => document.documentElement.lang") == lang
        finally:
            context.close()


def test_the_header_form_carries_the_page_s_language(with_service):
    site, _, endpoint = with_service
    for lang in LANGUAGES:
        root = "" if lang == LANGUAGES[0] else f"{lang}/"
        text = (site / root / an_article(site, lang) / "index.html").read_text(encoding="utf-8")
        form = re.search(r'<form class="md-search__form"[^>]*>', text).group(0)
        assert f'action="{endpoint}/search"' in form and 'method="get"' in form
        assert f'<input type="hidden" name="lang" value="{lang}">' in text
        assert 'name="query"' in text
