"""Transforming text everywhere except inside protected stretches.

Escaping (safety) and typography both must leave some stretches exactly as
written (code spans, link targets, addresses): this is the one loop that
does that for both.
"""

from __future__ import annotations

import re
from typing import Callable


def map_outside(protected: re.Pattern, text: str, transform: Callable[[str], str]) -> str:
    """``text`` with ``transform`` applied to what ``protected`` does not match."""
    out: list[str] = []
    position = 0
    for match in protected.finditer(text):
        out.append(transform(text[position:match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(transform(text[position:]))
    return "".join(out)
