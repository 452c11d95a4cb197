"""Measurements that run in a fresh process of their own: ``python -m bench.children NAME ARGS``.

Each runs the copy's code (``PYTHONPATH`` names the copy's ``scripts`` first)
and prints one JSON line; :func:`child` starts one and reads it.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path

from .processes import run_child
from .project import ROOT, env_for


def child(name: str, *args: str, project: Path, timeout: float | None = None) -> tuple[float, float, dict | None]:
    """Run the child ``name`` for ``project``: (wall seconds, peak RSS MiB, what it printed)."""
    env = env_for(project)
    env["PYTHONPATH"] += os.pathsep + str(ROOT)  # after the copy's scripts: `bench` itself
    elapsed, rss, code, out, err, _ = run_child([sys.executable, "-m", "bench.children", name, *args],
                                                project, env, timeout=timeout)
    if code != 0:
        raise SystemExit(f"bench child {name} failed ({code}):\n{err[-4000:]}")
    return elapsed, rss, (json.loads(out.strip().splitlines()[-1]) if out.strip() else None)


def validate(project: str, runs: str) -> None:
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


def validate_once(project: str) -> None:
    from helpcentre.validate import load_site

    site, _ = load_site(Path(project))
    assert site is not None


def rebuild(project: str, site_dir: str, runs: str, checklist_file: str) -> None:
    """What ``mkdocs serve`` does after one YAML file changes, in one long-lived process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from helpcentre.pipeline import generate

    from . import synthetic
    from .project import core_project

    root = Path(project).resolve()
    os.chdir(root)

    def config():
        return load_config(config_file=str(root / "mkdocs.yml"), strict=True, site_dir=site_dir)

    build(config())  # the first build of `make serve`
    target = Path(checklist_file)
    original = target.read_text(encoding="utf-8")
    times = target.stat()
    generate_s, total_s, written, removed = [], [], [], []
    try:
        for run in range(int(runs)):
            target.write_text(synthetic.reword_steps(original, run + 1), encoding="utf-8")
            start = time.perf_counter()
            result = generate(core_project(root))
            middle = time.perf_counter()
            if result.report is None:
                raise SystemExit("the edited checklist does not validate:\n" + str(result.problems))
            # Read the report now: generate() keeps its Result in a cache and the edge's
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
        # The checklist as it was, modification time included: the site built before is
        # then not older than its inputs (the link checker refuses to check a stale site).
        target.write_text(original, encoding="utf-8")
        os.utime(target, ns=(times.st_atime_ns, times.st_mtime_ns))
        generate(core_project(root))  # docs/help/ as the unedited checklists make it
    print(json.dumps({"generate": generate_s, "total": total_s, "written": written, "removed": removed,
                      "written_files": first_written}))


CHILDREN = {"validate": validate, "validate-once": validate_once, "rebuild": rebuild}

if __name__ == "__main__":
    CHILDREN[sys.argv[1]](*sys.argv[2:])
