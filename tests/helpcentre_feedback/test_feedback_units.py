"""The pieces on their own: the form parser, the settings, the manifest and the writer."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from helpcentre_feedback.form import FormError, clean_text, is_form_media_type, parse_form
from helpcentre_feedback.manifest import ManifestError, ManifestWatcher, parse
from helpcentre_feedback.settings import Settings, SettingsError, database_path, option_docs
from helpcentre_feedback.store import NotStored, Row, Writer, answer_row, comment_row

from feedback_support import fb  # noqa: F401

# --- form --------------------------------------------------------------------------


def test_a_browser_s_form_body_is_decoded():
    body = b"page=rms-administrator-job-aid&lang=fr&comment=L%E2%80%99%C3%A9tape+3%0D%0Amanque"
    assert parse_form(body) == {"page": "rms-administrator-job-aid", "lang": "fr", "comment": "L’étape 3\r\nmanque"}
    assert parse_form(b"") == {}
    assert parse_form(b"comment=") == {"comment": ""}


@pytest.mark.parametrize("body", [
    b"a=1&a=2", b"a", b"=1", b"a=1&", b"a=%zz", b"a=%4", b"a=%C3", b"a=%ED%A0%80", "a=é".encode(),
    b"&".join(b"f%d=1" % i for i in range(17)),
])
def test_what_a_browser_never_sends_is_refused(body):
    with pytest.raises(FormError):
        parse_form(body)


def test_error_messages_never_repeat_values():
    with pytest.raises(FormError) as caught:
        parse_form(b"comment=my+name+is+alice%FF")
    assert "alice" not in str(caught.value)


@pytest.mark.parametrize(("content_type", "ok"), [
    ("application/x-www-form-urlencoded", True),
    ("Application/X-WWW-Form-URLEncoded; charset=UTF-8", True),
    ('application/x-www-form-urlencoded;charset="utf-8"', True),
    ("application/x-www-form-urlencoded; charset=iso-8859-1", False),
    ("multipart/form-data; boundary=x", False),
    ("text/plain", False),
    ("", False),
    (None, False),
])
def test_only_url_encoded_utf8_forms_are_accepted(content_type, ok):
    assert is_form_media_type(content_type) is ok


def test_free_text_is_normalised_like_a_textarea():
    assert clean_text("  e\u0301tape\r\nsuite\r  ") == "étape\nsuite"
    with pytest.raises(FormError):
        clean_text("bell\x07")
    with pytest.raises(FormError):
        clean_text("escape \x1b[31m red")


# --- settings ------------------------------------------------------------------------


def test_flags_win_over_environment_variables_which_win_over_defaults():
    env = {"HELPCENTRE_FEEDBACK_PORT": "9000", "HELPCENTRE_FEEDBACK_DB": "sqlite:////srv/fb.db",
           "HELPCENTRE_FEEDBACK_ACCESS_LOG": "off", "HELPCENTRE_FEEDBACK_SITE_URL": "https://help.example.org/base"}
    settings = Settings.load(env, {"port": 9100, "host": None})
    assert settings.port == 9100
    assert settings.host == "127.0.0.1"
    assert settings.db_path == Path("/srv/fb.db")
    assert settings.access_log is False
    assert settings.site_url == "https://help.example.org/base/"


def test_a_bad_environment_variable_is_named():
    with pytest.raises(SettingsError, match="HELPCENTRE_FEEDBACK_PORT='eighty'"):
        Settings.load({"HELPCENTRE_FEEDBACK_PORT": "eighty"})


@pytest.mark.parametrize(("url", "path"), [
    ("sqlite:///var/feedback.sqlite3", Path("var/feedback.sqlite3")),
    ("sqlite:////var/lib/helpcentre/feedback.sqlite3", Path("/var/lib/helpcentre/feedback.sqlite3")),
])
def test_sqlite_urls_name_relative_or_absolute_files(url, path):
    assert database_path(url) == path


@pytest.mark.parametrize(("url", "message"), [
    ("postgresql://localhost/feedback", "only SQLite databases are supported"),
    ("mysql://localhost/feedback", "only SQLite databases are supported"),
    ("var/feedback.sqlite3", "must be given as a URL"),
    ("sqlite://var/feedback.sqlite3", "three slashes"),
    ("sqlite:///:memory:", "in-memory"),
])
def test_other_database_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(SettingsError, match=message):
        database_path(url)


def test_every_option_is_documented():
    docs = option_docs()
    assert set(docs) == set(Settings.__dataclass_fields__)
    assert all(len(doc) > 10 for doc in docs.values())


def test_serve_refuses_a_non_sqlite_database_before_starting(fb, tmp_path):
    result = fb.run_cli("serve", "--db", "postgresql://localhost/feedback", "--port", "0")
    assert result.returncode == 2
    assert "only SQLite databases are supported" in result.stderr


def test_serve_refuses_a_broken_manifest_before_starting(fb, tmp_path):
    manifest = tmp_path / "feedback-manifest.json"
    manifest.write_text(json.dumps({"version": 2}), encoding="utf-8")
    result = fb.run_cli("serve", "--manifest", str(manifest), "--db", f"sqlite:///{tmp_path}/fb.db", "--port", "0")
    assert result.returncode == 2
    assert "unsupported manifest version 2" in result.stderr
    assert not (tmp_path / "fb.db").exists()


# --- manifest ------------------------------------------------------------------------


def test_a_manifest_sends_readers_to_localized_pages(fb):
    manifest = parse(fb.manifest_data())
    assert manifest.has_page(fb.PAGE, "fr") and not manifest.has_page(fb.PAGE, "de")
    assert manifest.after_answer(fb.PAGE, "fr", "yes") == "fr/feedback/thanks/"
    assert manifest.after_answer(fb.PAGE, "en", "no") == f"feedback/more/{fb.PAGE}/"
    assert manifest.after_comment("en") == "feedback/thanks/"


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m["thanks"].update(en="https://evil.example/"), "relative to the site root"),
    (lambda m: m["thanks"].update(en="//evil.example/"), "relative to the site root"),
    (lambda m: m["thanks"].update(en="/feedback/thanks/"), "relative to the site root"),
    (lambda m: m["thanks"].update(en="javascript:alert(1)"), "relative to the site root"),
    (lambda m: m["comment_pages"].update(fr="fr/feedback/more/"), "must contain '{page}'"),
    (lambda m: m["thanks"].pop("fr"), "has no path for fr"),
    (lambda m: m["pages"].update({"Not A Slug": {"en": "x/"}}), "not a lowercase slug"),
    (lambda m: m["pages"].update({"ok": {"de": "x/"}}), "language 'de'"),
    (lambda m: m.update(version=2), "unsupported manifest version"),
    (lambda m: m.update(answers=["no", "no"]), "distinct"),
])
def test_a_manifest_that_breaks_the_contract_is_refused(fb, change, message):
    data = fb.manifest_data()
    change(data)
    with pytest.raises(ManifestError, match=message):
        parse(data)


def test_the_watcher_reloads_a_changed_manifest_at_most_once_per_interval(fb, tmp_path):
    path = fb.write_manifest(tmp_path / "m.json", ["first"])
    now = [0.0]
    watcher = ManifestWatcher(path, interval=1.0, clock=lambda: now[0])
    assert set(watcher.current().pages) == {"first"}

    fb.write_manifest(path, ["first", "second"])
    now[0] += 0.5
    assert set(watcher.current().pages) == {"first"}  # not checked yet
    now[0] += 0.5
    assert set(watcher.current().pages) == {"first", "second"}

    path.write_text('{"version": 1, "languages": [', encoding="utf-8")
    now[0] += 1
    assert set(watcher.current().pages) == {"first", "second"}  # the last good one stays
    assert "not valid JSON" in watcher.last_error

    fb.write_manifest(path, ["third"])
    now[0] += 1
    assert set(watcher.current().pages) == {"third"}
    assert watcher.last_error is None


def test_without_a_manifest_the_watcher_has_none_and_says_why(tmp_path):
    watcher = ManifestWatcher(tmp_path / "missing.json")
    assert watcher.current() is None
    assert "build the site first" in watcher.last_error


# --- writer --------------------------------------------------------------------------


def test_the_writer_commits_rows_and_refuses_a_failed_batch_whole(tmp_path):
    db = tmp_path / "sub" / "fb.sqlite3"
    writer = Writer(db)
    writer.start()

    async def scenario() -> None:
        await asyncio.gather(*(writer.write(answer_row(f"p-{i}", "en", "yes")) for i in range(50)))
        with pytest.raises(NotStored):  # breaks the table's CHECK: its transaction rolls back
            await writer.write(comment_row("p", "en", "x" * 501))
        await writer.write(Row("INSERT INTO comments (page, lang, comment, created_at) VALUES (?, ?, ?, ?)",
                               ("p", "en", "fine", "2026-01-01T00:00:00Z")))
        await writer.ping()

    try:
        asyncio.run(scenario())
    finally:
        writer.stop()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 50
        assert conn.execute("SELECT comment FROM comments").fetchall() == [("fine",)]
    finally:
        conn.close()
    assert not writer.alive


def test_a_writer_that_cannot_open_its_database_says_so_at_start(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OSError):
        Writer(blocker / "fb.sqlite3").start()
