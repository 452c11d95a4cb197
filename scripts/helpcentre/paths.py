"""Where each page of the help centre lives, and how the pages group into sections.

Addresses are derived from ids only (never from titles), so rewording a
title never moves a page. Everything here is data an engine can use as it
likes: page sources under ``docs/``, their addresses, the navigation sections.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

from . import model

GENERATED_DIR = "help"
"""Folder under ``docs/`` that belongs to the generator (git-ignored)."""

FEEDBACK_DIR = f"{GENERATED_DIR}/feedback"
"""Comment pages of the feedback widget (collection id "feedback" is reserved for them)."""


@dataclass(frozen=True)
class PagePath:
    """Where a page of the site lives, relative to ``docs/`` and without language suffix."""

    stem: str  # e.g. "help/ereferral/rms-administrator-job-aid"

    def source(self, lang: str) -> str:
        return f"{self.stem}.{lang}.md"

    @property
    def markdown(self) -> str:
        return f"{self.stem}.md"

    @property
    def url(self) -> str:
        """The page's address relative to the site root (English), with directory URLs."""
        return self.stem[: -len("index")] if self.stem.endswith("index") else self.stem + "/"


def checklist_path(checklist: model.Checklist) -> PagePath:
    return PagePath(f"{GENERATED_DIR}/{checklist.collection.id}/{checklist.id}")


def step_path(checklist: model.Checklist, step: model.Step) -> PagePath:
    """The guided page of one step, under its checklist's address."""
    return PagePath(f"{GENERATED_DIR}/{checklist.collection.id}/{checklist.id}/{step.id}")


def comment_path(checklist: model.Checklist) -> PagePath:
    return PagePath(f"{FEEDBACK_DIR}/{checklist.id}")


def collection_path(collection: model.Collection) -> PagePath:
    return PagePath(f"{GENERATED_DIR}/{collection.id}/index")


AZ_PATH = PagePath(f"{GENERATED_DIR}/index")
"""Every article by title (the A–Z index), at /help/ in each language."""


@functools.lru_cache(maxsize=1 << 16)
def relative(page: PagePath, target: PagePath) -> str:
    """The ``.md`` link from ``page`` to ``target`` (MkDocs resolves and checks it)."""
    return posixpath.relpath(target.markdown, posixpath.dirname(page.markdown) or ".")


def nav_sections(site: model.Site, lang: str) -> list[dict[str, list[str]]]:
    """The navigation's collection sections, titled in ``lang``: the collection's
    page first, then its articles (their guided step pages stay out of the nav)."""
    return [
        {
            collection.title[lang]: [collection_path(collection).markdown]
            + [checklist_path(checklist).markdown for checklist in site.members(collection)]
        }
        for collection in site.collections()
    ] + [AZ_PATH.markdown]
