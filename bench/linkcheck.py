"""The link checker against its peers, on the same built site with the same faults: ``python -m bench links``.

``python -m bench links [--articles 60] [--runs 5] [--faults 40] [--peers lychee] [--workdir var/linkbench] [--keep] [--reuse]``

1. copies the project (as ``make bench`` does, :mod:`bench.project`) with
   ``--articles`` synthetic checklists (:mod:`bench.synthetic`) and builds it
   with MkDocs, strict;
2. injects ``--faults`` faults into a copy of the built HTML, seeded, of all
   seven kinds (:data:`bench.faults.ALL_KINDS`): links to missing pages, to
   missing anchors on other pages and on the same page, French pages linking
   to English ones, missing scripts, malformed ``tel:`` links, pages without
   a twin;
3. computes the truth with the oracle that shares no code with the checker
   (:func:`bench.faults.oracle`: ``html.parser`` and ``urljoin``);
4. times each checker end to end (``python -m helpcentre.links … --format
   json`` including YAML attribution, ``lychee --offline
   --include-fragments``, and any other ``--peers``), ``--runs`` times each
   after one run on the site before injection, and scores what each found
   (:func:`bench.faults.score`): recall, faults found per kind, false
   positives.

Prints one JSON object; ``--keep`` leaves the work folder for inspection,
``--reuse`` builds only when it holds no built site. ``make bench`` measures the
same checkers on its larger site with the four kinds every checker looks for.

Why no lychee inside ``helpcentre.links``: measurements
--------------------------------------------------------
Measured with this comparison when it was ``python -m helpcentre.links.bench``
(2 cores, shared with other work: best and median of 9 runs, each a fresh
process, end to end: our run includes reading the checklists to name the YAML
lines), on the synthetic site it then had of its own: 60 articles a language
with their guided step pages (498 HTML pages, about 47,500 links, 25 MB),
into which it injected 40 faults of the seven kinds above.

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
in 1.08 s (ours) and 1.01 s (lychee) at best: within 1.1× even there. Reading
a page is about 1.3 ms here, one process per core from 150 pages up;
resolving is memoized after leading ``../`` are applied, so a navigation link
is resolved once per folder depth.

The decision: no lychee inside (it would add its own run to ours and still
leave twins, languages and YAML lines to us). It stays a good second
opinion: this comparison and ``make bench`` run both.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Sequence

from .checkers import PEERS, install_peer, measure_checker, run_ours
from .faults import ALL_KINDS, inject_faults, oracle
from .processes import log
from .project import ROOT, make_project, mkdocs_build


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench links", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="synthetic checklists (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each checker (default: %(default)s)")
    parser.add_argument("--faults", type=int, default=40, help="faults to inject (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--peers", default="lychee",
                        help=f"comma-separated, from {', '.join(PEERS)}; empty for none (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds a checker may take per run (default: %(default)s)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "linkbench")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--reuse", action="store_true", help="reuse the work folder's built site (builds if there is none)")
    args = parser.parse_args(argv)
    peers = [name.strip() for name in args.peers.split(",") if name.strip()]
    unknown = [name for name in peers if name not in PEERS]
    if unknown:
        parser.error(f"unknown peer(s): {', '.join(unknown)}")

    work = args.workdir.resolve()
    project = work / "project"
    site = project / "site"
    if not (args.reuse and (site / "index.html").is_file()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        work.chmod(0o755)  # peers that drop privileges (linkchecker run as root) must read the site
        log(f"building {args.articles} synthetic checklists in {work}")
        make_project(work, args.articles)
        mkdocs_build(project, site)
    try:
        checked = work / "checked-site"
        shutil.rmtree(checked, ignore_errors=True)
        shutil.copytree(site, checked)
        faults = inject_faults(checked, args.faults, ALL_KINDS, args.seed)
        truth = oracle(checked)
        not_injected = truth - {(f["page"], f["target"]) for f in faults}
        log(f"{len(faults)} faults injected; oracle: {len(truth)} broken links ({len(not_injected)} not injected)")
        results = {}
        for name in ["helpcentre.links", *peers]:
            if name == "helpcentre.links":
                run = run_ours
            else:
                run = PEERS[name]
                path, note = install_peer(name)
                if path is None:
                    results[name] = {"skipped": note}
                    continue
            results[name] = measure_checker(name, run, project, site, checked, faults, not_injected, args.runs,
                                            args.timeout, detail=True)
        report = {
            "pages": sum(1 for _ in checked.rglob("*.html")),
            "articles_per_language": args.articles,
            "cpus": os.cpu_count(),
            "faults_by_kind": dict(sorted(Counter(f["kind"] for f in faults).items())),
            "broken_links_in_truth": len(truth),
            "checkers": results,
        }
        print(json.dumps(report, indent=2))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0
