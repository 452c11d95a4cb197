"""The feedback service's load client (``bench/loadtest.py``): what it measures, that it
counts acknowledged answers the database does not hold as lost, and that it refuses to
load anything but a healthy feedback service."""

from __future__ import annotations

import asyncio
import functools
import http.server
import threading

import pytest

from bench.loadtest import LoadTestError, run_load, run_search_load, search_queries
from helpcentre_feedback.store import insert_rows
from tests.helpcentre_feedback.feedback_support import fb, service, spawn  # noqa: F401
from tests.helpcentre_feedback.search_support import write_site


def test_the_load_test_measures_throughput_latency_and_losses(fb, service):
    result = run_load(service.url + "/answer", clients=4, duration=1.0, pages=[fb.PAGE], db=service.db)
    assert {"rps", "p50_ms", "p99_ms", "acknowledged", "stored", "lost"} <= set(result)
    assert result["errors"] == 0
    assert result["acknowledged"] > 0
    assert result["statuses"] == {303: result["requests"]}  # it sent the Origin the service named
    assert result["stored"] == result["acknowledged"]
    assert result["lost"] == 0
    assert result["rps"] > 0
    assert 0 < result["p50_ms"] <= result["p99_ms"]


def test_the_search_load_test_sends_words_of_the_built_indexes_in_both_languages(spawn, tmp_path):
    site = write_site(tmp_path / "site")
    queries = search_queries(site)
    assert {lang for lang, _ in queries} == {"en", "fr"}
    assert all(1 <= len(query.split()) <= 2 for _, query in queries)
    service = spawn("--site", str(site), "--rate-limit", "0")
    result = run_search_load(service.url + "/search", clients=4, duration=1.0, queries=queries)
    assert result["errors"] == 0 and result["requests"] > 0
    assert result["statuses"] == {200: result["requests"]}
    assert result["qps"] > 0 and 0 < result["p50_ms"] <= result["p99_ms"]


def test_the_load_test_notices_acknowledged_answers_that_were_not_stored(tmp_path):
    """Against a server that says 303 but stores nothing, every answer counts as lost."""
    db = tmp_path / "untouched.sqlite3"
    insert_rows(db, [])
    ready, address = threading.Event(), []
    loop = asyncio.new_event_loop()

    async def liar(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode().lower()
                if head.startswith("get /healthz"):  # it passes the load test's preflight
                    body = b'{"status":"ok","db":"ok"}'
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                    continue
                length = int(head.split("content-length:")[1].split("\r\n")[0])
                await reader.readexactly(length)
                writer.write(b"HTTP/1.1 303 See Other\r\nLocation: /\r\nContent-Length: 0\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    done = asyncio.Event()

    async def serve() -> None:
        server = await asyncio.start_server(liar, "127.0.0.1", 0)
        address.append(server.sockets[0].getsockname()[1])
        ready.set()
        async with server:
            await done.wait()

    thread = threading.Thread(target=lambda: loop.run_until_complete(serve()), daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        result = run_load(f"http://127.0.0.1:{address[0]}/answer", clients=2, duration=10.0,
                          pages=["any"], db=db, max_requests=50)
    finally:
        loop.call_soon_threadsafe(done.set)
        thread.join(timeout=10)
        loop.close()
    assert result["acknowledged"] == 50
    assert result["stored"] == 0
    assert result["lost"] == 50


def test_the_load_test_refuses_to_run_against_anything_but_a_healthy_service(fb, tmp_path):
    with pytest.raises(LoadTestError, match="nothing answers"):
        run_load(f"http://127.0.0.1:{fb.free_port()}/answer", clients=1, duration=1.0, pages=["any"])

    # A wrong port that happens to be some other web server gets no posts at all.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(LoadTestError, match="not a healthy feedback service"):
            run_load(f"http://127.0.0.1:{other.server_address[1]}/answer", clients=1, duration=1.0, pages=["any"])
    finally:
        other.shutdown()
        other.server_close()
