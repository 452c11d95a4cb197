"""The one oracle and fault injector of the link-check benchmarks.

:func:`inject_faults` breaks a built synthetic site (:mod:`bench.synthetic`) in
known ways; :func:`oracle` finds every broken internal link of a site the slow,
obvious way, with the standard library only (``html.parser`` and ``urljoin``),
sharing no code with the checker it judges; :func:`score` compares what a
checker reported with both.

Fault kinds: the four every link checker looks for (:data:`LINK_KINDS`: a
link to a page that does not exist, to an anchor missing on another page or
on the same page, a French page linking to the English twin of its target),
and three more (:data:`ALL_KINDS`): a missing script, a malformed ``tel:``
link, a page without its twin. ``make bench`` injects the first four, so that
its peers are compared on what they all do; ``python -m bench links`` injects
all seven.
"""

from __future__ import annotations

import posixpath
import random
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .project import SITE_URL

ORIGIN = "http://bench.invalid/"
MARK = "zzbench"
"""Written into every injected target that can carry it, so a report of it is recognized."""

LINK_KINDS = ("missing-page", "missing-anchor", "same-page-anchor", "wrong-language")
ALL_KINDS = LINK_KINDS + ("missing-script", "tel", "twin")

MALFORMED_TEL = "tel:+1866250155"
"""The support line's ``tel:+18662501554`` with a digit missing."""


class LinkParser(HTMLParser):
    """Ids and link targets of one page, read with the standard library (the oracle's eyes)."""

    ATTRIBUTES = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src",), "area": ("href",),
                  "iframe": ("src",), "source": ("src",)}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id") is not None:
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        for name in self.ATTRIBUTES.get(tag, ()):
            if values.get(name) is not None:
                self.links.append(values[name])

    handle_startendtag = handle_starttag


def resolve(page: str, href: str) -> str | None:
    """Site-relative target of ``href`` on ``page`` (``path#fragment``, folders as ``x/index.html``);
    None for anything outside the site."""
    href = href.strip()
    if href.startswith(SITE_URL):
        href = ORIGIN + href[len(SITE_URL):]
    url = urljoin(ORIGIN + page, href)
    if not url.startswith(ORIGIN):
        return None
    parts = urlsplit(url)
    path = unquote(parts.path[1:])
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path + (f"#{unquote(parts.fragment)}" if parts.fragment else "")


def oracle(site: Path) -> set[tuple[str, str]]:
    """(page, target) of every broken internal link, found the slow, obvious way."""
    pages = {}
    for file in site.rglob("*.html"):
        parser = LinkParser()
        parser.feed(file.read_text(encoding="utf-8"))
        pages[file.relative_to(site).as_posix()] = parser
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    broken = set()
    for page, parser in pages.items():
        for href in parser.links:
            target = resolve(page, href)
            if target is None:
                continue
            path, _, fragment = target.partition("#")
            if path not in files and path + "/index.html" in files:
                path += "/index.html"
            if path not in files:
                broken.add((page, target))
            elif fragment and path in pages and fragment not in pages[path].ids and fragment != "top":
                broken.add((page, target))
    return broken


CROSS = re.compile(r'<a href="((?:\.\./)+(?:[a-z0-9-]+/)?job-aid-\d{4}/)(#[a-z0-9-]+)?"')
"""A link an editor wrote to another checklist, or to one of its steps."""
SAME_PAGE = re.compile(r'<a href="#(create-ocean-site)"')
SCRIPT = re.compile(r'<script src="([^"]*bundle[^"]*\.js)"')
TEL = re.compile(r'href="(tel:\+18662501554)"')


