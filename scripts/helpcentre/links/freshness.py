"""Is the built site older than what it is built from?

``make check-links`` reads ``site/``; after an edit without ``make build`` it
would check the old pages and could say "no problems" about a broken link
just written. So before checking, the inputs of the build are compared with
the time the site was built:

* every file under the checklists folder (``checklists/``),
* the hand-written pages and files under ``docs/`` (not ``docs/help/``, which
  the build itself writes),
* the generator's templates and UI strings (:attr:`..pipeline.Project.templates`),
* ``mkdocs.yml``.

The time the site was built is the newest modification time of
``sitemap.xml`` and ``index.html``: MkDocs writes both on every build, after
it has read every input. Hidden files (an editor's ``.swp`` or ``.#lock``),
backups ending in ``~`` and ``__pycache__`` are not inputs.

Only modification times are read (one ``stat`` per input, no content), so
the check costs nothing next to reading the site. The theme (``overrides/``)
is not compared: where it lives is known only to MkDocs' own configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import GENERATED_DIR
from ..problems import shown

if TYPE_CHECKING:
    from ..pipeline import Project

SITE_STAMPS = ("sitemap.xml", "index.html")
"""Files of the site MkDocs writes on every build, after reading every input."""


@dataclass(frozen=True)
class Stale:
    """The newest input changed after the site was built."""

    path: Path  # the input
    name: str  # as the report names it: relative to the project when inside it, escaped (:func:`..problems.shown`)
    others: int  # how many more inputs changed after the build
    seconds: float  # how long after the build it changed

    def message(self, site_display: str) -> str:
        """Without "warning:": the caller says whether it is an error or a warning."""
        more = f" (and {self.others} other file{'s' if self.others != 1 else ''})" if self.others else ""
        return shown(f"changed {_duration(self.seconds)} after {site_display} was built{more}")


def built_at(site: Path) -> float | None:
    """When the site in ``site`` was built, or None when it has none of :data:`SITE_STAMPS`."""
    times = []
    for name in SITE_STAMPS:
        try:
            times.append((site / name).stat().st_mtime)
        except OSError:
            continue
    return max(times) if times else None


def inputs(project: Project):
    """Every input of the build: (path, modification time)."""
    root = project.root
    yield from _files_with_times([root / "mkdocs.yml"])
    yield from _tree(root / project.checklists_dir)
    yield from _tree(root / project.docs_dir, skip=GENERATED_DIR)
    yield from _tree(project.templates)


def stale_input(site: Path, project: Project) -> Stale | None:
    """The newest input changed after ``site`` was built; None when the site is up to date."""
    built = built_at(site)
    if built is None:
        return None
    newest: tuple[float, Path] | None = None
    count = 0
    for path, mtime in inputs(project):
        if mtime > built:
            count += 1
            if newest is None or mtime > newest[0]:
                newest = (mtime, path)
    if newest is None:
        return None
    return Stale(newest[1], shown(_display(newest[1], project.root)), count - 1, newest[0] - built)


def _files_with_times(paths):
    for path in paths:
        try:
            yield path, path.stat().st_mtime
        except OSError:
            continue


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith("~") or name == "__pycache__"


def _tree(top: Path, skip: str | None = None):
    """Files under ``top`` with their modification times; ``skip``: a folder directly under it."""
    stack = [(top, True)]
    while stack:
        folder, is_top = stack.pop()
        try:
            listing = os.scandir(folder)
        except OSError:
            continue
        with listing:
            for entry in listing:
                if _ignored(entry.name) or (is_top and skip is not None and entry.name == skip):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((Path(entry.path), False))
                    elif entry.is_file():  # a symbolic link counts by what it leads to
                        yield Path(entry.path), entry.stat().st_mtime
                except OSError:
                    continue


def _display(path: Path, root: Path) -> str:
    """Relative to the project when inside it (as every problem is reported), else as it is."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "just"  # "changed just after"
    if seconds < 90:
        return f"{round(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} days"
