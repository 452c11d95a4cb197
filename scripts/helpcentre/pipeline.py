"""The whole core in one call: checklists → checked site → pages on disk.

Both the command line and the MkDocs edge go through :func:`generate`. The
i18n plugin runs every MkDocs event once per language, and ``mkdocs serve``
rebuilds on every save, so results are cached by a fingerprint of the inputs
(each file's path, size and modification time): unchanged inputs are neither
re-read nor re-rendered.
"""

from __future__ import annotations

import os
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

from . import model
from .paths import GENERATED_DIR
from .problems import Location, Problems
from .render import TEMPLATES_DIR, Renderer, load_strings
from .validate import FileMemo, load_site
from .write import WriteReport, write_pages


@dataclass(frozen=True)
class Project:
    """Where a help centre's inputs and outputs live, relative to ``root``."""

    root: Path
    checklists_dir: str = "checklists"
    docs_dir: str = "docs"
    templates_dir: str | None = None
    """The templates and UI strings, relative to ``root``; None: the generator's own."""
    feedback_endpoint: str | None = None
    site_url: str | None = None
    """The published address of the site (``site_url`` in mkdocs.yml)."""
    support_contact: str | None = None
    """The id of the help centre's own support contact (in _shared.yml)."""

    @property
    def templates(self) -> Path:
        return self.root / self.templates_dir if self.templates_dir else TEMPLATES_DIR

    def fingerprint(self) -> tuple:
        parts = []
        for base in (self.root / self.checklists_dir, self.templates):
            if base.is_dir():
                for path in sorted(base.iterdir()):
                    if path.is_file():
                        stat = path.stat()
                        parts.append((path.name, stat.st_size, stat.st_mtime_ns))
        return tuple(parts)


@dataclass
class Result:
    site: model.Site | None
    problems: Problems
    renderer: Renderer | None = None
    """Renders the pages (``renderer.pages()``), the navigation, the home block."""
    report: WriteReport | None = None
    written: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Size and modification time of each page file as :func:`generate` left it."""
    scope: tuple[frozenset[str] | None, frozenset[str] | None] = (None, None)
    """The checklists and languages whose pages :func:`generate` rendered last (None: every one)."""

    @property
    def only(self) -> frozenset[str] | None:
        """The checklists whose pages were rendered (None: every one)."""
        return self.scope[0]


Cache = dict
"""Results by project, with the fingerprint they were made from. Whoever runs
builds one after another (the MkDocs plugin, across languages and saves)
keeps one and passes it; a one-off call (the command line) needs none."""


def check(project: Project, memo: FileMemo | None = None) -> Result:
    """Validate only, on every core; writes nothing. ``memo``: see :data:`~.validate.FileMemo`."""
    site, problems = load_site(project.root, project.checklists_dir, memo, workers=cores())
    return Result(site, problems)


def cores() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render(project: Project, cache: Cache | None = None) -> Result:
    """Validate and make the renderer (cached by input fingerprint); writes nothing."""
    cache = {} if cache is None else cache
    fingerprint = project.fingerprint()
    cached = cache.get(project)
    if cached and cached[0] == fingerprint:
        return cached[1]
    result = check(project, cache.setdefault((project, "files"), {}))
    strings = load_strings(project.templates, result.problems, project.root)  # checked like checklist text
    if strings is None:
        result = Result(None, result.problems)
    elif result.site is not None:
        support = _support_contact(project, result)
        if support is not False:
            result.renderer = Renderer(result.site, project.templates, strings, project.feedback_endpoint, support)
    cache[project] = (fingerprint, result)
    return result


def _support_contact(project: Project, result: Result):
    """The site's support contact, None when unset, False (and a problem) when unknown."""
    if not project.support_contact:
        return None
    contacts = result.site.shared.contacts
    if project.support_contact in contacts:
        return contacts[project.support_contact]
    from .validate import did_you_mean
    result.problems.add(Location("mkdocs.yml"), f"support_contact: '{project.support_contact}' is not a contact in "
                        f"{result.site.shared.path}{did_you_mean(project.support_contact, contacts)}; it defines: {', '.join(sorted(contacts))}")
    result.site = None
    return False


def generate(project: Project, cache: Cache | None = None, only: Set[str] | None = None,
             languages: Set[str] | None = None) -> Result:
    """Validate, render and write the pages that changed into ``docs/help/``.

    The pages' text (130 MB for 1,000 checklists) is not kept: once written,
    the files are the pages. A later call with unchanged inputs (the i18n
    plugin's second language, ``mkdocs serve`` after a hand-written page
    changed) finds every file as it left it and writes nothing; if one was
    edited, removed or added by hand, the pages are rendered and written again.

    ``only`` (checklist ids): the pages of the other checklists are not
    rendered (the preview renders what is being edited; see
    ``Renderer.pages``); ``languages``: the pages in other languages are not
    rendered either (another process renders them).
    """
    result = render(project, cache)
    if result.site is None:
        return result
    docs = project.root / project.docs_dir
    scope = (None if only is None else frozenset(only), None if languages is None else frozenset(languages))
    if result.scope == scope and _as_written(docs, result.written):
        result.report = WriteReport(unchanged=sorted(result.written))
        return result
    pages = result.renderer.pages(*scope)
    result.report = write_pages(docs, GENERATED_DIR, pages)
    result.written = {relative: _signature(docs / relative) for relative in pages}
    result.scope = scope
    return result


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _as_written(docs: Path, written: dict[str, tuple[int, int]]) -> bool:
    if not written or any(_signature(docs / relative) != signature for relative, signature in written.items()):
        return False
    # Nothing else may have appeared in the generated folder either.
    return sum(1 for _ in (docs / GENERATED_DIR).rglob("*.md")) == sum(1 for signature in written.values() if signature)
