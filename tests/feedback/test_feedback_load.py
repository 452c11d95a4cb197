"""Concurrency and crashes, on loopback with bounded counts: every answer the
service acknowledged with a 303 is in the database, even after SIGKILL."""

from __future__ import annotations

import asyncio
import functools
import http.server
import threading
import time
from urllib.parse import parse_qs

import httpx
import pytest

from helpcentre.feedback.loadtest import LoadTestError, answer_bodies, hammer, run_load
from helpcentre.feedback.store import insert_rows


def test_concurrent_clients_every_acknowledged_answer_is_stored_once(fb, spawn, tmp_path):
    clients, each = 16, 30
    pages = [f"load-{i:04d}" for i in range(clients * each)]
    svc = spawn("--rate-limit", "0", manifest=fb.write_manifest(tmp_path / "manifest.json", pages))
    results: list[tuple[str, int]] = []

    async def run() -> None:
        limits = httpx.Limits(max_connections=clients)
        async with httpx.AsyncClient(base_url=svc.url, limits=limits, timeout=30, headers=fb.ORIGIN) as client:
            async def one_client(mine: list[str]) -> None:
                for page in mine:
                    response = await client.post("/answer", data={"page": page, "lang": "fr", "answer": "partly"})
                    results.append((page, response.status_code))

            await asyncio.gather(*(one_client(pages[i::clients]) for i in range(clients)))

    asyncio.run(run())
    acknowledged = sorted(page for page, status in results if status == 303)
    assert acknowledged == sorted(pages)  # nothing refused, nothing throttled
    stored = fb.rows(svc.db)
    assert sorted(page for page, *_ in stored) == acknowledged
    assert {(lang, answer) for _, lang, answer, _ in stored} == {("fr", "partly")}


def test_killing_the_service_mid_run_loses_no_acknowledged_answer(fb, spawn, tmp_path):
    pages = [f"crash-{i:05d}" for i in range(20_000)]
    manifest = fb.write_manifest(tmp_path / "manifest.json", pages)
    db = tmp_path / "crash.sqlite3"
    svc = spawn("--rate-limit", "0", db=db, manifest=manifest)
    acknowledged: list[bytes] = []
    stop = threading.Event()
    load = threading.Thread(target=lambda: asyncio.run(hammer(
        svc.url + "/answer", 16, 30.0, answer_bodies(pages, answers=("yes",)),
        on_ack=acknowledged.append, stop=stop, origin=fb.ORIGIN["Origin"])))
    load.start()
    try:
        deadline = time.monotonic() + 20
        while len(acknowledged) < 300 and time.monotonic() < deadline and load.is_alive():
            time.sleep(0.01)
        svc.kill()  # 16 posts are in flight: some queued, some committing, some answered
    finally:
        stop.set()
        load.join(timeout=30)
    assert len(acknowledged) >= 300, svc.log()

    restarted = spawn("--rate-limit", "0", db=db, manifest=manifest)
    stored = [page for page, *_ in fb.rows(db)]
    acknowledged_pages = {parse_qs(body.decode())["page"][0] for body in acknowledged}
    assert acknowledged_pages <= set(stored)  # nothing acknowledged was lost
    assert len(stored) == len(set(stored))  # nothing stored twice
    assert len(stored) <= len(acknowledged_pages) + 16  # at most the in-flight posts stored unacknowledged
    response = httpx.post(restarted.url + "/answer", data={"page": pages[-1], "lang": "en", "answer": "no"},
                          headers=fb.ORIGIN)
    assert response.status_code == 303
    assert fb.rows(db)[-1][0] == pages[-1]


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
