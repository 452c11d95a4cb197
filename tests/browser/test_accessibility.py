"""WCAG 2.1 AA in a real browser: axe-core on every page, both languages,
scripts on and off; and the print rendering."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from .conftest import screenshot, twin

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def all_pages(site) -> list[str]:
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        pages.append(relative[: -len("index.html")] if relative.endswith("index.html") else relative)
    return pages


def test_every_page_has_no_wcag_violations(audit_context, site_url, built_site):
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()
    page = audit_context.new_page()
    failures = []
    pages = all_pages(built_site)
    assert len(pages) >= 19
    for url in pages:
        page.goto(site_url + url)
        if not audit_context.js:
            assert page.evaluate("() => document.documentElement.classList.contains('no-js')"), url
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            failures.append(f"{url}:\n{results.generate_report()}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_checklist_prints_as_a_clean_paper_checklist(browser, site_url, built_site, lang):
    """Any built article (the first), in each language at its own address."""
    articles = sorted(p for p in built_site.glob("help/*/*/index.html") if "feedback" not in p.parts)
    article = articles[0].parent.relative_to(built_site).as_posix() + "/"
    url = article if lang == "en" else twin(built_site, article, lang)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + url)
    box_id = page.evaluate("() => document.querySelector('input.hc-check').id")
    page.click(f"label[for={box_id}]")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.hc-progress', '.md-footer']
        .map(s => document.querySelector(s)).filter(Boolean)
        .every(e => getComputedStyle(e).display === 'none')""")
    assert hidden, "navigation chrome or the progress box shows on paper"
    box = page.evaluate(f"""() => {{ const s = getComputedStyle(document.getElementById('{box_id}'));
        return [s.appearance, s.borderTopStyle]; }}""")
    assert box == ["none", "solid"], "boxes should print empty, even when ticked on screen"
    if page.locator("a.hc-phone").count():
        phone = page.locator("a.hc-phone").first
        assert phone.is_visible() and re.search(r"\d{3}-\d{3}-\d{4}", phone.inner_text())
    screenshot(page, f"print-{lang}")
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    context.close()
