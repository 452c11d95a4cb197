"""Render the checked model into Markdown pages, one per language.

Markup lives in the Jinja templates of ``overrides/helpcentre/``; this module
only prepares text for them through a few filters:

* ``text`` — an editor's text in the page's language, made safe
  (:func:`.safety.neutralize`), links between checklists turned into relative
  ``.md`` paths MkDocs resolves and validates, typography applied;
* ``plain`` — the same text typeset but not made Markdown (front matter);
* ``t`` — a UI string from ``strings.yml`` in the page's language;
* ``duration`` and ``hours`` — data said in words.

The output is Markdown with HTML blocks (``md_in_html``), so MkDocs still
renders editors' Markdown, checks every link and anchor, and indexes the text
for search.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from . import LANGUAGES, model, safety, typography, wording

GENERATED_DIR = "help"
"""Folder under ``docs/`` that belongs to the generator (git-ignored)."""

_LINK_TARGET = re.compile(r"\]\(\s*(checklist:[a-z0-9-]+(?:#[a-z0-9-]+)?)\s*\)")


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
        stem = self.stem[: -len("index")] if self.stem.endswith("index") else self.stem + "/"
        return stem


def checklist_path(checklist: model.Checklist) -> PagePath:
    return PagePath(f"{GENERATED_DIR}/{checklist.collection.id}/{checklist.id}")


def collection_path(collection: model.Collection) -> PagePath:
    return PagePath(f"{GENERATED_DIR}/{collection.id}/index")


def load_strings(templates_dir: Path) -> dict[str, dict[str, str]]:
    """UI strings per language; ``strings.yml`` keeps both languages side by side."""
    raw = yaml.load((templates_dir / "strings.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {lang: {key: value[lang] for key, value in raw.items()} for lang in LANGUAGES}


class Renderer:
    """Turns a :class:`~.model.Site` into Markdown pages for every language."""

    def __init__(self, site: model.Site, templates_dir: Path):
        self.site = site
        self.strings = load_strings(templates_dir)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,  # output is Markdown; editors' text goes through the `text` filter
        )
        self.env.filters.update(
            text=self._text_filter,
            plain=jinja2.pass_context(lambda ctx, value: typography.apply(value[ctx["lang"]], ctx["lang"])),
            t=self._ui_filter,
            duration=jinja2.pass_context(lambda ctx, d: wording.duration(d, ctx["lang"])),
            quantity=jinja2.pass_context(lambda ctx, n, unit: wording.quantity(n, unit, ctx["lang"])),
            link=self._link_filter,
            attr=lambda value: str(value).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"),
        )
        self.env.globals.update(site=site, always_open=wording.ALWAYS_OPEN)

    # -- filters ---------------------------------------------------------------
    @jinja2.pass_context
    def _text_filter(self, ctx, value: model.Text | str | None) -> str:
        if value is None:
            return ""
        lang = ctx["lang"]
        text = value[lang] if isinstance(value, model.Text) else value
        text = safety.neutralize(text)
        page: PagePath = ctx["page_path"]
        text = _LINK_TARGET.sub(lambda m: f"]({self.href(m.group(1), page)})", text)
        text = typography.apply(text, lang)
        return typography.keep_phone_numbers_whole(text)

    @jinja2.pass_context
    def _ui_filter(self, ctx, key: str, **values) -> str:
        template = self.strings[ctx["lang"]][key]
        return template.format(**values) if values else template

    @jinja2.pass_context
    def _link_filter(self, ctx, target: model.Checklist | model.Collection, anchor: str | None = None) -> str:
        """A relative ``.md`` link from the page being rendered to ``target``."""
        path = checklist_path(target) if isinstance(target, model.Checklist) else collection_path(target)
        return _relative(ctx["page_path"], path) + (f"#{anchor}" if anchor else "")

    def href(self, target: str, page: PagePath) -> str:
        match = safety.CHECKLIST_LINK.match(target)
        checklist = self.site.checklists[match.group(1)]
        return _relative(page, checklist_path(checklist)) + (f"#{match.group(2)}" if match.group(2) else "")

    # -- pages -----------------------------------------------------------------
    def checklist_page(self, checklist: model.Checklist, lang: str) -> str:
        template = self.env.get_template("checklist.md.j2")
        return template.render(
            lang=lang,
            page_path=checklist_path(checklist),
            checklist=checklist,
            collection=self.site.shared.collections[checklist.collection.id],
            roles=self.site.shared.roles,
            contacts=self.site.shared.contacts,
            footnotes={note.id: note for note in checklist.footnotes},
            step_numbers=_step_numbers(checklist),
            first_referrer=_first_referrers(checklist),
        )

    def collection_page(self, collection: model.Collection, lang: str) -> str:
        return self.env.get_template("collection.md.j2").render(
            lang=lang, page_path=collection_path(collection), collection=collection,
        )

    def home_block(self, lang: str, page_stem: str = "index") -> str:
        """The home page's list of collections and their articles."""
        return self.env.get_template("home.md.j2").render(
            lang=lang, page_path=PagePath(page_stem), collections=self.site.collections(),
        )

    def pages(self) -> dict[str, str]:
        """Every generated page: source path under ``docs/`` → Markdown."""
        out: dict[str, str] = {}
        for collection in self.site.collections():
            for lang in LANGUAGES:
                out[collection_path(collection).source(lang)] = self.collection_page(collection, lang)
            for checklist in collection.checklists:
                for lang in LANGUAGES:
                    out[checklist_path(checklist).source(lang)] = self.checklist_page(checklist, lang)
        return out

    def nav(self, lang: str) -> list:
        """The navigation sections of the collections, titled in ``lang``."""
        return [
            {
                collection.title[lang]: [collection_path(collection).markdown]
                + [checklist_path(checklist).markdown for checklist in collection.checklists]
            }
            for collection in self.site.collections()
        ]


def _relative(page: PagePath, target: PagePath) -> str:
    return posixpath.relpath(target.markdown, posixpath.dirname(page.markdown) or ".")


def _first_referrers(checklist: model.Checklist) -> dict[str, str]:
    """Footnote id → the step or sub-item that first refers to it (the back link's target)."""
    first: dict[str, str] = {}
    for step in checklist.steps:
        for owner in [step, *step.items]:
            if owner.footnote is not None:
                first.setdefault(owner.footnote.id, owner.id)
    return first


def _step_numbers(checklist: model.Checklist) -> dict[str, int]:
    """Steps are numbered across the whole checklist, so "step 4" means one thing."""
    return {step.id: number for number, step in enumerate(checklist.steps, 1)}
