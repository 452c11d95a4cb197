"""Posts are accepted only from the help centre's own pages: another site cannot
make its visitors' browsers vote (cross-site request forgery)."""

from __future__ import annotations

import httpx
import pytest

from helpcentre_feedback.origin import cross_site_reason, origin_of, parse_origin_header
from helpcentre_feedback.settings import Settings, SettingsError

from feedback_support import fb, service, spawn  # noqa: F401

SITE = "https://help.example.test"
ANSWER = {"page": "rms-administrator-job-aid", "lang": "en", "answer": "yes"}


@pytest.mark.parametrize(("url", "origin"), [
    ("https://help.example.test/", SITE),
    ("HTTPS://Help.Example.TEST:443/fr/help/x/?q=1#top", SITE),  # case and default port normalised
    ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
    ("http://localhost:80", "http://localhost"),
    ("https://[2001:DB8::1]:8443/", "https://[2001:db8::1]:8443"),
    ("https://aide.exemple.test:444", "https://aide.exemple.test:444"),
    ("https://bücher.example/", "https://xn--bcher-kva.example"),  # as browsers send it
    ("ftp://help.example.test/", None),
    ("/help/", None),
    ("https://user:pw@help.example.test/", None),
    ("https://help.example.test:99999/", None),
    ("https://help.example.test:x/", None),
    ("", None),
])
def test_origins_are_compared_by_scheme_host_and_port_normalised(url, origin):
    assert origin_of(url) == origin


@pytest.mark.parametrize(("header", "origin"), [
    (SITE, SITE), ("https://HELP.example.test:443", SITE), ("null", None), ("NULL", None),
    (SITE + "/", None), (SITE + "/help/", None), (SITE + "?", None), ("help.example.test", None),
])
def test_an_origin_header_is_an_origin_and_nothing_more(header, origin):
    assert parse_origin_header(header) == origin


def test_the_decision_for_each_kind_of_post():
    assert cross_site_reason([SITE], [], SITE) is None
    assert cross_site_reason([SITE], ["https://evil.example/page"], SITE) is None  # Origin decides when present
    assert "another site" in cross_site_reason(["https://evil.example"], [SITE + "/help/"], SITE)
    assert "null" in cross_site_reason(["null"], [SITE + "/help/"], SITE)
    assert cross_site_reason([], [SITE + "/fr/help/x/"], SITE) is None
    assert "another site" in cross_site_reason([], ["https://evil.example/?" + SITE], SITE)
    assert "no Origin or Referer" in cross_site_reason([], [], SITE)
    assert cross_site_reason([], [], SITE, allow_missing=True) is None
    assert "another site" in cross_site_reason(["https://evil.example"], [], SITE, allow_missing=True)
    assert "more than one" in cross_site_reason([SITE, "https://evil.example"], [], SITE)


def test_the_site_origin_comes_from_the_site_url():
    assert Settings(site_url="HTTPS://Help.Example.Test:443/centre").site_origin == SITE
    assert Settings().allow_missing_origin is False
    with pytest.raises(SettingsError, match="site_url"):
        Settings(site_url="https://help.example.test:notaport/")


def post(service, path: str = "/answer", data: dict | None = None, **headers: str) -> httpx.Response:
    with httpx.Client(base_url=service.url, timeout=10) as client:  # no default Origin
        return client.post(path, data=data or ANSWER, headers=headers)


def test_a_post_from_the_site_is_accepted(fb, service):
    before = len(fb.rows(service.db))
    assert post(service, Origin=SITE).status_code == 303
    assert post(service, Origin="https://Help.Example.Test:443").status_code == 303
    assert len(fb.rows(service.db)) == before + 2


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "http://help.example.test"},  # another scheme
    {"Origin": "https://help.example.test:8443"},  # another port
    {"Origin": "https://help.example.test.evil.example"},  # a look-alike host
    {"Origin": "null"},  # a sandboxed frame, a data: page, or a page hiding its address
    {"Origin": "https://evil.example", "Referer": SITE + "/help/"},  # a Referer cannot outvote Origin
    {"Referer": "https://evil.example/help.example.test/"},
    {},  # neither header: not a browser's form post
], ids=["other site", "other scheme", "other port", "look-alike host", "null", "origin over referer",
        "other site's referer", "no header"])
def test_a_post_from_anywhere_else_is_refused_with_403_and_stores_nothing(fb, service, headers):
    answers, comments = fb.rows(service.db), fb.rows(service.db, "comments")
    comment = {"page": ANSWER["page"], "lang": "en", "comment": "spam"}
    for path, data in (("/answer", ANSWER), ("/comment", comment)):
        response = post(service, path, data, **headers)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        # A short page in both languages: the reader may have been sent here by another site.
        assert "Your feedback was not recorded" in response.text
        assert "not sent from a page of the help centre" in response.text
        assert "Cette réponse n’a pas été envoyée depuis une page du centre d’aide." in response.text
        assert response.headers["cache-control"] == "no-store"
    assert fb.rows(service.db) == answers
    assert fb.rows(service.db, "comments") == comments


def test_without_origin_a_referer_from_the_site_is_enough(fb, service):
    before = len(fb.rows(service.db))
    assert post(service, Referer=SITE + "/fr/help/ereferral/rms-administrator-job-aid/").status_code == 303
    assert len(fb.rows(service.db)) == before + 1


def test_two_origin_headers_are_refused(service):
    with httpx.Client(base_url=service.url, timeout=10) as client:
        response = client.post("/answer", data=ANSWER, headers=[("Origin", SITE), ("Origin", "https://evil.example")])
    assert response.status_code == 403


def test_a_refused_origin_does_not_use_up_the_reader_s_rate_limit(fb, spawn):
    svc = spawn("--rate-limit", "6", "--rate-burst", "2")
    assert [post(svc, Origin="https://evil.example").status_code for _ in range(5)] == [403] * 5
    assert [post(svc, Origin=SITE).status_code for _ in range(3)] == [303, 303, 429]


def test_header_less_posts_can_be_allowed_explicitly_other_origins_never(fb, spawn):
    svc = spawn("--allow-missing-origin")
    assert post(svc).status_code == 303
    assert post(svc, Origin="https://evil.example").status_code == 403
    assert post(svc, Origin="null").status_code == 403
    assert httpx.get(svc.url + "/healthz").json()["origin"] == SITE
