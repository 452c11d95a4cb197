"""Outside addresses, against a local server on 127.0.0.1 that answers 200, 301, 404, 429 and slowly.

Every request loop here is bounded: the server counts what it is asked, the
slow answer waits on an event the fixture sets at the end, and the checker's
waits go through a recording ``sleep`` that never really sleeps.

The checker refuses loopback addresses by default, so most tests opt in with
``allow_private``. The tests of that refusal give the checker a fake network
instead: a resolver that maps made-up names (``public.test``) to made-up
public addresses, and a connect routed from those addresses to the local
server, so the refusal is tested exactly as it runs, name and address alike.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpcore
import pytest

from conftest import run
from helpcentre.links import external
from helpcentre.links.__main__ import main
from helpcentre.links.external import Options, address_kind, check, retry_after_seconds


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
                path, query = urlsplit(self.path).path, urlsplit(self.path).query
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
                    elif path == "/to":  # a redirect to wherever the query says
                        self.answer(302, [("Location", unquote(query))])
                    elif path == "/drip":  # headers one byte every 0.2 s, for ever: no read ever times out
                        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
                        while not server.stop.wait(0.2):
                            self.wfile.write(b"a")
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
    # allow_private: the test server listens on 127.0.0.1, which the checker refuses by default.
    values = dict(timeout=0.5, retries=1, backoff=0.01, cache=None, concurrency=4, per_host=2, max_retry_after=60,
                  allow_private=True)
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
                  "--retries", "0", "--allow-private-addresses", "--cache", str(tmp_path / "cache.json")], cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    gone = [line for line in lines if f"{server.url}/gone" in line]
    slow = [line for line in lines if f"{server.url}/slow" in line]
    assert len(gone) == 1 and gone[0].endswith(": answered 404 (from the templates; also on 1 more page)"), lines
    assert len(slow) == 1 and ": warning: link to " in slow[0] and "no answer within 0.5 s" in slow[0], lines
    assert server.counts["/gone"] == 1 and server.counts["/slow"] == 1  # each address asked once for both pages
    assert "1 problem and 1 warning" in result.stderr


# --- Time limits -------------------------------------------------------------------------


def test_a_dripping_answer_counts_against_the_request_time_limit(server):
    started = time.monotonic()
    results = check([server.url + "/drip"], options(timeout=0.6, retries=0), sleep=Sleeps())
    elapsed = time.monotonic() - started
    result = results[server.url + "/drip"]
    assert not result.ok and result.transient and result.detail == "no answer within 0.6 s"
    assert elapsed < 5, elapsed  # every read came within 0.6 s: only the total limit ends it


def test_the_whole_check_stops_at_its_time_limit(server):
    lines: list[str] = []
    started = time.monotonic()
    results = check([server.url + "/ok", server.url + "/drip"],
                    options(timeout=60, retries=0, time_limit=1.0, warn=lines.append), sleep=Sleeps())
    elapsed = time.monotonic() - started
    assert elapsed < 6, elapsed
    assert list(results) == [server.url + "/ok"] and results[server.url + "/ok"].ok
    assert results.not_checked == [server.url + "/drip"]
    assert lines == [f"1 outside address not checked: the time limit of 1 s for outside addresses ran out"
                     f" (--time-limit): {server.url}/drip"]


def test_command_line_time_limit_is_one_warning_line(server, tmp_path, capsys):
    site = tmp_path / "site"
    site.mkdir()
    for prefix, lang, twin in (("", "en", "fr/"), ("fr/", "fr", "../")):
        (site / prefix).mkdir(exist_ok=True)
        (site / prefix / "index.html").write_text(
            f'<html lang="{lang}"><body><a href="{twin}" hreflang="{"fr" if lang == "en" else "en"}">x</a>'
            f'<a href="{server.url}/drip">d</a><a href="{server.url}/ok">o</a></body></html>', encoding="utf-8")
    argv = ["--site", str(site), "--root", str(tmp_path), "--external", "--cache", "none", "--timeout", "60",
            "--time-limit", "1", "--allow-private-addresses"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{site}: warning: 1 outside address not checked: the time limit of 1 s for outside"
                                f" addresses ran out (--time-limit): {server.url}/drip"]
    assert "1 warning" in err


def test_per_host_limit_holds_across_redirects(server, monkeypatch):
    """Twelve links on three hosts, all redirected to one: that one still sees two requests at a time."""
    async def resolve(host, port):
        return ["127.0.0.1"]

    monkeypatch.setattr(external, "resolve", resolve)
    port = urlsplit(server.url).port
    urls = [f"http://{name}.test:{port}/to?{server.url}/hold{name}{i}" for name in "abc" for i in range(4)]
    results = check(urls, options(per_host=2, concurrency=8), sleep=Sleeps())
    assert all(r.ok for r in results.values()), results
    assert sum(n for path, n in server.counts.items() if path.startswith("/hold")) == 12
    assert server.most_in_flight <= 2


# --- Never into the runner's own network -------------------------------------------------

PUBLIC = "93.184.215.14"  # what the fake public names resolve to; the fake network routes it to the test server


@pytest.fixture
def fake_network(server, monkeypatch):
    """Made-up names on made-up public addresses, all served by the local server.

    Returns what the checker did: the names it looked up and the addresses it
    connected to (before routing: a connection to 127.0.0.1 is recorded as such).
    """
    names = {"public.test": [PUBLIC], "rebind.test": [PUBLIC], "localhost": ["127.0.0.1"],
             "mixed.test": [PUBLIC, "10.0.0.5"], "internal.test": ["10.1.2.3"], "metadata.test": ["fd00:ec2::254"]}
    seen = {"lookups": Counter(), "connections": []}

    async def resolve(host, port):
        seen["lookups"][host] += 1
        if host == "rebind.test" and seen["lookups"][host] > 1:
            return ["127.0.0.1"]  # a second answer that would reach the runner
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    real_connect = httpcore.AnyIOBackend.connect_tcp

    async def routed(self, host, port, **kwargs):
        seen["connections"].append(host)
        return await real_connect(self, "127.0.0.1" if host == PUBLIC else host, port, **kwargs)

    monkeypatch.setattr(external, "resolve", resolve)
    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", routed)
    return seen


def test_redirects_and_links_to_private_addresses_are_refused(server, fake_network):
    port = urlsplit(server.url).port
    public = f"http://public.test:{port}"
    expected = {
        f"{public}/ok": None,  # the fake public host works
        f"{public}/to?http://127.0.0.1:{port}/ok": "redirects to a loopback address 127.0.0.1; refused",
        f"{public}/to?http://10.0.0.1/admin": "redirects to a private address 10.0.0.1; refused",
        f"{public}/to?http://169.254.169.254/latest/meta-data/": "redirects to a link-local address 169.254.169.254; refused",
        f"{public}/to?http://[::1]:{port}/ok": "redirects to a loopback address ::1; refused",
        f"{public}/to?http://internal.test/": "redirects to a private address 10.1.2.3; refused",
        f"{public}/to?http://metadata.test/": "redirects to a private address fd00:ec2::254; refused",
        f"{public}/to?http://localhost:{port}/ok": "redirects to a loopback address 127.0.0.1; refused",
        f"http://mixed.test:{port}/ok": "mixed.test resolves to a private address 10.0.0.5; refused",
        f"http://127.0.0.1:{port}/ok": "leads to a loopback address 127.0.0.1; refused",
        f"http://localhost:{port}/ok": "localhost resolves to a loopback address 127.0.0.1; refused",
        f"http://[::ffff:10.0.0.1]:{port}/ok": "leads to a private address ::ffff:10.0.0.1; refused",
    }
    results = check(list(expected), options(allow_private=False), sleep=Sleeps())
    for url, detail in expected.items():
        result = results[url]
        if detail is None:
            assert result.ok, result
        else:
            assert (result.ok, result.transient, result.detail) == (False, False, detail), url
    assert set(fake_network["connections"]) == {PUBLIC}  # nothing else was ever connected to
    assert server.counts["/ok"] == 1 and server.counts["/to"] == 7  # the first hops only


def test_each_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(server, fake_network):
    """DNS rebinding: a name answering a private address the second time it is asked gets nowhere."""
    port = urlsplit(server.url).port
    urls = [f"http://rebind.test:{port}{path}" for path in ("/ok", "/moved", "/gone", "/hold1", "/hold2")]
    results = check(urls, options(allow_private=False, retries=0), sleep=Sleeps())
    assert [results[url].ok for url in urls] == [True, True, False, True, True]
    assert fake_network["lookups"]["rebind.test"] == 1
    assert set(fake_network["connections"]) == {PUBLIC}


def test_command_line_reports_a_refused_redirect_as_an_error(server, fake_network, tmp_path, capsys):
    port = urlsplit(server.url).port
    site = small_site(tmp_path / "site", f"http://public.test:{port}/to?http://10.0.0.1")
    assert main(["--site", str(site), "--root", str(tmp_path), "--external", "--cache", "none"]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3, out  # /ok, /gone and /slow, all sent to 10.0.0.1
    assert all(line.endswith(": redirects to a private address 10.0.0.1; refused (from the templates; also on 1 more page)")
               for line in out.splitlines()), out
    assert "3 problems" in err
    assert set(fake_network["connections"]) == {PUBLIC}


def test_kinds_of_address():
    assert {address: address_kind(address) for address in (
        "10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.100.100.200", "0.0.0.0",
        "224.0.0.1", "240.0.0.1", "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12::1", "ff02::1",
        "::ffff:127.0.0.1", "2002:a00:1::1", "64:ff9b::a9fe:a9fe",
    )} == {
        "10.0.0.1": "private", "172.16.5.4": "private", "192.168.1.1": "private", "127.0.0.1": "loopback",
        "169.254.169.254": "link-local", "100.100.100.200": "non-public", "0.0.0.0": "unspecified",
        "224.0.0.1": "multicast", "240.0.0.1": "reserved", "::1": "loopback", "::": "unspecified",
        "fe80::1": "link-local", "fe80::1%eth0": "link-local", "fc00::1": "private", "fd12::1": "private",
        "ff02::1": "multicast", "::ffff:127.0.0.1": "loopback", "2002:a00:1::1": "private",
        "64:ff9b::a9fe:a9fe": "link-local",
    }
    for public in ("93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"):
        assert address_kind(public) is None, public


# --- No network at all -------------------------------------------------------------------


def no_dns(errno=socket.EAI_NONAME, text="Name or service not known"):
    async def resolve(host, port):
        raise socket.gaierror(errno, text)
    return resolve


@pytest.mark.parametrize("errno, text", [(socket.EAI_NONAME, "Name or service not known"),
                                         (socket.EAI_AGAIN, "Temporary failure in name resolution")])
def test_no_network_is_one_line_not_an_error_per_link(monkeypatch, errno, text):
    monkeypatch.setattr(external, "resolve", no_dns(errno, text))
    lines: list[str] = []
    urls = ["https://one.example/a", "https://one.example/b", "https://two.example/"]
    metadata = "http://169.254.169.254/latest/"  # needs no network to be refused
    results = check(urls + [metadata], options(allow_private=False, warn=lines.append), sleep=Sleeps())
    assert list(results) == [metadata] and results[metadata].detail == "leads to a link-local address 169.254.169.254; refused"
    assert results.offline and results.not_checked == urls
    assert lines == ["outside addresses not checked: no network (could not resolve any of 2 hosts, nor example.com)"]


def test_local_names_do_not_prove_a_network(monkeypatch):
    """``localhost`` resolves from /etc/hosts on a machine with no network: offline still, and still refused."""
    async def resolve(host, port):
        if host == "localhost":
            return ["127.0.0.1", "::1"]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(external, "resolve", resolve)
    lines: list[str] = []
    results = check(["http://localhost:8000/", "https://one.example/"], options(allow_private=False, warn=lines.append),
                    sleep=Sleeps())
    assert results.offline and results.not_checked == ["https://one.example/"]
    assert results["http://localhost:8000/"].detail == "localhost resolves to a loopback address 127.0.0.1; refused"
    assert lines == ["outside addresses not checked: no network (none of 2 hosts resolved to a public address, nor example.com)"]


def test_command_line_without_network(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(external, "resolve", no_dns())
    site = small_site(tmp_path / "site", "https://nowhere.example")
    argv = ["--site", str(site), "--root", str(tmp_path), "--external", "--cache", "none"]
    assert main(argv) == 0  # a warning: a laptop on a train is not a broken link
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{site}: warning: outside addresses not checked: no network"
                                " (could not resolve any of 1 host, nor example.com)"]
    assert "unknown host" not in out + err and "0 outside addresses" in err and "1 warning" in err
    assert main(argv + ["--strict"]) == 1
    assert main(argv + ["--format", "github"]) == 0
    out, err = capsys.readouterr()
    assert "::warning::outside addresses not checked: no network" in out


def test_unknown_hosts_are_still_errors_when_the_network_is_up(monkeypatch):
    async def resolve(host, port):
        if host == "example.com":  # the probe: the network works
            return [PUBLIC]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(external, "resolve", resolve)
    lines: list[str] = []
    results = check(["https://nowhere.example/a"], options(allow_private=False, warn=lines.append), sleep=Sleeps())
    result = results["https://nowhere.example/a"]
    assert (result.ok, result.transient, result.detail) == (False, False, "unknown host")
    assert lines == [] and not results.offline