def inject_faults(site: Path, k: int, kinds: tuple[str, ...] = LINK_KINDS, seed: int = 6) -> list[dict]:
    """K faults in the built checklist pages of ``site``, spread evenly over ``kinds``, each
    on a page of its own; returns them: ``kind``, ``page``, ``href`` written, ``target``
    (as :func:`resolve` makes it; the ``tel:`` address, or "" for a page without a twin)
    and ``token`` (the :data:`MARK` in the target, None where it cannot carry one)."""
    rng = random.Random(seed)
    articles = sorted(p.relative_to(site).as_posix() for p in site.glob("**/help/*/job-aid-*/index.html")
                      if "/feedback/" not in p.as_posix())
    articles = [a for a in articles if not re.search(r"job-aid-\d+/[^/]+/index\.html$", a)]
    french = [a for a in articles if a.startswith("fr/")]
    faults: list[dict] = []
    used: set[str] = set()

    def pick(pool):
        choices = [p for p in pool if p not in used]
        return rng.choice(choices) if choices else None

    for number in range(k):
        kind = kinds[number % len(kinds)]
        token = f"{MARK}{number}"
        if kind == "twin":  # a page with no twin in the other language
            orphan = f"orphan-{token}/index.html"
            (site / orphan).parent.mkdir(parents=True, exist_ok=True)
            (site / orphan).write_text('<html lang="en"><body><a href="../">Home</a></body></html>', encoding="utf-8")
            faults.append({"kind": kind, "page": orphan, "href": None, "target": "", "token": None})
            continue
        page = pick(french if kind == "wrong-language" else articles)
        if page is None:
            continue
        file = site / page
        text = file.read_text(encoding="utf-8")
        content = max(0, text.find("<article"))  # links an editor wrote, not the navigation
        match, new = _break(kind, page, text, content, token)
        if new is None:
            continue
        if kind == "same-page-anchor":
            start, end = match.start(1) - 1, match.end(1)  # the whole "#id"
        else:
            start, end = match.start(1), match.end(2) if match.re is CROSS and match.group(2) else match.end(1)
        file.write_text(text[:start] + new + text[end:], encoding="utf-8")
        used.add(page)
        faults.append({"kind": kind, "page": page, "href": new,
                       "target": new if kind == "tel" else resolve(page, new),
                       "token": None if kind == "tel" else token})
    return faults


def _break(kind: str, page: str, text: str, content: int, token: str) -> tuple[re.Match | None, str | None]:
    """Where on ``page`` a fault of ``kind`` goes, and the address written there instead (None: nowhere)."""
    if kind == "same-page-anchor":
        match = SAME_PAGE.search(text, content)
        return match, f"#create-ocean-site-{token}" if match else None
    if kind == "missing-script":
        match = SCRIPT.search(text)
        return match, match.group(1).replace("bundle", f"bundle-{token}", 1) if match else None
    if kind == "tel":
        match = TEL.search(text)
        return match, MALFORMED_TEL if match else None
    match = CROSS.search(text, content)
    if match is None:
        return None, None
    if kind == "missing-page":
        return match, re.sub(r"job-aid-\d{4}/$", f"job-aid-{token}/", match.group(1))
    if kind == "missing-anchor":
        return match, match.group(1) + f"#step-{token}"
    # wrong-language: the English twin of the French target, from this French page
    target = resolve(page, match.group(1) + (match.group(2) or ""))
    english = target[len("fr/"):]
    new = posixpath.relpath(english.rpartition("#")[0] if "#" in english else english, posixpath.dirname(page))
    new = new[: -len("index.html")] if new.endswith("index.html") else new
    return match, (new or "./") + (match.group(2) or "")


def _page_key(page: str) -> str:
    page = page.lstrip("./") if page.startswith("./") else page
    page = page.lstrip("/")
    if page == "" or page.endswith("/"):
        page += "index.html"
    return page


def _target_key(target: str) -> str:
    path, hash_sign, fragment = target.partition("#")
    path = path.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path + hash_sign + fragment


def score(reports: set[tuple[str, str]], faults: list[dict], truth: set[tuple[str, str]],
          pristine: set[tuple[str, str]] = frozenset()) -> dict:
    """Recall over every fault (injected, or already broken per the oracle) and false positives:
    reported (page, target) pairs that are no fault. What the checker also reports on the
    site before injection is left out and counted apart (``pre_existing``): a problem of the
    site itself, or a false positive, as a reader of its list decides."""
    before = {(_page_key(p), _target_key(t)) for p, t in pristine}
    reports = {(p, t) for p, t in reports if (_page_key(p), _target_key(t)) not in before}
    wanted = [(f["page"], _target_key(f["target"]), f.get("token")) for f in faults]
    wanted += [(page, _target_key(target), None) for page, target in truth
               if not any(page == f["page"] and f.get("token") and f["token"] in target for f in faults)]
    found = set()
    false = 0
    false_examples = []
    for page, target in reports:
        page, target = _page_key(page), _target_key(target)
        hit = False
        for index, (w_page, w_target, token) in enumerate(wanted):
            if page == w_page and (target == w_target or (token and token in target)
                                   or target.rstrip("/") + "/index.html" == w_target):
                found.add(index)
                hit = True
        if not hit:
            false += 1
            false_examples.append([page, target])
    by_kind = Counter()
    for index in found:
        by_kind[faults[index]["kind"] if index < len(faults) else "pre-existing"] += 1
    missed = [list(wanted[index][:2]) for index in range(len(wanted)) if index not in found]
    return {"recall": round(len(found) / len(wanted), 4) if wanted else 1.0, "false_positives": false,
            "found": len(found), "faults": len(wanted), "found_by_kind": dict(sorted(by_kind.items())),
            "pre_existing": len(before), "false_examples": sorted(false_examples)[:5], "missed_examples": missed[:5]}
