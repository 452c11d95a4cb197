"""GET /search, the results page for readers without JavaScript: the app in-process (Starlette's
test client), and the real service over HTTP for what only a socket shows (a 10 MB address, the
rate limit, the log)."""

from __future__ import annotations

import asyncio
import re
import socket
import time
import warnings
from html.parser import HTMLParser

import httpx
import pytest

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from helpcentre_feedback.app import create_app
from helpcentre_feedback.search import MAX_QUERY
from helpcentre_feedback.settings import Settings

from feedback_support import fb, spawn, write_manifest  # noqa: F401
from search_support import SITE_URL, STYLESHEETS, write_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return write_site(tmp_path_factory.mktemp("search-page") / "site")


@pytest.fixture(scope="module")
def client(site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search-service")
    settings = Settings(db=f"sqlite:///{tmp / 'feedback.sqlite3'}", manifest=write_manifest(tmp / "manifest.json"),
                        site=site, site_url=SITE_URL, rate_limit=0)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8001") as test_client:
        yield test_client


class Page(HTMLParser):
    """What a reader's browser makes of a results page: language, title, links, marks, messages."""

    def __init__(self, text: str):
        super().__init__()
        self.lang = None
        self.title = ""
        self.stylesheets: list[str] = []
        self.results: list[str] = []
        self.marks: list[str] = []
        self.sections: list[str] = []
        self.messages: list[str] = []
        self.input_value = None
        self.scripts = 0
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a["href"])
        elif tag == "a" and "title" in self._in:
            self.results.append(a["href"])
        elif tag == "input" and a.get("name") == "query":
            self.input_value = a.get("value")
        elif tag == "script" or any(name.startswith("on") for name in a):
            self.scripts += 1
        kind = ("mark" if tag == "mark" else "title" if "hc-search-page__title" in classes
                else "section" if "hc-search-page__section" in classes
                else "message" if "hc-search-page__message" in classes else "htmltitle" if tag == "title" else None)
        self._in.append(kind or (self._in[-1] if self._in else ""))
        if kind == "mark":
            self.marks.append("")
        elif kind in ("section", "message"):
            getattr(self, kind + "s").append("")

    def handle_endtag(self, tag):
        if self._in:
            self._in.pop()

    def handle_data(self, data):
        where = self._in[-1] if self._in else ""
        if where == "mark":
            self.marks[-1] += data
        elif where in ("section", "message"):
            getattr(self, where + "s")[-1] += data
        elif where == "htmltitle":
            self.title += data


def search(client, **params) -> tuple[httpx.Response, Page]:
    response = client.get("/search", params=params)
    assert response.status_code != 500
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Traceback" not in response.text
    return response, Page(response.text)


def test_results_in_the_reader_s_language_in_the_site_s_look(client):
    response, page = search(client, lang="fr", query="référence")
    assert response.status_code == 200
    assert page.lang == "fr" and response.headers["content-language"] == "fr"
    assert page.title == "Résultats de recherche pour «\u00a0référence\u00a0» - Centre d’aide"
    assert page.stylesheets == [SITE_URL + href for href in STYLESHEETS]  # the built site's, from its URL
    assert "Centre d’aide" in response.text and 'aria-label="En-tête"' in response.text
    assert page.results and all(url.startswith(SITE_URL + "fr/help/") for url in page.results)
    assert SITE_URL + "fr/help/referrals/send-a-referral/" in page.results
    assert set(page.marks) <= {"référence", "Références", "références"} and page.marks
    assert page.sections[0].startswith("Dans ")
    assert page.messages[0].startswith(f"{len(page.results)} résultat")
    assert page.input_value == "référence"  # the box keeps the query, to refine it
    assert page.scripts == 0


def test_english_results_link_below_the_site_root(client):
    response, page = search(client, lang="en", query="passwords")
    assert response.status_code == 200 and page.lang == "en"
    assert page.results == [SITE_URL + "help/accounts/reset-password/"]
    assert page.marks == ["password", "Passwords"]
    assert page.sections == ["In All articles, A to Z"]
    assert page.messages == ["1 result for “passwords”."]


def test_q_is_accepted_too_and_a_french_query_stays_on_french_pages(client):
    _, page = search(client, lang="fr", q="configuration")
    assert page.results == [SITE_URL + "fr/help/accounts/configure-printers/"]
    response, english_word = search(client, lang="fr", q="passwords")
    assert english_word.results == [] and english_word.messages[0].startswith("Aucune page ne correspond")
    # The A–Z index where the French home page links to it (French addresses may differ from English ones).
    assert f'<a href="{SITE_URL}fr/articles/">Tous les articles de A à Z</a>' in response.text
    response, _ = search(client, lang="en", q="zzzzzz")
    assert f'<a href="{SITE_URL}help/">All articles, A to Z</a>' in response.text


