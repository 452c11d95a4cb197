"""Guided mode: one page per step, previous/next, and the way back."""

from __future__ import annotations

from .conftest import screenshot

ARTICLE = "help/ereferral/rms-administrator-job-aid/"
STEPS = ["submit-onboarding-request", "sign-participant-agreement", "receive-next-steps-email",
         "create-ocean-site", "complete-online-training", "invite-and-train-users"]


def test_next_links_walk_every_step_in_order_and_previous_walks_back(context, site_url):
    page = context.new_page()
    page.goto(site_url + ARTICLE)
    page.click(".hc-progress__guided a")
    for number, step in enumerate(STEPS, 1):
        assert page.url == f"{site_url}{ARTICLE}{step}/"
        assert page.inner_text("h1") == f"Step {number} of 6"
        current = page.locator('nav.hc-stepper a[aria-current="step"]')
        assert current.count() == 1 and current.inner_text().strip().endswith(str(number))
        assert page.locator(f"li.hc-step#{step}").count() == 1
        if number < len(STEPS):
            page.click("a.hc-pager__next")
    assert page.inner_text("a.hc-pager__next") == "Finish: back to the whole checklist"
    for number in range(len(STEPS), 1, -1):
        page.click("a.hc-pager__previous")
        assert page.url == f"{site_url}{ARTICLE}{STEPS[number - 2]}/"
    assert page.locator("a.hc-pager__previous").count() == 0


def test_guided_page_links_back_to_the_step_on_the_whole_checklist(context, site_url):
    page = context.new_page()
    page.goto(f"{site_url}fr/{ARTICLE}create-ocean-site/")
    assert page.inner_text("h1") == "Étape 4 sur 6"
    screenshot(page, f"guided-fr-{'js' if context.js else 'nojs'}")
    page.click(".hc-guided__checklist a")
    assert page.url == f"{site_url}fr/{ARTICLE}#create-ocean-site"


def test_a_guided_step_can_be_ticked_and_its_footnote_is_on_the_page(context, site_url):
    page = context.new_page()
    page.goto(f"{site_url}{ARTICLE}create-ocean-site/")
    page.click("label[for=hc-done-set-encryption-key]")
    assert page.evaluate("() => document.getElementById('hc-done-set-encryption-key').checked")
    page.click("sup.hc-fnref a")
    assert page.url.endswith("#hc-note-ocean-review")
    assert page.locator("#hc-note-ocean-review").is_visible()


def test_language_switcher_lands_on_the_twin_page(context, site_url):
    page = context.new_page()
    for start, lang, twin in ((f"{ARTICLE}create-ocean-site/", "fr", f"fr/{ARTICLE}create-ocean-site/"),
                              (f"fr/{ARTICLE}", "en", ARTICLE), ("", "fr", "fr/")):
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
        assert page.url == site_url + twin
        assert page.evaluate("() => document.documentElement.lang") == lang
