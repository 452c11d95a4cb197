"""Slow clients cannot hold the service's sockets: the request head and body have
deadlines, idle keep-alives end, and at the connection cap the longest-waiting
connection makes room -- while health checks keep being answered promptly."""

from __future__ import annotations

import asyncio
import resource
import time

import httpx
import pytest
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from helpcentre_feedback import server
from helpcentre_feedback.connections import GuardedH11Protocol
from helpcentre_feedback.settings import Settings

from feedback_support import fb, spawn  # noqa: F401

HEAD = b"GET /healthz HTTP/1.1\r\nHost: feedback.test\r\nUser-Agent: slow-sender\r\nAccept: */*\r\n\r\n"


async def slow_sender(port: int, opened: float, deadline: float) -> tuple[float, bytes]:
    """Send HEAD one byte a second; return when (seconds after ``opened``) the service
    closed the connection, and what it said. Gives up at ``deadline``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        # Bytes go out half-way between whole seconds, never just as the service closes: a byte
        # arriving unread on a closing socket would turn its FIN into a reset, losing the 408.
        await asyncio.sleep(0.5)
        for byte in HEAD:
            writer.write(bytes([byte]))
            try:
                answer = await asyncio.wait_for(reader.read(), timeout=1.0)  # read() returns at EOF
                return time.monotonic() - opened, answer
            except asyncio.TimeoutError:
                pass
            except ConnectionError:
                return time.monotonic() - opened, b""
            if time.monotonic() > deadline:
                break
        return float("inf"), b""
    finally:
        writer.close()


async def closed_after(reader: asyncio.StreamReader, opened: float, limit: float) -> tuple[float, bytes]:
    """Seconds after ``opened`` at which the service closed the connection, and what it sent."""
    try:
        answer = await asyncio.wait_for(reader.read(), timeout=limit)
    except asyncio.TimeoutError:
        return float("inf"), b""
    except ConnectionError:
        answer = b""
    return time.monotonic() - opened, answer


async def health_checks(url: str, stop: asyncio.Event) -> list[tuple[float, int]]:
    """GET /healthz on a fresh connection every 0.2 s until ``stop``: (latency, status) each."""
    results = []
    async with httpx.AsyncClient(timeout=5, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        while not stop.is_set():
            began = time.monotonic()
            try:
                status = (await client.get(url + "/healthz")).status_code
            except httpx.TransportError:
                status = 0
            results.append((time.monotonic() - began, status))
            await asyncio.sleep(0.2)
    return results


def test_fifty_slow_senders_are_closed_at_the_header_timeout_while_health_checks_are_answered(spawn):
    timeout = 2.0
    svc = spawn("--header-timeout", str(timeout), "--rate-limit", "0")

    async def scenario():
        stop = asyncio.Event()
        checks = asyncio.create_task(health_checks(svc.url, stop))
        opened = time.monotonic()
        senders = await asyncio.gather(*(slow_sender(svc.port, opened, opened + 10) for _ in range(50)))
        stop.set()
        return senders, await checks

    senders, checks = asyncio.run(scenario())
    closed_at = sorted(at for at, _ in senders)
    # (a) every slow connection was closed by the service at the header deadline, with a 408,
    # long before it could finish its head (80 bytes at one byte a second).
    assert timeout - 0.5 <= closed_at[0] and closed_at[-1] <= timeout + 1.5, closed_at
    assert all(answer.startswith(b"HTTP/1.1 408 ") for _, answer in senders)
    # (b) meanwhile, health checks on new connections were answered, and promptly.
    assert len(checks) >= 5
    assert all(status == 200 for _, status in checks), checks
    assert max(latency for latency, _ in checks) < 1.0, checks
    health = httpx.get(svc.url + "/healthz").json()
    assert health["connections"]["header_timeouts"] == 50
    assert health["connections"]["open"] <= 2


def test_a_connection_that_sends_nothing_is_closed_at_the_header_timeout(spawn):
    svc = spawn("--header-timeout", "1")

    async def scenario():
        reader, writer = await asyncio.open_connection("127.0.0.1", svc.port)
        try:
            return await closed_after(reader, time.monotonic(), limit=5)
        finally:
            writer.close()

    at, answer = asyncio.run(scenario())
    assert 0.5 <= at <= 2.5
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_a_body_sent_too_slowly_is_cut_off_and_stores_nothing(fb, spawn):
    svc = spawn("--body-timeout", "1", "--header-timeout", "5", "--rate-limit", "0")
    body = f"page={fb.PAGE}&lang=en&answer=yes".encode()

    async def scenario():
        reader, writer = await asyncio.open_connection("127.0.0.1", svc.port)
        try:
            writer.write(b"POST /answer HTTP/1.1\r\nHost: feedback.test\r\nOrigin: https://help.example.test\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body[:5]))  # the rest never comes
            return await closed_after(reader, time.monotonic(), limit=5)
        finally:
            writer.close()

    at, _ = asyncio.run(scenario())
    assert 0.5 <= at <= 2.5
    assert fb.rows(svc.db) == []
    assert httpx.get(svc.url + "/healthz").json()["connections"]["body_timeouts"] == 1


def test_a_kept_alive_connection_idles_for_the_keepalive_timeout_and_its_next_head_has_a_deadline(spawn):
    svc = spawn("--keepalive-timeout", "1", "--header-timeout", "1.5")

    async def scenario():
        reader, writer = await asyncio.open_connection("127.0.0.1", svc.port)
        try:
            writer.write(HEAD)  # a first request, answered: the connection is kept alive
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200 ")
            idle = await closed_after(reader, time.monotonic(), limit=5)
        finally:
            writer.close()

        reader, writer = await asyncio.open_connection("127.0.0.1", svc.port)
        try:
            writer.write(HEAD)
            await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(0.5)  # idle for less than the keep-alive timeout...
            writer.write(HEAD[:10])  # ...then the next head starts and stalls
            stalled = await closed_after(reader, time.monotonic(), limit=5)
        finally:
            writer.close()
        return idle, stalled

    (idle_at, _), (stalled_at, stalled_answer) = asyncio.run(scenario())
    assert 0.5 <= idle_at <= 2.0  # closed by the keep-alive timeout
    # The head's deadline runs from its first byte, not from the end of the previous response.
    assert 1.0 <= stalled_at <= 2.5
    assert b"HTTP/1.1 408 " in stalled_answer


def test_at_the_connection_cap_the_longest_waiting_connection_makes_room(spawn):
    svc = spawn("--max-connections", "10", "--header-timeout", "30")

    async def scenario():
        silent = []
        for _ in range(10):  # fill the cap with connections that never send a byte
            silent.append(await asyncio.open_connection("127.0.0.1", svc.port))
            await asyncio.sleep(0.02)  # in this order
        try:
            began = time.monotonic()
            async with httpx.AsyncClient(timeout=5) as client:
                status = (await client.get(svc.url + "/healthz")).status_code
            latency = time.monotonic() - began
            oldest = await closed_after(silent[0][0], began, limit=2)
            newest = await closed_after(silent[-1][0], began, limit=0.2)
            return status, latency, oldest, newest
        finally:
            for _, writer in silent:
                writer.close()

    status, latency, (oldest_at, _), (newest_at, _) = asyncio.run(scenario())
    assert status == 200 and latency < 1.0
    assert oldest_at < 2  # closed to make room for the health check
    assert newest_at == float("inf")  # the others stay until their own deadline
    assert httpx.get(svc.url + "/healthz").json()["connections"]["evicted"] >= 1


def test_uvicorn_is_configured_explicitly_whatever_its_own_environment_says(monkeypatch, tmp_path):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # uvicorn's own variable must not re-open the hole
    settings = Settings(db=f"sqlite:///{tmp_path}/fb.db", manifest=tmp_path / "m.json", keepalive_timeout=3,
                        header_timeout=4, body_timeout=6, max_connections=50)
    config = server.uvicorn_config(settings)
    assert config.proxy_headers is False
    assert config.forwarded_allow_ips == []
    assert issubclass(config.http, GuardedH11Protocol)
    assert (config.http.header_timeout, config.http.body_timeout, config.http.max_connections) == (4, 6, 50)
    assert config.ws == "none"
    assert config.timeout_keep_alive == 3
    assert config.limit_concurrency == 51  # above the cap: bounds requests left running, never a connection
    assert config.backlog == server.BACKLOG
    config.load()
    assert config.http_protocol_class is config.http
    assert not isinstance(config.loaded_app, ProxyHeadersMiddleware)


@pytest.mark.parametrize(("limits", "setrlimit_ok", "wanted", "expected"), [
    ((100_000, 100_000), True, 1000, 1000),  # room enough: unchanged
    ((1024, 100_000), True, 1000, 1000),  # soft limit raised
    ((1024, 1024), False, 1000, 1024 - server.FILES_RESERVED),  # cannot be raised: the cap is lowered
    ((256, 256), False, 1000, 128),  # very low: half the descriptors still go to connections
    ((256, 256), False, 10, 10),  # a cap below the limit stays
    ((resource.RLIM_INFINITY, resource.RLIM_INFINITY), True, 1000, 1000),
])
def test_the_connection_cap_fits_the_open_file_limit(monkeypatch, limits, setrlimit_ok, wanted, expected):
    raised = []

    def setrlimit(which, values):
        if not setrlimit_ok or values[0] > limits[1]:
            raise ValueError("not permitted")
        raised.append(values)

    monkeypatch.setattr(server.resource, "getrlimit", lambda which: limits)
    monkeypatch.setattr(server.resource, "setrlimit", setrlimit)
    assert server.fit_to_file_limit(wanted) == expected
    if limits == (1024, 100_000):
        assert raised == [(1000 + server.FILES_RESERVED, 100_000)]
