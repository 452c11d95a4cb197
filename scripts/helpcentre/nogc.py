"""Pausing Python's cycle collector while the core builds a large, long-lived structure.

Reading 1,000 checklists allocates a few hundred thousand small objects (YAML
nodes, locations, model objects) that all stay alive until the site is built.
CPython's cycle collector runs every few hundred allocations and, as the
objects age, rescans all of them: the time grows faster than the number of
checklists (measured by ``make bench``: validating 1,000 files went from 1.7x
to 1.25x the bare YAML parse with the collector paused). Reference counting
still frees everything that is not in a cycle; the collector resumes, and
catches up, when the block ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
