"""Refusing posts that other sites make readers' browsers send (cross-site request forgery).

The forms post without JavaScript, cookies or tokens, so nothing in the body
tells the service that a post came from the help centre: any page on the web
could hold a copy of the form, or script one, and make each visitor's browser
post an answer. What the browser does add, and a page cannot forge, is the
``Origin`` header: every current browser sends it on a form post (as
``null`` when the origin is hidden: sandboxed frames, ``data:`` pages, a
``no-referrer`` policy, an https page posting to plain http). So a post is
accepted only if its ``Origin`` is the site's own -- scheme, host and port,
normalised -- or, without ``Origin``, if its ``Referer`` is a page of the
site. A post with neither is refused unless the operator allows it
(``allow_missing_origin``): only a browser from before ~2020 or a script
sends one, and scripts are the rate limiter's business, not this check's.
"""

from __future__ import annotations

from typing import Sequence
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """The origin of an absolute http(s) URL, normalised: ``scheme://host[:port]``.

    Scheme and host lower-cased, an internationalised host in its ASCII
    (punycode) form as browsers send it, IPv6 hosts in brackets, the default
    port left out. None for anything else (a relative URL, another scheme, a
    bad port, user info).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # ValueError for a port that is not a number in 0..65535
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname  # lower-cased, brackets removed
    if scheme not in DEFAULT_PORTS or not host or "@" in parts.netloc:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def parse_origin_header(value: str) -> str | None:
    """An ``Origin`` header's origin, or None for ``null`` or anything a browser would not send
    (an origin carries no path, query or fragment)."""
    value = value.strip()
    if value.lower() == "null":
        return None
    parts = urlsplit(value)
    if parts.path or parts.query or parts.fragment or value.endswith(("?", "#")):
        return None
    return origin_of(value)


def cross_site_reason(origins: Sequence[str], referers: Sequence[str], expected: str,
                      allow_missing: bool = False) -> str | None:
    """Why a post must be refused as not coming from the site, or None if it may go on.

    ``origins`` and ``referers`` are every value of those headers (a header
    given twice is refused: a browser never does that, and picking one of two
    would let the other slip through). ``expected`` is :func:`origin_of` the site's URL.
    """
    if len(origins) > 1 or len(referers) > 1:
        return "the request has more than one Origin or Referer header"
    if origins:
        if origins[0].strip().lower() == "null":
            return "the browser hid the page this was sent from (Origin: null)"
        if parse_origin_header(origins[0]) != expected:
            return "it was sent from another site"
        return None
    if referers:
        if origin_of(referers[0]) != expected:
            return "it was sent from another site"
        return None
    if allow_missing:
        return None
    return "the request does not say which page sent it (no Origin or Referer header)"
