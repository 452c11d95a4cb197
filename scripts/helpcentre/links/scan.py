"""Read a built HTML page once: its language, its ids and its links.

MkDocs and Material write regular HTML, so a few regular expressions run by
the C regex engine read a page far faster than a tree-building parser
(``html.parser`` took about five times as long on our pages). They are still
careful where it matters:

* comments and the content of ``<script>``, ``<style>``, ``<template>`` and
  ``<textarea>`` are blanked out first (newlines kept, so line numbers hold):
  an ``href=`` inside a script is not a link;
* a start tag is matched with its quoted attribute values, so a ``>`` inside
  ``title="a > b"`` does not end the tag;
* attribute values are unescaped (``&amp;`` → ``&``) as a browser would;
* every pattern runs in time linear in the page, also on malformed or hostile
  markup (see "Linear on any input" below).

Linear on any input
-------------------
A start tag has no fixed length, so a pattern that reads one scans forward
to its ``>``. When no ``>`` comes (``"<a " * 20000``, an unclosed
``<a href="``), the scan runs to the end of the page, fails, and the regex
engine tries again from the next ``<``: quadratic, 43 to 81 s for 20,000
``<a `` on our machines. So an unquoted stretch of a tag stops at ``<`` as
well as at ``>``: a ``<`` outside quotes inside a tag is broken markup (a
tag never closed), and starting afresh there means every failed attempt
stops at the next ``<``, which is where the next attempt begins (100,000
``<a `` now take a few hundredths of a second). Quoted values may still
hold ``<`` (``title="a < b"``). The price is paid only by markup HTML calls
a parse error and MkDocs never writes: a browser folds ``<a <img src=x>``
into one ``a`` tag with odd attributes where this reader sees the ``img``,
and takes ``<a href=x<y>`` as a link to ``x<y`` where this reader sees no
link. All repetitions are possessive (``*+``, ``++``), so a failed attempt
never backtracks into itself.

``tests/links/test_links_scan.py`` checks that this reader and ``html.parser``
find the same ids and links on every page of a real build, and times the
reader on malformed input of growing size.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# What carries an address, per element (attribute names are lowercase).
LINK_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "object": ("data",),
    "form": ("action",),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
    "base": ("href",),
}

_RAW_TEXT_START = re.compile(r"<!--|<(?:script|style|template|textarea)\b", re.I)
_RAW_TEXT_END = {name: re.compile(rf"</{name}\s*+>", re.I) for name in ("script", "style", "template", "textarea")}
_NOT_NEWLINE = re.compile(r"[^\n]++")
# Unquoted stretches of a tag stop at "<" too: see "Linear on any input" above.
_ANY_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*+)(\s[^<>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^<>\"']*+)*+)?/?>")
_NAMES = r"(?:id|name|href|src|srcset|data|action|poster|xlink:href)"
# A start tag with at least one attribute we care about. The lookahead walks
# the attributes (quoted values whole, possessively: linear, in C) looking for
# one of _NAMES; tags without one are skipped by the regex engine itself.
_TAG = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9:-]*+)"
    r"(?=(?>[^<>\"'\s]++|\s++(?!" + _NAMES + r"\s*+=)|\"[^\"]*+\"|'[^']*+')*+\s" + _NAMES + r"\s*+=)"
    r"(\s[^<>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^<>\"']*+)*+)/?>",
    re.I,
)
_HTML_TAG = re.compile(r"<html\b((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)>", re.I)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


@dataclass
class Link:
    """One address written on a page."""

    tag: str
    attribute: str
    value: str
    tag_index: int  # which tag of the page it is on (see tag_offset)
    hreflang: str | None = None
    rel: str = ""


@dataclass
class PageFacts:
    lang: str | None = None
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    base: str | None = None  # a <base href>, when the page has one


def blank_raw_text(text: str) -> str:
    """``text`` with comments and raw-text element content blanked out.

    Newlines are kept and every other character becomes a space, so offsets
    and line numbers are those of the original text. ``str.find`` does the
    searching: a page has only a handful of these. Each search starts where
    the previous element ended, and an element that is never closed blanks
    the rest of the text, so the text is read once whatever it holds.
    """
    if "<!--" not in text and "<s" not in text and "<t" not in text and "<S" not in text and "<T" not in text:
        return text
    out: list[str] = []
    position = 0
    while True:
        match = _RAW_TEXT_START.search(text, position)
        if match is None:
            break
        if match.group() == "<!--":
            start = match.start()
            end = text.find("-->", start + 4)
            end = len(text) if end < 0 else end + 3
        else:
            tag_end = _ANY_TAG.match(text, match.start())
            if tag_end is None:
                position = match.end()
                continue
            start = tag_end.end()
            close = _RAW_TEXT_END[match.group()[1:].lower()].search(text, start)
            end = len(text) if close is None else close.start()
        out.append(text[position:start])
        if "\n" in text[start:end]:
            out.append(_NOT_NEWLINE.sub(lambda run: " " * len(run.group()), text[start:end]))
        else:
            out.append(" " * (end - start))
        position = end
    out.append(text[position:])
    return "".join(out)


def attributes(body: str) -> dict[str, str]:
    """The attributes of a start tag's body, unescaped; the first of a repeated name wins."""
    found: dict[str, str] = {}
    for name, double, single, bare in _ATTRIBUTE.findall(body):
        name = name.lower()
        if name in found:
            continue
        value = double or single or bare
        found[name] = html.unescape(value) if "&" in value else value
    return found


