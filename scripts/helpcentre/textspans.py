"""Transforming text everywhere except inside protected stretches.

Escaping (safety), typography and lint all must leave some stretches exactly
as written (code spans, link targets, addresses): this is the one loop that
does that for them.

Everything here runs in linear time. Content comes from pull requests, and a
regular expression for code spans such as ``(`+)(?:.|\\n)*?\\1`` backtracks
on a run of unmatched backticks: 1,600 backticks took 23 s, 5,000 did not
finish in five minutes. :func:`code_spans` pairs backtick runs in one pass.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

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
    """``text`` with ``transform`` applied outside code spans and the matches of ``protected``."""
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
