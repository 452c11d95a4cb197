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
* the phone and email of the support contacts the page shows, and the links
  inside their purposes and inside the roles' descriptions (``_shared.yml``).

Other pages show editors' text too: a collection's page its summary and its
articles' summaries, the home page (a hand-written page the generator adds
the collections to) and lists of articles the same; these pages are matched
against every text of ``_shared.yml`` and every checklist's summary
(:func:`listed_links`). Any generated page shows UI strings (``strings.yml``
beside the templates). Every link inside any of them is located as the
validator locates a checklist's links (the same ``locate_in`` on the same
YAML nodes, :class:`TextLinks`), so it is reported at its own file and line.

A broken link on a page is matched to an editor's link by where it leads
(the resolved file and fragment) or, for outside addresses, ``tel:`` and
``mailto:``, by the address itself. Hand-written pages (``docs/*.<lang>.md``)
are searched the same way for a Markdown link leading to the same place
(outside code). Only a link inside the page's content area
(:func:`.scan.content_span`) can be an editor's: one in the header, the
navigation or the footer is the theme's, whatever address it shares with a
line of a page. Anything else came from the templates (``overrides/``) or
the theme.

The YAML and Markdown files are read as the validator reads checklists
(:func:`..problems.read_regular_file`): regular files only, size-capped, and
through a symbolic link only when it stays inside the project. One that is
refused is simply not used to locate a link: the link is then reported on
the built page, and nothing of the refused file is shown.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from ..pipeline import Project
from .. import LANGUAGES, format as fmt, model, paths, safety
from ..grammar import CHECKLIST_LINK, SAME_PAGE_LINK, mask_code
from ..problems import FileRefused, Location, Problems, read_regular_file, shown
from ..source import MAX_FILE_BYTES, read_source, walk_nodes
from .check import MAX_SITE_FILE_BYTES, BuiltSite, Finding, Target, _read
from .report import Attribution
from .scan import content_span, tag_offsets

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


def page_file(page: paths.PagePath, lang: str, site_model: model.Site) -> str:
    """The built HTML file of a generated page in ``lang``, relative to the site folder
    (at its address in that language: French pages have French addresses)."""
    return paths.url_in(page, lang, site_model) + "index.html"


def page_sources(site_model: model.Site, built: BuiltSite, root: Path | None = None) -> dict[str, PageSource]:
    """Folder of every checklist's pages (per language) → where its links were written.

    The key is the folder of the checklist's own page (``fr/help/c/id/``): its
    guided step pages live below it and show the same editor's text.
    """
    sources: dict[str, PageSource] = {}
    lines = _Lines(root)
    texts = TextLinks(root)
    for checklist in site_model.checklists.values():
        for lang in built.languages:
            folder = paths.url_in(paths.checklist_path(checklist), lang, site_model)
            links = _editor_links(site_model, checklist, lang, built, lines, texts)
            sources[folder] = PageSource(checklist.path, lang, checklist, links)
    return sources


def _checklist_target(site_model: model.Site, lang: str, identifier: str, anchor: str | None) -> tuple[str, str | None] | None:
    other = site_model.checklists.get(identifier)
    if other is None:
        return None
    return (page_file(paths.checklist_path(other), lang, site_model), anchor)


def _address(built: BuiltSite, location: Location, written: str, url: str) -> EditorLink:
    internal = built.internal_path(url) if url.lower().startswith(("http:", "https:")) else None
    if internal is not None:
        resolved = built._resolve("", internal, None)
        if resolved.target is not None:
            return EditorLink(location, written, frozenset({(resolved.target.path, resolved.target.fragment)}), frozenset({url}))
    return EditorLink(location, written, frozenset(), frozenset({url}))


def markdown_link(site_model: model.Site | None, built: BuiltSite, lang: str, own_page: str | None, target: str,
                  location: Location) -> EditorLink:
    """A link written inside an editor's Markdown text, as the ``text`` filter renders it on ``own_page``.

    ``#anchor`` stays on the page (or, from a guided step page, leads to
    ``own_page``: the checklist's); ``checklist:ID#anchor`` leads to that
    checklist's page. Without ``site_model`` (the UI strings, which the
    templates show as written) those are matched as written.
    """
    same_page = SAME_PAGE_LINK.match(target)
    other = CHECKLIST_LINK.match(target) if site_model is not None else None
    if same_page:
        fragment = same_page.group(1)
        targets = {(SAME_PAGE, fragment)} | ({(own_page, fragment)} if own_page else set())
        return EditorLink(location, target, frozenset(targets))
    if other:
        expected = _checklist_target(site_model, lang, other.group(1), other.group(2))
        return EditorLink(location, target, frozenset({expected}) if expected else frozenset())
    return _address(built, location, target, target)


def _editor_links(site_model: model.Site, checklist: model.Checklist, lang: str, built: BuiltSite, lines: "_Lines",
                  texts: "TextLinks") -> list[EditorLink]:
    links: list[EditorLink] = []
    own_page = page_file(paths.checklist_path(checklist), lang, site_model)
    for link_lang, target, location in checklist.markdown_links:
        if link_lang == lang:
            links.append(markdown_link(site_model, built, lang, own_page, target, location))
    for related in checklist.links:
        location = related.location or checklist.location
        if related.checklist is not None:
            anchor = related.anchor.id if related.anchor else None
            expected = _checklist_target(site_model, lang, related.checklist.id, anchor)
            written = f"checklist: {related.checklist.id}" + (f", anchor: {anchor}" if anchor else "")
            links.append(EditorLink(location, written, frozenset({expected}) if expected else frozenset()))
        elif related.url is not None:
            url = related.url[lang]
            links.append(_address(built, _url_location(related, lang), url, url))
    contacts = _contacts_shown(site_model, checklist)
    for contact in contacts:
        if contact.phone and contact.tel:
            where = lines.key_after(site_model.shared.path, contact.location, "phone:") or contact.location
            links.append(EditorLink(where, contact.phone, frozenset(), frozenset({contact.tel})))
        if contact.email:
            where = lines.key_after(site_model.shared.path, contact.location, "email:") or contact.location
            links.append(EditorLink(where, contact.email, frozenset(), frozenset({f"mailto:{contact.email}"})))
    for entry in [*contacts, *_roles_named(site_model, checklist)]:  # their purposes and descriptions: _shared.yml text
        for text in _texts_of(entry):
            links.extend(markdown_link(site_model, built, lang, own_page, target, location)
                         for target, location in texts(text, lang))
    return links


def _texts_of(entry) -> list[model.Text]:
    """The Markdown texts of a model object (a contact, a role, a collection), in field order."""
    found = []
    for item in fields(entry):
        value = getattr(entry, item.name)
        if isinstance(value, model.Text) and value.markdown != "none":
            found.append(value)
    return found


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


def _roles_named(site_model: model.Site, checklist: model.Checklist) -> list[model.Role]:
    ids = [checklist.audience.id] if checklist.audience else []
    ids.extend(step.role.id for step in checklist.steps if step.role)
    roles = site_model.shared.roles
    return [roles[identifier] for identifier in dict.fromkeys(ids) if identifier in roles]


def listed_links(site_model: model.Site, built: BuiltSite, lang: str, texts: "TextLinks") -> list[EditorLink]:
    """The links inside the texts that pages other than a checklist's own show:
    every text of ``_shared.yml`` (a collection's summary on its page and the
    home page) and every checklist's summary (on its collection's page, the
    home page, any list of articles)."""
    shared = site_model.shared
    entries = [*shared.collections.values(), *shared.roles.values(), *shared.contacts.values()]
    shown_texts = [text for entry in entries for text in _texts_of(entry)]
    shown_texts += [checklist.summary for checklist in site_model.checklists.values()]
    return [markdown_link(site_model, built, lang, None, target, location)
            for text in shown_texts for target, location in texts(text, lang)]


class TextLinks:
    """Where each link inside an editor's text is written: file, line and column.

    A :class:`~..model.Text` knows where each language's value starts; the
    link inside it is found as the validator finds a checklist's links
    (:meth:`..format.Walk.locate_in` on the value's YAML node, the links read
    by :func:`..safety.scan`), on the file read again as the validator reads
    it (:func:`..source.read_source`, symbolic links only within the
    project). So a link in ``_shared.yml`` is reported at the same line and
    column as one in a checklist would be.
    """

    def __init__(self, root: Path | None):
        self.root = root
        self.files: dict[str, tuple[fmt.Walk, dict[tuple[int, int], yaml.ScalarNode]] | None] = {}

    def __call__(self, text: model.Text | None, lang: str) -> list[tuple[str, Location]]:
        """(target, where it is written) of every link in ``text``'s ``lang`` value."""
        if text is None or text.markdown == "none" or self.root is None:
            return []
        written = safety.scan(text[lang])[1]
        if not written:  # nearly always: the file is not read again
            return []
        where: Location = getattr(text, f"{lang}_location", None) or text.location
        found = self._node(where)
        if found is None:  # the file changed since it was validated: the value's own line
            return [(target, where) for _, target in written]
        walk, node = found
        return [(target, walk.locate_in(node, offset, node.value)) for offset, target in safety.scan(node.value)[1]]

    def _node(self, where: Location) -> tuple[fmt.Walk, yaml.ScalarNode] | None:
        if where.path not in self.files:
            self.files[where.path] = self._read(where.path)
        read = self.files[where.path]
        if read is None or where.line is None:
            return None
        walk, nodes = read
        node = nodes.get((where.line, where.column))
        return (walk, node) if node is not None else None

    def _read(self, path: str) -> tuple[fmt.Walk, dict[tuple[int, int], yaml.ScalarNode]] | None:
        problems = Problems()
        source = read_source(self.root / path, path, problems, within=self.root)
        if source.root is None:
            return None
        nodes = {}
        for node in walk_nodes(source.root):
            if isinstance(node, yaml.ScalarNode):
                location = source.location(node)
                nodes[(location.line, location.column)] = node
        return fmt.Walk(source, problems), nodes


def ui_string_links(templates_dir: Path, root: Path | None) -> list[tuple[str, str, Location]]:
    """(language, target, where written) of every link inside the UI strings (``strings.yml``).

    Read exactly as :func:`..render.load_strings` reads them for the build
    (:func:`..source.read_source`, then each entry checked as one line of
    Markdown in both languages), keeping what that walk records: every link
    with its location. The file is named as ``load_strings`` names it in
    its problems: relative to the project when inside it.
    """
    file = templates_dir / "strings.yml"
    try:
        display = file.resolve().relative_to((root or Path.cwd()).resolve()).as_posix()
    except (ValueError, OSError):
        display = file.as_posix()
    problems = Problems()
    source = read_source(file, display, problems)
    if not isinstance(source.root, yaml.MappingNode):
        return []
    walk = fmt.Walk(source, problems)
    for key_node, value_node in source.root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        fmt.Bilingual("inline", 1000, f"UI string '{key}'").check(value_node, walk, 1)
    return walk.links


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
        href = finding.link.value.strip()
        # A link shown as code (`[text](checklist:ID)` in the editors' guide) is no link: blanked, offsets kept.
        for match in _MARKDOWN_TARGET.finditer(mask_code(text)):
            group = next(number for number in range(1, 5) if match.group(number))
            written, start = match.group(group), match.start(group)
            # Where it leads counts only for an internal target: two outside addresses both "lead nowhere here".
            if written.strip() == href or (finding.target is not None
                                           and self._leads_to(written, markdown_dir, lang, page) == finding.target):
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
        self.site_model: model.Site | None = None
        self.texts = TextLinks(root)
        self._listed: dict[str, list[EditorLink]] = {}
        self._ui: dict[str, list[EditorLink]] | None = None
        self._content: dict[str, tuple[tuple[int, int] | None, list[int]]] = {}
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
                self.site_model = site_model
                self.by_folder = page_sources(site_model, built, root)
        self.docs = Docs(root, self.settings.docs_dir, built) if root is not None else None

    # -- texts shown beyond a checklist's own pages (worked out when first needed) --
    def listed_links(self, lang: str) -> list[EditorLink]:
        """The editors' links that collections' pages, the home page and lists of articles show."""
        if self.site_model is None:
            return []
        if lang not in self._listed:
            self._listed[lang] = listed_links(self.site_model, self.built, lang, self.texts)
        return self._listed[lang]

    def ui_links(self, lang: str) -> list[EditorLink]:
        """The links written in the UI strings, in ``lang`` (any generated page may show them)."""
        if self._ui is None:
            self._ui = {code: [] for code in self.built.languages}
            if self.root is not None:
                for link_lang, target, location in ui_string_links(self.settings.templates, self.root):
                    if link_lang in self._ui:
                        self._ui[link_lang].append(markdown_link(None, self.built, link_lang, None, target, location))
        return self._ui.get(lang, [])

    def in_content(self, finding: Finding) -> bool:
        """Whether the link of ``finding`` is inside its page's content area (the
        whole page is, when it has none: not a Material page)."""
        page = finding.page
        known = self._content.get(page)
        if known is None:
            try:
                text = _read(self.built.root, page)
            except (OSError, FileRefused):
                text = ""
            span = content_span(text)
            known = self._content[page] = (span, tag_offsets(text) if span is not None else [])
        span, offsets = known
        index = finding.link.tag_index
        if span is None or not 0 <= index < len(offsets):
            return True
        return span[0] <= offsets[index] < span[1]

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
        if not self.in_content(finding):  # the header, the navigation, the footer: the theme's
            return [Attribution(None, "templates")]
        lang = self.built.path_language(finding.page)
        source = self.page_source(finding.page)
        written_in = None  # the hand-written page the link may come from
        if source is not None:  # a checklist's page or one of its guided step pages
            matches = _attributions(source.links, finding)
        else:  # a collection's page, the home page (a hand-written page with the collections), a list of articles
            if self.docs is not None:
                location = self.docs.locate(finding.page, finding)
                if location is not None:
                    return [Attribution(location, "docs")]
                found = self.docs.source_of(finding.page)
                written_in = found[0] if found is not None else None
            matches = _attributions(self.listed_links(lang), finding)
        if matches:
            return matches
        matches = _attributions(self.ui_links(lang), finding, "strings")
        if matches:
            return matches
        if written_in is not None:
            return [Attribution(None, "docs-or-templates", written_in)]
        return [Attribution(None, "templates")]


def _attributions(links: list[EditorLink], finding: Finding, origin: str = "checklist") -> list[Attribution]:
    return [Attribution(link.location, origin, link.written) for link in links if _matches(link, finding)]


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
