"""``make bench`` (``python -m bench``): what a help centre of N checklists costs, side by side with its peers, in one run.

Environment: ``BENCH_N`` (checklists, default 1000; 10 with ``BENCH_QUICK=1``),
``BENCH_QUICK=1`` (a run under two minutes: small N, one timed run of each peer
link checker, 3 s of load),
``BENCH_REF`` (a git ref to measure, e.g. ``HEAD``; default: the working tree),
``BENCH_JSON`` (where the results go, default ``var/bench.json``),
``BENCH_RUNS`` (runs per measurement, at least 3), ``BENCH_FEEDBACK_S`` (seconds of
load per run; 10, or 3 in quick mode), ``BENCH_K`` (faults to inject, default 24), ``BENCH_PEERS`` (link
checkers to compare, default ``lychee,htmlproofer,linkchecker``; empty for
none), ``BENCH_KEEP=1`` (keep the work folder), ``BENCH_TIMEOUT`` (seconds a
peer link checker may take per run, default 900).

In a temporary copy of the project it writes N synthetic bilingual checklists
(:mod:`bench.synthetic`: the model article's size and shape, links between
them and to step anchors, several collections), then measures, each the
median of ``BENCH_RUNS`` runs, every run a fresh process where it matters:

1. ``validate_s`` (``helpcentre.validate.load_site``) against ``yaml_floor_s``
   (``yaml.load(…, Loader=yaml.CSafeLoader)`` of the same files, nothing else),
   interleaved in one process;
2. ``build_s`` (``mkdocs build --strict`` from a clean ``docs/help/`` and
   ``site/``) against ``plain_build_s``: the Markdown our generator wrote, as
   ordinary files in a project with the same theme, plugins, Markdown
   extensions and an equivalent explicit nav per language, no hook and no
   ``custom_dir``; runs interleaved (ours, plain, ours, plain…);
3. link checking of the built site with K injected faults (missing page,
   missing anchor on another page, missing anchor on the same page, a French
   page linking to an English one), truth from an independent oracle
   (``html.parser`` + ``urljoin``): ``python -m helpcentre.links`` against
   lychee, html-proofer (Debian, installed with apt-get when missing) and
   linkchecker (PyPI, in a throwaway venv under ``var/``) (:mod:`bench.checkers`);
4. the feedback service under 16 clients on loopback (:func:`bench.loadtest.run_load`), and its
   search (``GET /search``) under 16 clients with words of the built indexes in both languages
   (:func:`bench.loadtest.run_search_load`): queries per second, p99, and per language the bytes
   of the site's ``search_index.json`` and of the service's FTS5 database built from it;
5. what our templates add to a checklist page: CSS bytes and JS bytes (must be 0; :mod:`bench.weight`);
6. ``make serve`` from nothing (:mod:`bench.preview`): ``preview_first_s`` (start → home page
   served), ``preview_edit_s`` (a save of one checklist's body → its page shows it, median of 5),
   also the first visit of an article and a title edit;
7. ``engine_properdocs_identical``: the same project built with ProperDocs, every file compared
   with our build's (the generator tag and sitemap.xml.gz's time aside).

Writes one JSON object and prints a Markdown table.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from importlib import metadata
from pathlib import Path

from . import synthetic
from .checkers import LINKCHECKER_VENV, PEERS, install_peer, lychee_path, measure_checker, run_ours
from .children import child
from .faults import inject_faults, oracle
from .loadtest import LoadTestError, run_load, run_search_load, search_queries
from .preview import measure_preview
from .processes import free_port, log, median, run_child
from .project import BIN, PROJECT_PARTS, ROOT, SITE_URL, clean_build, env_for, make_plain_project, make_project, mkdocs_build, site_differences
from .weight import page_weight


# -- the feedback service ----------------------------------------------------------------------

def feedback(project: Path, site: Path, work: Path, duration: float, runs: int) -> dict:
    manifest = json.loads((site / "feedback-manifest.json").read_text(encoding="utf-8"))
    pages = [page for page, paths in manifest["pages"].items() if "en" in paths]
    db = work / "feedback.sqlite3"
    port = free_port()
    log_file = open(work / "feedback.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "helpcentre_feedback", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--rate-limit", "0", "--db", f"sqlite:///{db}", "--manifest", str(site / "feedback-manifest.json"),
         "--site", str(site), "--site-url", SITE_URL],
        cwd=project, env=env_for(project), stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/answer"
        started = time.time()
        deadline = started + 300  # it indexes the site's search indexes before it listens
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit(f"the feedback service did not start; see {work / 'feedback.log'}")
                time.sleep(0.1)
        ready_s = time.time() - started
        results = []
        for _ in range(runs):
            for attempt in range(50):
                try:
                    results.append(run_load(url, 16, duration, pages=pages, db=db))
                    break
                except LoadTestError:
                    time.sleep(0.2)
            else:
                raise SystemExit("the feedback service never became healthy")
        health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read())
        queries = search_queries(site)
        searches = [run_search_load(f"http://127.0.0.1:{port}/search", 16, duration, queries=queries)
                    for _ in range(runs)]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
    index = {lang: {"docs": found["docs"], "json": found["index_json_bytes"], "fts": found["fts_bytes"],
                    "build_s": found["build_s"]}
             for lang, found in health["search"].items() if lang != "errors"}
    if not index or "errors" in health["search"]:
        raise SystemExit(f"the service could not index the site's search: {health['search']}")
    return {"rps": median([r["rps"] for r in results]), "p50_ms": median([r["p50_ms"] for r in results]),
            "p99_ms": median([r["p99_ms"] for r in results]), "lost": sum(r["lost"] or 0 for r in results),
            "runs": results,
            "search": {"qps": median([r["qps"] for r in searches]), "p50_ms": median([r["p50_ms"] for r in searches]),
                       "p99_ms": median([r["p99_ms"] for r in searches]), "index": index, "ready_s": round(ready_s, 2),
                       "queries": len(queries), "runs": searches}}


# -- machine and versions ------------------------------------------------------------------

def measured_commit() -> str | None:
    """The commit measured: BENCH_REF's, or HEAD's with "+ changes" when the working tree differs."""
    ref = os.environ.get("BENCH_REF") or "HEAD"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        if not os.environ.get("BENCH_REF"):
            changed = subprocess.run(["git", "status", "--porcelain", "--", *PROJECT_PARTS], cwd=ROOT,
                                     capture_output=True, text=True).stdout.strip()
            commit += " + changes" if changed else ""
        return commit
    except (OSError, subprocess.CalledProcessError):
        return None


def machine() -> dict:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gib": memory, "cpu": cpu, "system": f"{platform.system()} {platform.release()}"}


def _version(args: list[str]) -> str | None:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else None
    except (OSError, subprocess.SubprocessError):
        return None


def versions(peers: dict) -> dict:
    import yaml

    def dist(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    found = {
        "python": platform.python_version(),
        "mkdocs": dist("mkdocs"), "material": dist("mkdocs-material"), "i18n": dist("mkdocs-static-i18n"),
        "pyyaml": yaml.__version__, "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
        "jinja2": dist("Jinja2"), "markdown": dist("Markdown"),
        "lychee": _version([lychee_path(), "--version"]) if lychee_path() else None,
    }
    if "htmlproofer" in peers and peers["htmlproofer"].get("time_s") is not None:
        found["htmlproofer"] = _version(["dpkg-query", "-W", "-f", "${Version}", "ruby-html-proofer"])
    if (LINKCHECKER_VENV / "bin" / "linkchecker").exists():
        found["linkchecker"] = _version([str(LINKCHECKER_VENV / "bin" / "linkchecker"), "--version"])
    return found


# -- the run ---------------------------------------------------------------------------------

def benchmark() -> dict:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    n = int(os.environ.get("BENCH_N") or (10 if quick else 1000))
    runs = max(3, int(os.environ.get("BENCH_RUNS") or 3))
    faults_k = int(os.environ.get("BENCH_K") or 24)
    peers_wanted = [p.strip() for p in os.environ.get("BENCH_PEERS", "lychee,htmlproofer,linkchecker").split(",") if p.strip()]
    peer_timeout = float(os.environ.get("BENCH_TIMEOUT") or (120 if quick else 900))
    load_s = float(os.environ.get("BENCH_FEEDBACK_S") or (3.0 if quick else 10.0))
    (ROOT / "var").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=os.environ.get("BENCH_WORKDIR") or None))
    work.chmod(0o755)  # peers that drop privileges (linkchecker run as root) must read the site
    log(f"N={n}, {runs} runs each{' (quick)' if quick else ''}; work folder {work}")
    try:
        project = make_project(work, n)

        # 1. validate against the YAML floor
        _, _, times = child("validate", str(project), str(runs), project=project)
        _, validate_rss, _ = child("validate-once", str(project), project=project)
        validate_s, floor_s = median(times["validate"]), median(times["floor"])
        log(f"validate {validate_s:.3f} s, YAML floor {floor_s:.3f} s")

        # 2. strict build against the plain build, interleaved
        site = project / "site"
        plain = None
        build_times, plain_times, build_rss, plain_rss, build_cpu, plain_cpu = [], [], [], [], [], []
        for run in range(runs):
            clean_build(project, site, generated=True)
            elapsed, rss, cpu = mkdocs_build(project, site)
            build_times.append(elapsed)
            build_rss.append(rss)
            build_cpu.append(cpu)
            log(f"build {run + 1}/{runs}: {elapsed:.1f} s ({cpu:.1f} s CPU), {rss:.0f} MiB")
            if plain is None:
                plain = make_plain_project(project, work)
            clean_build(plain, plain / "site", generated=False)
            elapsed, rss, cpu = mkdocs_build(plain, plain / "site")
            plain_times.append(elapsed)
            plain_rss.append(rss)
            plain_cpu.append(cpu)
            log(f"plain build {run + 1}/{runs}: {elapsed:.1f} s ({cpu:.1f} s CPU), {rss:.0f} MiB")
        pages = sum(1 for _ in site.rglob("*.html"))

        edited = project / "checklists" / f"{synthetic.checklist_id(max(1, n // 2))}.yml"

        # 5. page weight (before faults are injected)
        sample = synthetic.article_address(max(1, n // 2), n) + "index.html"
        weight = page_weight(site, plain / "site", sample,
                             [project / "docs" / f"{sample[: -len('/index.html')]}.en.md"])

        # 7. the engine exit: ProperDocs builds the same site
        properdocs_site = work / "properdocs-site"
        elapsed, _, code, _, err, _ = run_child([str(BIN / "properdocs"), "build", "--strict", "--site-dir", str(properdocs_site)],
                                                project, env_for(project))
        differing = None if code != 0 else site_differences(site, properdocs_site)
        log(f"properdocs build {elapsed:.1f} s: " + (f"failed: {err[-300:]}" if code != 0 else f"{len(differing)} files differ"))
        shutil.rmtree(properdocs_site, ignore_errors=True)

        # 3. link checking with injected faults
        checked = work / "checked-site"
        shutil.copytree(site, checked)
        faults = inject_faults(checked, faults_k)
        truth = oracle(checked)
        injected_broken = {(f["page"], f["target"]) for f in faults if f["kind"] != "wrong-language"}
        extra_truth = truth - injected_broken
        log(f"{len(faults)} faults injected; oracle: {len(truth)} broken links ({len(extra_truth)} not injected)")
        ours = measure_checker("helpcentre.links", run_ours, project, site, checked, faults, extra_truth, runs, peer_timeout)
        if ours.get("time_s") is None:
            raise SystemExit(f"helpcentre.links: {ours.get('skipped')}")
        peers: dict[str, dict] = {}
        for name in peers_wanted:
            if name not in PEERS:
                peers[name] = {"skipped": "unknown peer"}
                continue
            path, note = install_peer(name)
            if path is None:
                peers[name] = {"skipped": note}
                log(f"{name} skipped: {note}")
                continue
            peers[name] = measure_checker(name, PEERS[name], project, site, checked, faults, extra_truth,
                                          1 if quick else runs, peer_timeout)

        # 4. the feedback service
        fb = feedback(project, site, work, load_s, runs)
        log(f"feedback {fb['rps']} answers/s, p99 {fb['p99_ms']} ms, lost {fb['lost']}")
        log(f"search {fb['search']['qps']} queries/s, p99 {fb['search']['p99_ms']} ms; indexes "
            + ", ".join(f"{lang} {i['json']:,} B JSON → {i['fts']:,} B FTS5" for lang, i in fb["search"]["index"].items()))

        # 6. the preview, from nothing (last: it rewrites docs/help/ as the preview has it)
        log("make serve from nothing: first page, first visit of an article, edits")
        preview = measure_preview(project, edited, synthetic.article_address(max(1, n // 2), n), synthetic.EDITABLE_SENTENCE)
        log(f"preview: first page {preview['first_s']} s, edit {preview['edit_s']} s (title {preview['edit_title_s']} s)")

        return {
            "run": {"n": n, "quick": quick, "runs": runs, "html_pages": pages, "faults_injected": len(faults),
                    "faults_by_kind": dict(Counter(f["kind"] for f in faults)),
                    "pages_per_checklist": synthetic.pages_per_checklist(feedback=True),
                    "build_cpu_s": round(median(build_cpu), 2), "plain_build_cpu_s": round(median(plain_cpu), 2),
                    "build_cpu_ratio": round(median(build_cpu) / median(plain_cpu), 3),
                    "linkcheck": ours,
                    "date": time.strftime("%Y-%m-%d %H:%M %Z"), "commit": measured_commit()},
            "validate_s": round(validate_s, 3),
            "yaml_floor_s": round(floor_s, 3),
            "validate_ratio": round(validate_s / floor_s, 2),
            "build_s": round(median(build_times), 2),
            "plain_build_s": round(median(plain_times), 2),
            "build_ratio": round(median(build_times) / median(plain_times), 3),
            "preview_first_s": preview["first_s"],
            "preview_edit_s": preview["edit_s"],
            "preview": preview,
            "engine_properdocs_identical": differing == [] if differing is not None else False,
            "engine_properdocs_differing": differing[:20] if differing else differing,
            "linkcheck_s": ours["time_s"],
            "linkcheck_recall": ours["recall"],
            "linkcheck_false_positives": ours["false_positives"],
            "feedback_rps": fb["rps"],
            "feedback_p50_ms": fb["p50_ms"],
            "feedback_p99_ms": fb["p99_ms"],
            "feedback_lost": fb["lost"],
            "search_qps": fb["search"]["qps"],
            "search_p50_ms": fb["search"]["p50_ms"],
            "search_p99_ms": fb["search"]["p99_ms"],
            "search_index_bytes": {lang: {"json": i["json"], "fts": i["fts"]} for lang, i in fb["search"]["index"].items()},
            "search_index_docs": {lang: i["docs"] for lang, i in fb["search"]["index"].items()},
            "search_index_build_s": {lang: i["build_s"] for lang, i in fb["search"]["index"].items()},
            "search_service_ready_s": fb["search"]["ready_s"],
            "search_runs": fb["search"]["runs"],
            "page_css_bytes": weight["css"],
            "page_js_bytes_ours": weight["js"],
            "peak_rss_mb": {"build": round(max(build_rss), 1), "plain_build": round(max(plain_rss), 1),
                            "validate": round(validate_rss, 1)},
            "machine": machine(),
            "versions": versions(peers),
            "peers": peers,
        }
    finally:
        if os.environ.get("BENCH_KEEP", "") in ("", "0"):
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")


def table(r: dict) -> str:
    def f(value, unit=""):
        return "–" if value is None else f"{value}{unit}"

    rows = [
        ("validate (load_site)", f(r["validate_s"], " s"), f"YAML floor (CSafeLoader) {f(r['yaml_floor_s'], ' s')}", f"{r['validate_ratio']}×", "≤ 1.5×"),
        ("strict build", f(r["build_s"], " s"), f"plain MkDocs + Material + i18n {f(r['plain_build_s'], ' s')}", f"{r['build_ratio']}×", "≤ 0.6×"),
        ("  same, CPU time", f(r["run"]["build_cpu_s"], " s"), f"plain {f(r['run']['plain_build_cpu_s'], ' s')}", f"{r['run']['build_cpu_ratio']}×", "(both processes; steadier on a shared machine)"),
        ("make serve: start → first page", f(r["preview_first_s"], " s"), "from nothing (no docs/help/)", "", "≤ 15 s"),
        ("make serve: save → page shows it", f(r["preview_edit_s"], " s"),
         f"median of 5 body edits; first visit of an article {r['preview']['open_s']} s, a title edit {r['preview']['edit_title_s']} s", "", "≤ 2 s"),
        ("ProperDocs builds the same site", "yes" if r["engine_properdocs_identical"] else "no",
         "every file compared, generator tag and gzip time aside", "", "identical"),
        ("link check (helpcentre.links)", f(r["linkcheck_s"], " s"), f"recall {r['linkcheck_recall']}, {r['linkcheck_false_positives']} false positives, "
         f"{r['run']['linkcheck']['pre_existing']} reports on the site before injection", "", "recall 1, 0 FP, ≤ lychee"),
    ]
    for name, peer in r["peers"].items():
        if peer.get("time_s") is None:
            rows.append((f"  peer: {name}", "skipped", peer.get("skipped", ""), "", ""))
        else:
            ratio = f"{round(r['linkcheck_s'] / peer['time_s'], 2)}×" if peer["time_s"] else ""
            rows.append((f"  peer: {name}", f(peer["time_s"], " s"), f"recall {peer['recall']}, {peer['false_positives']} false positives, "
                         f"{peer['pre_existing']} before injection"
                         + (f" ({peer['note']})" if peer.get("note") else ""), f"ours/peer {ratio}", ""))
    rows += [
        ("feedback service (16 clients)", f(r["feedback_rps"], " answers/s"), f"p50 {r['feedback_p50_ms']} ms, p99 {r['feedback_p99_ms']} ms, lost {r['feedback_lost']}", "", "≥ 1,000/s, p99 < 50 ms, 0 lost"),
        ("search service (16 clients)", f(r["search_qps"], " queries/s"),
         f"p50 {r['search_p50_ms']} ms, p99 {r['search_p99_ms']} ms; one or two words of the built indexes, both languages",
         "", "≥ 100/s, p99 < 250 ms"),
        *((f"  search index, {lang}", f"{b['json']:,} B JSON", f"FTS5 database {b['fts']:,} B "
           f"({r['search_index_docs'][lang]:,} entries, built in {r['search_index_build_s'][lang]} s at start)",
           f"{round(b['fts'] / b['json'], 2)}×" if b["json"] else "", "")
          for lang, b in r["search_index_bytes"].items()),
        ("our CSS / JS on a checklist page", f"{r['page_css_bytes']:,} B / {r['page_js_bytes_ours']} B", "", "", "JS = 0"),
        ("peak RSS", f"build {r['peak_rss_mb']['build']} MiB", f"plain build {r['peak_rss_mb']['plain_build']} MiB, validate {r['peak_rss_mb']['validate']} MiB", "", ""),
    ]
    m, v = r["machine"], r["versions"]
    head = (f"N = {r['run']['n']} checklists ({r['run']['html_pages']:,} HTML pages), median of {r['run']['runs']} runs"
            f"{', commit ' + r['run']['commit'] if r['run'].get('commit') else ''}"
            f"{' (quick)' if r['run']['quick'] else ''}; {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}; "
            f"Python {v['python']}, mkdocs {v['mkdocs']}, material {v['material']}, i18n {v['i18n']}, "
            f"PyYAML {v['pyyaml']} (libyaml {'yes' if v['libyaml'] else 'no'}), {v.get('lychee')}")
    lines = [head, "", "| measure | ours | against | ratio | goal |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    results = benchmark()
    target = Path(os.environ.get("BENCH_JSON") or ROOT / "var" / "bench.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\n(results in {target})")
    return 0

