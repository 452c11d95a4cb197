"""``GET /search?query=…&lang=en|fr``: the results page readers without JavaScript land on.

The header's search box on every page of the site is a plain GET form to this
route when the site is built with a service (``overrides/partials/search.html``):
``lang`` (the page's language, a hidden field) and ``query`` (``q`` is accepted
too). The answer is always an HTML page in the reader's language, in the
site's look: the built site's own stylesheets, linked from ``--site-url``, its
name and logo, read at start-up from each language's home page in ``--site``.

What a reader can get, and the status it comes with:

* results (200): each with its title linked to the page on the site, the
  section it belongs to and a short snippet, the query's words in ``<mark>``;
  20 a page, best first, with links to the previous and next pages;
* no result (200), or only very common words (200), or nothing typed (200:
  the page is then a search form);
* a query over 200 characters (400), or one that cannot be read (400: a bad
  percent escape, text that is not UTF-8, a field given twice);
* too many searches from one client (429, ``Retry-After``): its own token
  buckets, as many per minute as posts (``--rate-limit``, ``--rate-burst``),
  keyed as posts are (:mod:`.proxy`, :mod:`.ratelimit`);
* search not available in that language (503): the site was not built, or
  not found at ``--site``.

Every page is built here with every value escaped; queries are never logged
(the access log has the route only, never a query string) and the page tells
the browser not to cache it nor to send it as a ``Referer`` to the site.
A request head over 16 KiB (a 10 MB address, say) never reaches this code:
the HTTP layer answers it with a short bilingual 400 (:mod:`.connections`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from .form import FormError, parse_form
from .origin import origin_of
from .proxy import client_address
from .ratelimit import RateLimiter, retry_after
from .search import MAX_PAGE, MAX_QUERY, PER_PAGE, STEMMERS, Results, SiteIndexes, load_indexes
from .settings import Settings

log = logging.getLogger("helpcentre_feedback")

MAX_QUERY_STRING = 8192
"""Longest query string read, in bytes (a 200-character query is at most ~2,400 percent-encoded)."""
WORKERS = 2
"""Threads running searches (SQLite releases the GIL while it searches): one per core of the target machine."""

NBSP = "\u00a0"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "site_name": "Help Centre",
        "title": "Search",
        "title_query": "Search results for “{query}”",
        "heading": "Search results",
        "heading_empty": "Search the help centre",
        "label": "Search the help centre",
        "button": "Search",
        "skip": "Skip to content",
        "header": "Header",
        "count_one": "1 result for “{query}”.",
        "count_many": "{count} results for “{query}”.",
        "range": "Results {first} to {last} of {count}.",
        "some_words": "No page has all of these words; these pages have some of them.",
        "none": "No page matches “{query}”.",
        "hint": "Check the spelling, try fewer or other words, or browse every article:",
        "empty": "Type one or more words to search for.",
        "no_words": "“{query}” has no words to search for. Type one or more words.",
        "common": "“{query}” has only very common words. Add a more specific word.",
        "too_long": "Your search is too long: it has {length} characters, and at most {limit} are read. Shorten it and try again.",
        "unreadable": "Your search could not be read. Type it again in the box above.",
        "busy": "Too many searches came from your network. Please wait a moment and try again.",
        "unavailable": "Search is not available right now. You can browse every article instead:",
        "in": "In",
        "previous": "Previous results",
        "next": "Next results",
        "pages": "Result pages",
        "az": "All articles, A to Z",
    },
    "fr": {
        "site_name": "Centre d’aide",
        "title": "Recherche",
        "title_query": f"Résultats de recherche pour «{NBSP}{{query}}{NBSP}»",
        "heading": "Résultats de recherche",
        "heading_empty": "Rechercher dans le centre d’aide",
        "label": "Rechercher dans le centre d’aide",
        "button": "Rechercher",
        "skip": "Passer au contenu principal",
        "header": "En-tête",
        "count_one": f"1 résultat pour «{NBSP}{{query}}{NBSP}».",
        "count_many": f"{{count}} résultats pour «{NBSP}{{query}}{NBSP}».",
        "range": "Résultats {first} à {last} sur {count}.",
        "some_words": "Aucune page ne contient tous ces mots; ces pages en contiennent certains.",
        "none": f"Aucune page ne correspond à «{NBSP}{{query}}{NBSP}».",
        "hint": f"Vérifiez l’orthographe, essayez moins de mots ou d’autres mots, ou parcourez tous les articles{NBSP}:",
        "empty": "Tapez un ou plusieurs mots à rechercher.",
        "no_words": f"«{NBSP}{{query}}{NBSP}» ne contient aucun mot à rechercher. Tapez un ou plusieurs mots.",
        "common": f"«{NBSP}{{query}}{NBSP}» ne contient que des mots très courants. Ajoutez un mot plus précis.",
        "too_long": f"Votre recherche est trop longue{NBSP}: elle compte {{length}} caractères, et {{limit}} au plus sont lus. Raccourcissez-la et réessayez.",
        "unreadable": "Votre recherche n’a pas pu être lue. Tapez-la de nouveau dans la zone ci-dessus.",
        "busy": "Trop de recherches proviennent de votre réseau. Veuillez patienter un moment, puis réessayer.",
        "unavailable": f"La recherche n’est pas disponible pour le moment. Vous pouvez parcourir tous les articles{NBSP}:",
        "in": "Dans",
        "previous": "Résultats précédents",
        "next": "Résultats suivants",
        "pages": "Pages de résultats",
        "az": "Tous les articles de A à Z",
    },
}
"""The page's words in each language the service searches (the keys of :data:`.search.STEMMERS`)."""

