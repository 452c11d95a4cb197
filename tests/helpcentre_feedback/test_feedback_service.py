"""The service over HTTP, as the site's forms use it: answers, comments, health,
what lands in the database, what the log says, and manifest reloads."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from feedback_support import client, fb, service, spawn  # noqa: F401


def stamp_is_now(created_at: str) -> bool:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created_at), created_at
    when = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return abs(datetime.now(timezone.utc) - when) < timedelta(minutes=5)


@pytest.mark.parametrize(
    ("lang", "answer", "destination"),
    [
        ("en", "yes", "feedback/thanks/"),
        ("fr", "yes", "fr/feedback/thanks/"),
        ("en", "no", "feedback/more/rms-administrator-job-aid/"),
        ("fr", "no", "fr/feedback/more/rms-administrator-job-aid/"),
        ("en", "partly", "feedback/more/rms-administrator-job-aid/"),
        ("fr", "partly", "fr/feedback/more/rms-administrator-job-aid/"),
    ],
)
def test_an_answer_is_stored_then_the_reader_is_sent_to_the_page_in_their_language(
    fb, service, client, lang, answer, destination
):
    before = fb.rows(service.db)
    response = client.post("/answer", data={"page": fb.PAGE, "lang": lang, "answer": answer})
    assert response.status_code == 303
    assert response.headers["location"] == fb.SITE_URL + destination
    new = fb.rows(service.db)[len(before):]
    assert len(new) == 1
    page, stored_lang, stored_answer, created_at = new[0]
    assert (page, stored_lang, stored_answer) == (fb.PAGE, lang, answer)
    assert stamp_is_now(created_at)


def test_the_database_holds_only_the_allowed_columns_in_wal_mode(fb, service, client):
    client.post("/answer", data={"page": fb.PAGE, "lang": "en", "answer": "yes"})
    assert fb.columns(service.db, "answers") == ["page", "lang", "answer", "created_at"]
    assert fb.columns(service.db, "comments") == ["page", "lang", "comment", "created_at"]
    conn = sqlite3.connect(service.db)
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    assert tables == {"answers", "comments"}
    assert journal == "wal"


def test_the_comment_flow_stores_the_comment_and_thanks_the_reader(fb, service, client):
    answer = client.post("/answer", data={"page": fb.PAGE, "lang": "fr", "answer": "partly"})
    assert answer.headers["location"] == fb.SITE_URL + "fr/feedback/more/rms-administrator-job-aid/"
    before = fb.rows(service.db, "comments")
    text = "  L’étape 3 manque une capture.\r\nMerci !  "
    response = client.post("/comment", data={"page": fb.PAGE, "lang": "fr", "comment": text})
    assert response.status_code == 303
    assert response.headers["location"] == fb.SITE_URL + "fr/feedback/thanks/"
    new = fb.rows(service.db, "comments")[len(before):]
    assert [(p, lang, comment) for p, lang, comment, _ in new] == [
        (fb.PAGE, "fr", "L’étape 3 manque une capture.\nMerci !")
    ]
    assert stamp_is_now(new[0][3])


def test_a_comment_of_exactly_500_characters_is_kept_whole(fb, service, client):
    text = "é" * 499 + "!"
    response = client.post("/comment", data={"page": fb.PAGE, "lang": "en", "comment": text})
    assert response.status_code == 303
    assert fb.rows(service.db, "comments")[-1][2] == text


@pytest.mark.parametrize("body", [{"page": "rms-administrator-job-aid", "lang": "en", "comment": "   "},
                                  {"page": "rms-administrator-job-aid", "lang": "en"}])
def test_skipping_the_comment_thanks_the_reader_and_stores_nothing(fb, service, client, body):
    before = fb.rows(service.db, "comments")
    response = client.post("/comment", data=body)
    assert response.status_code == 303
    assert response.headers["location"] == fb.SITE_URL + "feedback/thanks/"
    assert fb.rows(service.db, "comments") == before


def test_health_reports_the_database_and_the_manifest(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["db"] == "ok"
    assert body["manifest"] == {"pages": 1, "error": None}


def test_nothing_identifying_reaches_the_log_or_the_database(fb, service, client):
    probe_address, probe_agent, probe_query = "203.0.113.77", "PrivacyProbe/9.9", "alice@example.org"
    response = client.post(
        f"/answer?email={probe_query}",
        data={"page": fb.PAGE, "lang": "en", "answer": "no"},
        headers={"User-Agent": probe_agent, "X-Forwarded-For": probe_address, "Cookie": "session=abc123"},
    )
    assert response.status_code == 303
    assert client.get(f"/private/{probe_query}").status_code == 404
    time.sleep(0.2)  # let the log line reach the file
    log = service.log()
    assert "POST /answer 303" in log  # the request was logged...
    assert "GET (other) 404" in log
    for secret in (probe_address, probe_agent, probe_query, "abc123"):  # ...without anything about who sent it
        assert secret not in log
        for path in service.db.parent.glob(service.db.name + "*"):  # the database, its WAL and shared memory
            assert secret.encode() not in path.read_bytes()


def test_a_rebuilt_site_s_new_article_is_accepted_without_a_restart(fb, spawn, tmp_path):
    manifest = fb.write_manifest(tmp_path / "site" / "feedback-manifest.json")
    svc = spawn("--rate-limit", "0", "--manifest-check", "0", manifest=manifest)
    new = {"page": "new-article", "lang": "en", "answer": "yes"}
    assert httpx.post(svc.url + "/answer", data=new, headers=fb.ORIGIN).status_code == 422

    fb.write_manifest(manifest, [fb.PAGE, "new-article"])
    assert httpx.post(svc.url + "/answer", data=new, headers=fb.ORIGIN).status_code == 303
    assert fb.rows(svc.db)[-1][:3] == ("new-article", "en", "yes")

    manifest.write_text("{ half-written", encoding="utf-8")  # a build caught mid-write
    assert httpx.post(svc.url + "/answer", data=new, headers=fb.ORIGIN).status_code == 303  # the last good manifest stays
    health = httpx.get(svc.url + "/healthz").json()
    assert health["status"] == "ok" and "not valid JSON" in health["manifest"]["error"]
