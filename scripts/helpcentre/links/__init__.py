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

Measured with ``python -m helpcentre.links.bench`` (2 cores, shared with
other work: best and median of 9 runs, each a fresh process, end to end: our
run includes reading the checklists to name the YAML lines) on a synthetic
site of 60 articles a language with their guided step pages (498 HTML pages,
about 47,500 links, 25 MB), into which the benchmark injects 40 faults: links
to missing pages, to missing anchors (other page and same page), missing
scripts, French pages linking to English ones, malformed ``tel:`` links,
pages without a twin. The truth comes from an oracle sharing no code with
the checker (``html.parser`` and ``urljoin``).

==================  ===============  ============  ==============  ===============
checker             best / median    broken files  language, twin  false positives
                                     and anchors   and tel faults
==================  ===============  ============  ==============  ===============
helpcentre.links    0.82 s / 1.01 s  28 of 28      12 of 12        0
lychee 0.24.2       1.17 s / 1.29 s  21 of 28      not looked for  0
==================  ===============  ============  ==============  ===============

lychee's 7 misses are the missing ``<script src>`` files: it does not follow
them. On the same site as the templates built it before guided pages'
links were fixed (2,188 broken links: every page had problems, so every
page's lines were looked up and every checklist read), ours found all
2,188 and lychee 2,181 (the same 7 scripts), neither with a false positive,
in 1.08 s (ours) and 1.01 s (lychee) at best: within 1.1× even there. Reading a page is about 1.3 ms here, one process per
core from 150 pages up; resolving is memoized after leading ``../`` are
applied, so a navigation link is resolved once per folder depth.

The decision: no lychee inside (it would add its own run to ours and still
leave twins, languages and YAML lines to us). It stays a good second
opinion: ``bench`` runs both and compares.
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
) -> Outcome:
    """Check the site built in ``site_dir`` (``root``: the project, for YAML locations)."""
    if root is not None:
        from mkdocs_helpcentre import read_project  # mkdocs.yml is read in one place, the edge
    settings = read_project(root) if root is not None else None
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