_LOGO = re.compile(r'<svg xmlns="http://www\.w3\.org/2000/svg" viewBox="[0-9 .]+"><path d="[^"<>&]*"/></svg>')


# --- the site's look ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Look:
    """What the results page takes from a language's built home page."""

    stylesheets: tuple[str, ...] = ()
    """Absolute URLs of the home page's stylesheets (Material's, its palette, ours)."""
    body: tuple[tuple[str, str], ...] = ()
    """The ``<body>`` attributes Material's palette reads (``dir``, ``data-md-color-*``)."""
    site_name: str = ""
    header_label: str = ""
    logo: str = ""
    """The header logo's SVG when it is a plain icon (one path), else nothing."""
    az: str = ""
    """Absolute URL of the language's A–Z index: the home page's link to it (``a.hc-az-link``),
    wherever that language publishes it."""


class _HomePage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.body: list[tuple[str, str]] = []
        self.header_label = ""
        self.az = ""
        self._topic_depth = 0  # >0 while inside the first .md-header__topic
        self._topic_done = False
        self._depth = 0
        self.site_name_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        if tag not in ("link", "meta", "img", "input", "br", "hr", "path"):
            self._depth += 1
        if tag == "link" and "stylesheet" in values.get("rel", "").split() and values.get("href"):
            self.stylesheets.append(values["href"])
        elif tag == "body":
            self.body = [(name, value) for name, value in values.items()
                         if name == "dir" or name.startswith("data-md-color-")]
        elif tag == "a" and "hc-az-link" in classes and not self.az:
            self.az = values.get("href", "")
        elif tag == "nav" and "md-header__inner" in classes and not self.header_label:
            self.header_label = values.get("aria-label", "")
        elif tag == "div" and "md-header__topic" in classes and not self._topic_done and not self._topic_depth:
            self._topic_depth = self._depth

    def handle_endtag(self, tag: str) -> None:
        if tag in ("link", "meta", "img", "input", "br", "hr", "path"):
            return
        if self._topic_depth and self._depth == self._topic_depth:
            self._topic_depth = 0
            self._topic_done = True
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._topic_depth:
            self.site_name_parts.append(data)


