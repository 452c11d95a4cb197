"""A load generator for the feedback service: C concurrent clients posting
answers for a bounded time, reporting throughput, latency and losses.

The client is a few lines of HTTP/1.1 over asyncio streams with keep-alive,
not httpx: on a two-core machine the client shares the CPU with the server,
and a general-purpose client would spend more time per request than the
service does, measuring itself. It speaks only what this service answers
(``Content-Length`` bodies).

Losses are counted against the database: ``stored`` is how many answer rows
the run added, and ``lost`` how many acknowledged (303) answers are missing
from it -- which must be 0. Point it at a service whose rate limit is off
(``--rate-limit 0``) and that nothing else writes to during the run.

Posts carry the ``Origin`` header a reader's browser sends, since the service
refuses posts from anywhere else; unless told, the load test asks the
service's ``/healthz`` which origin that is.

``python -m bench loadtest [--url …] [--clients 16] [--duration 10] [--db …]``
measures a running service (:func:`main`); ``make bench`` runs :func:`run_load`
against the benchmark site's own service (:mod:`bench.run`), and
:func:`run_search_load`: the same kind of clients sending ``GET /search`` with
words of the built site's own indexes, in both languages (:func:`search_queries`).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence
from urllib.parse import quote, urlsplit

RECONNECT_PAUSE = 0.05


@dataclass
class Tally:
    """What the clients saw, shared by all of them (one event loop: no locks needed)."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    acknowledged: int = 0
    errors: int = 0


def answer_bodies(pages: Sequence[str], lang: str = "en", *,
                  answers: Sequence[str] = ("no", "partly", "yes")) -> Iterator[bytes]:
    """Endless form bodies cycling through every page and answer."""
    for page, answer in itertools.cycle([(p, a) for p in pages for a in answers]):
        yield f"page={quote(page)}&lang={quote(lang)}&answer={quote(answer)}".encode()


async def hammer(
    url: str,
    clients: int,
    duration: float,
    bodies: Iterator[bytes],
    on_ack: Callable[[bytes], None] | None = None,
    max_requests: int | None = None,
    stop: threading.Event | None = None,
    origin: str | None = None,
) -> tuple[Tally, float]:
    """Run ``clients`` keep-alive connections posting ``bodies`` until ``duration`` seconds
    have passed, the bodies run out, ``max_requests`` were sent or ``stop`` is set.
    Returns the tally and the elapsed seconds. A broken connection is counted as an
    error and reopened. ``on_ack`` is called with the body of every acknowledged post.
    ``origin`` is sent as the ``Origin`` header (the site's, for the service to accept the posts)."""
    host, port, path, netloc = _plain_http(url)
    origin_line = f"Origin: {origin}\r\n" if origin else ""
    head = (f"POST {path} HTTP/1.1\r\nHost: {netloc}\r\n{origin_line}"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").encode()
    sent = itertools.count()

    def next_request() -> tuple[bytes, bytes] | None:
        if max_requests is not None and next(sent) >= max_requests:
            return None
        body = next(bodies, None)
        return None if body is None else (head + str(len(body)).encode() + b"\r\n\r\n" + body, body)

    return await _drive(host, port, clients, duration, next_request, acknowledged=303, on_ack=on_ack, stop=stop)


def _plain_http(url: str) -> tuple[str, int, str, str]:
    """(host, port, path, host:port) of a plain http:// address, the only kind the load test speaks."""
    target = urlsplit(url)
    if target.scheme != "http" or not target.hostname:
        raise ValueError(f"the load test speaks plain http://host:port/path, got {url!r}")
    return target.hostname, target.port or 80, target.path or "/", target.netloc


async def _drive(host: str, port: int, clients: int, duration: float,
                 next_request: Callable[[], tuple[bytes, bytes] | None], *, acknowledged: int,
                 on_ack: Callable[[bytes], None] | None = None, stop=None) -> tuple[Tally, float]:
    """``clients`` keep-alive connections sending what ``next_request`` gives
    ((request, what to hand ``on_ack``), or None to stop) until ``duration``
    seconds have passed or ``stop`` is set; an answer with status
    ``acknowledged`` is counted as such. A broken connection is counted as an
    error and reopened. Returns the tally and the elapsed seconds."""
    tally = Tally()
    start = time.perf_counter()
    deadline = start + duration

    async def client() -> None:
        reader = writer = None
        while time.perf_counter() < deadline and not (stop is not None and stop.is_set()):
            if writer is None:
                try:
                    reader, writer = await asyncio.open_connection(host, port)
                except OSError:
                    tally.errors += 1
                    await asyncio.sleep(RECONNECT_PAUSE)
                    continue
            request = next_request()
            if request is None:
                break
            answer = await _timed_exchange(reader, writer, request[0], tally)
            if answer is None:
                reader = writer = None
                continue
            status, close = answer
            if status == acknowledged:
                tally.acknowledged += 1
                if on_ack is not None:
                    on_ack(request[1])
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return tally, time.perf_counter() - start


async def _timed_exchange(reader, writer, payload: bytes, tally) -> tuple[int, bool] | None:
    """Send one request and read its answer, timed and counted: (status, close),
    or None when the connection failed (counted as an error, and closed)."""
    began = time.perf_counter()
    try:
        writer.write(payload)
        status, close = await _read_response(reader)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        tally.errors += 1
        writer.close()
        return None
    tally.latencies.append(time.perf_counter() - began)
    tally.statuses[status] = tally.statuses.get(status, 0) + 1
    return status, close


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the server closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = None, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    if length is None:
        raise ValueError("response without Content-Length")
    await reader.readexactly(length)
    return status, close


async def preflight(url: str) -> dict:
    """Check that ``url`` belongs to a healthy feedback service before loading it,
    so a wrong port never sends thousands of posts to some other server.
    Returns what its ``/healthz`` said (empty if that was not a JSON object)."""
    target = urlsplit(url)
    try:
        reader, writer = await asyncio.open_connection(target.hostname, target.port or 80)
    except OSError as error:
        raise LoadTestError(f"nothing answers at {target.netloc}: {error.strerror or error}") from None
    try:
        writer.write(f"GET /healthz HTTP/1.1\r\nHost: {target.netloc}\r\nConnection: close\r\n\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        length = next((line.partition(":")[2].strip() for line in head.lower().split("\r\n")
                       if line.startswith("content-length:")), "")
        # The whole body when its length is known (it can arrive in more than one piece), so
        # that the origin it names is read; otherwise what came first.
        body = await (reader.readexactly(int(length)) if length.isdigit() and int(length) <= 65536
                      else reader.read(65536))
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        raise LoadTestError(f"{target.netloc} does not speak HTTP like the feedback service") from None
    finally:
        writer.close()
    if " 200 " not in head.split("\r\n", 1)[0] or b'"db":"ok"' not in body:
        raise LoadTestError(f"{target.netloc} is not a healthy feedback service: GET /healthz said "
                            f"{head.split(chr(13), 1)[0]!r}")
    try:
        health = json.loads(body)
    except ValueError:
        return {}
    return health if isinstance(health, dict) else {}