def test_without_lang_the_browser_s_language_then_the_site_s_default_is_used(client):
    response = client.get("/search", params={"query": "imprimantes"}, headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert Page(response.text).lang == "fr" and Page(response.text).results
    response = client.get("/search", params={"query": "printers"}, headers={"Accept-Language": "de"})
    assert Page(response.text).lang == "en"
    response = client.get("/search", params={"query": "printers", "lang": "xx"})
    assert Page(response.text).lang == "en"


@pytest.mark.parametrize(("lang", "params", "status", "message"), [
    ("en", {"query": ""}, 200, "Type one or more words to search for."),
    ("fr", {"query": "   "}, 200, "Tapez un ou plusieurs mots à rechercher."),
    ("fr", {"query": "\x00\x07\x1b"}, 200, "Tapez un ou plusieurs mots à rechercher."),
    ("en", {"query": "x" * (MAX_QUERY + 1)}, 400, "Your search is too long: it has 201 characters"),
    ("fr", {"query": "é" * 1000}, 400, "Votre recherche est trop longue\u00a0: elle compte 1\u00a0000 caractères"),
    ("en", {"query": "the of and"}, 200, "“the of and” has only very common words."),
    ("fr", {"query": "les de la"}, 200, "«\u00a0les de la\u00a0» ne contient que des mots très courants."),
    ("en", {"query": "^ * \""}, 200, "“^ * \"” has no words to search for."),
])
def test_empty_overlong_and_wordless_queries_get_a_clear_page(client, lang, params, status, message):
    response, page = search(client, lang=lang, **params)
    assert response.status_code == status
    assert page.lang == lang
    assert any(m.startswith(message) for m in page.messages), page.messages
    assert page.results == []


def test_visiting_search_with_no_query_is_a_search_form(client):
    response, page = search(client)
    assert response.status_code == 200 and page.messages == [] and page.input_value == ""


@pytest.mark.parametrize("raw", [b"lang=fr&query=%zz", b"lang=fr&query=%C3", b"lang=fr&query=a&query=b",
                                 b"lang=fr&query=%ED%A0%80"])
def test_a_query_that_cannot_be_read_gets_a_page_in_the_reader_s_language(client, raw):
    response = client.get("/search?" + raw.decode("latin-1"))
    page = Page(response.text)
    assert response.status_code == 400, response.text
    assert page.lang == "fr" and page.messages == ["Votre recherche n’a pas pu être lue. Tapez-la de nouveau dans la zone ci-dessus."]


def asgi_get(app, query_string: bytes) -> tuple[int, str]:
    """One GET /search straight through the ASGI app, with a query string no HTTP client would send."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/search", "raw_path": b"/search", "query_string": query_string, "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8001")], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8001)}
    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body.decode("utf-8")


def test_a_10_mb_query_gets_the_too_long_page(client):
    status, text = asgi_get(client.app, b"lang=fr&query=" + b"a" * (10 * 1024 * 1024))
    page = Page(text)
    assert status == 400 and page.lang == "fr"
    assert page.messages[0].startswith("Votre recherche est trop longue")
    assert len(text) < 10_000  # nothing of it echoed
    status, text = asgi_get(client.app, b"query=" + b"%22NEAR%28%2A" * 1_000_000 + b"&lang=en")
    assert status == 400 and Page(text).lang == "en" and "too long" in text


HOSTILE = ['"', '"referral', "*", "referral*", "NEAR(referral password)", "NEAR(", "AND OR", "^referral",
           "title:referral", "{title text}: referral", "'; DROP TABLE docs; --", "referral\x00\x1b[31m",
           "\u202ereferral", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "&amp; &lt;", "%00"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_echoed_as_text_and_searched_as_words(client, query):
    response, page = search(client, lang="en", query=query)
    assert response.status_code == 200
    assert page.scripts == 0 and "<script>" not in response.text and "<img" not in response.text
    if "referral" in query:
        assert SITE_URL + "help/referrals/send-a-referral/" in page.results, query
    assert "\x00" not in response.text and "\x1b" not in response.text and "\u202e" not in response.text


def test_result_pages_link_to_each_other(tmp_path):
    from search_support import write_index
    site = tmp_path / "site"
    write_index(site / "search" / "search_index.json", "en",
                [{"location": f"help/a/p{i}/", "title": f"Page {i}", "text": "vaccination"} for i in range(45)])
    settings = Settings(db=f"sqlite:///{tmp_path / 'f.sqlite3'}", manifest=write_manifest(tmp_path / "m.json"),
                        site=site, site_url=SITE_URL, rate_limit=0)
    with TestClient(create_app(settings)) as test_client:
        first = test_client.get("/search", params={"query": "vaccination"}).text
        assert 'rel="next" href="?lang=en&amp;query=vaccination&amp;page=2"' in first and 'rel="prev"' not in first
        assert "Results 1 to 20 of 45." in first
        last = test_client.get("/search", params={"query": "vaccination", "page": "3"}).text
        assert 'rel="prev"' in last and 'rel="next"' not in last and "Results 41 to 45 of 45." in last
        assert 'start="41"' in last
        beyond = test_client.get("/search", params={"query": "vaccination", "page": "40"}).text
        assert "Results 41 to 45 of 45." in beyond and 'rel="next"' not in beyond
        odd = test_client.get("/search", params={"query": "vaccination", "page": "²"})
        assert odd.status_code == 200 and "Results 1 to 20" in odd.text


def test_the_page_s_headers_keep_the_query_private_and_the_page_inert(client):
    response, _ = search(client, lang="en", query="printers")
    headers = response.headers
    assert headers["cache-control"] == "no-store" and headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff" and headers["x-robots-tag"] == "noindex"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "style-src https://help.example.test" in csp
    assert "script-src" not in csp and "form-action 'self'" in csp


def test_the_health_check_reports_each_language_s_index(client):
    search_health = client.get("/healthz").json()["search"]
    assert set(search_health) == {"en", "fr"}
    for lang in ("en", "fr"):
        assert search_health[lang]["docs"] > 0 and search_health[lang]["fts_bytes"] > 0
        assert search_health[lang]["index_json_bytes"] > 0


def test_without_a_built_site_search_says_it_is_unavailable_and_feedback_still_works(tmp_path, fb):
    settings = Settings(db=f"sqlite:///{tmp_path / 'f.sqlite3'}", manifest=write_manifest(tmp_path / "m.json"),
                        site=tmp_path / "no-site", site_url=SITE_URL, rate_limit=0)
    with TestClient(create_app(settings)) as test_client:
        response = test_client.get("/search", params={"lang": "fr", "query": "imprimantes"})
        page = Page(response.text)
        assert response.status_code == 503 and page.lang == "fr"
        assert page.messages[0].startswith("La recherche n’est pas disponible")
        assert f'href="{SITE_URL}fr/help/"' in response.text  # the A–Z index instead
        health = test_client.get("/healthz").json()
        assert health["status"] == "ok" and "build the site first" in health["search"]["errors"][0]
        posted = test_client.post("/answer", data={"page": fb.PAGE, "lang": "en", "answer": "yes"}, headers=fb.ORIGIN,
                                  follow_redirects=False)
        assert posted.status_code == 303


# --- the real service, over HTTP -------------------------------------------------------------------

def test_searches_are_rate_limited_and_never_logged(spawn, site):
    service = spawn("--site", str(site), "--rate-limit", "1", "--rate-burst", "2")
    statuses = []
    for _ in range(3):
        response = httpx.get(service.url + "/search", params={"lang": "fr", "query": "imprimantes secretword"})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]
    assert int(response.headers["retry-after"]) >= 1
    assert Page(response.text).lang == "fr" and Page(response.text).messages[0].startswith("Trop de recherches")
    time.sleep(0.3)
    log = service.log()
    assert "GET /search 200" in log and "GET /search 429" in log
    assert "secretword" not in log and "imprimantes" not in log
    access = [line for line in log.splitlines() if "helpcentre_feedback.access" in line]
    assert access and not any("127.0.0.1" in line or "?" in line for line in access)


def test_a_10_mb_address_is_refused_by_the_http_layer_in_both_languages_and_the_service_goes_on(spawn, site):
    service = spawn("--site", str(site), "--rate-limit", "0")
    head = b"GET /search?lang=fr&query=" + b"a" * (10 * 1024 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = b""
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as conn:
        try:
            conn.sendall(head)
        except OSError:  # the service closed the connection after the first 16 KiB: expected
            pass
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except OSError:  # a reset can swallow the 400; what matters is below
            pass
    if answer:
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
        assert "Cette requête n’a pas pu être lue".encode() in answer and b"could not be read" in answer
    assert httpx.get(service.url + "/search", params={"lang": "en", "query": "printers"}).status_code == 200
    time.sleep(0.3)
    assert "Traceback" not in service.log() and " 500 " not in service.log()


def test_a_head_that_never_ends_gets_the_bilingual_400(spawn, site):
    service = spawn("--site", str(site), "--rate-limit", "0")
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as conn:
        conn.sendall(b"GET /search?lang=en&query=" + b"a" * 40_000)  # past h11's 16 KiB, no end of head yet
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    assert re.match(rb"HTTP/1.1 400 ", answer), answer[:200]
    assert b"could not be read" in answer and "n’a pas pu être lue".encode() in answer
