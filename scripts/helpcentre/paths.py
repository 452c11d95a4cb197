"""Where each page of the help centre lives, and how the pages group into sections.

Addresses are derived from ids only (never from titles), so rewording a
title never moves a page. Everything here is data an engine can use as it
likes: page sources under ``docs/``, their addresses, the navigation sections.
"""

from __future__ import annotations

import functools
import posixpath
import weakref
from collections.abc import Set
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


def checklist_pages(checklist: model.Checklist, comments: bool) -> list[PagePath]:
    """A checklist's own pages: its article, the guided page of each step and,
    when the site has a feedback service, its comment page."""
    return [checklist_path(checklist), *(step_path(checklist, step) for step in checklist.steps),
            *([comment_path(checklist)] if comments else [])]


def collection_path(collection: model.Collection) -> PagePath:
    return PagePath(f"{GENERATED_DIR}/{collection.id}/index")


AZ_PATH = PagePath(f"{GENERATED_DIR}/index")
"""Every article by title (the A–Z index), at /help/ in each language."""


RESERVED_FRENCH = frozenset({"help", "assets", "search", "feedback", "fr", "en"})
"""French folder names the site uses itself (a collection may not take them)."""


def french_slug(thing: model.Checklist | model.Collection) -> str:
    return thing.french_slug or thing.id


_ADDRESSES: dict[tuple[int, str], tuple[weakref.ref, dict[str, str]]] = {}


def addresses(site: model.Site, lang: str) -> dict[str, str]:
    """Generated page stem → its address stem in ``lang``, where the two differ.

    French pages live at French addresses declared in the YAML
    (``french-slug`` on a collection and on its checklists):
    /fr/<collection>/<article>/ and the article's step pages
    /fr/<collection>/<article>/<step>/. The pages' files keep one path for
    both languages (the i18n plugin pairs twins by path); only where each is
    published differs. A collection that declares no French address keeps
    its pages at the English one under /fr/help/ (`make lint` says so), so
    adding the declaration later is the only move a page ever makes.

    Made once per site and language: every :func:`url_in` asks for it, and
    one page's address must not cost a walk over every page.
    """
    if lang == "en":
        return {}
    key = (id(site), lang)
    known = _ADDRESSES.get(key)
    if known is not None and known[0]() is site:
        return known[1]
    for stale in [k for k, (ref, _) in _ADDRESSES.items() if ref() is None]:
        del _ADDRESSES[stale]  # the site of an earlier save
    found = _french_addresses(site)
    _ADDRESSES[key] = (weakref.ref(site), found)
    return found


def _french_addresses(site: model.Site) -> dict[str, str]:
    found: dict[str, str] = {}
    for collection in site.collections():
        if not collection.french_slug:
            continue
        folder = collection.french_slug
        found[collection_path(collection).stem] = f"{folder}/index"
        for checklist in site.members(collection):
            article = f"{folder}/{french_slug(checklist)}"
            found[checklist_path(checklist).stem] = article
            for step in checklist.steps:
                found[step_path(checklist, step).stem] = f"{article}/{step.id}"
    return found


def url_in(page: PagePath, lang: str, site: model.Site) -> str:
    """The page's address in ``lang``, relative to the site root (with the language folder)."""
    stem = addresses(site, lang).get(page.stem) if lang != "en" else None
    if stem is None:
        return page.url if lang == "en" else f"{lang}/{page.url}"
    return f"{lang}/" + (stem[: -len("index")] if stem.endswith("index") else stem + "/")


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


def index_pages(site: model.Site) -> list[PagePath]:
    """The pages that list articles: the A–Z index and each collection's page."""
    return [AZ_PATH, *(collection_path(collection) for collection in site.collections())]


def preview_pages(site: model.Site, only: Set[str], comments: bool) -> set[str]:
    """The page stems the engine needs when only the checklists ``only`` are
    rendered: all of theirs; the A–Z and collection pages; and every article,
    which the navigation lists and other pages link to (a navigation section
    is written differently when it has fewer entries). The guided step and
    comment pages of the other checklists are linked from their own only."""
    present = {page.stem for page in index_pages(site)}
    present.update(checklist_path(checklist).stem for checklist in site.checklists.values())
    for key in only:
        if key in site.checklists:
            present.update(page.stem for page in checklist_pages(site.checklists[key], comments))
    return present