class LoadTestError(RuntimeError):
    """The load test cannot run; the message says why."""


def count_answers(db_path: Path) -> int:
    """Rows in the answers table (0 if the database does not exist yet)."""
    if not db_path.exists():
        return 0
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def run_load(
    url: str,
    clients: int = 16,
    duration: float = 10.0,
    *,
    pages: Sequence[str],
    lang: str = "en",
    db: Path | None = None,
    max_requests: int | None = None,
    origin: str | None = None,
) -> dict[str, object]:
    """Post answers to ``url`` (the service's ``/answer``) from ``clients`` concurrent
    clients for at most ``duration`` seconds.

    Raises :class:`LoadTestError` if ``url`` is not a healthy feedback service.
    Returns ``rps`` (acknowledged answers per second), ``p50_ms`` and ``p99_ms``
    (latency of all responses), ``acknowledged`` (303s), ``stored`` and ``lost``
    (rows the run added to ``db``, acknowledged answers missing from it; None
    without ``db``), plus ``requests``, ``errors``, ``duration_s`` and ``statuses`` (count per HTTP status).
    ``origin`` is the ``Origin`` header to send; by default the one the service's ``/healthz`` names.
    """
    if not pages:
        raise ValueError("the load test needs at least one page id the service accepts")
    before = count_answers(db) if db is not None else 0

    async def run() -> tuple[Tally, float]:
        health = await preflight(url)
        sent_origin = origin or (health.get("origin") if isinstance(health.get("origin"), str) else None)
        return await hammer(url, clients, duration, answer_bodies(pages, lang), max_requests=max_requests,
                            origin=sent_origin)

    tally, elapsed = asyncio.run(run())
    stored = count_answers(db) - before if db is not None else None
    return {
        "rps": round(tally.acknowledged / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(tally.latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(tally.latencies, 99) * 1000, 2),
        "acknowledged": tally.acknowledged,
        "stored": stored,
        "lost": max(0, tally.acknowledged - stored) if stored is not None else None,
        "requests": len(tally.latencies),
        "errors": tally.errors,
        "duration_s": round(elapsed, 3),
        "statuses": dict(sorted(tally.statuses.items())),
    }


# --- searches ------------------------------------------------------------------------------------

def search_queries(site: Path, per_language: int = 200, seed: int = 7) -> list[tuple[str, str]]:
    """(lang, query) pairs a reader could type, from the built indexes of ``site``: words of the
    titles and texts of each language (4 letters or more), one or two words a query, shuffled."""
    import html as _html
    import json as _json
    import random
    import re as _re

    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    found = [("", site / "search" / "search_index.json")]
    found += [(p.parent.parent.name + "/", p) for p in sorted(site.glob("*/search/search_index.json"))]
    for _, path in found:
        data = _json.loads(path.read_text(encoding="utf-8"))
        lang = data["config"]["lang"][0]
        words: set[str] = set()
        for doc in data["docs"]:
            text = _html.unescape(_re.sub(r"<[^>]+>", " ", doc.get("title", "") + " " + doc.get("text", "")))
            words.update(w.lower() for w in _re.findall(r"[^\W\d_]{4,}", text))
        vocabulary = sorted(words)
        if not vocabulary:
            continue
        for i in range(per_language):
            count = 1 if i % 3 else 2
            pairs.append((lang, " ".join(rng.choice(vocabulary) for _ in range(count))))
    rng.shuffle(pairs)
    return pairs


async def hammer_searches(url: str, clients: int, duration: float,
                          queries: Sequence[tuple[str, str]]) -> tuple[Tally, float]:
    """``clients`` keep-alive connections sending ``GET url?lang=…&query=…`` for ``duration`` seconds,
    cycling through ``queries``; a 200 counts as acknowledged."""
    host, port, path, netloc = _plain_http(url)
    requests = itertools.cycle([
        f"GET {path}?lang={quote(lang)}&query={quote(query)} HTTP/1.1\r\nHost: {netloc}\r\n\r\n".encode()
        for lang, query in queries])
    return await _drive(host, port, clients, duration, lambda: (next(requests), b""), acknowledged=200)


def run_search_load(url: str, clients: int = 16, duration: float = 10.0, *,
                    queries: Sequence[tuple[str, str]]) -> dict[str, object]:
    """Search a running service's ``/search`` (``url``) from ``clients`` concurrent clients for
    ``duration`` seconds, ``queries`` being (lang, query) pairs. Returns ``qps`` (200s per second),
    ``p50_ms``, ``p99_ms``, ``requests``, ``errors``, ``duration_s`` and ``statuses``.
    Raises :class:`LoadTestError` if ``url`` is not a healthy feedback service."""
    if not queries:
        raise ValueError("the search load test needs at least one query")

    async def run() -> tuple[Tally, float]:
        await preflight(url)
        return await hammer_searches(url, clients, duration, queries)

    tally, elapsed = asyncio.run(run())
    return {
        "qps": round(tally.acknowledged / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(tally.latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(tally.latencies, 99) * 1000, 2),
        "requests": len(tally.latencies),
        "errors": tally.errors,
        "duration_s": round(elapsed, 3),
        "statuses": dict(sorted(tally.statuses.items())),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench loadtest``: load a running service, print the result as JSON;
    exit 1 if an acknowledged answer is missing from its database."""
    from helpcentre_feedback.manifest import ManifestError, load
    from helpcentre_feedback.settings import Settings, database_path

    defaults = Settings()
    parser = argparse.ArgumentParser(
        prog="python -m bench loadtest",
        description="Post answers from concurrent clients for a bounded time; print rps, latency and losses as JSON.",
    )
    parser.add_argument("--url", default=f"http://127.0.0.1:{defaults.port}/answer", help="the service's answer URL (default: %(default)s)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds to run (default: %(default)s)")
    parser.add_argument("--manifest", type=Path, default=defaults.manifest, help="manifest whose page ids to post (default: %(default)s)")
    parser.add_argument("--lang", default="en", help="language to post (default: %(default)s)")
    parser.add_argument("--db", default=None, help="the service's database URL, to count stored rows and losses")
    parser.add_argument("--origin", default=None,
                        help="the Origin header to send, as the site's browsers do (default: the one the service's /healthz names)")
    args = parser.parse_args(argv)
    try:
        manifest = load(args.manifest)
        db = database_path(args.db) if args.db else None
    except (ManifestError, ValueError) as error:
        print(f"loadtest: {error}", file=sys.stderr)
        return 2
    pages = [page for page, paths in manifest.pages.items() if args.lang in paths]
    try:
        result = run_load(args.url, args.clients, args.duration, pages=pages, lang=args.lang, db=db, origin=args.origin)
    except (LoadTestError, ValueError) as error:
        print(f"loadtest: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 1 if result["lost"] else 0
