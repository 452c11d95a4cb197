"""From a built page back to what an editor wrote: the YAML file and line.

:func:`page_sources` maps every page built from a checklist to that
checklist (its own page ``help/<collection>/<id>/`` and, below it, its guided
step pages), in each language. For each it lists the links editors wrote,
each with the address it is rendered to and the place in the YAML it was
written at:

* links inside Markdown text (``checklist.markdown_links``):
  ``checklist:ID#anchor``, ``#anchor``, ``https://…``, ``mailto:``, ``tel:``;
* related links (``checklist.links``): another checklist (and step) or an
  outside address, per language;
* the phone and email of the support contacts the page shows (``_shared.yml``).

A broken link on a page is matched to an editor's link by where it leads
(the resolved file and fragment) or, for outside addresses, ``tel:`` and
``mailto:``, by the address itself. Hand-written pages (``docs/*.<lang>.md``)
are searched the same way for a Markdown link leading to the same place.
Anything else came from the templates (``overrides/``) or the theme.

The YAML and Markdown files are read as the validator reads checklists
(:func:`..problems.read_regular_file`): regular files only, size-capped, and
through a symbolic link only when it stays inside the project. One that is
refused is simply not used to locate a link: the link is then reported on
the built page, and nothing of the refused file is shown.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..pipeline import Project
from .. import LANGUAGES, model, paths
from ..grammar import CHECKLIST_LINK, SAME_PAGE_LINK
from ..problems import FileRefused, Location, read_regular_file, shown
from ..source import MAX_FILE_BYTES
from .check import MAX_SITE_FILE_BYTES, BuiltSite, Finding, Target
from .report import Attribution

SAME_PAGE = "\x00same-page"
"""Stands for "the page the link is on" in an expected target."""


@dataclass(frozen=True)
class EditorLink:
    """A link an editor wrote, and what it renders to on the site."""

    location: Location
    written: str  # as written in the YAML
    targets: frozenset = frozenset()  # of (path or SAME_PAGE, fragment)
    addresses: frozenset = frozenset()  # literal hrefs: outside addresses, tel:, mailto:


@dataclass
class PageSource:
    """Who wrote the links of one built page."""

    source: str  # the YAML or Markdown file, relative to the project root
    lang: str
    checklist: model.Checklist | None = None
    links: list[EditorLink] = field(default_factory=list)


def language_prefix(lang: str) -> str:
    return "" if lang == LANGUAGES[0] else f"{lang}/"


def page_file(page: paths.PagePath, lang: str) -> str:
    """The built HTML file of a generated page in ``lang``, relative to the site folder."""
    return language_prefix(lang) + page.url + "index.html"


def page_sources(site_model: model.Site, built: BuiltSite, root: Path | None = None) -> dict[str, PageSource]:
    """Folder of every checklist's pages (per language) → where its links were written.

    The key is the folder of the checklist's own page (``fr/help/c/id/``): its
    guided step pages live below it and show the same editor's text.
    """
    sources: dict[str, PageSource] = {}
    lines = _Lines(root)
    for checklist in site_model.checklists.values():
        for lang in built.languages:
            folder = language_prefix(lang) + paths.checklist_path(checklist).url
            links = _editor_links(site_model, checklist, lang, built, lines)
            sources[folder] = PageSource(checklist.path, lang, checklist, links)
    return sources


def _editor_links(site_model: model.Site, checklist: model.Checklist, lang: str, built: BuiltSite, lines: "_Lines") -> list[EditorLink]:
    links: list[EditorLink] = []

    def checklist_target(identifier: str, anchor: str | None) -> tuple[str, str | None] | None:
        other = site_model.checklists.get(identifier)
        if other is None:
            return None
        return (page_file(paths.checklist_path(other), lang), anchor)

    def address(location: Location, written: str, url: str) -> EditorLink:
        internal = built.internal_path(url) if url.lower().startswith(("http:", "https:")) else None
        if internal is not None:
            resolved = built._resolve("", internal, None)
            if resolved.target is not None:
                return EditorLink(location, written, frozenset({(resolved.target.path, resolved.target.fragment)}), frozenset({url}))
        return EditorLink(location, written, frozenset(), frozenset({url}))

    own_page = page_file(paths.checklist_path(checklist), lang)
    for link_lang, target, location in checklist.markdown_links:
        if link_lang != lang:
            continue
        same_page = SAME_PAGE_LINK.match(target)
        other = CHECKLIST_LINK.match(target)
        if same_page:
            fragment = same_page.group(1)
            links.append(EditorLink(location, target, frozenset({(SAME_PAGE, fragment), (own_page, fragment)})))
        elif other:
            expected = checklist_target(other.group(1), other.group(2))
            links.append(EditorLink(location, target, frozenset({expected}) if expected else frozenset()))
        else:
            links.append(address(location, target, target))
    for related in checklist.links:
        location = related.location or checklist.location
        if related.checklist is not None:
            anchor = related.anchor.id if related.anchor else None
            expected = checklist_target(related.checklist.id, anchor)
            written = f"checklist: {related.checklist.id}" + (f", anchor: {anchor}" if anchor else "")
            links.append(EditorLink(location, written, frozenset({expected}) if expected else frozenset()))
        elif related.url is not None:
            url = related.url[lang]
            links.append(address(_url_location(related, lang), url, url))
    for contact in _contacts_shown(site_model, checklist):
        if contact.phone and contact.tel:
            where = lines.key_after(site_model.shared.path, contact.location, "phone:") or contact.location
            links.append(EditorLink(where, contact.phone, frozenset(), frozenset({contact.tel})))
        if contact.email:
            where = lines.key_after(site_model.shared.path, contact.location, "email:") or contact.location
            links.append(EditorLink(where, contact.email, frozenset(), frozenset({f"mailto:{contact.email}"})))
    return links


def _url_location(related: model.Link, lang: str) -> Location:
    url = related.url
    if url.en_location != url.fr_location:
        return url.en_location if lang == "en" else url.fr_location
    return url.location or related.location


def _contacts_shown(site_model: model.Site, checklist: model.Checklist) -> list[model.Contact]:
    ids = [ref.id for ref in checklist.contacts]
    for section in checklist.sections:
        ids.extend(ref.id for ref in section.contacts)
    seen: dict[str, model.Contact] = {}
    for identifier in ids:
        contact = site_model.shared.contacts.get(identifier)
        if contact is not None:
            seen.setdefault(identifier, contact)
    return list(seen.values())


class _Lines:
    """The lines of the project's YAML files, read once, to point at one key of an entry."""

    def __init__(self, root: Path | None):
        self.root = root
        self.files: dict[str, list[str]] = {}

    def key_after(self, path: str, start: Location | None, key: str) -> Location | None:
        """Where ``key`` is written in the list entry that starts at ``start``."""
        if start is None or self.root is None:
            return None
        if path not in self.files:
            try:
                data = read_regular_file(self.root / path, MAX_FILE_BYTES, within=self.root)
                self.files[path] = data.decode("utf-8").splitlines()
            except (OSError, UnicodeDecodeError, FileRefused):
                self.files[path] = []
        lines = self.files[path]
        for number in range(start.line - 1, min(len(lines), start.line + 40)):
            text = lines[number]
            if number > start.line - 1 and text.lstrip().startswith("- "):
                break
            column = text.find(key, start.column - 1 if number == start.line - 1 else 0)
            if column >= 0:
                value = column + len(key)
                while value < len(text) and text[value] == " ":
                    value += 1
                return Location(path, number + 1, value + 1)
        return None


