"""The link check of the built site: ``python -m helpcentre.links`` (``make check-links``).

Over the whole built site, both languages, it reports every internal
``href``/``src`` that leads to no file, every ``#fragment`` that is no ``id``
on its page, links that cross languages without saying so, language switchers
that miss the twin, pages without their twin, malformed ``tel:`` and
``mailto:`` links, and broken sitemap and feedback-manifest entries
(:mod:`.check`). Each problem is reported once, where it was written: the
YAML file and line of a checklist (:mod:`.sources`), the Markdown line of a
hand-written page, or the page and line of HTML the templates wrote
(:mod:`.report`). Outside addresses are checked only with ``--external``
(:mod:`.external`).

Why our own checker, and not lychee inside
------------------------------------------
lychee (``--offline --include-fragments``) finds every broken internal link
and anchor with no false positive, and is fast. What it cannot do is what
editors need most: say which YAML line a broken link was written on, check
that every page has its twin, that a French page does not link to an English
one, and that the language switcher leads to the twin. Running lychee and then
re-reading every page for those would cost both. So each page is read once,
here (:mod:`.scan`: C regular expressions, no tree), collecting ids and links
in the same pass; resolving is memoized per folder.

Measured against lychee and the other peers: ``bench/linkcheck.py`` (``python -m bench links``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .check import BuiltSite, Finding, check_site
from .report import Problem, Reporter


@dataclass
class Outcome:
    problems: list[Problem]
    findings: list[Finding]
    pages: int
    links: int
    external_checked: int = 0
    notes: list[str] = field(default_factory=list)
    reporter: Reporter | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]


def check_links(
    site_dir: Path,
    root: Path | None = None,
    *,
    site_url: str | None = None,
    site_display: str | None = None,
    external: bool = False,
    external_options=None,
    exclude: tuple[str, ...] = (),
    sleep=None,
    project=None,
) -> Outcome:
    """Check the site built in ``site_dir`` (``root``: the project, for YAML locations;
    ``project``: its settings when already read with ``read_project``)."""
    settings = project
    if settings is None and root is not None:
        from mkdocs_helpcentre import read_project  # mkdocs.yml is read in one place, the edge

        settings = read_project(root)
    built = BuiltSite.load(site_dir, site_url)
    if built.site_url is None and settings is not None:
        built.site_url = settings.site_url
    findings, outside = check_site(built)
    notes: list[str] = []
    checked = 0
    if external:
        from . import external as net
        import re

        patterns = [re.compile(p) for p in exclude]
        urls = [url for url in outside if not any(p.search(url) for p in patterns)]
        kwargs = {"sleep": sleep} if sleep is not None else {}
        results = net.check(urls, external_options, **kwargs)
        checked = len(results)
        for url, result in results.items():
            if result.ok:
                continue
            for page, link in outside[url]:
                findings.append(Finding("external", page, f": {result.detail}", link,
                                        severity="warning" if result.transient else "error"))
    sources = None
    if root is not None and any(f.link is not None or f.kind == "twin" for f in findings):
        from .sources import Sources  # reads the checklists: only when there is something to attribute

        sources = Sources(root, built, settings)
        if sources.model_problem:
            notes.append(sources.model_problem)
    display = site_display if site_display is not None else str(site_dir)
    reporter = Reporter(built, display, sources)
    problems = reporter.problems(findings)
    return Outcome(problems, findings, len(built.pages), sum(len(p.links) for p in built.pages.values()), checked, notes, reporter)
