"""The ASGI application: four routes, each small enough to read at a glance.

* ``POST /answer``  (``page``, ``lang``, ``answer``) -> 303 to the thank-you page
  for "yes", to the article's comment page otherwise;
* ``POST /comment`` (``page``, ``lang``, optional ``comment``) -> 303 to the
  thank-you page; an empty comment stores nothing;
* ``GET /healthz`` -> 200 JSON when the database answers and a manifest is
  loaded, 503 JSON otherwise;
* ``GET /search`` (``query`` or ``q``, ``lang``) -> the results page for readers
  without JavaScript (:mod:`.search_page`).

A post goes through the same gate in order: origin (403, :mod:`.origin`),
rate limit (429, keyed by :mod:`.proxy`'s client address), media type
(415), body size (413), strict form parsing (400), the manifest's page ids,
languages and answers (422), then storage (503 if the row could not be
committed). Only a committed row earns the 303, and a rejected post stores
nothing. Errors are small HTML pages, because the reader's browser shows
them: the forms post without JavaScript.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from typing import TYPE_CHECKING, AsyncIterator

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .form import FormError, clean_text, is_form_media_type, parse_form
from .manifest import Manifest, ManifestWatcher
from .origin import cross_site_reason
from .proxy import client_address
from .ratelimit import RateLimiter, retry_after
from .search_page import SearchPage
from .settings import Settings
from .store import COMMENT_MAX, NotStored, Row, Writer, answer_row, comment_row

if TYPE_CHECKING:
    from .connections import ConnectionStats

access_log = logging.getLogger("helpcentre_feedback.access")

ANSWER_FIELDS = ("page", "lang", "answer")
COMMENT_FIELDS = ("page", "lang", "comment")
MAX_PENDING = 20_000
"""Rows waiting for the writer beyond which posts get 503 instead of queueing without bound."""
COMMIT_TIMEOUT = 30.0
"""Seconds a request waits for its commit before answering 503 (the disk is stuck)."""
HEALTH_TIMEOUT = 5.0


class Reject(Exception):
    """Stop handling a post and answer with an error page; nothing has been stored."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None, reason_fr: str = ""):
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.reason_fr = reason_fr
        self.headers = headers or {}


