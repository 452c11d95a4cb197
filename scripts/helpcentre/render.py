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

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from . import LANGUAGES, model, safety, typography, wording

GENERATED_DIR = "help"
"""Folder under ``docs/`` that belongs to the generator (git-ignored)."""

_LINK_TARGET = re.compile(r"\]\(\s*((?:checklist:[a-z0-9-]+)?(?:#[a-z0-9-]+)?)\s*\)")


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


def step_path(checklist: model.Checklist, step: model.Step) -> PagePath:
    """The guided page of one step, under its checklist's address."""
    return PagePath(f"{GENERATED_DIR}/{checklist.collection.id}/{checklist.id}/{step.id}")


FEEDBACK_DIR = f"{GENERATED_DIR}/feedback"
"""Comment pages of the feedback widget (collection id "feedback" is reserved for them)."""


def comment_path(checklist: model.Checklist) -> PagePath:
    return PagePath(f"{FEEDBACK_DIR}/{checklist.id}")


def collection_path(collection: model.Collection) -> PagePath:
    return PagePath(f"{GENERATED_DIR}/{collection.id}/index")


def load_strings(templates_dir: Path) -> dict[str, dict[str, str]]:
    """UI strings per language; ``strings.yml`` keeps both languages side by side."""
    raw = yaml.load((templates_dir / "strings.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {lang: {key: value[lang] for key, value in raw.items()} for lang in LANGUAGES}


class Renderer:
    """Turns a :class:`~.model.Site` into Markdown pages for every language."""

    def __init__(self, site: model.Site, templates_dir: Path, feedback_endpoint: str | None = None):
        self.site = site
        self.feedback_endpoint = feedback_endpoint.rstrip("/") if feedback_endpoint else None
        self.strings = load_strings(templates_dir)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,  # output is Markdown; editors' text goes through the `text` filter
            auto_reload=False,  # a Renderer lives for one fingerprint of the templates folder
        )
        self.env.filters.update(
            text=self._text_filter,
            plain=jinja2.pass_context(lambda ctx, value: typography.apply(value[ctx["lang"]], ctx["lang"])),
            t=self._ui_filter,
            duration=jinja2.pass_context(lambda ctx, d: wording.duration(d, ctx["lang"])),
            quantity=jinja2.pass_context(lambda ctx, n, unit: wording.quantity(n, unit, ctx["lang"])),
            link=self._link_filter,
            url=_markdown_url,
            attr=lambda value: str(value).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"),
            css_string=lambda value: '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"',
        )
        self.env.globals.update(site=site, always_open=wording.ALWAYS_OPEN)

    # -- filters ---------------------------------------------------------------
    @jinja2.pass_context
    def _text_filter(self, ctx, value: model.Text | str | None) -> str:
        if value is None:
            return ""
        lang = ctx["lang"]
        if isinstance(value, model.Text) and value.markdown == "none":
            return _typeset_plain(value[lang], lang)
        text = value[lang] if isinstance(value, model.Text) else value
        if "](" not in text:  # no link to point from this page: the same on every page
            return _typeset_prose(text, lang)
        text = _LINK_TARGET.sub(lambda m: f"]({self.href(m.group(1), ctx)})", safety.neutralize(text))
        return _typeset(text, lang)

    @jinja2.pass_context
    def _ui_filter(self, ctx, key: str, **values) -> str:
        template = self.strings[ctx["lang"]][key]
        return template.format(**values) if values else template

    @jinja2.pass_context
    def _link_filter(self, ctx, target: model.Checklist | model.Collection, anchor: str | None = None) -> str:
        """A relative ``.md`` link from the page being rendered to ``target``."""
        path = checklist_path(target) if isinstance(target, model.Checklist) else collection_path(target)
        return _relative(ctx["page_path"], path) + (f"#{anchor}" if anchor else "")

    def href(self, target: str, ctx) -> str:
        """Where an editor's ``checklist:ID#anchor`` or ``#anchor`` link points from this page.

        On a guided step page, an anchor that is not on that page (another
        step, a section) leads to the whole checklist's page instead.
        """
        page: PagePath = ctx["page_path"]
        same_page = safety.SAME_PAGE_LINK.match(target)
        if same_page:
            local = ctx.get("local_anchors")
            if local is None or same_page.group(1) in local:
                return target
            return ctx["checklist_page"] + target
        match = safety.CHECKLIST_LINK.match(target)
        if not match:
            return target
        checklist = self.site.checklists[match.group(1)]
        return _relative(page, checklist_path(checklist)) + (f"#{match.group(2)}" if match.group(2) else "")

    # -- pages -----------------------------------------------------------------
    def _checklist_context(self, checklist: model.Checklist, lang: str, page_path: PagePath) -> dict:
        steps = checklist.steps
        return dict(
            lang=lang,
            page_path=page_path,
            checklist=checklist,
            collection=self.site.shared.collections[checklist.collection.id],
            roles=self.site.shared.roles,
            contacts=self.site.shared.contacts,
            footnotes={note.id: note for note in checklist.footnotes},
            step_numbers={step.id: number for number, step in enumerate(steps, 1)},
            first_referrer=_first_referrers(checklist),
            steps=steps,
            step_page=lambda step: _relative(page_path, step_path(checklist, step)),
            checklist_page=_relative(page_path, checklist_path(checklist)),
        )

    def checklist_page(self, checklist: model.Checklist, lang: str) -> str:
        context = self._checklist_context(checklist, lang, checklist_path(checklist))
        progress_css = self.env.get_template("progress.css.j2").render(**context) if context["steps"] else ""
        return self.env.get_template("checklist.md.j2").render(**context, progress_css=progress_css)

    def step_page(self, checklist: model.Checklist, step: model.Step, lang: str) -> str:
        """One step on a page of its own: the guided path through a checklist."""
        context = self._checklist_context(checklist, lang, step_path(checklist, step))
        index = context["step_numbers"][step.id] - 1
        steps = context["steps"]
        context["first_referrer"] = _first_referrers(checklist, only=step)
        context["local_anchors"] = {step.id, *(item.id for item in step.items)}
        return self.env.get_template("step.md.j2").render(
            **context,
            step=step,
            previous=steps[index - 1] if index > 0 else None,
            next=steps[index + 1] if index + 1 < len(steps) else None,
        )

    def collection_page(self, collection: model.Collection, lang: str) -> str:
        return self.env.get_template("collection.md.j2").render(
            lang=lang, page_path=collection_path(collection), collection=collection,
        )

    def comment_page(self, checklist: model.Checklist, lang: str) -> str:
        return self.env.get_template("comment.md.j2").render(
            lang=lang, page_path=comment_path(checklist), checklist=checklist, endpoint=self.feedback_endpoint,
        )

    def feedback_manifest(self) -> dict:
        """What the feedback service accepts and where it sends readers (see
        scripts/helpcentre/feedback/README.md); written next to the built site."""
        def url(path: str, lang: str) -> str:
            return path if lang == LANGUAGES[0] else f"{lang}/{path}"
        return {
            "version": 1,
            "languages": list(LANGUAGES),
            "answers": ["no", "partly", "yes"],
            "pages": {
                checklist.id: {lang: url(checklist_path(checklist).url, lang) for lang in LANGUAGES}
                for checklist in sorted(self.site.checklists.values(), key=lambda c: c.id)
            },
            "thanks": {lang: url("feedback/thanks/", lang) for lang in LANGUAGES},
            "comment_pages": {lang: url(f"{FEEDBACK_DIR}/{{page}}/", lang) for lang in LANGUAGES},
        }

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
                    for step in checklist.steps:
                        out[step_path(checklist, step).source(lang)] = self.step_page(checklist, step, lang)
                    if self.feedback_endpoint:
                        out[comment_path(checklist).source(lang)] = self.comment_page(checklist, lang)
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


@functools.lru_cache(maxsize=1 << 16)
def _typeset_prose(text: str, lang: str) -> str:
    """Link-free editor text as Markdown: neutralized, typeset, phone numbers kept whole.

    Cached: a step's text is rendered on the checklist page and on its guided page.
    """
    return _typeset(safety.neutralize(text), lang)


_PLAIN_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;",
    **{char: f"&#{ord(char)};" for char in "\\`*_[]{}|"},
})


