"""Bad posts are refused with a 4xx, store nothing, and leave the service answering."""

from __future__ import annotations

import pytest

from feedback_support import client, fb, service  # noqa: F401

PAGE = "rms-administrator-job-aid"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def form(text: str) -> dict:
    return {"content": text.encode("ascii"), "headers": FORM}


def chunks(total: int):
    """A body sent chunked, without Content-Length: the cap must hold while streaming."""
    sent = 0
    while sent < total:
        yield b"comment=" + b"a" * 1000 if sent == 0 else b"a" * 1000
        sent += 1000


CASES = {
    "unknown page": ("POST", "/answer", form(f"page=no-such-article&lang=en&answer=yes"), 422),
    "page id in the wrong case": ("POST", "/answer", form(f"page=RMS-Administrator-Job-Aid&lang=en&answer=yes"), 422),
    "unknown language": ("POST", "/answer", form(f"page={PAGE}&lang=de&answer=yes"), 422),
    "unknown answer": ("POST", "/answer", form(f"page={PAGE}&lang=en&answer=maybe"), 422),
    "missing answer": ("POST", "/answer", form(f"page={PAGE}&lang=en"), 400),
    "empty answer": ("POST", "/answer", form(f"page={PAGE}&lang=en&answer="), 400),
    "empty body": ("POST", "/answer", form(""), 400),
    "answer given twice": ("POST", "/answer", form(f"page={PAGE}&lang=en&answer=yes&answer=no"), 400),
    "unexpected field": ("POST", "/answer", form(f"page={PAGE}&lang=en&answer=yes&email=a%40b.org"), 400),
    "not name=value": ("POST", "/answer", form("hello"), 400),
    "bad UTF-8 in a value": ("POST", "/answer", form(f"page={PAGE}%FF&lang=en&answer=yes"), 400),
    "bad UTF-8 in a comment": ("POST", "/comment", form(f"page={PAGE}&lang=en&comment=caf%C3%28"), 400),
    "raw non-ASCII bytes": ("POST", "/comment", {"content": f"page={PAGE}&lang=en&comment=café".encode("latin-1"), "headers": FORM}, 400),
    "bad percent escape": ("POST", "/answer", form(f"page={PAGE}&lang=en&answer=ye%s"), 400),
    "truncated percent escape": ("POST", "/comment", form(f"page={PAGE}&lang=en&comment=100%"), 400),
    "control character in a comment": ("POST", "/comment", form(f"page={PAGE}&lang=en&comment=a%00b"), 400),
    "comment too long": ("POST", "/comment", form(f"page={PAGE}&lang=en&comment=" + "a" * 501), 422),
    "comment for an unknown page": ("POST", "/comment", form("page=nope&lang=en&comment=hello"), 422),
    "oversized body": ("POST", "/comment", form(f"page={PAGE}&lang=en&comment=" + "a" * 9000), 413),
    "oversized chunked body": ("POST", "/comment", {"content": lambda: chunks(20_000), "headers": FORM}, 413),
    "JSON": ("POST", "/answer", {"json": {"page": PAGE, "lang": "en", "answer": "yes"}}, 415),
    "multipart": ("POST", "/answer", {"files": {"page": (None, PAGE)}, "data": {"lang": "en", "answer": "yes"}}, 415),
    "no content type": ("POST", "/answer", {"content": f"page={PAGE}&lang=en&answer=yes".encode()}, 415),
    "latin-1 charset": ("POST", "/answer", {"content": f"page={PAGE}&lang=en&answer=yes".encode(),
                                            "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1"}}, 415),
    "GET an answer": ("GET", f"/answer?page={PAGE}&lang=en&answer=yes", {}, 405),
    "PUT an answer": ("PUT", "/answer", form(f"page={PAGE}&lang=en&answer=yes"), 405),
    "DELETE comments": ("DELETE", "/comment", {}, 405),
    "POST to health": ("POST", "/healthz", form(f"page={PAGE}&lang=en&answer=yes"), 405),
}


def send(client, method: str, path: str, kwargs: dict):
    if callable(kwargs.get("content")):  # a generator body is made afresh for each request
        kwargs = {**kwargs, "content": kwargs["content"]()}
    return client.request(method, path, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_post_is_refused_and_stores_nothing(fb, service, client, case):
    method, path, kwargs, status = CASES[case]
    answers, comments = fb.rows(service.db), fb.rows(service.db, "comments")
    response = send(client, method, path, kwargs)
    assert response.status_code == status
    assert fb.rows(service.db) == answers
    assert fb.rows(service.db, "comments") == comments
    assert client.get("/healthz").status_code == 200  # still answering
    if method == "POST" and status != 405:  # the reader's browser shows a page that says what happened
        assert response.headers["content-type"].startswith("text/html")
        assert "not recorded" in response.text


def test_the_service_still_stores_answers_after_bad_input(fb, service, client):
    for method, path, kwargs, _ in CASES.values():
        send(client, method, path, kwargs)
    before = fb.rows(service.db)
    response = client.post("/answer", data={"page": PAGE, "lang": "en", "answer": "yes"})
    assert response.status_code == 303
    assert len(fb.rows(service.db)) == len(before) + 1
