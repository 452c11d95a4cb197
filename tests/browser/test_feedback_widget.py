"""The feedback widget end to end, with JavaScript disabled: a real page of a
built site, the real feedback service on 127.0.0.1, a real Chromium."""

from __future__ import annotations

import json
import sqlite3

import pytest

from .conftest import screenshot, site_with_service, twin

@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A site built to post to a service, both running, and the article these
    tests answer about: whichever the manifest lists first (no live wording)."""
    with site_with_service(tmp_path_factory.mktemp("feedback-e2e")) as (site, site_url, endpoint, db):
        manifest = json.loads((site / "feedback-manifest.json").read_text(encoding="utf-8"))
        article_id, addresses = sorted(manifest["pages"].items())[0]
        comments = manifest["comment_pages"]
        yield site_url, db, site, article_id, addresses, comments


def rows(db, table):
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()


@pytest.fixture
def page(browser):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_no_then_a_comment_with_scripts_off(page, live):
    site_url, db, site, article_id, addresses, comments = live
    before_answers, before_comments = len(rows(db, "answers")), len(rows(db, "comments"))
    page.goto(site_url + addresses["en"])
    with page.expect_navigation():
        page.get_by_role("button", name="No", exact=True).click()
    assert page.url == site_url + comments["en"].format(page=article_id)
    assert page.inner_text("h1") == "Thank you for your answer"
    answers = rows(db, "answers")
    assert len(answers) == before_answers + 1
    assert answers[-1][:3] == (article_id, "en", "no")

    page.fill("textarea[name=comment]", "Where do I find the Onboarding Request form?")
    screenshot(page, "feedback-comment-en")
    with page.expect_navigation():
        page.get_by_role("button", name="Send comment").click()
    assert page.url == site_url + "feedback/thanks/"
    stored = rows(db, "comments")
    assert len(stored) == before_comments + 1
    assert stored[-1][:3] == (article_id, "en", "Where do I find the Onboarding Request form?")


def test_french_partly_and_yes(page, live):
    site_url, db, site, article_id, addresses, comments = live
    french = twin(site, addresses["en"], "fr")  # the page's own French twin (French pages may have French addresses)
    assert french == addresses["fr"], "the manifest and the page disagree on the French address"
    page.goto(site_url + french)
    with page.expect_navigation():
        page.get_by_role("button", name="En partie").click()
    assert page.url == site_url + comments["fr"].format(page=article_id)
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    page.goto(site_url + french)
    with page.expect_navigation():
        page.get_by_role("button", name="Oui").click()
    assert page.url == site_url + "fr/feedback/thanks/"
    assert [row[:3] for row in rows(db, "answers")[-2:]] == [
        (article_id, "fr", "partly"),
        (article_id, "fr", "yes"),
    ]
