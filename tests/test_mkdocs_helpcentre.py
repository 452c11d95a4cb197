"""The MkDocs edge, built in-process on a small control site (as mkdocs-static-i18n's tests do).

The control tree (every file the build writes, by path) is compared with the
one checked in beside it; `--update-golden` rewrites it after an intended
change, to be reviewed in the diff like the golden pages.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import copy_project

FIXTURE = Path(__file__).parent / "golden" / "every-feature" / "checklists"
CONTROL = Path(__file__).parent / "golden" / "every-feature" / "control-tree.txt"


def test_the_control_site_builds_in_process_to_its_control_tree(tmp_path, monkeypatch, update_golden):
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("FEEDBACK_ENDPOINT", raising=False)
    site = tmp_path / "site"
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
    build(config)
    tree = sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and not p.relative_to(site).as_posix().startswith("assets/"))
    text = "\n".join(tree) + "\n"
    if update_golden:
        CONTROL.write_text(text, encoding="utf-8")
    assert CONTROL.exists(), "run with --update-golden to write the control tree, then review it"
    assert text == CONTROL.read_text(encoding="utf-8")
