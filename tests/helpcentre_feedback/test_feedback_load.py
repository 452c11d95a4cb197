"""Concurrency and crashes, on loopback with bounded counts: every answer the
service acknowledged with a 303 is in the database, even after SIGKILL.
(The load client itself, ``bench/loadtest.py``, is tested in ``tests/bench/test_loadtest.py``.)"""

from __future__ import annotations

import asyncio
import threading
import time
from urllib.parse import parse_qs

import httpx

from bench.loadtest import answer_bodies, hammer

from feedback_support import fb, spawn  # noqa: F401


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
