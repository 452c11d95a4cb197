"""Golden rendered Markdown, per language.

Each folder under tests/golden/ holds a ``checklists/`` input and an
``expected/`` tree of the Markdown pages the generator must write from it
(plus ``home.<lang>.md``, the block appended to the home page). On a mismatch
the test shows a unified diff; after an intended change, rewrite the expected
files with ``make test PYTEST_ARGS=--update-golden`` (or ``UPDATE_GOLDEN=1``)
and review the diff in git.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from helpcentre import LANGUAGES
from helpcentre.pipeline import Project, render

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "checklists").is_dir())


def rendered(case: Path) -> dict[str, str]:
    result = render(Project(case))  # as the build does: checked site, UI strings, renderer
    assert result.site is not None, result.problems.report()
    renderer = result.renderer
    pages = renderer.pages()
    for lang in LANGUAGES:
        pages[f"home.{lang}.md"] = renderer.home_block(lang)
    return pages


@pytest.mark.parametrize("name", CASES)
def test_rendered_pages_match_golden(name, update_golden):
    case = GOLDEN / name
    expected_dir = case / "expected"
    actual = rendered(case)
    if update_golden:
        for old in expected_dir.rglob("*.md"):
            old.unlink()
        for relative, text in actual.items():
            target = expected_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    expected = {p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
                for p in expected_dir.rglob("*.md")}
    assert sorted(actual) == sorted(expected), "the set of generated pages changed"
    diffs = []
    for relative in sorted(expected):
        if actual[relative] != expected[relative]:
            diffs.extend(difflib.unified_diff(
                expected[relative].splitlines(keepends=True), actual[relative].splitlines(keepends=True),
                fromfile=f"expected/{relative}", tofile=f"actual/{relative}",
            ))
    assert not diffs, "rendered Markdown differs from golden (rerun with --update-golden if intended):\n" + "".join(diffs)


def test_every_golden_case_has_both_languages_of_every_page():
    for name in CASES:
        pages = rendered(GOLDEN / name)
        stems = {page.rsplit(".", 2)[0] for page in pages}
        for stem in stems:
            for lang in LANGUAGES:
                assert f"{stem}.{lang}.md" in pages, f"{name}: {stem} has no {lang} page"
