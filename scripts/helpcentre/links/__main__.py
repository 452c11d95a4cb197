"""Command line: ``python -m helpcentre.links [--site site] [--root .] [--external] …``.

Exit codes: 0 no problem (warnings allowed unless ``--strict``), 1 problems,
2 wrong usage (no built site). One problem per line on standard output, as
``FILE:LINE:COL: message``; a summary on standard error; never a traceback.
Under GitHub Actions (``GITHUB_ACTIONS=true``) each problem is also written as
an annotation, so it shows on the pull request's changed line.

With ``--external``, what concerns the outside check as a whole (no network,
the time limit ran out) is one warning line, ``SITE: warning: …``, rather
than a line per link: it says nothing about any one link. Like every
warning it fails the run only under ``--strict``.

A site older than its inputs (a checklist, a hand-written page, a template or
``mkdocs.yml`` changed after ``make build``, see :mod:`.freshness`) is not
checked: one line names the newest changed file and says to build first, and
the exit code is 1, as a check of the old pages would be no answer about the
new ones. ``--allow-stale`` checks it anyway, with that line as a warning.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..problems import shown
from . import check_links
from .report import Problem, as_github, as_json, as_text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpcentre.links",
        description="Check every link of the built help centre, both languages; report where each broken one was written.",
    )
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site folder (default: site)")
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder, for YAML and Markdown locations (default: here)")
    parser.add_argument("--site-url", help="the address the site was built for (default: from sitemap.xml, else mkdocs.yml)")
    parser.add_argument("--format", choices=("text", "github", "json"), default="text",
                        help="text (default), github (annotations only) or json (every occurrence)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too (slow or rate-limited outside sites)")
    parser.add_argument("--allow-stale", action="store_true",
                        help="check a site older than its checklists, pages, templates or mkdocs.yml anyway, with a warning"
                             " (by default it is not checked and the exit code is 1: run `make build` first)")
    outside = parser.add_argument_group("outside addresses (network; off unless --external)")
    outside.add_argument("--external", action="store_true", help="also request every outside http(s) address")
    outside.add_argument("--cache", type=Path, default=Path("var/linkcache.json"),
                         help="where recent good answers are kept (default: var/linkcache.json; 'none' for no cache)")
    outside.add_argument("--cache-age", type=float, default=24 * 3600, metavar="SECONDS",
                         help="how long a good answer is trusted (default: 86400)")
    outside.add_argument("--concurrency", type=int, default=8, help="requests in flight at most (default: 8)")
    outside.add_argument("--per-host", type=int, default=2, help="requests in flight per host at most (default: 2)")
    outside.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                         help="per request, in all: connection, redirects and headers (default: 10)")
    outside.add_argument("--time-limit", type=float, default=300.0, metavar="SECONDS",
                         help="for the whole outside check; addresses still unanswered then are reported as not checked (default: 300)")
    outside.add_argument("--allow-private-addresses", action="store_true",
                         help="let requests and redirects reach loopback, private and link-local addresses"
                              " (refused by default: the runner's own network is no business of a link)")
    outside.add_argument("--retries", type=int, default=2, help="retries after a time-out, 429 or 5xx (default: 2)")
    outside.add_argument("--max-retry-after", type=float, default=60.0, metavar="SECONDS",
                         help="longest Retry-After obeyed; longer is reported as rate-limited (default: 60)")
    outside.add_argument("--exclude", action="append", default=[], metavar="REGEX", help="skip outside addresses matching this (repeatable)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"error: {error.strerror or error}: {error.filename or ''}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    site = args.site
    if not (site / "index.html").is_file():
        print(f"error: {site} holds no built site (no index.html); run `make build` first", file=sys.stderr)
        return 2
    root = args.root if (args.root / "mkdocs.yml").is_file() else None
    display = os.path.relpath(site) if not site.is_absolute() else str(site)
    project = None
    stale: Problem | None = None
    if root is not None:
        from mkdocs_helpcentre import read_project  # mkdocs.yml is read in one place, the edge

        try:
            project = read_project(root)
        except Exception as error:  # mkdocs' PluginError and YAML errors: a usage error, never a traceback
            print(f"error: {shown(str(error))}", file=sys.stderr)
            return 2
        stale = _stale(site, project, display, args.allow_stale)
        if stale is not None and not args.allow_stale:
            return _report_stale(stale, args.format)
    options = None
    run_warnings: list[str] = []  # about the outside check as a whole, one line each
    if args.external:
        from .external import Options

        options = Options(
            concurrency=args.concurrency, per_host=args.per_host, timeout=args.timeout, retries=max(0, args.retries),
            max_retry_after=args.max_retry_after, cache=None if str(args.cache) == "none" else args.cache,
            cache_age=args.cache_age, time_limit=args.time_limit, allow_private=args.allow_private_addresses,
            warn=run_warnings.append,
        )
    outcome = check_links(site, root, site_url=args.site_url, site_display=display, external=args.external,
                          external_options=options, exclude=tuple(args.exclude), project=project)
    first = [stale] if stale is not None else []  # the stale site's warning, before the problems of its pages
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    annotations = [f"::warning::{_escape(line)}" for line in run_warnings]
    listed = first + outcome.problems
    if args.format == "json":
        print(as_json(outcome.problems, outcome.reporter))
        for line in [str(problem) for problem in first] + [f"warning: {line}" for line in run_warnings]:
            print(line, file=sys.stderr)  # standard output stays one JSON document
    elif args.format == "github":
        if listed:
            print(as_github(listed))
        for line in annotations:
            print(line)
    else:
        if listed:
            print(as_text(listed))
        for line in run_warnings:
            print(f"{display}: warning: {line}")
        if os.environ.get("GITHUB_ACTIONS") == "true" and (listed or annotations):
            if listed:
                print(as_github(listed))
            for line in annotations:
                print(line)
    errors, warnings = len(outcome.errors), len(outcome.warnings) + len(run_warnings) + len(first)
    what = f"{outcome.pages} pages, {outcome.links} links" + (f", {outcome.external_checked} outside addresses" if args.external else "")
    if errors or warnings:
        parts = [f"{errors} problem{'s' if errors != 1 else ''}"] + ([f"{warnings} warning{'s' if warnings != 1 else ''}"] if warnings else [])
        print(f"{' and '.join(parts)} in {what}.", file=sys.stderr)
    else:
        print(f"{what} checked: no problems.", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def _stale(site: Path, project, display: str, allowed: bool) -> Problem | None:
    """The line about a site older than its inputs: an error, or with ``--allow-stale`` a warning."""
    from .freshness import stale_input

    found = stale_input(site, project)
    if found is None:
        return None
    if allowed:
        message = f"{found.message(display)}; the links checked are those of the out-of-date site (run `make build` first)"
    else:
        message = f"{found.message(display)}; run `make build` first: the links of an out-of-date site were not checked"
    return Problem(found.name, message, "site", "warning" if allowed else "error", path=found.name)


def _report_stale(problem: Problem, format: str) -> int:
    """A stale site, not checked: one line (and its annotation under GitHub Actions); exit code 1."""
    if format == "json":
        record = {"page_line": None, "location": problem.location, "origin": "stale", "severity": "error", "kind": "stale",
                  "page": None, "href": None, "target": None, "message": problem.message}
        print(json.dumps([record], ensure_ascii=False))
    elif format == "github":
        print(as_github([problem]))
    else:
        print(problem)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(as_github([problem]))
    return 1


def _escape(text: str) -> str:
    """A GitHub Actions workflow command's message: %, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


if __name__ == "__main__":
    sys.exit(main())
