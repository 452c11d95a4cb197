"""Outside addresses, against a local server on 127.0.0.1 that answers 200, 301, 404, 429 and slowly.

Every request loop here is bounded: the server counts what it is asked, the
slow answer waits on an event the fixture sets at the end, and the checker's
waits go through a recording ``sleep`` that never really sleeps.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import run
from helpcentre.links.external import Options, check, retry_after_seconds


class Server:
    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.in_flight = 0
        self.most_in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def answer(self, status, headers=(), body=b"ok"):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = urlsplit(self.path).path
                with server.lock:
                    server.counts[path] += 1
                    count = server.counts[path]
                try:
                    if path == "/ok":
                        self.answer(200)
                    elif path == "/moved":
                        self.answer(301, [("Location", "/ok")])
                    elif path == "/gone":
                        self.answer(404)
                    elif path == "/busy":  # rate-limited once, then fine
                        self.answer(429, [("Retry-After", "1")]) if count == 1 else self.answer(200)
                    elif path == "/busy-until":  # Retry-After as an HTTP date, then fine
                        self.answer(429, [("Retry-After", formatdate(time.time() + 2, usegmt=True))]) if count == 1 else self.answer(200)
                    elif path == "/always-busy":
                        self.answer(429, [("Retry-After", "3600")])
                    elif path == "/flaky":
                        self.answer(503)
                    elif path == "/loop":
                        self.answer(302, [("Location", "/loop")])
                    elif path == "/slow":
                        server.stop.wait(10)  # longer than any client timeout; released at teardown
                        self.answer(200)
                    elif path.startswith("/hold"):  # counts requests being served at once
                        with server.lock:
                            server.in_flight += 1
                            server.most_in_flight = max(server.most_in_flight, server.in_flight)
                        server.stop.wait(0.05)
                        with server.lock:  # before answering: the client cannot have sent its next one yet
                            server.in_flight -= 1
                        self.answer(200)
                    else:
                        self.answer(404)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server():
    server = Server()
    yield server
    server.close()


class Sleeps:
    """Records every wait the checker asks for, and never waits."""

    def __init__(self):
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def options(**overrides) -> Options:
    values = dict(timeout=0.5, retries=1, backoff=0.01, cache=None, concurrency=4, per_host=2, max_retry_after=60)
    values.update(overrides)
    return Options(**values)


def test_each_kind_of_answer(server):
    sleeps = Sleeps()
    paths = ["/ok", "/moved", "/gone", "/busy", "/busy-until", "/always-busy", "/flaky", "/loop", "/slow"]
    results = check([server.url + p for p in paths], options(), sleep=sleeps)
    result = {p: results[server.url + p] for p in paths}

    assert result["/ok"].ok and result["/ok"].status == 200
    assert result["/moved"].ok and result["/moved"].final_url == server.url + "/ok"
    assert not result["/gone"].ok and not result["/gone"].transient and result["/gone"].status == 404
    assert server.counts["/gone"] == 1  # a definite answer is not asked twice

    assert result["/busy"].ok and server.counts["/busy"] == 2
    assert any(1.0 <= s <= 1.11 for s in sleeps.calls), sleeps.calls  # Retry-After: 1 was obeyed
    assert result["/busy-until"].ok and server.counts["/busy-until"] == 2
    assert any(0 < s <= 2.5 for s in sleeps.calls)

    assert not result["/always-busy"].ok and result["/always-busy"].transient
    assert "asked to wait 3600 s" in result["/always-busy"].detail
    assert server.counts["/always-busy"] == 1 and max(sleeps.calls) < 60  # not waited for

    assert not result["/flaky"].ok and result["/flaky"].transient and server.counts["/flaky"] == 2
    assert "after 2 tries" in result["/flaky"].detail
    assert not result["/loop"].ok and not result["/loop"].transient and "redirects" in result["/loop"].detail
    assert not result["/slow"].ok and result["/slow"].transient and "no answer within 0.5 s" in result["/slow"].detail
    assert server.counts["/slow"] == 2  # one try and one retry, then it stops


def test_requests_in_flight_stay_bounded(server):
    urls = [f"{server.url}/hold{i}" for i in range(12)]
    results = check(urls, options(per_host=2, concurrency=8), sleep=Sleeps())
    assert all(r.ok for r in results.values())
    assert sum(server.counts.values()) == 12
    assert server.most_in_flight <= 2


def test_good_answers_are_cached_and_failures_asked_again(server, tmp_path):
    cache = tmp_path / "var" / "linkcache.json"
    urls = [server.url + "/ok", server.url + "/gone"]
    check(urls, options(cache=cache), sleep=Sleeps())
    assert cache.is_file()
    second = check(urls, options(cache=cache), sleep=Sleeps())
    assert second[server.url + "/ok"].from_cache and second[server.url + "/ok"].ok
    assert server.counts["/ok"] == 1 and server.counts["/gone"] == 2
    expired = check(urls, options(cache=cache, cache_age=0), sleep=Sleeps())
    assert not expired[server.url + "/ok"].from_cache and server.counts["/ok"] == 2


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_seconds("120") == 120
    assert 29 <= retry_after_seconds(formatdate(time.time() + 30, usegmt=True)) <= 31
    assert retry_after_seconds(formatdate(time.time() - 30, usegmt=True)) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def small_site(folder: Path, base: str) -> Path:
    links = "".join(f'<a href="{base}{path}">{path}</a>' for path in ("/ok", "/gone", "/slow"))
    for prefix, lang in (("", "en"), ("fr/", "fr")):
        page = folder / prefix / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        twin = "fr/" if lang == "en" else "../"
        page.write_text(f'<html lang="{lang}"><body><a href="{twin}" hreflang="{"fr" if lang == "en" else "en"}">x</a>'
                        f"{links}</body></html>", encoding="utf-8")
    return folder


def test_outside_addresses_are_left_alone_unless_asked(server, tmp_path):
    site = small_site(tmp_path / "site", server.url)
    quiet = run([sys.executable, "-m", "helpcentre.links", "--site", str(site)], cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert sum(server.counts.values()) == 0


def test_command_line_with_external(server, tmp_path):
    site = small_site(tmp_path / "site", server.url)
    result = run([sys.executable, "-m", "helpcentre.links", "--site", str(site), "--external", "--timeout", "0.5",
                  "--retries", "0", "--cache", str(tmp_path / "cache.json")], cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    gone = [line for line in lines if f"{server.url}/gone" in line]
    slow = [line for line in lines if f"{server.url}/slow" in line]
    assert len(gone) == 1 and gone[0].endswith(": answered 404 (from the templates; also on 1 more page)"), lines
    assert len(slow) == 1 and ": warning: link to " in slow[0] and "no answer within 0.5 s" in slow[0], lines
    assert server.counts["/gone"] == 1 and server.counts["/slow"] == 1  # each address asked once for both pages
    assert "1 problem and 1 warning" in result.stderr
