"""Typography applied to rendered text, per language.

French follows Canadian usage (Office québécois de la langue française and the
federal Translation Bureau): a non-breaking space before a colon and inside
guillemets, none before ``;``, ``!`` and ``?``; ``24/7`` is written out as
"24 heures sur 24, 7 jours sur 7". Both languages get typographic apostrophes
and quotation marks, and phone numbers that never break across lines.

Only prose is touched: code spans, link targets, autolinks and bare addresses
pass through as written, so ``https://`` and ``tel:`` keep their colons.
"""

from __future__ import annotations

import re

from .grammar import NOT_PROSE, PHONE_IN_TEXT, map_outside

NBSP = "\u00a0"

PHONE = PHONE_IN_TEXT
ROUND_THE_CLOCK = "24\u00a0heures sur\u00a024, 7\u00a0jours sur\u00a07"
"""« 24 heures sur 24, 7 jours sur 7 », a number never apart from its word at a line end."""
_SPACES = "[ \u00a0\u202f]"


def _prose(text: str, transform) -> str:
    """Apply ``transform`` to the unprotected stretches of ``text`` only."""
    return map_outside(NOT_PROSE, text, transform)


def _french(text: str) -> str:
    text = re.sub(r"\b24\s*/\s*7\b", ROUND_THE_CLOCK, text)
    text = text.replace("24 heures sur 24, 7 jours sur 7", ROUND_THE_CLOCK)
    text = re.sub(r"(?<![\w\"])\"([^\"\n]+)\"", lambda m: f"«{NBSP}{m.group(1).strip()}{NBSP}»", text)
    text = re.sub(rf"«{_SPACES}*", f"«{NBSP}", text)
    text = re.sub(rf"{_SPACES}*»", f"{NBSP}»", text)
    text = re.sub(rf"(?<=\S){_SPACES}*:(?=\s|$)", f"{NBSP}:", text)
    text = re.sub(rf"(?<=\S){_SPACES}+([;!?])", r"\1", text)
    return text.replace("'", "’")


def _english(text: str) -> str:
    text = re.sub(r"(?<![\w\"])\"([^\"\n]+)\"", "“\\1”", text)
    return re.sub(r"(?<=\w)'(?=\w)|(?<=s)'(?=\s)", "’", text)


def apply(text: str, lang: str) -> str:
    """The text with its language's typography (prose only)."""
    return _prose(text, _french if lang == "fr" else _english)


def keep_phone_numbers_whole(html_or_markdown: str) -> str:
    """Wrap phone numbers so that a line never breaks inside one."""
    return _prose(html_or_markdown, lambda t: PHONE.sub(lambda m: f'<span class="hc-nowrap">{m.group()}</span>', t))
