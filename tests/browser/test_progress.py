"""Ticking steps in a real browser, with JavaScript off and on."""

from __future__ import annotations

import re

import pytest

from .conftest import rendered_text, screenshot

ARTICLE = "help/ereferral/rms-administrator-job-aid/"
CREATE_SITE_REQUIRED = ["confirm-organization-information", "provide-emr-information", "sign-ocean-eula",
                        "set-encryption-key", "complete-ocean-request-form"]


def count(page, lang="en") -> tuple[int, int]:
    pattern = r"Steps done: (\d+) of (\d+)" if lang == "en" else r"Étapes terminées\u00a0: (\d+) sur (\d+)"
    found = re.search(pattern, rendered_text(page))
    assert found, "no progress counter on the page"
    return int(found.group(1)), int(found.group(2))


def bar_fraction(page) -> float:
    return page.evaluate("""() => {
        const bar = document.querySelector('.hc-progress__bar').getBoundingClientRect().width;
        const track = document.querySelector('.hc-progress__track').clientWidth;
        return bar / track;
    }""")


def is_checked(page, box_id) -> bool:
    return page.evaluate(f"() => document.getElementById('hc-done-{box_id}').checked")


def status_shown(page, step_id) -> bool:
    return page.evaluate(f"""() => getComputedStyle(
        document.querySelector('#{step_id} > .hc-step__text > .hc-status')).display !== 'none'""")


def test_counter_and_bar_follow_ticks_made_by_clicking_labels(context, site_url):
    page = context.new_page()
    page.goto(site_url + ARTICLE)
    assert count(page) == (0, 6)
    assert bar_fraction(page) == pytest.approx(0, abs=0.01)

    page.click("label[for=hc-done-submit-onboarding-request]")
    assert is_checked(page, "submit-onboarding-request")
    assert count(page) == (1, 6)
    assert bar_fraction(page) == pytest.approx(1 / 6, abs=0.01)
    assert status_shown(page, "submit-onboarding-request")

    # A step with sub-items is done when all its required sub-items are (the optional one is not needed).
    for item in CREATE_SITE_REQUIRED[:-1]:
        page.click(f"label[for=hc-done-{item}]")
    assert count(page) == (1, 6) and not status_shown(page, "create-ocean-site")
    page.click(f"label[for=hc-done-{CREATE_SITE_REQUIRED[-1]}]")
    assert count(page) == (2, 6)
    assert status_shown(page, "create-ocean-site")
    assert bar_fraction(page) == pytest.approx(2 / 6, abs=0.01)
    screenshot(page, f"progress-en-{'js' if context.js else 'nojs'}")

    page.click("label[for=hc-done-sign-ocean-eula]")  # untick a sub-item: the step is no longer done
    assert count(page) == (1, 6) and not status_shown(page, "create-ocean-site")


def test_keyboard_ticks_with_space_and_shows_a_focus_ring(context, site_url):
    page = context.new_page()
    page.goto(site_url + ARTICLE)
    page.focus("#hc-done-submit-onboarding-request")
    page.keyboard.press("Space")
    assert is_checked(page, "submit-onboarding-request")
    page.keyboard.press("Tab")  # the next control in reading order is the next step's box
    focused = page.evaluate("() => document.activeElement.id")
    assert focused == "hc-done-sign-participant-agreement"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Space")
    assert count(page) == (2, 6)


def test_french_counter_is_localized(context, site_url):
    page = context.new_page()
    page.goto(site_url + "fr/" + ARTICLE)
    assert count(page, "fr") == (0, 6)
    page.click("label[for=hc-done-complete-online-training]")
    assert count(page, "fr") == (1, 6)
    assert page.evaluate("() => document.querySelector('#complete-online-training .hc-status').textContent") == "Terminée"


def test_the_page_says_what_is_kept_without_scripts(context, site_url):
    page = context.new_page()
    for url, words in ((ARTICLE, "not saved when you leave or reload"), ("fr/" + ARTICLE, "ne sont pas enregistrées")):
        page.goto(site_url + url)
        assert words in page.inner_text(".hc-progress")
