"""`make lint` says when an article is due for review ('modified' + 'review-months')."""

from __future__ import annotations

import datetime

from helpcentre.lint import _review_due
from helpcentre.problems import Problems
from helpcentre.source import parse_source

BASE = "collection: accounts\ntitle: {en: T, fr: T}\n"


def due(text: str, today: datetime.date) -> list[str]:
    problems = Problems()
    _review_due(parse_source(text.encode(), "checklists/x.yml", problems), problems, today)
    return [str(p) for p in problems.items]


def test_past_the_interval_is_a_located_warning():
    text = BASE + "modified: 2025-01-31\nreview-months: 1\n"
    assert due(text, datetime.date(2025, 2, 27)) == []
    found = due(text, datetime.date(2025, 2, 28))
    assert found == ["checklists/x.yml:3:11: warning: the article is due for review since 2025-02-28 (modified 2025-01-31, "
                     "review every 1 months): check it is still right, then update 'modified'"]


def test_no_interval_or_no_date_says_nothing():
    assert due(BASE + "modified: 2020-01-01\n", datetime.date(2026, 1, 1)) == []
    assert due(BASE + "review-months: 6\n", datetime.date(2026, 1, 1)) == []
