"""The internal checks of a built site: every page read once, every link resolved.

:class:`BuiltSite` indexes the site folder (every file, every page's ids and
links) and :func:`check_site` turns it into :class:`Finding`\\ s, one per
broken link occurrence or page-level problem:

* an internal ``href``/``src`` whose file does not exist (relative, absolute
  under the site's path, or a full address starting with ``site_url``);
* a ``#fragment`` that is no ``id`` (nor ``<a name>``) on the target page;
* a link between pages of different languages that does not say so with
  ``hreflang`` (only the language switcher may cross), a language switcher or
  ``<link rel=alternate hreflang>`` that leads elsewhere than the page's twin,
  a ``rel=canonical`` that is not the page itself;
* a page without its twin in every other language (``x/`` ↔ ``fr/x/``), a page
  whose ``<html lang>`` is not the language of its folder;
* a malformed ``tel:`` or ``mailto:`` link, a scheme no reader's browser should
  follow from our pages (``javascript:``, an unrewritten ``checklist:``);
* ``sitemap.xml`` entries and ``feedback-manifest.json`` paths (the feedback
  form's thank-you and comment pages) that are not pages of the site.

External addresses are only collected here (:attr:`BuiltSite.external`); the
optional network check is :mod:`.external`.

The site folder is read as untrusted: only regular files are read, each up to
:data:`MAX_SITE_FILE_BYTES` counted on what is read; a symbolic link is
followed only when it leads to a regular file inside the site folder; a FIFO,
a device, a link leading out of the site (``site/x.html -> /etc/passwd``) or a
file name holding control characters is not read and is reported instead
(kind ``"file"``), without a word of its content or of where it leads. Every
message is passed through :func:`..problems.shown`, so a link's address
cannot write escape sequences or line breaks to the terminal or CI log.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import stat
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import LANGUAGES
from ..grammar import LANGUAGE_NAMES
from ..problems import FileRefused, file_kind, inside, read_regular_file, shown
from .scan import Link, PageFacts, scan

MAX_SITE_FILE_BYTES = 64 * 1024 * 1024
"""The most read of one file of the site (a page, sitemap.xml, the feedback
manifest): past it the file is reported, not read. A page is tens of KiB and
the sitemap protocol's own limit is 50 MB; a symbolic link to ``/dev/zero``
or a file still being written must not be read until memory runs out."""

EMAIL = re.compile(r"^[^@\s<>()\[\]]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
"""An email address, as the checklist format accepts one (``format.EMAIL``; not imported: it is slow to load)."""

NOT_FOUND_PAGE = "404.html"
"""Each language's not-found page (404.html at the root, fr/404.html): its
language links lead to the homes, as no page is its twin."""

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_TEL_GLOBAL = re.compile(r"^\+([0-9][0-9().-]*[0-9]|[0-9])$")
_TEL_LOCAL = re.compile(r"^[0-9*#][0-9*#().-]*$")
_TEL_PARAMETER = re.compile(r"^[A-Za-z0-9-]+(?:=[A-Za-z0-9\-_.!~*'()\[\]/:&+$%]+)?$")
_NO_HREFLANG_CHECK = ("stylesheet", "icon", "preload", "prefetch", "manifest", "modulepreload")



def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)


def a_language(lang: str) -> str:
    """"an English", "a French"."""
    name = language_name(lang)
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


@dataclass(frozen=True)
class Target:
    """An internal address, resolved: a file of the site and maybe a fragment."""

    path: str  # relative to the site folder, e.g. "fr/help/x/index.html"
    fragment: str | None = None

    def shown(self) -> str:
        """As a reader's address bar would show it, from the site's root."""
        path = self.path
        if path == "index.html" or path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return "/" + path + (f"#{self.fragment}" if self.fragment is not None else "")


@dataclass
class Finding:
    """One problem at one place of the built site.

    For a link, ``message`` is what follows "link to ADDRESS": the report
    names the address as the editor wrote it when it knows who did.
    """

    kind: str
    page: str  # the page (or file) it is on, relative to the site folder
    message: str
    link: Link | None = None
    target: Target | None = None
    severity: str = "error"

    def __post_init__(self) -> None:
        # Messages quote addresses from the pages, the sitemap and the manifest.
        self.message = shown(self.message)

    def describe(self, written: str | None = None) -> str:
        """The whole sentence; ``written`` replaces the address as it is in the HTML.

        Escaped with :func:`.shown`: the address (and ``written``, from a
        checklist) may hold control characters, ``%1b`` decoded in its target.
        """
        if self.link is None or self.kind in _WHOLE_SENTENCE:
            return self.message
        return shown(f"link to {_shown_address(written or self.link.value.strip(), self.target)}{self.message}")


_WHOLE_SENTENCE = {"canonical", "switcher", "hreflang"}


def _shown_address(written: str, target: "Target | None") -> str:
    """The address as written, and where it leads when that reads differently."""
    if target is None or written.startswith("#"):
        return written
    shown = target.shown()
    return written if written == shown else f"{written} ({shown})"


@dataclass
class Resolved:
    """What a link points at: an internal target, an outside address, or a problem."""

    target: Target | None = None
    external: str | None = None
    problem: tuple[str, str] | None = None  # (kind, message)
    scheme: str | None = None


@dataclass
class BuiltSite:
    """A built site folder, indexed: every file, and every page read once."""

    root: Path
    site_url: str | None = None
    languages: tuple[str, ...] = LANGUAGES
    files: set[str] = field(default_factory=set)
    directories: set[str] = field(default_factory=set)
    pages: dict[str, PageFacts] = field(default_factory=dict)
    refused: list[Finding] = field(default_factory=list)  # files not read (see the module's docstring)
    _resolved: dict[tuple[str, str], Resolved] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, site_url: str | None = None, languages: tuple[str, ...] = LANGUAGES,
             workers: int | None = None) -> "BuiltSite":
        """Index ``root``; pages are read by ``workers`` processes (default: one per CPU, for big sites)."""
        site = cls(root, site_url, languages)
        site._index()
        if site.site_url is None:
            site.site_url = _site_url_from_sitemap(site)
        html = sorted(path for path in site.files if path.endswith(".html"))
        if workers is None:
            workers = min(os.cpu_count() or 1, 8) if len(html) >= PARALLEL_FROM else 1
        if workers > 1:
            pages, refused = _scan_in_parallel(root, html, workers)
        else:
            pages, refused = _scan_chunk((str(root), html), packed=False)
        site.pages.update(pages)
        site.refused.extend(_refused(path, reason) for path, reason in refused)
        return site

    def _index(self) -> None:
        """Every file and folder of the site, as os.walk would list them, minus
        what must not be read (reported in :attr:`refused`).

        The type of each entry comes with the folder listing (no ``stat`` per
        file); only symbolic links cost a look at where they lead. A link to a
        folder is not followed, as os.walk does not (a loop costs nothing).
        """
        root = str(self.root)
        root_real = None
        stack = [("", root)]
        while stack:
            relative, directory = stack.pop()
            try:
                listing = os.scandir(directory)
            except OSError:  # as os.walk: an unreadable folder is skipped
                continue
            with listing:
                for entry in listing:
                    path = f"{relative}/{entry.name}" if relative else entry.name
                    if shown(path) != path:
                        self.refused.append(_refused(path, "has control or invisible characters in its name (shown escaped); rename it. It was not read"))
                        continue
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            self.directories.add(path)
                            stack.append((path, entry.path))
                        elif entry.is_file(follow_symlinks=False):
                            self.files.add(path)
                        elif entry.is_symlink():
                            if root_real is None:
                                root_real = os.path.realpath(root)
                            reason = _link_problem(entry.path, root_real)
                            if reason is None:
                                self.files.add(path)  # read through where it leads (see _read)
                            elif reason:
                                self.refused.append(_refused(path, reason))
                        else:
                            kind = file_kind(entry.stat(follow_symlinks=False).st_mode)
                            self.refused.append(_refused(path, f"is not a regular file but {kind}; it was not read"))
                    except OSError:  # gone while listed: as if it had never been there
                        continue

    # -- languages -------------------------------------------------------------
    def path_language(self, path: str) -> str:
        first = path.split("/", 1)[0]
        return first if first in self.languages[1:] else self.languages[0]

    def counterpart(self, path: str, lang: str) -> str:
        """The same page's path in ``lang``: the twin the page declares in its
        head (``<link rel=alternate hreflang>``), as pages may have addresses
        of their own language (/fr/reference-electronique/…); otherwise the
        same path under the language's folder (``help/x/`` → ``fr/help/x/``).
        :func:`_twins` checks that declared twins declare each other back."""
        if lang == self.path_language(path) and path in self.pages:
            return path
        declared = self.declared_twins(path).get(lang)
        if declared is not None:
            return declared
        own = self.path_language(path)
        bare = path[len(own) + 1:] if own != self.languages[0] else path
        return bare if lang == self.languages[0] else f"{lang}/{bare}"

    def declared_twins(self, path: str) -> dict[str, str]:
        """Language → page, from the page's ``<link rel=alternate hreflang>`` (read once)."""
        cache = self.__dict__.setdefault("_declared_twins", {})
        if path not in cache:
            found: dict[str, str] = {}
            facts = self.pages.get(path)
            for link in (facts.links if facts else ()):
                if link.tag == "link" and "alternate" in (link.rel or "").split() and link.hreflang:
                    lang = link.hreflang.split("-")[0].lower()
                    resolved = self._resolve(posixpath.dirname(path), link.value, facts.base)
                    if lang in self.languages and resolved.target is not None and resolved.target.path:
                        found.setdefault(lang, resolved.target.path)
            cache[path] = found
        return cache[path]

    def page_language(self, path: str) -> str:
        facts = self.pages.get(path)
        declared = (facts.lang or "").split("-")[0].lower() if facts else ""
        return declared if declared in self.languages else self.path_language(path)

    # -- addresses -------------------------------------------------------------
    @property
    def base_path(self) -> str:
        """The path the site is served under ("/" or e.g. "/helpcentre/")."""
        if not self.site_url:
            return "/"
        path = urlsplit(self.site_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def internal_path(self, url: str) -> str | None:
        """The part of a full address after ``site_url``, when it is one of ours."""
        if not self.site_url:
            return None
        base = self.site_url if self.site_url.endswith("/") else self.site_url + "/"
        lowered = url[: len(base)].lower()
        if lowered == base.lower():
            return self.base_path + url[len(base):]
        if url.lower() == base[:-1].lower():
            return self.base_path
        return None

    def resolve(self, page: str, link: Link, directory: str | None = None) -> Resolved:
        """Resolve ``link`` as written on ``page``.

        Memoized: leading ``../`` are applied to the folder first, so
        ``../../assets/x.css`` from any page two levels down is one entry.
        """
        facts = self.pages.get(page)
        base = facts.base if facts is not None else None
        if directory is None:
            directory = page.rpartition("/")[0]
        value = link.value
        if base is None:
            if value.startswith("../"):
                while value.startswith("../") and directory:
                    directory = directory.rpartition("/")[0]
                    value = value[3:]
                if not value or value[0] in "#?":
                    value = "./" + value  # the folder itself, not this page
            key = (directory, value)
        else:
            key = (f"{directory}\x00{base}", value)
        cached = self._resolved.get(key)
        if cached is None:
            cached = self._resolve(directory, value, base)
            self._resolved[key] = cached
        if cached.target is not None and cached.target.path == "":  # "#x" or "": this very page
            return Resolved(target=Target(page, cached.target.fragment))
        return cached

    def _resolve(self, directory: str, value: str, base: str | None) -> Resolved:
        value = value.strip()
        if base is not None:  # a <base href> on the page: resolve against it, as a browser does
            value = _join_with_base(directory, base, value, self.base_path)
        if ":" in value:
            if value.startswith("//"):
                value = "https:" + value
            scheme = _SCHEME.match(value)
            if scheme:
                name = scheme.group(1).lower()
                if name in ("http", "https"):
                    internal = self.internal_path(value)
                    if internal is None:
                        return Resolved(external=value, scheme=name)
                    value = internal
                else:
                    return Resolved(scheme=name, problem=_scheme_problem(name, value))
        elif value.startswith("//"):
            return Resolved(external="https:" + value, scheme="https")
        address, hash_sign, fragment = value.partition("#")
        if "?" in address:
            address = address.split("?", 1)[0]
        fragment_value = (unquote(fragment) if "%" in fragment else fragment) if hash_sign else None
        if address == "":
            return Resolved(target=Target("", fragment_value))
        if "%" in address:
            address = unquote(address)
        if address[0] == "/":
            prefix = self.base_path
            if not (address.startswith(prefix) or address == prefix[:-1]):
                return Resolved(problem=("outside", f" is outside the site (it is served under {prefix})"))
            segments: list[str] = []
            address = address[len(prefix):]
        else:
            segments = self._segments(directory)
        for part in address.split("/"):
            if part == "..":
                if not segments:
                    return Resolved(problem=("outside", " goes above the site's root folder"))
                segments.pop()
            elif part and part != ".":
                segments.append(part)
        normal = "/".join(segments)
        if address.endswith("/") or address in ("", ".", "..") or address.endswith(("/.", "/..")) or normal == "":
            path = f"{normal}/index.html" if normal else "index.html"
        elif normal in self.files:
            path = normal
        elif normal in self.directories and f"{normal}/index.html" in self.files:
            path = f"{normal}/index.html"
        else:
            path = normal
        return Resolved(target=Target(path, fragment_value))

    def _segments(self, directory: str) -> list[str]:
        return directory.split("/") if directory else []


def _join_with_base(directory: str, base: str, value: str, base_path: str) -> str:
    """``value`` resolved against a page's ``<base href>``, as an absolute path or full address."""
    from urllib.parse import urljoin

    origin = "http://site.invalid"
    page_url = f"{origin}{base_path}{directory + '/' if directory else ''}"
    joined = urljoin(urljoin(page_url, base), value)
    return joined[len(origin):] if joined.startswith(origin + "/") else joined


def _refused(path: str, reason: str) -> Finding:
    # The name escaped: the report prints the page as the problem's place.
    return Finding("file", shown(path), f"the file {reason}")


def _link_problem(path: str, root_real: str) -> str | None:
    """Why the symbolic link ``path`` is not indexed: None when it leads to a
    regular file inside the site, "" when to a folder inside (not followed,
    as os.walk does not)."""
    real = os.path.realpath(path)
    if not inside(real, root_real):
        return "is a symbolic link leading outside the site folder; it was not read"
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return "is a symbolic link to nothing (what it leads to does not exist)"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return ""
    return f"is a symbolic link to {file_kind(mode)}, not a regular file; it was not read"


def _read_bytes(root: str | Path, path: str) -> bytes:
    """A file of the site, read as untrusted (see the module's docstring); raises
    :class:`FileRefused`. Regular files are opened without following links
    (no ``realpath`` per page); a symbolic link is followed only into the site."""
    file = os.path.join(root, path)
    try:
        return read_regular_file(file, MAX_SITE_FILE_BYTES)
    except FileRefused as refused:
        if refused.kind != "link":
            raise
    return read_regular_file(file, MAX_SITE_FILE_BYTES, within=root, within_name="the site folder")


def _read(root: str | Path, path: str) -> str:
    return _read_bytes(root, path).decode("utf-8", errors="replace")


PARALLEL_FROM = 150
"""Below this many pages, starting processes costs more than it saves."""


def _scan_chunk(arguments: tuple[str, list[str]], packed: bool = True) -> tuple[list, list[tuple[str, str]]]:
    """Read and scan some pages (in a worker process: ``packed``, as plain
    tuples, which pickle fast); with the pages refused, and why."""
    root, paths = arguments
    out = []
    refused = []
    for path in paths:
        try:
            facts = scan(_read(root, path))
        except FileRefused as refusal:  # swapped or grown since the index
            refused.append((path, refusal.reason))
            continue
        if not packed:
            out.append((path, facts))
            continue
        out.append((path, facts.lang, facts.base, facts.ids,
                    [(l.tag, l.attribute, l.value, l.tag_index, l.hreflang, l.rel) for l in facts.links]))
    return out, refused


_SHARED_SITE: list = []  # the site a forked checker works on


def _check_chunk(pages: list[str]) -> tuple[list, dict]:
    site = _SHARED_SITE[0]
    findings: list = []
    external: dict = {}
    for page in pages:
        _check_page(site, page, site.pages[page], findings, external)
    return findings, external


def _check_in_parallel(site: "BuiltSite", pages: list[str], workers: int):
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    _SHARED_SITE[:] = [site]
    try:
        with context.Pool(workers) as pool:
            return pool.map(_check_chunk, [pages[i::workers] for i in range(workers)])
    finally:
        _SHARED_SITE.clear()


def _scan_in_parallel(root: Path, paths: list[str], workers: int) -> tuple[list[tuple[str, PageFacts]], list[tuple[str, str]]]:
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork (Windows, some macOS set-ups): read them here
        return _scan_chunk((str(root), paths), packed=False)
    chunks = [(str(root), paths[i::workers]) for i in range(workers)]
    pages: dict[str, PageFacts] = {}
    refused: list[tuple[str, str]] = []
    with context.Pool(workers) as pool:
        for chunk, chunk_refused in pool.map(_scan_chunk, chunks):
            for path, lang, base, ids, links in chunk:
                pages[path] = PageFacts(lang, ids, [Link(*link) for link in links], base)
            refused.extend(chunk_refused)
    return sorted(pages.items()), sorted(refused)


def _scheme_problem(name: str, value: str) -> tuple[str, str] | None:
    if name == "tel":
        return _tel_problem(value)
    if name == "mailto":
        return _mailto_problem(value)
    if name == "data":
        return None
    if name == "checklist":
        return ("scheme", " was not turned into an address (a checklist link outside Markdown text?)")
    return ("scheme", f": '{name}:' links are not allowed on the help centre")


def _tel_problem(value: str) -> tuple[str, str] | None:
    number, *parameters = unquote(value[4:]).split(";")
    digits = re.sub(r"\D", "", number)
    problem = None
    if number.startswith("+"):
        if not _TEL_GLOBAL.match(number) or not 7 <= len(digits) <= 15:
            problem = "write + and the whole number"
        elif digits.startswith("1") and len(digits) != 11:
            problem = f"a North American number has 11 digits with the leading 1, this one has {len(digits)}"
    elif not _TEL_LOCAL.match(number) or not any(p.lower().startswith("phone-context=") for p in parameters):
        problem = "a number without + needs ';phone-context='; write the whole number with + instead"
    if problem is None and not all(_TEL_PARAMETER.match(p) for p in parameters):
        problem = "a parameter after ';' is malformed"
    if problem:
        return ("tel", f" is a malformed phone link: {problem}, e.g. tel:+18662501554")
    return None


def _mailto_problem(value: str) -> tuple[str, str] | None:
    addresses, _, _query = value[7:].partition("?")
    parts = [unquote(part).strip() for part in addresses.split(",")] if addresses else []
    bad = [part for part in parts if not EMAIL.match(part)]
    if not parts or bad:
        shown = bad[0] if bad else "(none)"
        return ("mailto", f" is a malformed email link: '{shown}' is not an email address")
    return None


def _site_url_from_sitemap(site: "BuiltSite") -> str | None:
    """The address the site was built for: the shortest page address in its sitemap."""
    if "sitemap.xml" not in site.files:  # absent, or refused by the index
        return None
    try:
        tree = ET.fromstring(_read_bytes(site.root, "sitemap.xml"))
    except (ET.ParseError, OSError, FileRefused):  # _sitemap reports it
        return None
    locations = [element.text.strip() for element in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") if element.text]
    return min(locations, key=len) if locations else None


# -- the checks -------------------------------------------------------------------

def check_site(site: BuiltSite, workers: int | None = None) -> tuple[list[Finding], dict[str, list[tuple[str, Link]]]]:
    """Every internal problem of ``site``, and its outside addresses with where they are.

    Big sites are checked by ``workers`` forked processes, each with the whole
    index (copy-on-write), each checking a share of the pages.
    """
    findings: list[Finding] = []
    external: dict[str, list[tuple[str, Link]]] = {}
    pages = list(site.pages)
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if len(pages) >= PARALLEL_FROM else 1
    results = _check_in_parallel(site, pages, workers) if workers > 1 else None
    if results is None:
        for page in pages:
            _check_page(site, page, site.pages[page], findings, external)
    else:
        for chunk_findings, chunk_external in results:
            findings.extend(chunk_findings)
            for url, places in chunk_external.items():
                external.setdefault(url, []).extend(places)
        order = {page: number for number, page in enumerate(pages)}
        findings.sort(key=lambda f: order.get(f.page, -1))
        for places in external.values():
            places.sort(key=lambda place: order.get(place[0], -1))
    findings.extend(site.refused)
    findings.extend(_twins(site))
    findings.extend(_sitemap(site))
    findings.extend(_feedback_manifest(site))
    return findings, external


def _check_page(site: BuiltSite, page: str, facts: PageFacts, findings: list[Finding], external: dict) -> None:
    own_lang = site.page_language(page)
    directory = page.rpartition("/")[0]
    is_not_found = page.rpartition("/")[2] == NOT_FOUND_PAGE
    if facts.lang is not None:
        declared = facts.lang.split("-")[0].lower()
        folder = site.path_language(page)
        if declared != folder:
            findings.append(Finding(
                "page-language", page,
                f"page {Target(page).shown()} is in the {language_name(folder)} folder but says lang=\"{facts.lang}\"",
            ))
    for link in facts.links:
        if link.tag == "form" or link.rel in ("preconnect", "dns-prefetch"):
            # A form posts to a service; hints name hosts, not pages.
            if link.tag == "form":
                resolved = site.resolve(page, link, directory)
                if resolved.target is not None:
                    _check_target(site, page, link, resolved.target, findings)
            continue
        resolved = site.resolve(page, link, directory)
        if resolved.problem is not None:
            kind, message = resolved.problem
            findings.append(Finding(kind, page, message, link))
            continue
        if resolved.external is not None:
            external.setdefault(resolved.external, []).append((page, link))
            continue
        if resolved.scheme is not None:  # data:, tel:, mailto: that are fine
            if resolved.scheme == "data" and link.tag in ("a", "area"):
                findings.append(Finding("scheme", page, ": a page link may not lead to a data: address", link))
            continue
        target = resolved.target
        if not _check_target(site, page, link, target, findings):
            continue
        if not target.path.endswith(".html") or is_not_found:
            continue
        _check_languages(site, page, own_lang, link, target, findings)


def _check_target(site: BuiltSite, page: str, link: Link, target: Target, findings: list[Finding]) -> bool:
    """Whether ``target`` exists (and its fragment); a finding if not."""
    if target.path not in site.files:
        findings.append(Finding("missing-page", page, " does not exist", link, target))
        return False
    fragment = target.fragment
    if fragment and fragment.lower() != "top" and not fragment.startswith(":~:") and target.path in site.pages:
        ids = site.pages[target.path].ids
        if fragment not in ids:
            findings.append(Finding("missing-anchor", page, f": the page has no anchor '{fragment}'", link, target))
            return False
    return True


def _check_languages(site: BuiltSite, page: str, own_lang: str, link: Link, target: Target, findings: list[Finding]) -> None:
    target_lang = site.path_language(target.path)
    if link.rel == "canonical":
        if target.path != page:
            findings.append(Finding("canonical", page, f"rel=canonical leads to {target.shown()}, not to this page", link, target))
        return
    if link.hreflang:
        wanted_lang = link.hreflang.split("-")[0].lower()
        if wanted_lang not in site.languages:
            return
        twin = site.counterpart(page, wanted_lang)
        if target.path != twin and twin in site.files:
            what = "the language switcher" if link.tag == "a" else f"<{link.tag} hreflang=\"{link.hreflang}\">"
            findings.append(Finding(
                "switcher", page,
                f"{what} leads to {target.shown()}, not to this page's {language_name(wanted_lang)} twin {Target(twin).shown()}",
                link, target,
            ))
        elif target_lang != wanted_lang:
            findings.append(Finding(
                "hreflang", page,
                f"a link marked hreflang=\"{link.hreflang}\" leads to the {language_name(target_lang)} page {target.shown()}",
                link, target,
            ))
        return
    if link.tag not in ("a", "area") or link.rel in _NO_HREFLANG_CHECK:
        return
    if target_lang != own_lang:
        twin = site.counterpart(target.path, own_lang)
        advice = f"; link to its {language_name(own_lang)} twin {Target(twin, target.fragment).shown()} instead" if twin in site.files else ""
        findings.append(Finding(
            "wrong-language", page,
            f" leads to {a_language(target_lang)} page from {a_language(own_lang)} page{advice}",
            link, target,
        ))


def _twins(site: BuiltSite) -> list[Finding]:
    findings = []
    for page in site.pages:
        if page.rpartition("/")[2] == NOT_FOUND_PAGE:
            continue
        own = site.path_language(page)
        for lang in site.languages:
            twin = site.counterpart(page, lang)
            if twin != page and twin not in site.pages:
                findings.append(Finding(
                    "twin", page,
                    f"the {language_name(own)} page {Target(page).shown()} has no {language_name(lang)} twin ({Target(twin).shown()} does not exist)",
                ))
            elif twin != page and lang in site.declared_twins(page):
                back = site.declared_twins(twin).get(own)
                if back is not None and back != page:
                    findings.append(Finding(
                        "twin", page,
                        f"the {language_name(own)} page {Target(page).shown()} names {Target(twin).shown()} as its "
                        f"{language_name(lang)} twin, but that page names {Target(back).shown()}",
                    ))
    return findings


_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_XHTML = "{http://www.w3.org/1999/xhtml}"


def _sitemap(site: BuiltSite) -> list[Finding]:
    if "sitemap.xml" not in site.files or not site.site_url:  # a refused one is reported by the index
        return []
    try:
        tree = ET.fromstring(_read_bytes(site.root, "sitemap.xml"))
    except ET.ParseError as error:
        return [Finding("sitemap", "sitemap.xml", f"sitemap.xml cannot be read: {error}")]
    except FileRefused as refused:
        return [Finding("sitemap", "sitemap.xml", f"sitemap.xml {refused.reason}")]
    findings = []
    for entry in tree.iter(f"{_SITEMAP}url"):
        location = entry.find(f"{_SITEMAP}loc")
        if location is None or not location.text:
            continue
        page = _sitemap_page(site, location.text.strip(), findings)
        for alternate in entry.iter(f"{_XHTML}link"):
            href, lang = alternate.get("href", ""), (alternate.get("hreflang") or "").split("-")[0].lower()
            target = _sitemap_page(site, href, findings)
            if page and target and lang in site.languages and target != site.counterpart(page, lang):
                findings.append(Finding(
                    "sitemap", "sitemap.xml",
                    f"sitemap.xml: the {language_name(lang)} alternate of {Target(page).shown()} is {Target(target).shown()}, "
                    f"not {Target(site.counterpart(page, lang)).shown()}",
                ))
    return findings


def _sitemap_page(site: BuiltSite, url: str, findings: list[Finding]) -> str | None:
    internal = site.internal_path(url)
    if internal is None:
        findings.append(Finding("sitemap", "sitemap.xml", f"sitemap.xml lists {url}, which is not under the site's address {site.site_url}"))
        return None
    resolved = site._resolve("", internal, None)
    if resolved.target is None or resolved.target.path not in site.pages:
        findings.append(Finding("sitemap", "sitemap.xml", f"sitemap.xml lists {url}, which is not a page of the site"))
        return None
    return resolved.target.path


FEEDBACK_MANIFEST = "feedback-manifest.json"


def _feedback_manifest(site: BuiltSite) -> list[Finding]:
    """The pages the feedback service sends readers to must exist, in their language."""
    if FEEDBACK_MANIFEST not in site.files:  # a refused one is reported by the index
        return []
    try:
        data = json.loads(_read_bytes(site.root, FEEDBACK_MANIFEST).decode("utf-8"))
    except FileRefused as refused:
        return [Finding("feedback", FEEDBACK_MANIFEST, f"{FEEDBACK_MANIFEST} {refused.reason}")]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return [Finding("feedback", FEEDBACK_MANIFEST, f"{FEEDBACK_MANIFEST} cannot be read: {error}")]
    if not isinstance(data, dict):
        return [Finding("feedback", FEEDBACK_MANIFEST, f"{FEEDBACK_MANIFEST} is not a JSON object")]
    findings: list[Finding] = []
    pages = data.get("pages") if isinstance(data.get("pages"), dict) else {}

    def expect(where: str, relative: object, lang: str) -> None:
        if not isinstance(relative, str):
            findings.append(Finding("feedback", FEEDBACK_MANIFEST, f"{FEEDBACK_MANIFEST}: {where} is not a path"))
            return
        # relative to the site's folder (the service joins them to its address)
        resolved = site._resolve("", relative.lstrip("/") or "./", None) if not _SCHEME.match(relative) else None
        if resolved is None or resolved.target is None or resolved.target.path not in site.pages:
            findings.append(Finding("feedback", FEEDBACK_MANIFEST, f"{FEEDBACK_MANIFEST}: {where} is {relative}, which is not a page of the site"))
        elif lang in site.languages and site.path_language(resolved.target.path) != lang:
            findings.append(Finding(
                "feedback", FEEDBACK_MANIFEST,
                f"{FEEDBACK_MANIFEST}: {where} is {relative}, {a_language(site.path_language(resolved.target.path))} page",
            ))

    for key in ("thanks",):
        for lang, relative in (data.get(key) or {}).items() if isinstance(data.get(key), dict) else ():
            expect(f"{key}[{lang}]", relative, lang)
    comment_pages = data.get("comment_pages") if isinstance(data.get("comment_pages"), dict) else {}
    for lang, template in comment_pages.items():
        if not isinstance(template, str) or "{page}" not in template:
            expect(f"comment_pages[{lang}]", template, lang)
            continue
        for page_id, languages in pages.items():
            if isinstance(languages, dict) and lang in languages:
                expect(f"comment_pages[{lang}] for {page_id}", template.replace("{page}", page_id), lang)
    for page_id, languages in pages.items():
        if isinstance(languages, dict):
            for lang, relative in languages.items():
                expect(f"pages[{page_id}][{lang}]", relative, lang)
    return findings
