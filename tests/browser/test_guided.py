"""Guided mode: one page per step, previous/next, and the way back.

The article is whichever built article has the most steps; its steps, their
order and their text are read from its whole-checklist page, never named here.
"""

from __future__ import annotations

import re

import pytest

from .conftest import screenshot, twin


@pytest.fixture
def article(built_site) -> str:
    pages = [p for p in built_site.glob("help/*/*/index.html") if "feedback" not in p.parts]
    assert pages, "no built article"
    best = max(pages, key=lambda p: p.read_text(encoding="utf-8").count('class="hc-step'))
    return best.parent.relative_to(built_site).as_posix() + "/"


def outline(page) -> list[dict]:
    """The steps of the whole-checklist page: id and text, in order."""
    return page.evaluate("""() => [...document.querySelectorAll('ol.hc-steps > li.hc-step')].map(li => ({
        id: li.id,
        text: (li.querySelector(':scope > .hc-step__text label, :scope > .hc-step__text .hc-step__label')
               .textContent).replace(/\\s+/g, ' ').trim(),
    }))""")


def same_words(a: str, b: str) -> bool:
    words = lambda s: re.sub(r"\\s+", " ", re.sub(r"[\\d\\u00a0]+$", "", s)).strip()
    return words(a).startswith(words(b)[:40]) or words(b).startswith(words(a)[:40])


def test_next_links_walk_every_step_in_order_and_previous_walks_back(context, site_url, article):
    page = context.new_page()
    page.goto(site_url + article)
    steps = outline(page)
    total = len(steps)
    page.click(".hc-progress__guided a")
    for number, step in enumerate(steps, 1):
        assert page.url == f"{site_url}{article}{step['id']}/"
        # The step itself is the page's heading, "Step N of M" its caption.
        assert same_words(page.inner_text("h1"), step["text"]), (page.inner_text("h1"), step["text"])
        assert page.inner_text(".hc-caption") == f"Step {number} of {total}"
        assert page.get_attribute("h1", "aria-describedby") == "hc-step-caption"
        current = page.locator('nav.hc-stepper a[aria-current="step"]')
        assert current.count() == 1 and current.inner_text().strip().endswith(str(number))
        assert page.locator(f"li.hc-step#{step['id']}").count() == 1
        if number < total:
            page.click("a.hc-pager__next")
    assert page.inner_text("a.hc-pager__next") == "Finish: back to the whole checklist"
    for number in range(total, 1, -1):
        page.click("a.hc-pager__previous")
        assert page.url == f"{site_url}{article}{steps[number - 2]['id']}/"
    assert page.locator("a.hc-pager__previous").count() == 0


def test_guided_page_links_back_to_the_step_on_the_whole_checklist(context, site_url, article, built_site):
    page = context.new_page()
    french = twin(built_site, article, "fr")
    page.goto(f"{site_url}{french}")
    steps = outline(page)
    last = steps[-1]
    page.goto(f"{site_url}{french}{last['id']}/")
    assert page.inner_text(".hc-caption") == f"Étape {len(steps)} sur {len(steps)}"
    assert same_words(page.inner_text("h1"), last["text"])
    screenshot(page, f"guided-fr-{'js' if context.js else 'nojs'}")
    page.click(".hc-guided__checklist a")
    assert page.url == f"{site_url}{french}#{last['id']}"


def test_the_sections_callouts_travel_with_its_steps(context, site_url, article):
    page = context.new_page()
    page.goto(site_url + article)
    pairs = page.evaluate("""() => [...document.querySelectorAll('h2')].flatMap(h2 => {
        const callouts = [], steps = [];
        for (let el = h2.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
            if (el.matches('.admonition')) callouts.push(el.querySelector('.admonition-title').textContent.trim());
            if (el.matches('ol.hc-steps')) steps.push(...[...el.children].map(li => li.id));
        }
        return callouts.length && steps.length ? [{callouts, steps}] : [];
    })""")
    if not pairs:
        pytest.skip("no section of this article has both callouts and steps")
    for pair in pairs:
        page.goto(f"{site_url}{article}{pair['steps'][0]}/")
        titles = page.eval_on_selector_all(".admonition-title", "els => els.map(e => e.textContent.trim())")
        assert set(pair["callouts"]) <= set(titles)


def test_a_guided_step_can_be_ticked_and_its_footnote_is_on_the_page(context, site_url, article):
    page = context.new_page()
    page.goto(site_url + article)
    with_note = page.evaluate("""() => {
        const li = [...document.querySelectorAll('li.hc-step')].find(li => li.querySelector('sup.hc-fnref a'));
        return li ? li.id : null;
    }""")
    if with_note is None:
        pytest.skip("no step of this article refers to a footnote")
    page.goto(f"{site_url}{article}{with_note}/")
    box = page.evaluate("() => document.querySelector('li.hc-step input.hc-check').id")
    page.click(f"label[for={box}]")
    assert page.evaluate(f"() => document.getElementById('{box}').checked")
    page.click("sup.hc-fnref a")
    note = page.url.rsplit("#", 1)[1]
    assert note.startswith("hc-note-") and page.locator(f"#{note}").is_visible()


def test_language_switcher_lands_on_the_twin_page(context, site_url, article, built_site):
    page = context.new_page()
    page.goto(site_url + article)
    first_step = outline(page)[0]["id"]
    french = twin(built_site, article, "fr")
    for start, lang, expected in ((f"{article}{first_step}/", "fr", f"{french}{first_step}/"),
                                  (french, "en", article), ("", "fr", "fr/")):
        page.goto(site_url + start)
        # By keyboard, as with scripts off: focus the switcher's button (the
        # list opens on focus), Tab to the language, press Enter.
        page.focus(".md-select button")
        for _ in range(4):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.getAttribute('hreflang')") == lang:
                break
        assert page.evaluate("() => document.activeElement.lang") == lang  # its name is marked up in its language
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == site_url + expected
        assert page.evaluate("() => document.documentElement.lang") == lang
