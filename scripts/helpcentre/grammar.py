"""The text grammar of checklists, in one place: what in an editor's text is
prose and what is not, and the forms of ids, links, phones and addresses.

Safety, typography, lint, parity, the validator and the link checker all ask
these questions; they ask them here, so they can never disagree about where
a code span ends or what a checklist link looks like.

* forms: :data:`SLUG`, :data:`PHONE`, :data:`EMAIL`, :data:`URL`,
  :data:`CHECKLIST_LINK`, :data:`SAME_PAGE_LINK`, :data:`LANGUAGE_NAMES`;
* what is not prose (left exactly as written by typography and lint):
  code spans (:func:`code_spans`) and :data:`NOT_PROSE`;
* transforming prose only: :func:`map_outside`; offsets kept: :func:`mask_code`;
* where an offset is: :func:`line_column`.

Everything here runs in linear time. Content comes from pull requests, and a
regular expression for code spans such as ``(`+)(?:.|\\n)*?\\1`` backtracks
on a run of unmatched backticks: 1,600 backticks took 23 s, 5,000 did not
finish in five minutes. :func:`code_spans` pairs backtick runs in one pass.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

LANGUAGE_NAMES = {"en": "English", "fr": "French"}
"""How messages to editors name the languages."""

SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG = re.compile(rf"^{SLUG_PATTERN}$")
"""A stable id: lowercase letters, digits and single hyphens."""

PHONE = re.compile(r"^(?:1-)?\d{3}-\d{3}-\d{4}(?: x\d{1,6})?$")
"""A phone number as the help centre writes it: 1-866-250-1554, optionally " x204"."""

PHONE_IN_TEXT = re.compile(r"(?<![\w-])(?:1-)?\d{3}-\d{3}-\d{4}(?![\w-])")
"""A phone number written that way inside prose."""

EMAIL = re.compile(r"^[^@\s<>()\[\]]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
URL = re.compile(r'^(?:https?://[^\s<>"]+|mailto:[^\s<>"]+|tel:\+?[0-9-]+)$')
"""An outside address a related link may give."""

CHECKLIST_LINK = re.compile(rf"^checklist:({SLUG_PATTERN})(?:#({SLUG_PATTERN}))?$")
SAME_PAGE_LINK = re.compile(rf"^#({SLUG_PATTERN})$")
CHECKLIST_LINK_TARGET = re.compile(rf"\]\(\s*((?:checklist:{SLUG_PATTERN})?(?:#{SLUG_PATTERN})?)\s*\)")
"""A Markdown link whose target is another checklist or an anchor (rewritten at render)."""

SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^<>\s]+>")
INLINE_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
"""The target of an inline link ``[text](target)``."""
REFERENCE_DEF = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
"""A reference definition ``[label]: target`` at the start of a line."""

NOT_PROSE = re.compile(
    r"\]\((?:[^()\n]|\([^()\n]*\))*\)"          # inline link targets (one level of parentheses)
    r"|^[ ]{0,3}\[[^\]\n]+\]:[^\n]*$"               # reference definitions
    r"|<(?:https?://|mailto:)[^<>\s]+>"            # autolinks
    r"|(?:https?://|mailto:|tel:)[^\s)<>]+"        # bare addresses
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                # email addresses
    r"|&[#A-Za-z0-9]+;",                           # character references
    re.MULTILINE,
)
"""What is not prose besides code spans: left exactly as written. Each
alternative stops at a line end or a bracket, so a run of ``](`` costs
linear time."""

_BACKTICKS = re.compile(r"`+")


def code_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every code span, paired as Markdown pairs them:
    a run of N backticks opens a span that the next run of exactly N closes;
    a run with no such partner is literal. A backslash right before a run
    escapes its first backtick. One pass over the runs (each length keeps a
    cursor that only moves forward), so the time is linear in ``text``.
    """
    if "`" not in text:
        return []
    runs: list[tuple[int, int]] = []
    for match in _BACKTICKS.finditer(text):
        start, end = match.span()
        backslashes = 0
        while start - backslashes > 0 and text[start - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2:
            start += 1
        if start < end:
            runs.append((start, end))
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    cursor = dict.fromkeys(by_length, 0)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        length = end - start
        same = by_length[length]
        position = cursor[length]
        while position < len(same) and same[position] <= index:
            position += 1
        if position < len(same):
            closer = same[position]
            spans.append((start, runs[closer][1]))
            cursor[length] = position + 1
            index = closer + 1
        else:
            cursor[length] = position
            index += 1
    return spans


def protected_spans(text: str, protected: re.Pattern | None = None) -> Iterator[tuple[int, int]]:
    """Code spans, and the matches of ``protected`` between them, in order."""
    position = 0
    for start, end in [*code_spans(text), (len(text), len(text))]:
        if protected is not None and position < start:
            for match in protected.finditer(text, position, start):
                if match.end() > match.start():
                    yield match.start(), match.end()
        if start < end:
            yield start, end
        position = end


def map_outside(protected: re.Pattern | None, text: str, transform: Callable[[str], str]) -> str:
    """``text`` with ``transform`` applied outside code spans and the matches of
    ``protected`` (usually :data:`NOT_PROSE`)."""
    out: list[str] = []
    position = 0
    for start, end in protected_spans(text, protected):
        out.append(transform(text[position:start]))
        out.append(text[start:end])
        position = end
    out.append(transform(text[position:]))
    return "".join(out)


def mask_code(text: str) -> str:
    """The text with code spans blanked out (same length), so offsets still match."""
    if "`" not in text:
        return text
    out: list[str] = []
    position = 0
    for start, end in code_spans(text):
        out.append(text[position:start])
        out.append(" " * (end - start))
        position = end
    out.append(text[position:])
    return "".join(out)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text`` (LF line breaks)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
