"""Rate limiting: a client over its limit gets 429 and stores nothing more;
other clients are not affected; no address is kept."""

from __future__ import annotations

import httpx

from helpcentre_feedback.ratelimit import RateLimiter

from feedback_support import fb, spawn  # noqa: F401


def test_a_client_over_its_limit_gets_429_and_stores_nothing_more(fb, spawn):
    # 3 at once, then one every 10 s; the test client plays the reverse proxy on loopback.
    svc = spawn("--rate-limit", "6", "--rate-burst", "3", "--trusted-proxy", "127.0.0.1")
    answer = {"page": fb.PAGE, "lang": "en", "answer": "yes"}
    with httpx.Client(base_url=svc.url, timeout=10, headers=fb.ORIGIN) as client:
        assert [client.post("/answer", data=answer).status_code for _ in range(3)] == [303, 303, 303]
        refused = client.post("/answer", data=answer)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert client.post("/comment", data={**answer, "comment": "hello"}).status_code == 429
        assert len(fb.rows(svc.db)) == 3
        assert fb.rows(svc.db, "comments") == []

        # Another reader, behind the trusted reverse proxy, is not held back.
        other = client.post("/answer", data=answer, headers={"X-Forwarded-For": "198.51.100.7"})
        assert other.status_code == 303
        assert len(fb.rows(svc.db)) == 4
        assert client.get("/healthz").status_code == 200  # health checks are never throttled


def test_buckets_refill_over_time():
    now = [0.0]
    limiter = RateLimiter(rate_per_minute=60, burst=2, clock=lambda: now[0])
    assert [limiter.check("192.0.2.1") for _ in range(2)] == [0, 0]
    assert limiter.check("192.0.2.1") == 1.0  # one token a second: wait one second
    now[0] += 1.0
    assert limiter.check("192.0.2.1") == 0
    assert limiter.check("192.0.2.2") == 0  # another client has its own bucket


def test_memory_is_bounded_and_holds_no_address():
    limiter = RateLimiter(rate_per_minute=60, burst=5, max_clients=100)
    for i in range(1000):
        limiter.check(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter) == 100
    keys = list(limiter._buckets)
    assert all(len(key) == 16 and b"10.0." not in key for key in keys)
    # The key is secret to the process: another process cannot recompute (or reverse) it.
    assert RateLimiter(60, 5).key("10.0.0.1") != limiter.key("10.0.0.1")


def test_a_rate_of_zero_turns_limiting_off():
    limiter = RateLimiter(rate_per_minute=0, burst=1)
    assert all(limiter.check("192.0.2.1") == 0 for _ in range(100))
    assert len(limiter) == 0
