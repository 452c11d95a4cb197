"""A strict parser for ``application/x-www-form-urlencoded`` bodies.

Browsers encode form fields as ``name=value`` pairs joined by ``&``, with
``+`` for space and ``%XX`` for every other byte of the UTF-8 text. The
standard library's ``parse_qs`` forgives what a browser never sends (broken
escapes, invalid UTF-8 replaced by U+FFFD, duplicate fields merged), which
would let garbage reach the database. This parser refuses all of that, so a
request is either exactly what our form sends or a 400, and needs no
python-multipart dependency.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote_to_bytes

MEDIA_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 16

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class FormError(ValueError):
    """The body is not a well-formed URL-encoded form. The message never repeats field values."""


def is_form_media_type(content_type: str | None) -> bool:
    """True for ``application/x-www-form-urlencoded``, with at most a UTF-8 charset parameter."""
    if not content_type:
        return False
    media_type, *params = (part.strip() for part in content_type.split(";"))
    if media_type.lower() != MEDIA_TYPE:
        return False
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


def parse_form(body: bytes) -> dict[str, str]:
    """Decode a form body into a field-to-value mapping.

    Raises :class:`FormError` for raw non-ASCII bytes, an empty or ``=``-less
    pair, a bad percent escape, percent-decoded bytes that are not UTF-8, a
    field given twice, or more than :data:`MAX_FIELDS` fields.
    """
    if not body:
        return {}
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        raise FormError("the body has raw non-ASCII bytes; form values must be percent-encoded") from None
    pairs = text.split("&")
    if len(pairs) > MAX_FIELDS:
        raise FormError(f"too many fields (at most {MAX_FIELDS})")
    fields: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise FormError("every field must be name=value")
        name = _decode(name, "a field name")
        if name in fields:
            raise FormError(f"field {_show(name)} is given more than once")
        fields[name] = _decode(value, f"field {_show(name)}")
    return fields


def clean_text(value: str) -> str:
    """Normalise free text as a browser's textarea sends it: CRLF to LF, NFC, trimmed.

    Raises :class:`FormError` for control characters other than newline and tab
    (a textarea never sends them; they would garble the report).
    """
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    for char in value:
        if char not in "\n\t" and unicodedata.category(char) == "Cc":
            raise FormError("the text has control characters")
    return value


def _decode(raw: str, what: str) -> str:
    if _BAD_ESCAPE.search(raw):
        raise FormError(f"{what} has a bad percent escape")
    try:
        return unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        raise FormError(f"{what} is not valid UTF-8") from None


def _show(name: str) -> str:
    """A field name fit for an error message: short and printable."""
    shown = "".join(c if c.isprintable() else "?" for c in name[:32])
    return repr(shown)
