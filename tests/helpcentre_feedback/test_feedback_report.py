"""The report: counts per article and language, share of yes, newest comments,
as a terminal table, a CSV file and an HTML page."""

from __future__ import annotations

import csv
import re

from helpcentre_feedback.cli import main
from helpcentre_feedback.store import answer_row, comment_row, insert_rows

A, B = "rms-administrator-job-aid", "ereferral-basics"


def known_db(path):
    rows = [answer_row(A, "en", a, "2026-01-01T10:00:00Z") for a in ("no", "partly", "yes", "yes")]
    rows += [answer_row(A, "fr", "yes", "2026-01-01T10:00:00Z")]
    rows += [answer_row(B, "en", a, "2026-01-02T10:00:00Z") for a in ("no", "no", "no", "yes")]
    rows += [comment_row(A, "en", f"comment number {i}", f"2026-01-0{i}T09:00:00Z") for i in range(1, 8)]
    rows += [comment_row(B, "en", "=HYPERLINK(\"http://x\")", "2026-01-03T09:00:00Z"),
             comment_row(B, "en", "<script>alert(1)</script>\nsecond line", "2026-01-04T09:00:00Z")]
    insert_rows(path, rows)
    return path


def run_report(tmp_path, db, capsys):
    csv_path, html_path = tmp_path / "out" / "report.csv", tmp_path / "out" / "report.html"
    status = main(["report", "--db", f"sqlite:///{db}", "--csv", str(csv_path), "--html", str(html_path)])
    return status, capsys.readouterr().out, csv_path, html_path


def test_the_terminal_table_has_the_counts_and_share_of_yes(tmp_path, capsys):
    status, out, _, _ = run_report(tmp_path, known_db(tmp_path / "fb.sqlite3"), capsys)
    assert status == 0
    table = {tuple(line.split()[:2]): line.split()[2:] for line in out.splitlines() if line.startswith((A, B))}
    #                    no  partly yes total yes%  comments
    assert table[(A, "en")] == ["1", "1", "2", "4", "50%", "7"]
    assert table[(A, "fr")] == ["0", "0", "1", "1", "100%", "0"]
    assert table[(B, "en")] == ["3", "0", "1", "4", "25%", "2"]
    lines = out.splitlines()
    assert lines.index(next(l for l in lines if l.startswith(B))) < lines.index(next(l for l in lines if l.startswith(A)))
    assert "9 answers, 44% yes." in out
    # The newest five comments of A, newest first; the two oldest are left out.
    shown = re.findall(r"comment number (\d)", out)
    assert shown == ["7", "6", "5", "4", "3"]
    assert "<script>alert(1)</script> / second line" in out


def test_the_csv_has_one_row_per_article_and_language(tmp_path, capsys):
    _, _, csv_path, _ = run_report(tmp_path, known_db(tmp_path / "fb.sqlite3"), capsys)
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = {(r["page"], r["lang"]): r for r in csv.DictReader(f)}
    assert set(rows) == {(A, "en"), (A, "fr"), (B, "en")}
    a_en = rows[(A, "en")]
    assert (a_en["no"], a_en["partly"], a_en["yes"], a_en["total"], a_en["yes_share"]) == ("1", "1", "2", "4", "0.500")
    assert rows[(B, "en")]["yes_share"] == "0.250"
    assert rows[(A, "fr")]["yes_share"] == "1.000"
    assert a_en["newest_comments"].splitlines()[0] == "2026-01-07T09:00:00Z comment number 7"
    assert a_en["comments"] == "7"
    # A comment cannot become a spreadsheet formula.
    assert not any(line.startswith("=") for line in rows[(B, "en")]["newest_comments"].splitlines())


def test_the_html_report_is_accessible_and_escapes_comments(tmp_path, capsys):
    _, _, _, html_path = run_report(tmp_path, known_db(tmp_path / "fb.sqlite3"), capsys)
    page = html_path.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "<title>Help-centre feedback report</title>" in page
    assert "<caption>" in page and '<th scope="col">Yes</th>' in page
    row = re.search(rf'<tr><th scope="row">{A}</th><td class="lang">en</td>(.*?)</tr>', page).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[:5] == ["1", "1", "2", "4", "50%"]
    assert 'aria-label="no 1, partly 1, yes 2"' in row
    assert 'class="yes" style="width: 50.0%"' in row
    assert "<script" not in page  # no JavaScript, and a comment cannot inject any
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "The 5 newest of 7." in page


def test_an_empty_database_gives_a_clear_message(tmp_path, capsys):
    db = tmp_path / "empty.sqlite3"
    insert_rows(db, [])  # the schema, as the service creates it on first start
    status, out, csv_path, html_path = run_report(tmp_path, db, capsys)
    assert status == 0
    assert "No feedback recorded yet" in out
    assert csv_path.read_text(encoding="utf-8-sig").splitlines() == [
        "page,lang,no,partly,yes,total,yes_share,comments,newest_comments"]
    assert "No feedback recorded yet" in html_path.read_text(encoding="utf-8")


def test_a_missing_database_is_reported_and_not_created(tmp_path, capsys):
    db = tmp_path / "nowhere" / "feedback.sqlite3"
    status, out, _, html_path = run_report(tmp_path, db, capsys)
    assert status == 0
    assert f"No feedback database at {db}" in out
    assert not db.exists()
    assert html_path.exists()


def test_a_database_url_other_than_sqlite_is_refused_clearly(tmp_path, capsys):
    status = main(["report", "--db", "postgresql://localhost/feedback", "--csv", str(tmp_path / "r.csv"),
                   "--html", str(tmp_path / "r.html")])
    assert status == 2
    assert "only SQLite databases are supported" in capsys.readouterr().err
