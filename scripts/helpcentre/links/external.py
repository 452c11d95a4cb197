"""Checking outside addresses over the network: opt-in (``--external``).

Off by default, in tests and in CI: a build must not fail because someone
else's server is slow today. When asked for, every distinct address is
requested once, politely:

* bounded concurrency overall (``concurrency``) and per host (``per_host``),
  counted per hop: a redirect to another host waits for a slot of *that*
  host, so a hundred links redirecting to one server still reach it
  ``per_host`` at a time;
* a time limit per request (``timeout``) that counts the whole request:
  connecting, every redirect hop and the headers, not only the wait for each
  read (a server dripping one byte every few seconds never trips httpx's
  per-read timeout, and would hold the check for ever);
* a time limit for the whole check (``time_limit``, 300 s by default): the
  addresses still unanswered then are reported as not checked, on one
  warning line, instead of keeping a pull request waiting;
* a few retries with exponential back-off for what may pass (time-outs,
  connection errors, 429, 5xx);
* ``Retry-After`` (seconds or an HTTP date) is obeyed, for the whole host, up
  to ``max_retry_after`` seconds; a server asking for longer is reported as
  rate-limited rather than waited for;
* redirects are followed (at most 10) one hop at a time; only the final
  answer counts;
* ``GET`` with the body left unread (some servers answer ``HEAD`` wrongly);
* a JSON cache of recent results: an address that answered well within
  ``cache_age`` seconds is not asked again. Failures are never cached, so a
  fixed link shows as fixed at once.

A definite failure (404, 410, other 4xx, an unknown host) is an error; a
transient one (time-out, 429, 5xx after the retries) is a warning, so a
flaky server does not fail a pull request unless ``--strict`` says so.

Never into the runner's own network
-----------------------------------
The check runs on CI runners and laptops, inside networks an outside page
must not reach: a link (or a redirect planted on a site we link to) to
``http://169.254.169.254/`` would make the runner ask its cloud's metadata
service, ``http://10.0.0.1/admin`` its intranet. So, unless
``allow_private`` is set (``--allow-private-addresses``, for tests against a
local server), no connection is made to a loopback, link-local, private,
shared (100.64/10), unspecified, multicast or reserved address, nor to an
IPv6 address that embeds one (``::ffff:10.0.0.1``, 6to4, NAT64). The check
happens where the connection is made (:class:`_GuardedBackend`), so it
covers the first address and every redirect hop alike, and it is made on
every address a name resolves to: one bad address refuses the host. The
connection then goes to an address that was checked, never to the name, so
a DNS server answering differently a second time (DNS rebinding) cannot
slip a private address in between the check and the connection. Such a link
is an error: "redirects to a private address 10.0.0.1; refused".

No network at all
-----------------
Offline, every host fails to resolve and each link would be reported as an
"unknown host". So the host names are looked up first; when not one
resolves, nor does a well-known name (``probe_host``), the check reports one
warning line ("outside addresses not checked: no network …") and nothing
per link. When the probe resolves, the network is up and those hosts are
really unknown: each is reported.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import os
import random
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable

import httpcore
import httpx

USER_AGENT = "helpcentre-linkcheck/1 (+link checker of a static help centre)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
NOT_CHECKED_SHOWN = 3  # addresses named on the "not checked" line


@dataclass
class Options:
    concurrency: int = 8
    per_host: int = 2
    timeout: float = 10.0  # one request in all: connection, redirect hops and headers
    retries: int = 2
    backoff: float = 1.0  # first retry waits this long, then doubles
    max_retry_after: float = 60.0
    cache: Path | None = None
    cache_age: float = 24 * 3600
    max_redirects: int = 10
    time_limit: float = 300.0  # the whole check; what is still unanswered then is not checked
    allow_private: bool = False  # let requests reach loopback, private, link-local… addresses (tests only)
    probe_host: str | None = "example.com"  # resolved only when no host did: is there a network at all?
    warn: Callable[[str], None] | None = None  # one line about the whole check; None: standard error


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


class Results(dict):
    """``{url: Result}`` for every address checked (or found in the cache).

    An address the check could not get to (no network, the time limit) has no
    entry: it was not checked, so it is neither good nor broken. Those are in
    :attr:`not_checked`, and the one line that says why in :attr:`warnings`.
    """

    def __init__(self):
        super().__init__()
        self.not_checked: list[str] = []
        self.warnings: list[str] = []
        self.offline = False


# --- Addresses the check must never connect to -------------------------------------------

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_kind(address: str) -> str | None:
    """Why ``address`` (an IP) is out of bounds for the check, or None for a public one.

    ``not is_global`` is the last word: it also catches shared (100.64/10,
    where some clouds put their metadata service), documentation and
    benchmarking ranges. An IPv6 address that carries an IPv4 one (mapped,
    6to4, NAT64) is judged by the IPv4 address it leads to.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "malformed"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped
        if embedded is not None:
            return address_kind(str(embedded))
        embedded = ip.sixtofour or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if embedded is not None:
            kind = address_kind(str(embedded))
            if kind is not None:
                return kind
            if ip in _NAT64:
                return None  # NAT64 of a public IPv4 address: the address is public
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:  # before is_private, which also covers 240/4
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "non-public"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class RefusedAddress(Exception):
    """A connection to an address the check must not reach (see :func:`address_kind`)."""

    def __init__(self, host: str, address: str, kind: str):
        super().__init__(f"{host} is a {kind} address {address}")
        self.host, self.address, self.kind = host, address, kind
        self.hop = 0

    def describe(self) -> str:
        article = "an" if self.kind[0] in "aeiou" else "a"
        if self.hop:
            return f"redirects to {article} {self.kind} address {self.address}; refused"
        if _is_ip(self.host):
            return f"leads to {article} {self.kind} address {self.address}; refused"
        return f"{self.host} resolves to {article} {self.kind} address {self.address}; refused"


