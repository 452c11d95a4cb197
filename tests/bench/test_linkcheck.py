"""``python -m bench links`` (``bench/linkcheck.py``) runs end to end on a tiny site: every one
of the seven fault kinds is injected (``bench/faults.py``), and our checker finds each, with
no false positive and nothing reported on the site before injection.

No time is asserted: on a shared machine the timings are for people to read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.faults import ALL_KINDS
from conftest import ROOT, SCRIPTS


def test_the_link_benchmark_injects_every_kind_and_ours_finds_them_all(tmp_path):
    env = {**os.environ, "PYTHONPATH": f"{SCRIPTS}{os.pathsep}{ROOT}", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("BENCH_REF", None)
    result = subprocess.run(
        [sys.executable, "-m", "bench", "links", "--articles", "4", "--runs", "1", "--faults", str(2 * len(ALL_KINDS)),
         "--peers", "", "--workdir", str(tmp_path / "work")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout)
    assert set(report["faults_by_kind"]) == set(ALL_KINDS)
    ours = report["checkers"]["helpcentre.links"]
    assert ours["recall"] == 1.0, ours["missed_examples"]
    assert ours["false_positives"] == 0, ours["false_examples"]
    assert ours["pre_existing"] == 0
    assert set(ours["found_by_kind"]) == set(ALL_KINDS)
    assert not (tmp_path / "work").exists()  # removed without --keep