# -- hand-written pages ------------------------------------------------------------

_MARKDOWN_TARGET = re.compile(
    r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"       # [text](target "title")
    r"|\bhref=\"([^\"]+)\""                               # <a href="target">
    r"|^[ ]{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)"          # [ref]: target
    r"|<((?:https?://|mailto:)[^<>\s]+)>",                # <https://autolink>
    re.M,
)


@dataclass
class Docs:
    """The hand-written pages under ``docs/`` (not the generated ``docs/help/``)."""

    root: Path
    docs_dir: str
    built: BuiltSite

    def source_of(self, page: str) -> tuple[str, str] | None:
        """(Markdown file relative to the project root, language) a built page was written from."""
        lang = self.built.path_language(page)
        bare = page[len(lang) + 1:] if lang != self.built.languages[0] else page
        if not bare.endswith(".html"):
            return None
        stem = bare[: -len(".html")]
        if stem.endswith("index"):
            stem = stem[: -len("index")].rstrip("/")
        if stem.startswith(paths.GENERATED_DIR + "/") or stem == paths.GENERATED_DIR:
            return None
        candidates = [f"{stem}.{lang}.md", f"{stem}/index.{lang}.md", f"{stem}.md", f"{stem}/index.md"] if stem else [
            f"index.{lang}.md", "index.md", f"README.{lang}.md", "README.md"]
        for candidate in candidates:
            if (self.root / self.docs_dir / candidate).is_file():
                return f"{self.docs_dir}/{candidate}", lang
        return None

    def locate(self, page: str, finding: Finding) -> Location | None:
        """Where in the page's Markdown the link of ``finding`` is written, if it is."""
        found = self.source_of(page)
        if found is None or finding.link is None:
            return None
        source, lang = found
        try:
            # A hand-written page may be longer than a checklist: the site's cap, not the checklists'.
            text = read_regular_file(self.root / source, MAX_SITE_FILE_BYTES, within=self.root).decode("utf-8")
            text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines as read_text() counted them (universal newlines)
        except (OSError, UnicodeDecodeError, FileRefused):
            return None
        markdown_dir = posixpath.dirname(source[len(self.docs_dir) + 1:])
        for match in _MARKDOWN_TARGET.finditer(text):
            group = next(number for number in range(1, 5) if match.group(number))
            written, start = match.group(group), match.start(group)
            if written.strip() == finding.link.value.strip() or self._leads_to(written, markdown_dir, lang, page) == finding.target:
                line = text.count("\n", 0, start) + 1
                return Location(source, line, start - (text.rfind("\n", 0, start) + 1) + 1)
        return None

    def _leads_to(self, written: str, markdown_dir: str, lang: str, page: str) -> Target | None:
        address, _, fragment = written.partition("#")
        fragment_value = fragment if _ else None
        if not address:
            return Target(page, fragment_value)
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", address) or address.startswith("/"):
            return None
        path = posixpath.normpath(posixpath.join(markdown_dir, address))
        if path.endswith(".md"):
            path = path[: -len(".md")]
            for code in self.built.languages:
                if path.endswith(f".{code}"):
                    path = path[: -len(code) - 1]
            if path == "index" or path.endswith("/index"):
                path = path[: -len("index")]
            else:
                path += "/"
            path = path + "index.html"
        return Target(language_prefix(lang) + path.lstrip("/"), fragment_value)


