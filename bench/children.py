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


CHILDREN = {"validate": validate, "validate-once": validate_once}

if __name__ == "__main__":
    CHILDREN[sys.argv[1]](*sys.argv[2:])
