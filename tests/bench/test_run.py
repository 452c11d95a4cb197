"""`make bench` (``python -m bench``, :mod:`bench.run`) works: a tiny run (N=4, quick) writes every key with sane types.

No time is asserted anywhere: on a shared machine only the benchmark's own
medians and ratios mean something, and they are for people to read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench import synthetic
from conftest import ROOT, SCRIPTS

NUMBERS = (
    "validate_s", "yaml_floor_s", "validate_ratio", "build_s", "plain_build_s", "build_ratio", "preview_first_s", "preview_edit_s",
    "linkcheck_s", "feedback_rps", "feedback_p50_ms", "feedback_p99_ms", "search_qps", "search_p50_ms", "search_p99_ms",
)
COUNTS = ("linkcheck_false_positives", "feedback_lost", "page_css_bytes", "page_js_bytes_ours")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    env = {**os.environ, "PYTHONPATH": f"{SCRIPTS}{os.pathsep}{ROOT}", "NO_MKDOCS_2_WARNING": "1", "BENCH_N": "4", "BENCH_QUICK": "1",
           "BENCH_JSON": str(out), "BENCH_PEERS": "lychee", "BENCH_FEEDBACK_S": "1"}
    env.pop("BENCH_KEEP", None)
    result = subprocess.run([sys.executable, "-m", "bench"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "| measure |" in result.stdout
    return json.loads(out.read_text(encoding="utf-8"))


def test_bench_writes_every_key_with_sane_types(results):
    for key in NUMBERS:
        assert isinstance(results[key], (int, float)) and results[key] > 0, key
    for key in COUNTS:
        assert isinstance(results[key], int) and results[key] >= 0, key
    assert isinstance(results["linkcheck_recall"], float)
    assert set(results["peak_rss_mb"]) >= {"build", "validate"}
    assert all(value > 0 for value in results["peak_rss_mb"].values())
    assert results["machine"]["cores"] >= 1 and results["machine"]["memory_gib"] > 0
    assert {"python", "mkdocs", "material", "i18n", "pyyaml", "libyaml", "lychee"} <= set(results["versions"])
    assert isinstance(results["versions"]["libyaml"], bool)
    assert set(results["peers"]) == {"lychee"}
    lychee = results["peers"]["lychee"]
    assert "skipped" in lychee or {"time_s", "recall", "false_positives"} <= set(lychee)


def test_bench_checks_links_and_feedback_without_loss(results):
    assert results["linkcheck_recall"] == 1.0
    assert results["linkcheck_false_positives"] == 0
    assert results["feedback_lost"] == 0
    assert results["page_js_bytes_ours"] == 0
    assert results["page_css_bytes"] > 0


def test_bench_measures_search_and_each_language_s_index(results):
    assert set(results["search_index_bytes"]) == {"en", "fr"}
    for lang, sizes in results["search_index_bytes"].items():
        assert sizes["json"] > 0 and sizes["fts"] > 0, lang
        assert results["search_index_docs"][lang] > 0
    assert all(run["statuses"] == {"200": run["requests"]} or run["statuses"] == {200: run["requests"]}
               for run in results["search_runs"])


def test_bench_previews_and_compares_the_engines(results):
    assert results["engine_properdocs_identical"] is True, results["engine_properdocs_differing"]
    preview = results["preview"]
    assert len(preview["edit_runs_s"]) == 5 and all(value > 0 for value in preview["edit_runs_s"])
    assert preview["edit_title_s"] > 0 and preview["open_s"] >= 0
