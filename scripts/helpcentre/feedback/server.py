"""Running the application under uvicorn.

Why uvicorn: it is a mature, production-grade ASGI server (the one Starlette
is developed against), already pinned by the project, with what a small
public endpoint needs -- HTTP/1.1 keep-alive, header-size limits, flow
control, graceful shutdown on SIGTERM that lets in-flight posts finish their
commit, and X-Forwarded-For handling restricted to trusted proxies. It runs
in one process on purpose: SQLite wants a single writer, and one event loop
plus the writer thread use the two cores of the target machine well. (If
``httptools`` and ``uvloop`` are installed, uvicorn picks them up by itself
and parses faster; they are optional.) TLS is left to the reverse proxy.

uvicorn's own access log is switched off because it records client
addresses; :class:`~helpcentre.feedback.app.AccessLog` logs instead.
"""

from __future__ import annotations

import logging
import sys

import uvicorn

from .app import create_app
from .settings import Settings

log = logging.getLogger("helpcentre.feedback")


def configure_logging() -> None:
    """Plain timestamped lines on stderr, for journald or a container log."""
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def serve(settings: Settings) -> int:
    """Serve until SIGINT or SIGTERM; every queued answer is committed before exit.

    Returns the exit status: 0 after a clean shutdown, 3 (as uvicorn's own
    command does) if the service could not start, e.g. the database cannot be opened.
    """
    configure_logging()
    log.info(
        "feedback service on http://%s:%d, database %s, manifest %s, rate limit %s",
        settings.host, settings.port, settings.db_path, settings.manifest,
        f"{settings.rate_limit:g}/min burst {settings.rate_burst}" if settings.rate_limit else "off",
    )
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        workers=1,
        lifespan="on",
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=10,
        backlog=1024,
    )
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 3
