"""Running the application under uvicorn.

Why uvicorn: it is a mature, production-grade ASGI server (the one Starlette
is developed against), already pinned by the project, with what a small
public endpoint needs -- HTTP/1.1 keep-alive, header-size limits, flow
control, graceful shutdown on SIGTERM that lets in-flight posts finish their
commit. It runs
in one process on purpose: SQLite wants a single writer, and one event loop
plus the writer thread use the two cores of the target machine well. (If
``httptools`` and ``uvloop`` are installed, uvicorn picks them up by itself
and parses faster; they are optional.) TLS is left to the reverse proxy.

uvicorn's own access log is switched off because it records client
addresses; :class:`~helpcentre_feedback.app.AccessLog` logs instead.

Every uvicorn setting that bears on security is given here explicitly
rather than left to uvicorn's defaults (or to uvicorn's own environment
variables, such as ``FORWARDED_ALLOW_IPS``):

* ``proxy_headers=False``: uvicorn's handling of ``X-Forwarded-For`` trusts
  127.0.0.1 and ::1 by default and rewrites the client address before the
  app sees it, so a process on the same host could pick its rate-limit
  bucket. The app reads the header itself, from configured proxies only
  (:mod:`.proxy`);
* the HTTP protocol is :class:`~.connections.GuardedH11Protocol`, which adds
  the head and body deadlines and the connection cap uvicorn lacks;
* ``timeout_keep_alive`` from the settings; ``limit_concurrency`` one above
  the connection cap, so that uvicorn's 503 bounds requests still being
  handled after their client left (a task can outlive its connection while
  it waits for its commit) without ever refusing a connection the guard let in;
* no WebSocket support: the service has no WebSocket route, so an upgrade
  request is just an HTTP request.
"""

from __future__ import annotations

import logging
import resource
import sys

import uvicorn

from .app import create_app
from .connections import ConnectionStats, guarded_protocol
from .settings import Settings

log = logging.getLogger("helpcentre_feedback")


def configure_logging() -> None:
    """Plain timestamped lines on stderr, for journald or a container log."""
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


BACKLOG = 128
"""Connections the kernel queues before the service accepts them. Smaller than uvicorn's 2048
because asyncio also accepts up to this many per turn of the event loop, each holding a file
descriptor until the connection guard can close it: a flood's burst must fit the file limit."""

FILES_RESERVED = 64 + 3 * BACKLOG
"""File descriptors kept for what is not an open connection: the listening socket, the event
loop, the database with its WAL and shared memory, logs, the manifest being read (64), and the
connections accepted in a burst that the guard has not closed yet (about three turns' worth)."""


def fit_to_file_limit(max_connections: int, reserved: int = FILES_RESERVED) -> int:
    """The connection cap the process's open-file limit allows, raising the soft limit if it can.

    A cap above the limit would let connections use up the descriptors the
    database and the listening socket need: the service would then fail its
    health check rather than refuse connections.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + reserved
    fitted = max_connections
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < wanted:
        # Under a very low limit, half still goes to connections: a burst beyond what is left only
        # makes asyncio pause accepting for a second, while too low a cap would turn readers away.
        fitted = min(max_connections, max(1, soft - reserved, soft // 2))
    if fitted < max_connections:
        log.warning("max_connections lowered from %d to %d to fit the open-file limit (%d); "
                    "raise it (e.g. LimitNOFILE= in systemd) to allow more", max_connections, fitted, soft)
    return fitted


def uvicorn_config(settings: Settings, stats: ConnectionStats | None = None) -> uvicorn.Config:
    """The uvicorn configuration for ``settings``: every security-relevant option set explicitly."""
    max_connections = fit_to_file_limit(settings.max_connections)
    stats = stats if stats is not None else ConnectionStats()
    return uvicorn.Config(
        create_app(settings, connections=stats),
        host=settings.host,
        port=settings.port,
        workers=1,
        lifespan="on",
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,  # the app reads X-Forwarded-For from trusted proxies only (see .proxy)
        forwarded_allow_ips=[],  # unused with proxy_headers off; set so no environment variable fills it
        http=guarded_protocol(settings.header_timeout, settings.body_timeout, max_connections, stats),
        ws="none",
        timeout_keep_alive=settings.keepalive_timeout,  # type: ignore[arg-type]  # a float works: call_later
        limit_concurrency=max_connections + 1,
        timeout_graceful_shutdown=10,
        backlog=BACKLOG,
    )


def serve(settings: Settings) -> int:
    """Serve until SIGINT or SIGTERM; every queued answer is committed before exit.

    Returns the exit status: 0 after a clean shutdown, 3 (as uvicorn's own
    command does) if the service could not start, e.g. the database cannot be opened.
    """
    configure_logging()
    log.info(
        "feedback service on http://%s:%d, database %s, manifest %s, rate limit %s, "
        "posts from %s only, trusted proxies: %s",
        settings.host, settings.port, settings.db_path, settings.manifest,
        f"{settings.rate_limit:g}/min burst {settings.rate_burst}" if settings.rate_limit else "off",
        settings.site_origin, ", ".join(settings.trusted_proxy) or "none (X-Forwarded-For ignored)",
    )
    server = uvicorn.Server(uvicorn_config(settings))
    server.run()
    return 0 if server.started else 3