@functools.lru_cache(maxsize=1 << 16)
def _typeset_plain(text: str, lang: str) -> str:
    """Plain text (a title, a name) shown exactly as written, whatever it contains.

    Every character that Markdown or HTML could read as syntax becomes a
    character reference: it displays as itself in Markdown and in raw HTML
    alike, so a title such as ``x](javascript:…)`` stays text wherever a
    template puts it (inside a link's text, a heading, a table cell).
    Typography runs first, on the text as written.
    """
    return typography.keep_phone_numbers_whole(typography.apply(text, lang).translate(_PLAIN_ESCAPES))


_URL_UNSAFE = str.maketrans({char: f"%{ord(char):02X}" for char in "()[]<>\"\\`' *_{}|"})


def _markdown_url(url: str) -> str:
    """An outside address as a Markdown link target that nothing in it can end early.

    The validator accepts only well-formed addresses, but those may contain
    parentheses and brackets (Wikipedia's do): percent-encoded, they mean
    the same to the server and nothing to Markdown.
    """
    return url.translate(_URL_UNSAFE)


def _typeset(markdown: str, lang: str) -> str:
    """The language's typography on prose, and phone numbers that never break."""
    return typography.keep_phone_numbers_whole(typography.apply(markdown, lang))


@functools.lru_cache(maxsize=1 << 16)
def _relative(page: PagePath, target: PagePath) -> str:
    return posixpath.relpath(target.markdown, posixpath.dirname(page.markdown) or ".")


def _first_referrers(checklist: model.Checklist, only: model.Step | None = None) -> dict[str, str]:
    """Footnote id → the step or sub-item that first refers to it (the back link's target).

    With ``only``, just the notes that step refers to: a guided page shows those.
    """
    first: dict[str, str] = {}
    for step in ([only] if only else checklist.steps):
        for owner in [step, *step.items]:
            if owner.footnote is not None:
                first.setdefault(owner.footnote.id, owner.id)
    return first

