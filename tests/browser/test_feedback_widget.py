"""The feedback widget end to end, with JavaScript disabled: a real page of a
built site, the real feedback service on 127.0.0.1, a real Chromium."""

from __future__ import annotations

import functools
import http.server
import sqlite3
import subprocess
import sys
import threading
import time

import httpx
import pytest

from conftest import ROOT, SCRIPTS, copy_project, free_port, mkdocs_build
from .conftest import _QuietHandler, screenshot, twin

ARTICLE = "help/ereferral/rms-administrator-job-aid/"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A site built to post to a service on a chosen port, both running."""
    base = tmp_path_factory.mktemp("feedback-e2e")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    project = copy_project(base / "project")
    site = base / "site"
    built = mkdocs_build(project, site, feedback_endpoint=endpoint)
    assert built.returncode == 0, built.stderr

    static = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=static.serve_forever, daemon=True).start()
    site_url = f"http://127.0.0.1:{static.server_address[1]}/"

    db = base / "feedback.sqlite3"
    log = open(base / "service.log", "wb")
    service = subprocess.Popen(
        [sys.executable, "-m", "helpcentre_feedback", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--db", f"sqlite:///{db}", "--manifest", str(site / "feedback-manifest.json"), "--site-url", site_url],
        cwd=ROOT, env={"PYTHONPATH": str(SCRIPTS), "PATH": "/usr/bin:/bin"}, stdout=log, stderr=log,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(endpoint + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        service.kill()
        pytest.fail("the feedback service did not start: " + (base / "service.log").read_text())
    yield site_url, db, site
    service.terminate()
    service.wait(timeout=10)
    static.shutdown()
    log.close()


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
    site_url, db, site = live
    before_answers, before_comments = len(rows(db, "answers")), len(rows(db, "comments"))
    page.goto(site_url + ARTICLE)
    with page.expect_navigation():
        page.get_by_role("button", name="No", exact=True).click()
    assert page.url == site_url + "help/feedback/rms-administrator-job-aid/"
    assert page.inner_text("h1") == "Thank you for your answer"
    answers = rows(db, "answers")
    assert len(answers) == before_answers + 1
    assert answers[-1][:3] == ("rms-administrator-job-aid", "en", "no")

    page.fill("textarea[name=comment]", "Where do I find the Onboarding Request form?")
    screenshot(page, "feedback-comment-en")
    with page.expect_navigation():
        page.get_by_role("button", name="Send comment").click()
    assert page.url == site_url + "feedback/thanks/"
    comments = rows(db, "comments")
    assert len(comments) == before_comments + 1
    assert comments[-1][:3] == ("rms-administrator-job-aid", "en", "Where do I find the Onboarding Request form?")


def test_french_partly_and_yes(page, live):
    site_url, db, site = live
    french = twin(site, ARTICLE, "fr")  # French pages may have French addresses
    page.goto(site_url + french)
    with page.expect_navigation():
        page.get_by_role("button", name="En partie").click()
    assert page.url == site_url + "fr/help/feedback/rms-administrator-job-aid/"
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    page.goto(site_url + french)
    with page.expect_navigation():
        page.get_by_role("button", name="Oui").click()
    assert page.url == site_url + "fr/feedback/thanks/"
    assert [row[:3] for row in rows(db, "answers")[-2:]] == [
        ("rms-administrator-job-aid", "fr", "partly"),
        ("rms-administrator-job-aid", "fr", "yes"),
    ]
