"""Content is data, never code: nothing in a YAML file may run script."""

import pytest

from helpcentre.safety import link_target_problem, markdown_problems, neutralize


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='x' onclick='alert(1)'>x</a>",
    "<!-- hidden -->",
    "< script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    "text{: onclick='alert(1)' }",
    "## Title {#x onclick=alert(1)}",
    "[x](javascript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)",
    "[x][r]\n\n[r]: javascript:alert(1)",
])
def test_script_vectors_are_refused(text):
    assert markdown_problems(text), text


@pytest.mark.parametrize("text", [
    "Use `<script>` tags in code only",
    "Under < 30 minutes and 5 > 3",
    "See <https://example.org/page>",
    "[Ocean](https://example.org) and [call](tel:+18662501554) and [mail](mailto:a@b.org)",
    "[step](#set-key) and [other](checklist:add-user#invite)",
    "**Admin → Users**",
])
def test_ordinary_text_is_accepted(text):
    assert markdown_problems(text) == []


def test_relative_links_are_refused_with_a_hint():
    assert "checklist:ID" in link_target_problem("../other.md")


def test_neutralize_escapes_what_could_start_html_outside_code():
    assert neutralize("a <b>c</b> `<b>` <https://x.org>") == "a &lt;b>c&lt;/b> `<b>` <https://x.org>"
    assert neutralize("x{: onclick=y}") == "x&#123;: onclick=y}"
