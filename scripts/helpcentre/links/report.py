"""Findings → the lines an editor reads: each problem once, where it was written.

A link an editor wrote in a checklist (or in ``_shared.yml``) is reported at
its YAML line, once, with the pages it breaks on (a related link shows on
both language pages, a step's text on the checklist and its guided step
page); one written in the UI strings at its line of ``strings.yml``. A link
in a hand-written page is reported at its Markdown line. A link the templates
write is reported once per address as written, at the first page and line it
is on, with how many other pages have it. Page-level problems (a missing
twin, the sitemap, the feedback manifest) name the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..problems import Location, workflow_command
from .check import BuiltSite, Finding, Target, language_name
from ..grammar import line_column
from .scan import tag_offsets

MAX_PAGES_SHOWN = 3

LOCATED = ("checklist", "strings", "docs")
"""Origins reported at the line an editor wrote (YAML of a checklist or ``_shared.yml``, the UI strings, Markdown)."""


@dataclass
class Attribution:
    """Where a finding should be reported."""

    location: Location | None  # in YAML or Markdown; None when it came from the templates
    origin: str  # "checklist" | "strings" | "docs" | "docs-or-templates" | "templates" | "site"
    written: str | None = None


@dataclass
class Problem:
    """One line of the report."""

    location: str
    message: str
    origin: str  # checklist | strings | docs | docs-or-templates | templates | site | external
    severity: str = "error"
    pages: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    path: str = ""
    line: int | None = None
    column: int | None = None
    hint: str = ""  # the hand-written page a link may come from

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {prefix}{self.message}{self.suffix()}"

    def suffix(self) -> str:
        shown = sorted(Target(page).shown() for page in self.pages)
        if self.origin in LOCATED:
            listed = ", ".join(shown[:MAX_PAGES_SHOWN]) + (f" and {len(shown) - MAX_PAGES_SHOWN} more" if len(shown) > MAX_PAGES_SHOWN else "")
            return f" (on {listed})" if shown else ""
        if self.origin in ("templates", "docs-or-templates"):
            others = len(shown) - 1
            also = f"; also on {others} more page{'s' if others != 1 else ''}" if others > 0 else ""
            who = "the templates" if self.origin == "templates" else f"{self.hint} or the templates"
            return f" (from {who}{also})"
        return ""


class Reporter:
    """Groups the findings of one site into :class:`Problem` lines."""

    def __init__(self, built: BuiltSite, site_display: str, sources=None):
        self.built = built
        self.site_display = site_display.rstrip("/") or "."
        self.sources = sources
        self._texts: dict[str, list] = {}  # page → [text, tag offsets or None]

    def problems(self, findings: list[Finding]) -> list[Problem]:
        grouped: dict[tuple, Problem] = {}
        for finding in findings:
            for attribution in self._attribute(finding):
                key = self._key(finding, attribution)
                existing = grouped.get(key)
                if existing is None:
                    existing = grouped[key] = self._problem(finding, attribution)
                else:
                    existing.findings.append(finding)
                if finding.page not in existing.pages and finding.link is not None:
                    existing.pages.append(finding.page)
        order = {"checklist": 0, "strings": 1, "docs": 2, "docs-or-templates": 3, "templates": 4, "site": 5, "external": 6}
        return sorted(grouped.values(), key=lambda p: (order.get(p.origin, 9), p.path, p.line or 0, p.column or 0, p.message))

    def _attribute(self, finding: Finding) -> list[Attribution]:
        if self.sources is None or finding.link is None:
            return [Attribution(None, "site" if finding.link is None else "templates")]
        return self.sources.attribute(finding)

    @staticmethod
    def _key(finding: Finding, attribution: Attribution) -> tuple:
        """Findings with the same key are one problem, reported once."""
        if attribution.origin in LOCATED and attribution.location is not None:
            return ("source", str(attribution.location), finding.kind)
        if finding.link is None:
            return ("site", finding.kind, finding.page, finding.message)
        key = ("page", attribution.origin, finding.kind, finding.link.tag, finding.link.value.strip(),
               "" if finding.kind in ("missing-anchor", "wrong-language") else finding.message, attribution.written)
        return key + (finding.page,) if attribution.origin == "docs-or-templates" else key

    def _problem(self, finding: Finding, attribution: Attribution) -> Problem:
        if attribution.origin in LOCATED and attribution.location is not None:
            location = attribution.location
            message = finding.describe(attribution.written if attribution.origin != "docs" else None)
            return Problem(str(location), message, attribution.origin, finding.severity, [], [finding],
                           location.path, location.line, location.column)
        path = f"{self.site_display}/{finding.page}"
        if finding.link is None:
            message = finding.message + self._page_hint(finding)
            return Problem(path, message, "site", finding.severity, [], [finding], path)
        line, column = self.line(finding)
        return Problem(f"{path}:{line}:{column}", finding.describe(), attribution.origin, finding.severity, [],
                       [finding], path, line, column, attribution.written or "")

    def line(self, finding: Finding) -> tuple[int, int]:
        """Line and column of a finding's link in its page.

        Fast path: the n-th ``attr="value"`` of the page's text, when the
        text holds exactly as many of them as the page has such links (none
        hidden in a comment or script). Otherwise the tags are counted.
        """
        link = finding.link
        cached = self._texts.get(finding.page)
        if cached is None:
            try:
                text = (self.built.root / finding.page).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            by_value: dict[tuple[str, str], list] = {}
            facts = self.built.pages.get(finding.page)
            for other in facts.links if facts is not None else ():
                by_value.setdefault((other.attribute, other.value), []).append(other)
            cached = self._texts[finding.page] = [text, None, by_value, {}]
        text = cached[0]
        value = link.value
        same = cached[2].get((link.attribute, value), [])
        if same and '"' not in value and "&" not in value and "<" not in value:
            needle = f'{link.attribute}="{value}"'
            counts = cached[3]
            if needle not in counts:
                counts[needle] = text.count(needle)
            if counts[needle] == len(same):
                position = -1
                for other in same:
                    position = text.find(needle, position + 1)
                    if other.tag_index == link.tag_index:
                        start = text.rfind("<", 0, position)
                        return line_column(text, start if start >= 0 else position)
        if cached[1] is None:
            cached[1] = tag_offsets(text)
        offsets = cached[1]
        index = link.tag_index
        return line_column(text, offsets[index] if 0 <= index < len(offsets) else 0)

    def _page_hint(self, finding: Finding) -> str:
        """For a missing twin: which file to write."""
        if finding.kind != "twin" or self.sources is None:
            return ""
        if self.sources.page_source(finding.page) is not None:
            return f" (generated from {self.sources.page_source(finding.page).source})"
        docs = self.sources.docs
        found = docs.source_of(finding.page) if docs else None
        if found is None:
            return ""
        source, lang = found
        missing = [other for other in self.built.languages if self.built.counterpart(finding.page, other) not in self.built.pages]
        if not missing:
            return ""
        twin = source.replace(f".{lang}.md", f".{missing[0]}.md") if f".{lang}.md" in source else source
        return f" (written in {source}; write its {language_name(missing[0])} twin {twin})"


def as_text(problems: list[Problem]) -> str:
    return "\n".join(str(problem) for problem in problems)


def as_github(problems: list[Problem]) -> str:
    """GitHub Actions annotations: each problem on its file and line in the pull request."""
    return "\n".join(
        workflow_command("error" if problem.severity == "error" else "warning", problem.message + problem.suffix(),
                         file=problem.path, line=problem.line or None, col=problem.column or None)
        for problem in problems
    )


def as_json(problems: list[Problem], reporter: "Reporter | None" = None) -> str:
    """Every occurrence, for tools (benchmarks, dashboards)."""
    records = []
    for problem in problems:
        for finding in problem.findings:
            line = reporter.line(finding) if reporter is not None and finding.link is not None else None
            records.append({
                "page_line": line[0] if line else None,
                "location": problem.location,
                "origin": problem.origin,
                "severity": finding.severity,
                "kind": finding.kind,
                "page": finding.page,
                "href": finding.link.value if finding.link else None,
                "target": finding.target.shown() if finding.target else None,
                "message": problem.message,
            })
    return "[\n" + ",\n".join(json.dumps(record, ensure_ascii=False) for record in records) + "\n]"
