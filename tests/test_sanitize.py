"""What editors' Markdown may become, decided on the engine's own HTML."""

from __future__ import annotations

import random
import time

import pytest
import yaml

from conftest import ROOT
from helpcentre import grammar as textspans, safety, sanitize, typography


def test_the_engine_uses_the_sites_extensions():
    """The validator must render as MkDocs will (mkdocs.yml, `!ENV` tags aside)."""
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    assert names == sanitize.MARKDOWN_EXTENSIONS


@pytest.mark.parametrize("kind, text", [
    ("block", "\\`<img src=x onerror=alert(1)>`"),
    ("block", "`a\n\n<svg onload=alert(1)>`"),
    ("block", "- item\n\n    [x]: javascript:alert(1)\n\n[click][x]"),
    ("block", "> [x]: javascript:alert(1)"),
    ("block", "[]: javascript:alert(1)\n\n[a][]"),
    ("inline", "[x](jav&#x61;script:alert(1))"),
    ("inline", "[x](javascript&colon;alert(1))"),
    ("block", "![pixel](https://tracker.example/p.gif)"),
    ("inline", "## Heading"),
    ("inline", "- a list"),
    ("inline", "> a quote"),
    ("block", "# Page heading"),
    ("block", "Text\n{: onclick=alert(1) }"),
    ("block", "<!-- hidden -->"),
])
def test_the_engine_refuses(kind, text):
    assert sanitize.check(text, kind), text


@pytest.mark.parametrize("kind, text", [
    ("inline", "Call **now**: see [the step](#s), [mail](mailto:a@b.org) and `<b>`"),
    ("inline", "Under < 30 minutes and 5 > 3 & more"),
    ("block", "### A heading\n\n- one\n- two\n\n> quoted\n\n| a | b |\n|:--|--:|\n| 1 | 2 |"),
    ("block", "See <https://example.org/page> and [other](checklist:add-user#invite)."),
    ("block", "Code: `a < b` and\n\n    indented code <b>\n"),
])
def test_the_engine_accepts(kind, text):
    assert sanitize.check(text, kind) == []


def test_the_shortcut_never_skips_what_the_engine_would_refuse():
    """needs_engine() says False only where rendering could not change the verdict.

    Random texts over an alphabet of Markdown's block and inline syntax
    (without the characters that always go to the engine): whenever the
    shortcut skips the engine, the engine agrees there is nothing to refuse.
    """
    alphabet = list("ab 1.-*+#>|:=!_~()\n\t\"'") + ["  \n", "    ", "!!! note\n", "1) ", "---\n", "***"]
    rng = random.Random(20261202)
    skipped = 0
    for _ in range(3000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        for kind in ("inline", "block"):
            text = raw.strip() if kind == "inline" else raw  # one-line fields are kept stripped
            if text.strip() and not sanitize.needs_engine(text, kind):
                skipped += 1
                # The engine's own verdict, as check() would give it had the shortcut not been taken.
                assert sanitize.engine_problems(text, kind) == [], (kind, text, sanitize.render(text)[0])
    assert skipped > 1000  # the shortcut is taken often enough to matter


PATHOLOGICAL = ["`", "[", "]", "[`", "{", "<", "\\`", "*a", "[](", "![", "`` `", "[x](", ">", "{:", "&#", "<a "]


def _duration(function, text: str) -> float:
    start = time.perf_counter()
    function(text)
    return time.perf_counter() - start


@pytest.mark.parametrize("pattern", PATHOLOGICAL)
def test_scanning_is_linear_in_the_length_of_the_text(pattern):
    """100,000 characters of each pattern through every scan that runs on
    content: under a second, and not more than 20 times the time of 10,000
    (a quadratic scan would take 100 times)."""
    def every_scan(text):
        textspans.code_spans(text)
        safety.scan(text)
        sanitize.complexity_problems(text)
        typography.apply(text, "fr")
        typography.apply(text, "en")

    small = pattern * (10_000 // len(pattern))
    large = pattern * (100_000 // len(pattern))
    every_scan(small)  # warm caches and regular expressions
    small_time = min(_duration(every_scan, small) for _ in range(3))
    large_time = min(_duration(every_scan, large) for _ in range(2))
    # Linear: ten times the text, at most twenty times the time (quadratic would be a hundred,
    # and minutes in absolute terms); the absolute bound leaves room for a busy machine.
    assert large_time < 20 * max(small_time, 0.002), f"{pattern!r}: {small_time:.4f} s → {large_time:.4f} s"
    assert large_time < 3.0, f"{pattern!r}: {large_time:.2f} s"


@pytest.mark.parametrize("pattern", PATHOLOGICAL)
def test_a_value_at_the_length_limit_is_checked_quickly(pattern):
    """5,000 characters (the longest text allowed) of each pattern, as prose
    and as one line: the engine only runs on what it can read quickly."""
    text = pattern * (5_000 // len(pattern))

    def as_the_validator_does(value, kind):  # format.Bilingual: the engine only when the scan found nothing
        if not safety.scan(value)[0]:
            sanitize.check(value, kind)

    for kind in ("block", "inline"):
        elapsed = _duration(lambda t: as_the_validator_does(t, kind), text)
        assert elapsed < 1.0, f"{pattern!r} as {kind}: {elapsed:.2f} s"


@pytest.mark.parametrize("pattern", ["`", "[", "]", "[`", "{", "<"])
def test_validating_a_file_with_100000_backticks_or_brackets_takes_under_a_second(tmp_path, pattern):
    """The issue's own measure, through the whole validator (a value that long is refused for its length)."""
    import shutil
    from pathlib import Path

    from helpcentre.validate import load_site

    fixture = Path(__file__).parent / "golden" / "every-feature" / "checklists"
    shutil.copytree(fixture, tmp_path / "checklists")
    body = pattern * (100_000 // len(pattern))
    (tmp_path / "checklists" / "long.yml").write_text(
        "collection: accounts\ntitle: {en: T, fr: T}\nsummary: {en: S, fr: S}\nsections:\n  - id: a\n    title: {en: A, fr: A}\n"
        f"    body:\n      en: |\n        {body}\n      fr: Texte.\n", encoding="utf-8")
    start = time.perf_counter()
    site, problems = load_site(tmp_path)
    elapsed = time.perf_counter() - start
    assert site is None and "checklists/long.yml:" in problems.report()
    assert elapsed < 1.0, f"{pattern!r}: {elapsed:.2f} s"


def test_code_spans_pair_runs_of_equal_length():
    text = "a `b` c ``d`e`` f ` g"
    assert [text[s:e] for s, e in textspans.code_spans(text)] == ["`b`", "``d`e``"]
    assert textspans.code_spans("\\`x`") == []  # escaped first backtick: no span