# -- attribution -------------------------------------------------------------------

class Sources:
    """Answers "who wrote this link?" for the findings of one built site."""

    def __init__(self, root: Path | None, built: BuiltSite, settings: Project | None = None, site_model: model.Site | None = None):
        self.built = built
        self.root = root
        if settings is None and root is not None:
            from mkdocs_helpcentre import read_project  # mkdocs.yml is read in one place, the edge

            settings = read_project(root)
        self.settings = settings or Project(Path("."))
        self.by_folder: dict[str, PageSource] = {}
        self.model_problem: str | None = None
        if root is not None:
            if site_model is None:
                from ..validate import load_site

                site_model, problems = load_site(root, self.settings.checklists_dir)
                if site_model is None:
                    self.model_problem = shown(  # the folder's name comes from mkdocs.yml: content too
                        f"the checklists under {root / self.settings.checklists_dir} do not validate "
                        f"({len(problems.errors)} problems; run `make validate`): links are reported by page only"
                    )
            if site_model is not None:
                self.by_folder = page_sources(site_model, built, root)
        self.docs = Docs(root, self.settings.docs_dir, built) if root is not None else None

    def page_source(self, page: str) -> PageSource | None:
        folder = posixpath.dirname(page) + "/"
        while folder:
            found = self.by_folder.get(folder)
            if found is not None:
                return found
            folder = folder[:-1].rpartition("/")[0] + "/" if "/" in folder[:-1] else ""
        return None

    def attribute(self, finding: Finding) -> list[Attribution]:
        """Where each editor wrote the link of ``finding``; the templates when nobody did."""
        if finding.link is None:
            return [Attribution(None, "site")]
        source = self.page_source(finding.page)
        if source is not None:
            matches = [link for link in source.links if _matches(link, finding)]
            if matches:
                return [Attribution(link.location, "checklist", link.written) for link in matches]
            return [Attribution(None, "templates")]
        if self.docs is not None:
            location = self.docs.locate(finding.page, finding)
            if location is not None:
                return [Attribution(location, "docs")]
            found = self.docs.source_of(finding.page)
            if found is not None:
                return [Attribution(None, "docs-or-templates", found[0])]
        return [Attribution(None, "templates")]


def _matches(link: EditorLink, finding: Finding) -> bool:
    href = finding.link.value.strip()
    if href in link.addresses:
        return True
    target = finding.target
    if target is None:
        return False
    for path, fragment in link.targets:
        if fragment == target.fragment and (path == target.path or (path == SAME_PAGE and target.path == finding.page)):
            return True
    return False