class FeedbackService:
    """The handlers and the state they share: settings, manifest, rate limiter and writer."""

    def __init__(self, settings: Settings, connections: ConnectionStats | None = None):
        self.settings = settings
        self.search = SearchPage(settings)
        self.site_origin = settings.site_origin
        self.trusted_proxies = settings.trusted_networks
        self.connections = connections
        self.manifest = ManifestWatcher(settings.manifest, settings.manifest_check)
        self.limiter = RateLimiter(settings.rate_limit, settings.rate_burst, settings.rate_clients)
        self.writer = Writer(settings.db_path, settings.commit_batch)

    # --- routes ---------------------------------------------------------------

    async def answer(self, request: Request) -> Response:
        try:
            manifest, fields = await self._read_post(request, ANSWER_FIELDS)
            page, lang, answer = _require(fields, ANSWER_FIELDS)
            self._check_page(manifest, page, lang)
            if answer not in manifest.answers:
                raise Reject(422, f"answer must be one of {', '.join(manifest.answers)}")
            await self._store(answer_row(page, lang, answer))
            return self._see_other(manifest.after_answer(page, lang, answer))
        except Reject as reject:
            return self._error_page(reject)

    async def comment(self, request: Request) -> Response:
        try:
            manifest, fields = await self._read_post(request, COMMENT_FIELDS)
            page, lang = _require(fields, ("page", "lang"))
            self._check_page(manifest, page, lang)
            try:
                text = clean_text(fields.get("comment", ""))
            except FormError as error:
                raise Reject(400, f"comment: {error}") from None
            if len(text) > COMMENT_MAX:
                raise Reject(422, f"the comment has {len(text)} characters; at most {COMMENT_MAX} are kept")
            if text:
                await self._store(comment_row(page, lang, text))
            return self._see_other(manifest.after_comment(lang))
        except Reject as reject:
            return self._error_page(reject)

    async def health(self, request: Request) -> Response:
        manifest = self.manifest.current()
        body: dict[str, object] = {
            "status": "ok",
            "db": "ok",
            "manifest": {"pages": len(manifest.pages) if manifest else 0, "error": self.manifest.last_error},
            "writer": {"pending": self.writer.pending, "commits": self.writer.commits, "rows": self.writer.rows},
            # The origin posts must come from: public (it is the site's address), and it tells an
            # operator puzzled by 403s what the service expects; the load test sends it.
            "origin": self.site_origin,
            # Entries and sizes per language (or why search is unavailable); never a query.
            "search": self.search.describe(),
        }
        if self.connections is not None:
            body["connections"] = self.connections.as_dict()
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                await self.writer.ping()
        except (NotStored, asyncio.TimeoutError) as error:
            body["db"] = f"unreachable: {str(error) or 'timed out'}"
            body["status"] = "error"
        if manifest is None:
            body["status"] = "error"
        status = 200 if body["status"] == "ok" else 503
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    # --- the gate every post goes through ---------------------------------------

    async def _read_post(self, request: Request, allowed: tuple[str, ...]) -> tuple[Manifest, dict[str, str]]:
        # Before the rate limit: a post another site made a reader's browser send must not use
        # up that reader's allowance.
        refused = cross_site_reason(request.headers.getlist("origin"), request.headers.getlist("referer"),
                                    self.site_origin, self.settings.allow_missing_origin)
        if refused:
            raise Reject(403, f"This answer was not sent from a page of the help centre ({refused}).",
                         reason_fr="Cette réponse n’a pas été envoyée depuis une page du centre d’aide.")
        peer = request.client.host if request.client else ""
        wait = self.limiter.check(client_address(peer, request.headers.getlist("x-forwarded-for"),
                                                 self.trusted_proxies))
        if wait:
            raise Reject(429, "too many posts from your network; please try again shortly",
                         {"Retry-After": retry_after(wait)})
        if not is_form_media_type(request.headers.get("content-type")):
            raise Reject(415, "the body must be application/x-www-form-urlencoded (UTF-8)")
        body = await self._read_body(request)
        try:
            fields = parse_form(body)
        except FormError as error:
            raise Reject(400, str(error)) from None
        unexpected = sorted(set(fields) - set(allowed))
        if unexpected:
            raise Reject(400, f"unexpected field(s): {', '.join(repr(n[:32]) for n in unexpected[:5])}")
        manifest = self.manifest.current()
        if manifest is None:
            raise Reject(503, "the help centre's list of articles is not available yet", {"Retry-After": "30"})
        return manifest, fields

    async def _read_body(self, request: Request) -> bytes:
        limit = self.settings.max_body
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise Reject(413, f"the body is larger than {limit} bytes", {"Connection": "close"})
        chunks, size = [], 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Reject(413, f"the body is larger than {limit} bytes", {"Connection": "close"})
                chunks.append(chunk)
        except ClientDisconnect:
            raise Reject(400, "the client went away before sending the whole body") from None
        return b"".join(chunks)

    @staticmethod
    def _check_page(manifest: Manifest, page: str, lang: str) -> None:
        if lang not in manifest.languages:
            raise Reject(422, f"lang must be one of {', '.join(manifest.languages)}")
        if not manifest.has_page(page, lang):
            raise Reject(422, "no such article in that language")

    async def _store(self, row: Row) -> None:
        if self.writer.pending >= MAX_PENDING:
            raise Reject(503, "the service is overloaded; please try again shortly", {"Retry-After": "5"})
        try:
            async with asyncio.timeout(COMMIT_TIMEOUT):  # unlike wait_for, no extra task per request
                await self.writer.write(row)
        except (NotStored, asyncio.TimeoutError):
            raise Reject(503, "your answer could not be saved; please try again later", {"Retry-After": "30"}) from None

    # --- responses ---------------------------------------------------------------

    def _see_other(self, path: str) -> Response:
        return Response(status_code=303, headers={"Location": self.settings.site_url + path, "Cache-Control": "no-store"})

    def _error_page(self, reject: Reject) -> Response:
        site = html.escape(self.settings.site_url)
        reason_fr = f"<p>{html.escape(reject.reason_fr)}</p>\n" if reject.reason_fr else ""
        page = ERROR_PAGE.format(reason=html.escape(reject.reason), reason_fr=reason_fr, site=site,
                                 status=reject.status)
        headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                   "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", **reject.headers}
        return Response(page, status_code=reject.status, media_type="text/html; charset=utf-8", headers=headers)


ERROR_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Feedback not recorded ({status}) – Réponse non enregistrée</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
<main>
<h1>Your feedback was not recorded</h1>
<p>{reason}</p>
<p><a href="{site}">Back to the help centre</a></p>
<div lang="fr">
<h2>Votre réponse n’a pas été enregistrée</h2>
{reason_fr}<p><a href="{site}fr/">Retour au centre d’aide</a></p>
</div>
</main>
</body>
</html>
"""


def _require(fields: dict[str, str], names: tuple[str, ...]) -> list[str]:
    missing = [name for name in names if not fields.get(name)]
    if missing:
        raise Reject(400, f"missing field(s): {', '.join(missing)}")
    return [fields[name] for name in names]


class AccessLog:
    """One log line per request: method, route, status, duration. Nothing that identifies anyone.

    Pure ASGI (not Starlette's BaseHTTPMiddleware) to stay cheap on the hot
    path. The path is logged only if it is one of the service's routes, since
    any other path is free text a client chose; query strings are never logged.
    """

    def __init__(self, app: ASGIApp, routes: frozenset[str]):
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            path = scope["path"] if scope["path"] in self.routes else "(other)"
            method = scope["method"] if scope["method"].isalpha() else "(other)"
            access_log.info("%s %s %d %.1fms", method[:10], path, status, (time.perf_counter() - start) * 1000)


def create_app(settings: Settings, connections: ConnectionStats | None = None) -> Starlette:
    """Build the application. The writer thread starts and stops with the app's lifespan.
    ``connections``, the server's connection counts, are reported by the health check."""
    service = FeedbackService(settings, connections)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.writer.start()
        service.manifest.current()
        await asyncio.to_thread(service.search.start)
        try:
            yield
        finally:
            await asyncio.to_thread(service.search.stop)
            await asyncio.to_thread(service.writer.stop)

    routes = [
        Route("/answer", service.answer, methods=["POST"]),
        Route("/comment", service.comment, methods=["POST"]),
        Route("/healthz", service.health, methods=["GET"]),
        Route("/search", service.search.handle, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.service = service
    if settings.access_log:
        app.add_middleware(AccessLog, routes=frozenset(route.path for route in routes))
    return app
