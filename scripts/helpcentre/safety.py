"""Content is data, never code: the early, located refusals.

The decision on what a Markdown value may become is taken on what the
Markdown engine makes of it (:mod:`.sanitize`). Before that, this module
refuses, at the exact column, the mistakes editors make most, each with a
message saying what to write instead:

* raw HTML (``<script>``, ``<img onerror=…>``, comments, processing
  instructions); autolinks such as ``<https://example.org>`` stay allowed;
* attribute lists (``{: onclick=…}``), which our Markdown set-up enables for
  its own templates;
* link targets other than ``https:``, ``http:``, ``mailto:``, ``tel:``,
  ``#anchor`` and ``checklist:id[#anchor]`` (so no ``javascript:``, ``data:``
  or ``vbscript:``).

Code spans are found by :func:`.grammar.code_spans` in linear time. Where
this scan and the engine disagree (an escaped backtick, a "span" across a
blank line), the engine's reading is checked too, so the scan can only add
refusals, never grant one.

:func:`neutralize` is a further line of defence at render time: it escapes
whatever could still start HTML or an attribute list, outside code spans.
"""

from __future__ import annotations

import html
import itertools
import re

from .grammar import AUTOLINK as _AUTOLINK, CHECKLIST_LINK, INLINE_TARGET as _INLINE_TARGET, REFERENCE_DEF as _REFERENCE_DEF, SAME_PAGE_LINK, SCHEME as _SCHEME, map_outside, mask_code

ALLOWED_SCHEMES = ("https", "http", "mailto", "tel")
MAX_REPORTED = 10
"""Problems of one kind reported per value: the first ones locate the mistake."""

_HTML_START = re.compile(r"<[A-Za-z!?/]")
"""Where an HTML tokenizer starts a tag, comment or declaration ("a < b" is text)."""
_ATTR_LIST = re.compile(r"\{\s*:|\{\s*[#.][A-Za-z_]|\{[^{}\n]*?\b[a-zA-Z-]+\s*=")
"""Attribute lists. The span after a brace stops at the next brace, so a run of
braces costs linear time, not a scan to the end of the line from each one."""


def _targets(masked: str) -> list[tuple[int, str]]:
    """(offset, target) of every Markdown link target in ``masked`` (code already blanked)."""
    found = []
    if "](" in masked:
        found += [(m.start(1), m.group(1)) for m in _INLINE_TARGET.finditer(masked)]
    if "]:" in masked:
        found += [(m.start(1), m.group(1)) for m in _REFERENCE_DEF.finditer(masked)]
    if "<" in masked:
        found += [(m.start() + 1, m.group()[1:-1]) for m in _AUTOLINK.finditer(masked)]
    return sorted(found)


def scan(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """``(problems, links)`` of ``text`` in one pass: (offset, message) for
    everything that is not allowed, and (offset, target) of every link.

    The validator calls this for every Markdown value of every checklist, so
    each pattern runs only when its first character is in the text at all.
    """
    masked = mask_code(text)
    problems = html_problems(masked) if "<" in masked else []
    if "{" in masked:
        for match in _ATTR_LIST.finditer(masked):
            problems.append((
                match.start(),
                "attribute lists ('{: …}', '{#id}', '{.class}') are not allowed in checklist text",
            ))
    links = _targets(masked)
    for offset, target in links:
        message = link_target_problem(target)
        if message:
            problems.append((offset, message))
    return problems, links


def html_problems(text: str) -> list[tuple[int, str]]:
    """(offset, message) for every start of raw HTML in ``text`` (autolinks excepted)."""
    without_autolinks = _AUTOLINK.sub(lambda m: " " * len(m.group()), text)
    problems = []
    for match in itertools.islice(_HTML_START.finditer(without_autolinks), MAX_REPORTED):
        snippet = _SNIPPET.match(without_autolinks, match.start()).group()
        problems.append((
            match.start(),
            f"raw HTML is not allowed in checklist text (found '{snippet}'); write Markdown instead, "
            "or put the text in `backticks` to show it as code",
        ))
    return problems


_SNIPPET = re.compile(r"<[^>\s]{0,40}")


def markdown_problems(text: str) -> list[tuple[int, str]]:
    """(offset, message) for everything in ``text`` that is not allowed."""
    return scan(text)[0]


def link_target_problem(target: str) -> str | None:
    """Why ``target`` may not be linked to, or None when it may."""
    problem = _link_target_problem(target)
    if problem and len(target) > 80:
        problem = problem.replace(target, target[:60] + "…")
    return problem


def _link_target_problem(target: str) -> str | None:
    # Browsers decode character references in addresses: "jav&#x61;script:" is javascript:.
    target = html.unescape(target).strip() if "&" in target else target
    if not target:
        return "a link has an empty target"
    if SAME_PAGE_LINK.match(target) or CHECKLIST_LINK.match(target):
        return None
    scheme = _SCHEME.match(target)
    if scheme:
        name = scheme.group(1).lower()
        if name == "checklist":
            return f"'{target}' is not a checklist link; write checklist:ID or checklist:ID#step-id (lowercase ids)"
        if name in ALLOWED_SCHEMES:
            return None
        return (
            f"links to '{name}:' addresses are not allowed; use https:, http:, mailto: or tel:"
        )
    if target.startswith("#"):
        return f"'{target}' is not a valid anchor; anchors are the ids of sections, steps and items"
    return (
        f"'{target}' is a relative link; link to another checklist with checklist:ID "
        "(or checklist:ID#step-id), or give a full https:// address"
    )


def neutralize(text: str) -> str:
    """Escape what could start HTML or an attribute list, outside code spans and autolinks."""
    return map_outside(_AUTOLINK, text, lambda rest: rest.replace("<", "&lt;").replace("{", "&#123;"))