def scan(text: str) -> PageFacts:
    """The language, ids and links of one HTML page.

    A link's ``tag_index`` is the position of its tag among the tags this
    scan looked at; :func:`tag_offset` turns it back into a place in the text
    (only needed for the few links that are reported).
    """
    facts = PageFacts()
    text = blank_raw_text(text)
    root = _HTML_TAG.search(text)
    if root:
        facts.lang = attributes(root.group(1)).get("lang")
    ids = facts.ids
    links = facts.links
    link_attributes = LINK_ATTRIBUTES
    for index, (tag, body) in enumerate(_TAG.findall(text)):
        attrs = attributes(body)
        identifier = attrs.get("id")
        if identifier is not None:
            ids.add(identifier)
        tag = tag.lower()
        names = link_attributes.get(tag)
        if not names:
            continue
        if tag == "a" and "name" in attrs:
            ids.add(attrs["name"])
        for name in names:
            value = attrs.get(name)
            if value is None:
                continue
            if tag == "base":
                facts.base = value.strip()
            elif name == "srcset":
                for candidate in value.split(","):
                    address = candidate.split()[0] if candidate.strip() else ""
                    if address:
                        links.append(Link(tag, name, address, index))
            else:
                links.append(Link(tag, name, value, index, attrs.get("hreflang"), attrs.get("rel", "").lower()))
    return facts


def tag_offsets(text: str) -> list[int]:
    """Where each tag that :func:`scan` looked at starts in ``text`` (index: a link's ``tag_index``)."""
    return [match.start() for match in _TAG.finditer(blank_raw_text(text))]


def tag_offset(text: str, tag_index: int) -> int:
    """Where the ``tag_index``-th tag that :func:`scan` looked at starts in ``text``."""
    offsets = tag_offsets(text)
    return offsets[tag_index] if 0 <= tag_index < len(offsets) else 0


# -- the page's content area ---------------------------------------------------------

CONTENT_CLASSES = ("md-content__inner", "md-content")
"""Material's content area: ``<article class="md-content__inner">`` inside
``<div class="md-content">``; the header, navigation and footer are outside."""

_MAIN = re.compile(r"<main(?=[\s/>])", re.I)
_CLOSING: dict[str, re.Pattern] = {}


def content_span(text: str) -> tuple[int, int] | None:
    """Where the page's content area starts and ends in ``text`` (offsets).

    The first element whose class is one of :data:`CONTENT_CLASSES`, else the
    ``<main>`` element; None when the page has none of them (a page that is
    not Material's: all of it is content). Comments and scripts do not count
    (see :func:`blank_raw_text`); each search moves forward only, so a hostile
    page is read in linear time.
    """
    text = blank_raw_text(text)
    for wanted in CONTENT_CLASSES:
        span = _element_with_class(text, wanted)
        if span is not None:
            return span
    main = _MAIN.search(text)
    if main is not None:
        tag = _ANY_TAG.match(text, main.start())
        if tag is not None:
            return main.start(), _element_end(text, "main", tag.end())
    return None


def _element_with_class(text: str, wanted: str) -> tuple[int, int] | None:
    position = 0
    tag = None
    while True:
        found = text.find(wanted, position)
        if found < 0:
            return None
        start = text.rfind("<", position, found)  # else the tag before the previous occurrence, still
        if start >= 0:
            tag = _ANY_TAG.match(text, start)
        position = found + len(wanted)
        if tag is not None and tag.start() < found < tag.end() and wanted in attributes(tag.group(2) or "").get("class", "").split():
            return tag.start(), _element_end(text, tag.group(1), tag.end())


def _element_end(text: str, name: str, position: int) -> int:
    """Where the element opened just before ``position`` ends: after its closing tag
    (nested elements of the same name counted), or at the end of the text."""
    name = name.lower()
    pattern = _CLOSING.get(name)
    if pattern is None:
        pattern = _CLOSING[name] = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^<>]*+>", re.I)
    depth = 1
    for match in pattern.finditer(text, position):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.end()
        elif not match.group().endswith("/>"):
            depth += 1
    return len(text)
