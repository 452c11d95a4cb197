"""WCAG 2.1 AA in a real browser: axe-core on every page, both languages,
scripts on and off; and the print rendering."""

from __future__ import annotations

import pytest

from conftest import ROOT
from .conftest import screenshot

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


@pytest.mark.parametrize("lang", ["", "fr/"])
def test_checklist_prints_as_a_clean_paper_checklist(browser, site_url, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + lang + "help/ereferral/rms-administrator-job-aid/")
    page.click("label[for=hc-done-submit-onboarding-request]")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.hc-progress', '.md-footer']
        .map(s => document.querySelector(s)).filter(Boolean)
        .every(e => getComputedStyle(e).display === 'none')""")
    assert hidden, "navigation chrome or the progress box shows on paper"
    box = page.evaluate("""() => { const s = getComputedStyle(document.getElementById('hc-done-submit-onboarding-request'));
        return [s.appearance, s.borderTopStyle]; }""")
    assert box == ["none", "solid"], "boxes should print empty, even when ticked on screen"
    assert page.locator("a.hc-phone").is_visible()
    assert "1-866-250-1554" in page.inner_text("a.hc-phone")
    screenshot(page, f"print-{lang.strip('/') or 'en'}")
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    context.close()
