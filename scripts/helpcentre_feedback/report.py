"""The feedback report: per article and language, how many readers answered
no, partly and yes, the share of "yes", and the newest comments.

One collection (:func:`collect`) feeds three renderings: a terminal table for
a quick look, a CSV for spreadsheets, and a small static HTML page to share
(accessible: a language, a title, a captioned table with header cells, a CSS
bar chart whose numbers are also in the table; no JavaScript). Articles are
listed with the lowest share of "yes" first, since those need an editor's
attention.

The report opens the database read-only, so it can run while the service
writes, and never creates a database where there is none.
"""

from __future__ import annotations

import csv
import html
import io
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from .store import connect_readonly

ANSWER_ORDER = ("no", "partly", "yes")
"""Known answers, in the order the form shows them; any other answer found is listed after."""
NEWEST_COMMENTS = 5


@dataclass
class ArticleStats:
    """Everything the report says about one article in one language."""

    page: str
    lang: str
    counts: dict[str, int] = field(default_factory=dict)
    comment_count: int = 0
    comments: list[tuple[str, str]] = field(default_factory=list)  # (created_at, text), newest first

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def yes_share(self) -> float | None:
        """Share of "yes" among the answers, or None without answers."""
        return self.counts.get("yes", 0) / self.total if self.total else None


@dataclass
class Report:
    answers: tuple[str, ...]
    articles: list[ArticleStats]
    generated_at: str
    notice: str | None = None  # why the report is empty, if it is

    @property
    def total(self) -> int:
        return sum(a.total for a in self.articles)

    @property
    def yes_share(self) -> float | None:
        return sum(a.counts.get("yes", 0) for a in self.articles) / self.total if self.total else None


def collect(db_path: Path, newest: int = NEWEST_COMMENTS) -> Report:
    """Read the counts and newest comments. A missing or empty database gives an empty report with a notice."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if not db_path.exists():
        return Report(ANSWER_ORDER, [], now, f"No feedback database at {db_path} yet: "
                      "the service creates it when it first starts.")
    conn = connect_readonly(db_path)
    try:
        articles: dict[tuple[str, str], ArticleStats] = {}

        def stats(page: str, lang: str) -> ArticleStats:
            return articles.setdefault((page, lang), ArticleStats(page, lang))

        seen_answers: set[str] = set()
        for page, lang, answer, count in conn.execute(
            "SELECT page, lang, answer, count(*) FROM answers GROUP BY page, lang, answer"
        ):
            stats(page, lang).counts[answer] = count
            seen_answers.add(answer)
        for page, lang, count in conn.execute("SELECT page, lang, count(*) FROM comments GROUP BY page, lang"):
            stats(page, lang).comment_count = count
        for page, lang, created_at, comment in conn.execute(
            """SELECT page, lang, created_at, comment FROM (
                   SELECT page, lang, created_at, comment, row_number() OVER (
                       PARTITION BY page, lang ORDER BY created_at DESC, rowid DESC) AS n
                   FROM comments)
               WHERE n <= ? ORDER BY page, lang, n""",
            (newest,),
        ):
            stats(page, lang).comments.append((created_at, comment))
    except sqlite3.DatabaseError as error:
        raise ReportError(f"{db_path}: not a feedback database ({error})") from None
    finally:
        conn.close()
    answers = ANSWER_ORDER + tuple(sorted(seen_answers - set(ANSWER_ORDER)))
    ordered = sorted(articles.values(), key=lambda a: (
        a.yes_share if a.yes_share is not None else 2.0, -a.total, a.page, a.lang))
    notice = None if ordered else f"No feedback recorded yet in {db_path}."
    return Report(answers, ordered, now, notice)


class ReportError(RuntimeError):
    """The database cannot be reported on; the message says why."""


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


# --- terminal -------------------------------------------------------------------


def write_text(report: Report, out: TextIO) -> None:
    """A fixed-width table, then the newest comments."""
    if report.notice:
        print(report.notice, file=out)
        return
    header = ["Article", "Lang", *[a.capitalize() for a in report.answers], "Total", "Yes %", "Comments"]
    rows = [
        [a.page, a.lang, *[str(a.counts.get(x, 0)) for x in report.answers], str(a.total),
         percent(a.yes_share), str(a.comment_count)]
        for a in report.articles
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = set(range(2, len(header)))

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print(line(header), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print(line(row), file=out)
    print(f"\n{report.total} answers, {percent(report.yes_share)} yes.", file=out)
    commented = [a for a in report.articles if a.comments]
    if commented:
        print("\nNewest comments", file=out)
        for a in commented:
            print(f"\n{a.page} ({a.lang}), {a.comment_count} in all:", file=out)
            for created_at, text in a.comments:
                print(f"  {created_at}  {_one_line(text)}", file=out)


def _one_line(text: str) -> str:
    """A comment fit for a terminal: one line, no control characters (no escape sequences)."""
    return " / ".join(
        "".join(c if c.isprintable() else " " for c in part) for part in text.splitlines() if part.strip()
    )


# --- CSV --------------------------------------------------------------------------


def write_csv(report: Report, path: Path) -> None:
    """One row per article and language. UTF-8 with a byte-order mark, so spreadsheet
    programs read accented French correctly; comments are defused against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["page", "lang", *report.answers, "total", "yes_share", "comments", "newest_comments"])
    for a in report.articles:
        writer.writerow([
            a.page, a.lang, *[a.counts.get(x, 0) for x in report.answers], a.total,
            "" if a.yes_share is None else f"{a.yes_share:.3f}", a.comment_count,
            "\n".join(_defuse(f"{created_at} {text}") for created_at, text in a.comments),
        ])
    _write(path, buffer.getvalue(), encoding="utf-8-sig")


