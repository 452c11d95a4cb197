"""A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Browser tests skip on a laptop without Chromium, and fail instead when
CI=true: a check that silently skips in CI would be a lie. Pages come from
the session's strict build, served over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SCRIPTS, copy_project, free_port, mkdocs_build

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = ROOT / "var" / "screenshots"


def _need_chromium():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the browser tests")
        pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_static(site: Path):
    """``site`` over HTTP on 127.0.0.1: (the server, to shut down; its address)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@contextlib.contextmanager
def site_with_service(base: Path):
    """The project built to post to a feedback service, served over HTTP, and the
    service running on it (answers, comments and search): yields
    (site folder, site address, service address, database file)."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    project = copy_project(base / "project")
    site = base / "site"
    built = mkdocs_build(project, site, feedback_endpoint=endpoint)
    assert built.returncode == 0, built.stderr
    static, site_url = serve_static(site)
    db = base / "feedback.sqlite3"
    log = open(base / "service.log", "wb")
    service = subprocess.Popen(
        [sys.executable, "-m", "helpcentre_feedback", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--db", f"sqlite:///{db}", "--manifest", str(site / "feedback-manifest.json"),
         "--site", str(site), "--site-url", site_url],
        cwd=ROOT, env={"PYTHONPATH": str(SCRIPTS), "PATH": "/usr/bin:/bin"}, stdout=log, stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(endpoint + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the feedback service did not start: " + (base / "service.log").read_text())
            time.sleep(0.1)
        yield site, site_url, endpoint, db
    finally:
        service.terminate()
        service.wait(timeout=10)
        static.shutdown()
        log.close()


@pytest.fixture(scope="session")
def site_url(built_site):
    server, address = serve_static(built_site)
    yield address
    server.shutdown()


@pytest.fixture(scope="package")
def browser():
    # Package scope: Playwright's sync API keeps an event loop running while it
    # is open, which would break asyncio.run() in the test packages after this one.
    _need_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def _strip_scripts(route):
    """Serve HTML without <script> elements: the page as a reader with scripts off gets it."""
    response = route.fetch()
    body = re.sub(r"<script\b.*?</script>", "", response.text(), flags=re.S | re.I)
    route.fulfill(response=response, body=body)


@pytest.fixture(params=["js-off", "js-on"])
def context(request, browser):
    """A browser context with JavaScript disabled, then enabled."""
    js = request.param == "js-on"
    # Reduced motion: the bar's width is read at once, not halfway through its transition.
    ctx = browser.new_context(java_script_enabled=js, viewport={"width": 1200, "height": 900}, reduced_motion="reduce")
    ctx.set_default_timeout(5_000)  # a missing element fails fast instead of hanging
    ctx.js = js
    yield ctx
    ctx.close()


@pytest.fixture(params=["js-off", "js-on"])
def audit_context(request, browser):
    """For axe, which needs script: 'js-off' keeps script on for axe alone but
    strips every <script> element and aborts .js requests, as the notes found."""
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    ctx.set_default_timeout(10_000)
    ctx.js = request.param == "js-on"
    if not ctx.js:
        ctx.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
        ctx.route(re.compile(r".*/(index\.html)?(\?.*)?$"), _strip_scripts)
    yield ctx
    ctx.close()


def rendered_text(page) -> str:
    """The text the page shows, CSS-generated content (counters) included."""
    cdp = page.context.new_cdp_session(page)
    snapshot = cdp.send("DOMSnapshot.captureSnapshot", {"computedStyles": []})
    strings = snapshot["strings"]
    texts = [strings[i] for i in snapshot["documents"][0]["layout"]["text"] if i >= 0]
    cdp.detach()
    return re.sub(r"[ \t\r\n]+", " ", "".join(texts))  # keeps no-break spaces


def screenshot(page, name: str) -> None:
    """Keep a picture for people to look at (var/ is git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def twin(site: Path, url: str, lang: str) -> str:
    """The address (from the site root) of the twin in ``lang`` of the page at ``url``,
    as the page declares it in its head (French pages may have French addresses)."""
    import posixpath

    html = (site / url / "index.html").read_text(encoding="utf-8")
    found = re.search(rf'<link rel="alternate" href="([^"]+)" hreflang="{lang}">', html)
    assert found, f"{url or '/'} declares no {lang} twin"
    joined = posixpath.normpath(posixpath.join(url or ".", found.group(1)))
    return "" if joined == "." else joined.rstrip("/") + "/"
