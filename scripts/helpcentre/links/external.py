"""Checking outside addresses over the network: opt-in (``--external``).

Off by default, in tests and in CI: a build must not fail because someone
else's server is slow today. When asked for, every distinct address is
requested once, politely:

* bounded concurrency overall (``concurrency``) and per host (``per_host``);
* a timeout per request, and a few retries with exponential back-off for what
  may pass (time-outs, connection errors, 429, 5xx);
* ``Retry-After`` (seconds or an HTTP date) is obeyed, for the whole host, up
  to ``max_retry_after`` seconds; a server asking for longer is reported as
  rate-limited rather than waited for;
* redirects are followed (at most 10); only the final answer counts;
* ``GET`` with the body left unread (some servers answer ``HEAD`` wrongly);
* a JSON cache of recent results: an address that answered well within
  ``cache_age`` seconds is not asked again. Failures are never cached, so a
  fixed link shows as fixed at once.

A definite failure (404, 410, other 4xx, an unknown host) is an error; a
transient one (time-out, 429, 5xx after the retries) is a warning, so a
flaky server does not fail a pull request unless ``--strict`` says so.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import urlsplit

import httpx

USER_AGENT = "helpcentre-linkcheck/1 (+link checker of a static help centre)"
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class Options:
    concurrency: int = 8
    per_host: int = 2
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0  # first retry waits this long, then doubles
    max_retry_after: float = 60.0
    cache: Path | None = None
    cache_age: float = 24 * 3600
    max_redirects: int = 10


@dataclass
class Result:
    url: str
    ok: bool
    status: int | None = None
    detail: str = ""
    transient: bool = False
    attempts: int = 0
    from_cache: bool = False
    final_url: str | None = None


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    not_before: float = 0.0  # monotonic time before which nobody asks this host again


class Cache:
    """Recent good answers, one JSON file: {url: {"status": 200, "checked": epoch seconds}}."""

    def __init__(self, path: Path | None, max_age: float, now: Callable[[], float] = time.time):
        self.path = path
        self.max_age = max_age
        self.now = now
        self.entries: dict[str, dict] = {}
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    self.entries = {k: v for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("checked"), (int, float))}
            except (OSError, ValueError):
                self.entries = {}  # a damaged cache is only a slower run

    def get(self, url: str) -> Result | None:
        entry = self.entries.get(url)
        if entry is None or self.now() - entry["checked"] > self.max_age:
            return None
        return Result(url, True, entry.get("status"), from_cache=True)

    def put(self, result: Result) -> None:
        if result.ok and not result.from_cache:
            self.entries[result.url] = {"status": result.status, "checked": self.now()}

    def save(self) -> None:
        if self.path is None:
            return
        cutoff = self.now() - self.max_age
        fresh = {k: v for k, v in self.entries.items() if v["checked"] >= cutoff}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(fresh, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """``Retry-After`` as seconds from now: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now())


async def check_urls(
    urls: list[str],
    options: Options | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Result]:
    """Check every address once; ``sleep`` and ``transport`` are for tests."""
    options = options or Options()
    cache = Cache(options.cache, options.cache_age)
    results: dict[str, Result] = {}
    pending = []
    for url in dict.fromkeys(urls):
        cached = cache.get(url)
        if cached is not None:
            results[url] = cached
        else:
            pending.append(url)
    overall = asyncio.Semaphore(max(1, options.concurrency))
    hosts: dict[str, _Host] = {}
    limits = httpx.Limits(max_connections=max(1, options.concurrency), max_keepalive_connections=max(1, options.concurrency))
    async with httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=options.max_redirects,
        timeout=httpx.Timeout(options.timeout),
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"},
        limits=limits,
        transport=transport,
        trust_env=False,
    ) as client:
        async def one(url: str) -> None:
            host_name = (urlsplit(url).hostname or "").lower()
            host = hosts.setdefault(host_name, _Host(asyncio.Semaphore(max(1, options.per_host))))
            async with host.semaphore:
                results[url] = await _check_one(client, url, host, overall, options, sleep)
            cache.put(results[url])

        await asyncio.gather(*(one(url) for url in pending))
    try:
        cache.save()
    except OSError:
        pass  # the cache only saves time
    return results


async def _check_one(client: httpx.AsyncClient, url: str, host: _Host, overall: asyncio.Semaphore, options: Options, sleep) -> Result:
    """Ask for ``url`` until it answers for sure or the retries run out.

    Waiting (back-off, ``Retry-After``) happens outside the overall
    semaphore, so other hosts go on meanwhile.
    """
    attempts = 0
    last = Result(url, False, detail="not checked")
    loop = asyncio.get_running_loop()
    while attempts <= options.retries:
        wait = host.not_before - loop.time()
        if wait > 0:
            await sleep(wait)
        attempts += 1
        delay = 0.0
        try:
            async with overall, client.stream("GET", url) as response:
                status = response.status_code
                retry_after = response.headers.get("retry-after")
                final_url = str(response.url)
        except httpx.TimeoutException:
            last = Result(url, False, None, f"no answer within {options.timeout:g} s", transient=True, attempts=attempts)
            delay = options.backoff * (2 ** (attempts - 1))
        except httpx.TooManyRedirects:
            return Result(url, False, None, f"more than {options.max_redirects} redirects", attempts=attempts)
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            text = str(error) or type(error).__name__
            unknown_host = "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text
            last = Result(url, False, None, "unknown host" if unknown_host else f"cannot connect ({text})",
                          transient=not unknown_host, attempts=attempts)
            if unknown_host:
                return last
            delay = options.backoff * (2 ** (attempts - 1))
        except httpx.HTTPError as error:
            return Result(url, False, None, f"request failed ({error})", attempts=attempts)
        else:
            if 200 <= status < 300:
                return Result(url, True, status, attempts=attempts, final_url=final_url)
            if status not in RETRY_STATUSES:
                return Result(url, False, status, f"answered {status}", attempts=attempts, final_url=final_url)
            seconds = retry_after_seconds(retry_after)
            if status == 429 or seconds is not None:
                if seconds is not None and seconds > options.max_retry_after:
                    return Result(url, False, status, f"answered {status} and asked to wait {seconds:.0f} s (over {options.max_retry_after:g} s)",
                                  transient=True, attempts=attempts)
                pause = seconds if seconds is not None else options.backoff * (2 ** (attempts - 1))
                host.not_before = max(host.not_before, loop.time() + pause)  # the whole host waits
                delay = pause
            else:
                delay = options.backoff * (2 ** (attempts - 1))
            last = Result(url, False, status, f"answered {status}", transient=True, attempts=attempts)
        if attempts <= options.retries and delay > 0:
            await sleep(delay * (1 + random.random() * 0.1))
    if last.attempts > 1:
        last.detail += f" after {last.attempts} tries"
    return last


def check(urls: list[str], options: Options | None = None, **kwargs) -> dict[str, Result]:
    """Synchronous entry point."""
    return asyncio.run(check_urls(urls, options, **kwargs))