def read_look(site: Path, root: str, site_url: str) -> Look:
    """The look of the language whose home is ``site/root``; an empty Look if it cannot be read."""
    page = site / root / "index.html"
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Look()
    parser = _HomePage()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError:  # html.parser gives up on some malformed markup
        return Look()
    base = site_url + root
    stylesheets = []
    for href in parser.stylesheets:
        url = urljoin(base, href)
        if urlsplit(url).scheme in ("http", "https") and not any(c in url for c in '"<> '):
            stylesheets.append(url)
    az = urljoin(base, parser.az) if parser.az else ""
    if urlsplit(az).scheme not in ("http", "https") or any(c in az for c in '"<> '):
        az = ""
    logo = re.search(r'<a [^>]*class="md-header__button md-logo"[^>]*>\s*(.*?)\s*</a>', text, re.S)
    svg = logo.group(1).strip() if logo else ""
    return Look(tuple(stylesheets), tuple(parser.body), " ".join("".join(parser.site_name_parts).split()),
                parser.header_label, svg if _LOGO.fullmatch(svg) else "", az)


def policy(look: Look) -> str:
    """The results page's Content-Security-Policy: no script, nothing but the site's stylesheets
    (and the images and fonts they name), forms to the service itself."""
    origins = sorted({origin for origin in (origin_of(url) for url in look.stylesheets) if origin})
    sources = " ".join(origins) or "'none'"
    return (f"default-src 'none'; style-src {sources}; img-src {sources} data:; font-src {sources}; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


# --- the request -----------------------------------------------------------------------------------

@dataclass
class Query:
    """What a request asks for, read leniently (unknown fields ignored) but never guessed at."""

    lang: str | None = None
    text: str = ""
    """The query as the reader typed it, control and invisible formatting characters made spaces, trimmed."""
    length: int = 0
    """Its length in characters as received."""
    page: int = 1
    unreadable: bool = False
    too_long: bool = False
    typed: bool = False
    """The request has a query field (possibly blank)."""


def sniff_lang(raw: bytes) -> str | None:
    """The ``lang`` field of a query string that will not be parsed, from its first fields only."""
    for piece in raw.split(b"&", 32)[:32]:
        if piece.startswith(b"lang="):
            return piece[5:12].decode("ascii", "replace").lower()
    return None


def clean_query(text: str) -> str:
    """A query fit to search and to show: NFC, every non-printable character a space, spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())


def read_query(raw: bytes) -> Query:
    if len(raw) > MAX_QUERY_STRING:
        return Query(lang=sniff_lang(raw), too_long=True, typed=True, length=len(raw))
    try:
        fields = parse_form(raw)
    except FormError:
        return Query(lang=sniff_lang(raw), unreadable=True, typed=True)
    query = Query(lang=fields.get("lang", "").strip().lower().split("-")[0] or None)
    text = fields.get("query", fields.get("q"))
    if text is not None:
        query.typed = True
        query.length = len(text)
        query.too_long = len(text) > MAX_QUERY
        query.text = clean_query(text if not query.too_long else text[:MAX_QUERY])
    number = fields.get("page", "1")
    query.page = int(number) if re.fullmatch(r"[0-9]{1,3}", number) else 1
    query.page = max(1, min(query.page, MAX_PAGE))
    return query


def accepted_language(header: str, available: list[str]) -> str | None:
    """The first of ``available`` an ``Accept-Language`` header asks for, by its q values."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in available and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else None


# --- the page ---------------------------------------------------------------------------------------

@dataclass
class Page:
    """The content of one results page, before it is laid out."""

    lang: str
    status: int = 200
    query: str = ""
    messages: list[str] = field(default_factory=list)
    """Paragraphs (HTML, already escaped) shown above the results."""
    results: Results | None = None
    show_az: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class SearchPage:
    """The ``/search`` route and the state it needs: the indexes, the looks, a limiter, worker threads."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit, settings.rate_burst, settings.rate_clients)
        self.trusted_proxies = settings.trusted_networks
        self.indexes = SiteIndexes()
        self.looks: dict[str, Look] = {}
        self.policies: dict[str, str] = {}
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    # --- lifecycle (the app's lifespan) ---

    def start(self) -> None:
        """Build every language's index from ``--site`` and read each home page's look (blocking)."""
        site = self.settings.site
        self.indexes = load_indexes(site)
        self.looks = {lang: read_look(site, index.root, self.settings.site_url)
                      for lang, index in self.indexes.languages.items()}
        self.policies = {lang: policy(look) for lang, look in self.looks.items()}
        self._executor = concurrent.futures.ThreadPoolExecutor(WORKERS, thread_name_prefix="search")

    def stop(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self.indexes.close()

    def describe(self) -> dict[str, object]:
        return self.indexes.describe()

    # --- the route ---

    async def handle(self, request: Request) -> Response:
        query = read_query(request.scope.get("query_string", b""))
        lang = self._language(query.lang, request.headers.get("accept-language", ""))
        page = Page(lang, query=query.text)
        peer = request.client.host if request.client else ""
        wait = self.limiter.check(client_address(peer, request.headers.getlist("x-forwarded-for"),
                                                 self.trusted_proxies))
        strings = STRINGS[lang]
        index = self.indexes.get(lang)
        if wait:
            page.status, page.headers = 429, {"Retry-After": retry_after(wait)}
            page.messages.append(html.escape(strings["busy"]))
        elif query.unreadable:
            page.status = 400
            page.messages.append(html.escape(strings["unreadable"]))
        elif query.too_long:
            page.status = 400
            page.messages.append(html.escape(strings["too_long"].format(length=self._number(query.length, lang),
                                                                        limit=MAX_QUERY)))
        elif index is None or self._executor is None:
            page.status, page.headers = 503, {"Retry-After": "60"}
            page.messages.append(html.escape(strings["unavailable"]))
            page.show_az = True
        elif not query.text:
            if query.typed:  # blank, or only spaces and invisible characters; no field at all: just the form
                page.messages.append(html.escape(strings["empty"]))
        elif not index.analyzer.query_terms(query.text):
            has_words = any(c.isalnum() for c in query.text)
            page.messages.append(self._say(strings["common" if has_words else "no_words"], query.text))
        else:
            loop = asyncio.get_running_loop()
            results = await loop.run_in_executor(self._executor, index.search, query.text, query.page)
            page.results = results
            if not results.total:
                page.messages.append(self._say(strings["none"], query.text))
                page.messages.append(html.escape(strings["hint"]))
                page.show_az = True
            else:
                key = "count_one" if results.total == 1 else "count_many"
                page.messages.append(self._say(strings[key], query.text, count=self._number(results.total, lang)))
                if not results.every_word:
                    page.messages.append(html.escape(strings["some_words"]))
                if results.total > PER_PAGE:
                    first = (results.page - 1) * PER_PAGE + 1
                    last = first + len(results.hits) - 1
                    page.messages.append(html.escape(strings["range"].format(
                        first=self._number(first, lang), last=self._number(last, lang),
                        count=self._number(results.total, lang))))
        return self._respond(page)

    def _language(self, asked: str | None, accept: str) -> str:
        available = [lang for lang in STRINGS if lang in STEMMERS]
        if asked in available:
            return asked  # type: ignore[return-value]
        found = accepted_language(accept, available)
        if found:
            return found
        default = self.indexes.default
        return default if default in available else available[0]

    @staticmethod
    def _number(value: int, lang: str) -> str:
        return f"{value:,}".replace(",", NBSP if lang == "fr" else ",")

    @staticmethod
    def _say(template: str, query: str, count: str = "") -> str:
        """A message with the reader's query in it, escaped (the query is never read as a template)."""
        return html.escape(template).replace("{count}", html.escape(count)).replace("{query}", html.escape(query))

    # --- layout ---

    def _respond(self, page: Page) -> Response:
        body = self.render(page)
        headers = {
            "Cache-Control": "no-store",
            "Content-Language": page.lang,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",  # the query stays out of the site's logs
            "X-Robots-Tag": "noindex",
            "Content-Security-Policy": self.policies.get(page.lang) or policy(Look()),
            **page.headers,
        }
        return Response(body, status_code=page.status, media_type="text/html; charset=utf-8", headers=headers)

    def render(self, page: Page) -> str:
        lang = page.lang
        strings = STRINGS[lang]
        look = self.looks.get(lang, Look())
        index = self.indexes.get(lang)
        root = index.root if index else ("" if lang == self.indexes.default else f"{lang}/")
        home = self.settings.site_url + root
        site_name = look.site_name or strings["site_name"]
        e = html.escape
        title = (strings["title_query"].replace("{query}", page.query) if page.query else strings["title"])
        parts = [
            "<!doctype html>",
            f'<html lang="{e(lang)}" class="no-js">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width,initial-scale=1">',
            '<meta name="robots" content="noindex">',
            f"<title>{e(title)} - {e(site_name)}</title>",
            *(f'<link rel="stylesheet" href="{e(url)}">' for url in look.stylesheets),
            "</head>",
            "<body" + "".join(f' {e(name)}="{e(value)}"' for name, value in look.body) + ">",
            f'<a href="#hc-search-main" class="md-skip">{e(strings["skip"])}</a>',
            '<header class="md-header md-header--shadow">',
            f'<nav class="md-header__inner md-grid" aria-label="{e(look.header_label or strings["header"])}">',
        ]
        if look.logo:
            parts.append(f'<a href="{e(home)}" title="{e(site_name)}" class="md-header__button md-logo" '
                         f'aria-label="{e(site_name)}">{look.logo}</a>')
        parts += [
            '<div class="md-header__title"><div class="md-header__ellipsis"><div class="md-header__topic">',
            f'<a class="hc-search-page__home" href="{e(home)}"><span class="md-ellipsis">{e(site_name)}</span></a>',
            "</div></div></div>",
            "</nav>",
            "</header>",
            '<div class="md-container">',
            '<main class="md-main"><div class="md-main__inner md-grid"><div class="md-content">',
            '<article class="md-content__inner md-typeset hc-search-page" id="hc-search-main">',
            f'<h1>{e(strings["heading"] if page.query else strings["heading_empty"])}</h1>',
            '<form class="hc-search-page__form" method="get" action="search" role="search">',
            f'<input type="hidden" name="lang" value="{e(lang)}">',
            f'<label class="hc-search-page__label" for="hc-search-query">{e(strings["label"])}</label>',
            '<div class="hc-search-page__row">',
            f'<input class="hc-search-page__input" id="hc-search-query" type="search" name="query" '
            f'value="{e(page.query)}" maxlength="{MAX_QUERY}" required>',
            f'<button class="md-button md-button--primary hc-search-page__button" type="submit">{e(strings["button"])}</button>',
            "</div>",
            "</form>",
        ]
        parts += [f'<p class="hc-search-page__message">{message}</p>' for message in page.messages]
        if page.show_az:
            parts.append(f'<p class="hc-search-page__az"><a href="{e(look.az or home + "help/")}">{e(strings["az"])}</a></p>')
        results = page.results
        if results and results.hits:
            parts.append(f'<ol class="hc-search-page__results" start="{(results.page - 1) * PER_PAGE + 1}">')
            for hit in results.hits:
                href = home + quote(hit.location, safe="/#-._~%!$&'()*+,;=:@")
                parts.append('<li class="hc-search-page__result">')
                parts.append(f'<h2 class="hc-search-page__title"><a href="{e(href)}">{hit.title_html or e(hit.location)}</a></h2>')
                if hit.section:
                    parts.append(f'<p class="hc-search-page__section">{e(strings["in"])} {e(hit.section)}</p>')
                if hit.snippet_html:
                    parts.append(f'<p class="hc-search-page__snippet">{hit.snippet_html}</p>')
                parts.append("</li>")
            parts.append("</ol>")
            parts.append(self._pager(page, results))
        parts += ["</article>", "</div></div></main>", "</div>", "</body>", "</html>", ""]
        return "\n".join(part for part in parts if part)

    def _pager(self, page: Page, results: Results) -> str:
        strings = STRINGS[page.lang]
        links = []
        last_page = min(MAX_PAGE, (results.total + PER_PAGE - 1) // PER_PAGE)

        def href(number: int) -> str:
            return "?" + urlencode({"lang": page.lang, "query": page.query, "page": number})

        if results.page > 1:
            links.append(f'<a class="md-button" rel="prev" href="{html.escape(href(results.page - 1))}">'
                         f'{html.escape(strings["previous"])}</a>')
        if results.page < last_page:
            links.append(f'<a class="md-button" rel="next" href="{html.escape(href(results.page + 1))}">'
                         f'{html.escape(strings["next"])}</a>')
        if not links:
            return ""
        return (f'<nav class="hc-search-page__pager" aria-label="{html.escape(strings["pages"])}">'
                + "".join(links) + "</nav>")