class UnresolvedHost(Exception):
    """A host name that did not resolve; ``definite`` when DNS answered that it does not exist."""

    def __init__(self, host: str, reason: str, definite: bool):
        super().__init__(f"{host}: {reason}")
        self.host, self.reason, self.definite = host, reason, definite
        self.hop = 0


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the system's order (tests replace this).

    ``getaddrinfo`` blocks, and a slow DNS server (an attacker's own, for
    the name in a link) can hold it for the resolver's whole timeout. It runs
    in a daemon thread of its own rather than in the loop's executor, which
    ``asyncio.run`` waits for on the way out: abandoned at the time limit, a
    lookup delays neither the other lookups nor the end of the check.
    """
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(infos, error) -> None:
        if not future.done():
            future.set_exception(error) if error is not None else future.set_result(infos)

    def work() -> None:
        try:
            infos, error = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM), None
        except BaseException as caught:  # handed to the loop, which raises it in the waiting request
            infos, error = None, caught
        try:
            loop.call_soon_threadsafe(settle, infos, error)
        except RuntimeError:
            pass  # the check ended meanwhile: nobody waits for this answer

    threading.Thread(target=work, name=f"resolve {host}", daemon=True).start()
    infos = await future
    return list(dict.fromkeys(info[4][0] for info in infos))


_DEFINITE = {getattr(socket, name) for name in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY") if hasattr(socket, name)}


class _Lookups:
    """Host names resolved once per run, shared by every request and redirect hop.

    Connections go to the addresses found here, the ones that were checked.
    A definite answer ("no such host") is kept for the run; a temporary
    failure is forgotten, so a retry looks the name up again.
    """

    def __init__(self, timeout: float, at_once: int = 16):
        self.timeout = timeout
        self.found: dict[str, asyncio.Future] = {}
        self.slots = asyncio.Semaphore(at_once)  # lookups in flight: a site with 500 hosts starts no 500 threads

    async def addresses(self, host: str, port: int = 443) -> list[str]:
        future = self.found.get(host)
        if future is None:
            future = self.found[host] = asyncio.ensure_future(self._lookup(host, port))
            future.add_done_callback(lambda done: self._forget_temporary(host, done))
        try:
            return await asyncio.shield(future)  # one waiter cancelled must not cancel the others' lookup
        except UnresolvedHost as error:  # a fresh one per waiter: each request marks it with its own hop
            raise UnresolvedHost(error.host, error.reason, error.definite) from None

    def _forget_temporary(self, host: str, done: asyncio.Future) -> None:
        if done.cancelled() or (done.exception() is not None and not getattr(done.exception(), "definite", False)):
            if self.found.get(host) is done:
                del self.found[host]

    async def _lookup(self, host: str, port: int) -> list[str]:
        try:
            async with self.slots, asyncio.timeout(self.timeout):  # the time counts once a slot is free
                found = await resolve(host, port)
        except TimeoutError:
            raise UnresolvedHost(host, f"no answer from DNS within {self.timeout:g} s", definite=False) from None
        except socket.gaierror as error:
            raise UnresolvedHost(host, error.strerror or str(error), definite=error.errno in _DEFINITE) from None
        except (OSError, UnicodeError) as error:
            raise UnresolvedHost(host, str(error) or type(error).__name__, definite=False) from None
        if not found:
            raise UnresolvedHost(host, "no address", definite=True)
        return found

    def close(self) -> None:
        for future in self.found.values():
            future.cancel()


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, with the address check where connections are made.

    httpcore asks its backend for every new connection, whatever the hop:
    resolving here, refusing forbidden addresses here, and connecting to
    the address (not the name) leaves no request that skips the check. TLS
    still verifies the certificate against the host name: httpcore passes
    the name, not the address, as the server name.
    """

    def __init__(self, lookups: _Lookups, allow_private: bool):
        self.lookups = lookups
        self.allow_private = allow_private
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        host = host.strip("[]")
        addresses = [host] if _is_ip(host) else await self.lookups.addresses(host, port)
        if not self.allow_private:
            for address in addresses:  # every one: a name resolving to a public and a private address is refused
                kind = address_kind(address)
                if kind is not None:
                    raise RefusedAddress(host, address, kind)
        failure: Exception | None = None
        for address in addresses:  # in the system's order, as a browser would, until one answers
            try:
                return await self.inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure if failure is not None else httpcore.ConnectError(f"{host} has no address")

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("the link check never uses local sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport on a :class:`_GuardedBackend`.

    httpx takes no network backend, so the connection pool it built is
    swapped for the same pool on ours (httpx is pinned; the check below
    fails loudly rather than silently connecting unguarded if that changes).
    """

    def __init__(self, backend: _GuardedBackend, limits: httpx.Limits):
        super().__init__(limits=limits, trust_env=False)
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("httpx no longer keeps an httpcore pool in AsyncHTTPTransport._pool: update the link checker")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


# --- The check -------------------------------------------------------------------------------


@dataclass
class _Gate:
    """The limits every request hop passes: one slot overall, one of its host's."""

    overall: asyncio.Semaphore
    per_host: int
    hosts: dict[str, _Host] = field(default_factory=dict)

    def host(self, name: str) -> _Host:
        key = name.lower().rstrip(".")
        host = self.hosts.get(key)
        if host is None:
            host = self.hosts[key] = _Host(asyncio.Semaphore(max(1, self.per_host)))
        return host


async def check_urls(
    urls: list[str],
    options: Options | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Results:
    """Check every address once; ``sleep`` and ``transport`` are for tests.

    A ``transport`` replaces the network (and so the address check made when
    connecting, and the offline detection, which belong to the network).
    An address written as a forbidden IP is refused before anything else: it
    needs no network to judge, and no cached answer (from a run that allowed
    private addresses) may vouch for it.
    """
    options = options or Options()
    cache = Cache(options.cache, options.cache_age)
    results = Results()
    pending = []
    for url in dict.fromkeys(urls):
        refused = None if options.allow_private else _refused_as_written(url)
        if refused is not None:
            results[url] = refused
            continue
        cached = cache.get(url)
        if cached is not None:
            results[url] = cached
        else:
            pending.append(url)
    if pending:
        await _check_pending(pending, results, cache, options, sleep, transport)
    try:
        cache.save()
    except OSError:
        pass  # the cache only saves time
    warn = options.warn or (lambda line: print(f"warning: {line}", file=sys.stderr))
    for line in results.warnings:
        warn(line)
    return results


def _refused_as_written(url: str) -> Result | None:
    """A refusal for an address whose host is a forbidden IP, as written (``http://10.0.0.1/``)."""
    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return None  # the request reports it
    if not _is_ip(host):
        return None
    kind = address_kind(host)
    return None if kind is None else Result(url, False, None, RefusedAddress(host, host, kind).describe())


def _refused_as_resolved(url: str, lookups: _Lookups) -> Result | None:
    """A refusal for an address whose host already resolved to a forbidden IP (``localhost``)."""
    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return None
    future = lookups.found.get(host)
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return None
    for address in future.result():
        kind = address_kind(address)
        if kind is not None:
            return Result(url, False, None, RefusedAddress(host, address, kind).describe())
    return None


async def _check_pending(pending: list[str], results: Results, cache: Cache, options: Options, sleep, transport) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + max(0.0, options.time_limit)
    gate = _Gate(asyncio.Semaphore(max(1, options.concurrency)), options.per_host)
    lookups = _Lookups(options.timeout)
    limits = httpx.Limits(max_connections=max(1, options.concurrency), max_keepalive_connections=max(1, options.concurrency))
    if transport is None:
        transport = _GuardedTransport(_GuardedBackend(lookups, options.allow_private), limits)
        network = True
    else:
        network = False
    async with httpx.AsyncClient(
        follow_redirects=False,  # followed one hop at a time in _request, each through the gate
        timeout=httpx.Timeout(options.timeout),
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"},
        limits=limits,
        transport=transport,
        trust_env=False,
    ) as client:

        async def one(url: str) -> None:
            results[url] = await _check_one(client, url, gate, options, sleep)
            cache.put(results[url])

        async def run() -> None:
            if network:
                offline = await _offline(pending, lookups, options)
                if offline:
                    results.offline = True
                    results.warnings.append(f"outside addresses not checked: no network ({offline})")
                    for url in [] if options.allow_private else pending:  # what is refused needs no network
                        refused = _refused_as_resolved(url, lookups)
                        if refused is not None:
                            results[url] = refused
                    return
            await asyncio.gather(*(one(url) for url in pending))

        # The whole run is one task that is cancelled at the time limit: whatever
        # it is waiting for (a dripping server, a Retry-After, DNS), the check ends.
        runner = asyncio.ensure_future(run())
        try:
            done, _ = await asyncio.wait({runner}, timeout=max(0.0, end - loop.time()))
            if done:
                runner.result()  # a bug in the checker still shows
            else:
                runner.cancel()
                await asyncio.wait({runner}, timeout=5)
        finally:
            if not runner.done():
                runner.cancel()
            lookups.close()
    missing = [url for url in pending if url not in results]
    results.not_checked = missing
    if missing and not results.offline:  # offline already said why, on its own line
        shown = ", ".join(missing[:NOT_CHECKED_SHOWN]) + (f" and {len(missing) - NOT_CHECKED_SHOWN} more" if len(missing) > NOT_CHECKED_SHOWN else "")
        count = f"{len(missing)} outside address{'es' if len(missing) != 1 else ''}"
        results.warnings.append(f"{count} not checked: the time limit of {options.time_limit:g} s for outside addresses"
                                f" ran out (--time-limit): {shown}")


async def _offline(pending: list[str], lookups: _Lookups, options: Options) -> str | None:
    """Why the network looks absent, or None.

    Absent when no host name resolves to a public address (``localhost``
    and the like resolve from ``/etc/hosts`` without any network), nor does
    ``probe_host``. Addresses written as IPs need no lookup: with only
    those, the check goes ahead (and reports what does not connect).
    """
    names = []
    for url in pending:
        try:
            host = httpx.URL(url).host
        except (httpx.InvalidURL, UnicodeError, ValueError):
            continue
        if host and not _is_ip(host) and host not in names:
            names.append(host)
    if not names:
        return None
    answers = await asyncio.gather(*(lookups.addresses(name) for name in names), return_exceptions=True)
    for answer in answers:
        if isinstance(answer, BaseException) and not isinstance(answer, UnresolvedHost):
            raise answer
    found = [answer for answer in answers if not isinstance(answer, BaseException)]
    if any(address_kind(address) is None for addresses in found for address in addresses):
        return None
    hosts = f"{len(names)} host{'s' if len(names) != 1 else ''}"
    why = f"none of {hosts} resolved to a public address" if found else f"could not resolve any of {hosts}"
    if options.probe_host:
        try:
            await lookups.addresses(options.probe_host)
        except UnresolvedHost:
            return f"{why}, nor {options.probe_host}"
        return None  # the network is up: those hosts do not exist, and each is reported
    return why


def _backoff(options: Options, attempts: int) -> float:
    return options.backoff * (2 ** (attempts - 1))


async def _check_one(client: httpx.AsyncClient, url: str, gate: _Gate, options: Options, sleep) -> Result:
    """Ask for ``url`` until it answers for sure or the retries run out.

    Waiting (back-off, ``Retry-After``) happens outside the semaphores, so
    other addresses go on meanwhile.
    """
    attempts = 0
    last = Result(url, False, detail="not checked")
    loop = asyncio.get_running_loop()
    while attempts <= options.retries:
        attempts += 1
        delay = 0.0
        try:
            response, final_url, host = await _request(client, url, gate, options, sleep)
            status = response.status_code
            retry_after = response.headers.get("retry-after")
        except (TimeoutError, httpx.TimeoutException):
            last = Result(url, False, None, f"no answer within {options.timeout:g} s", transient=True, attempts=attempts)
            delay = _backoff(options, attempts)
        except RefusedAddress as refused:
            return Result(url, False, None, refused.describe(), attempts=attempts)
        except UnresolvedHost as error:
            where = "unknown host" if not error.hop else f"redirects to an unknown host {error.host}"
            last = Result(url, False, None, where if error.definite else f"cannot resolve {error.host} ({error.reason})",
                          transient=not error.definite, attempts=attempts)
            if error.definite:
                return last
            delay = _backoff(options, attempts)
        except httpx.TooManyRedirects:
            return Result(url, False, None, f"more than {options.max_redirects} redirects", attempts=attempts)
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            text = str(error) or type(error).__name__
            unknown_host = "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text
            last = Result(url, False, None, "unknown host" if unknown_host else f"cannot connect ({text})",
                          transient=not unknown_host, attempts=attempts)
            if unknown_host:
                return last
            delay = _backoff(options, attempts)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
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
                pause = seconds if seconds is not None else _backoff(options, attempts)
                host.not_before = max(host.not_before, loop.time() + pause)  # the whole host waits
                delay = pause
            else:
                delay = _backoff(options, attempts)
            last = Result(url, False, status, f"answered {status}", transient=True, attempts=attempts)
        if attempts <= options.retries and delay > 0:
            await sleep(delay * (1 + random.random() * 0.1))
    if last.attempts > 1:
        last.detail += f" after {last.attempts} tries"
    return last


async def _request(client: httpx.AsyncClient, url: str, gate: _Gate, options: Options, sleep) -> tuple[httpx.Response, str, _Host]:
    """One try at ``url``: its final answer (body unread), where it came from, and that host.

    Redirects are followed here, one hop at a time, so that each hop waits
    for a slot of its own host and counts against the request's time limit.
    The limit (``options.timeout``) runs only while a hop is on the network,
    not while it queues for a slot: a busy host makes requests wait, not fail.
    """
    loop = asyncio.get_running_loop()
    request = client.build_request("GET", url)
    budget = options.timeout
    for hop in range(max(0, options.max_redirects) + 1):
        host = gate.host(request.url.host)
        wait = host.not_before - loop.time()
        if wait > 0:
            await sleep(wait)
        async with host.semaphore, gate.overall:
            started = loop.time()
            try:
                async with asyncio.timeout(max(0.0, budget)):
                    response = await client.send(request, stream=True)
                    await response.aclose()  # the status is all we need; the body may be endless
            except (RefusedAddress, UnresolvedHost) as error:
                error.hop = hop
                raise
            finally:
                budget -= loop.time() - started
        if response.next_request is None:
            return response, str(request.url), host
        request = response.next_request
    raise httpx.TooManyRedirects(f"more than {options.max_redirects} redirects", request=request)


def check(urls: list[str], options: Options | None = None, **kwargs) -> Results:
    """Synchronous entry point."""
    return asyncio.run(check_urls(urls, options, **kwargs))