def _defuse(cell: str) -> str:
    """Stop a spreadsheet from running a reader's comment as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


# --- HTML -------------------------------------------------------------------------

HTML_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: .5rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .3rem .5rem; text-align: right; vertical-align: middle; }
th[scope=row], td.lang, thead th:first-child { text-align: left; }
.bar { display: flex; width: 12rem; height: 1rem; border: 1px solid #555; background: #fff; }
.bar span { display: block; height: 100%; }
.no { background: #b3261e; } .partly { background: #f0b429; } .yes { background: #1e7b34; }
.other { background: #767676; }
.legend span { display: inline-block; width: 1rem; height: 1rem; vertical-align: middle; border: 1px solid #555; margin: 0 .25rem 0 1rem; }
blockquote { margin: .25rem 0 .75rem; padding-left: 1rem; border-left: 4px solid #ccc; white-space: pre-wrap; }
time { color: #555; font-size: .9em; }
"""


def render_html(report: Report) -> str:
    """The static HTML report."""
    e = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Help-centre feedback report</title>",
        f"<style>{HTML_STYLE}</style></head>",
        "<body><main>",
        "<h1>Help-centre feedback report</h1>",
        f"<p>Generated {e(report.generated_at)}.</p>",
    ]
    if report.notice:
        parts.append(f'<p role="status">{e(report.notice)}</p>')
    else:
        parts.append(f"<p>{report.total} answers to “Did this answer your question?”, "
                     f"{percent(report.yes_share)} yes. Articles with the lowest share of yes come first.</p>")
        parts.append('<p class="legend" aria-hidden="true">'
                     + "".join(f'<span class="{_css(x)}"></span>{e(x.capitalize())}' for x in report.answers)
                     + "</p>")
        parts.append("<table><caption>Answers per article and language</caption><thead><tr>"
                     '<th scope="col">Article</th><th scope="col">Language</th>'
                     + "".join(f'<th scope="col">{e(x.capitalize())}</th>' for x in report.answers)
                     + '<th scope="col">Total</th><th scope="col">Share of yes</th><th scope="col">Answers</th>'
                     '<th scope="col">Comments</th></tr></thead><tbody>')
        for a in report.articles:
            parts.append(
                f'<tr><th scope="row">{e(a.page)}</th><td class="lang">{e(a.lang)}</td>'
                + "".join(f"<td>{a.counts.get(x, 0)}</td>" for x in report.answers)
                + f"<td>{a.total}</td><td>{percent(a.yes_share)}</td><td>{_bar(a, report.answers)}</td>"
                f"<td>{a.comment_count}</td></tr>"
            )
        parts.append("</tbody></table>")
        commented = [a for a in report.articles if a.comments]
        if commented:
            parts.append("<h2>Newest comments</h2>")
            for a in commented:
                parts.append(f"<h3>{e(a.page)} ({e(a.lang)})</h3>")
                if a.comment_count > len(a.comments):
                    parts.append(f"<p>The {len(a.comments)} newest of {a.comment_count}.</p>")
                for created_at, text in a.comments:
                    parts.append(f'<p><time datetime="{e(created_at)}">{e(created_at)}</time></p>'
                                 f'<blockquote lang="{e(a.lang)}">{e(text)}</blockquote>')
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _bar(a: ArticleStats, answers: tuple[str, ...]) -> str:
    """A stacked bar of the answers; its label repeats the numbers for screen readers."""
    if not a.total:
        return "–"
    label = ", ".join(f"{x} {a.counts.get(x, 0)}" for x in answers)
    spans = "".join(
        f'<span class="{_css(x)}" style="width: {100 * a.counts.get(x, 0) / a.total:.1f}%"></span>'
        for x in answers if a.counts.get(x, 0)
    )
    return f'<div class="bar" role="img" aria-label="{html.escape(label)}">{spans}</div>'


def _css(answer: str) -> str:
    return answer if answer in ANSWER_ORDER else "other"


def write_html(report: Report, path: Path) -> None:
    _write(path, render_html(report), encoding="utf-8")


def _write(path: Path, text: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding, newline="")
