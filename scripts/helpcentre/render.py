"""Render the checked model into Markdown pages, one per language.

Markup lives in the Jinja templates of ``scripts/helpcentre/templates/``
(beside the core, where the theme does not publish them); this module only
prepares text for them through a few filters:

* ``text`` — an editor's text in the page's language: plain fields shown
  exactly as written, Markdown fields made safe (:func:`.safety.neutralize`)
  with links between checklists turned into relative ``.md`` paths MkDocs
  resolves and validates; typography applied;
* ``plain`` — the same text typeset but not made Markdown (front matter);
* ``t`` — a UI string from ``strings.yml`` in the page's language;
* ``duration`` — data said in words;
* ``link`` and ``url`` — a relative link to another page, an outside address
  as a Markdown link target.

The output is Markdown with HTML blocks (``md_in_html``), so MkDocs still
renders editors' Markdown, checks every link and anchor, and indexes the text
for search.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from . import LANGUAGES, format as fmt, model, safety, typography, wording
from .problems import Problems
from .write import ELSEWHERE
from .source import read_source
from .grammar import CHECKLIST_LINK, CHECKLIST_LINK_TARGET, SAME_PAGE_LINK
from .paths import AZ_PATH, PagePath, checklist_path, collection_path, comment_path, preview_pages, relative, step_path

TEMPLATES_DIR = Path(__file__).with_name("templates")
"""The generator's templates and UI strings (``strings.yml``)."""



def load_strings(templates_dir: Path, problems: Problems, root: Path | None = None) -> dict[str, dict[str, str]] | None:
    """UI strings per language, from ``strings.yml`` (both languages side by side).

    Read and checked like checklist text (one line of Markdown each, both
    languages, nothing the sanitizer would change), with located problems;
    None when there are errors.
    """
    file = templates_dir / "strings.yml"
    try:
        display = file.resolve().relative_to((root or Path.cwd()).resolve()).as_posix()
    except ValueError:
        display = file.as_posix()
    source = read_source(file, display, problems)
    if source.root is None:
        return None
    walk = fmt.Walk(source, problems)
    if not isinstance(source.root, yaml.MappingNode):
        walk.error(source.root, "strings.yml holds one entry per string: 'key:' then 'en:' and 'fr:' lines")
        return None
    before = len(problems.errors)
    strings: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for key_node, value_node in source.root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        text = fmt.Bilingual("inline", 1000, f"UI string '{key}'").check(value_node, walk, 1)
        if text is not fmt.MISSING:
            for lang in LANGUAGES:
                strings[lang][key] = text[lang]
    return strings if len(problems.errors) == before else None


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates for the process's lifetime (Jinja checks each source's checksum)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = CompiledTemplates()


class Renderer:
    """Turns a :class:`~.model.Site` into Markdown pages for every language."""

    def __init__(self, site: model.Site, templates_dir: Path, strings: dict[str, dict[str, str]],
                 feedback_endpoint: str | None = None, support: model.Contact | None = None):
        """``strings`` as :func:`load_strings` read them (pipeline.render does both)."""
        self.site = site
        self.support_contact = support
        self.feedback_endpoint = feedback_endpoint.rstrip("/") if feedback_endpoint else None
        self.strings = strings
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,  # output is Markdown; editors' text goes through the `text` filter
            auto_reload=False,  # a Renderer lives for one fingerprint of the templates folder
            bytecode_cache=_COMPILED,  # the next Renderer (the next save, in the preview) compiles nothing
        )
        self.env.filters.update(
            text=self._text_filter,
            plain=jinja2.pass_context(lambda ctx, value: plain(value, ctx["lang"])),
            t=self._ui_filter,
            duration=jinja2.pass_context(lambda ctx, d: wording.duration(d, ctx["lang"])),
            link=self._link_filter,
            url=_markdown_url,
            attr=lambda value: str(value).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"),
            css_string=lambda value: '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"',
        )
        self.env.globals.update(site=site, always_open=wording.ALWAYS_OPEN)

    def support(self, lang: str) -> dict | None:
        """The site's support contact in ``lang`` (name, phone, tel:, hours), as
        plain text for HTML templates, which escape it; None when unset."""
        contact = self.support_contact
        if contact is None:
            return None
        hours = wording.ALWAYS_OPEN[lang] if contact.always_open else (contact.hours[lang] if contact.hours else None)
        return {
            "name": typography.apply(contact.name[lang], lang),
            "phone": contact.phone,
            "tel": contact.tel,
            "email": contact.email,
            "hours": typography.apply(hours, lang) if hours else None,
        }

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
        text = CHECKLIST_LINK_TARGET.sub(lambda m: f"]({self.href(m.group(1), ctx)})", safety.neutralize(text))
        return _typeset(text, lang)

    @jinja2.pass_context
    def _ui_filter(self, ctx, key: str, **values) -> str:
        template = self.strings[ctx["lang"]][key]
        return template.format(**values) if values else template

    @jinja2.pass_context
    def _link_filter(self, ctx, target: model.Checklist | model.Collection, anchor: str | None = None) -> str:
        """A relative ``.md`` link from the page being rendered to ``target``."""
        path = checklist_path(target) if isinstance(target, model.Checklist) else collection_path(target)
        return relative(ctx["page_path"], path) + (f"#{anchor}" if anchor else "")

    def href(self, target: str, ctx) -> str:
        """Where an editor's ``checklist:ID#anchor`` or ``#anchor`` link points from this page.

        On a guided step page, an anchor that is not on that page (another
        step, a section) leads to the whole checklist's page instead.
        """
        page: PagePath = ctx["page_path"]
        same_page = SAME_PAGE_LINK.match(target)
        if same_page:
            local = ctx.get("local_anchors")
            if local is None or same_page.group(1) in local:
                return target
            return ctx["checklist_page"] + target
        match = CHECKLIST_LINK.match(target)
        if not match:
            return target
        checklist = self.site.checklists[match.group(1)]
        return relative(page, checklist_path(checklist)) + (f"#{match.group(2)}" if match.group(2) else "")

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
            footnote_numbers=self.site.footnotes[checklist.id].numbers,
            step_numbers={step.id: number for number, step in enumerate(steps, 1)},
            first_referrer=self.site.footnotes[checklist.id].first_referrer,
            steps=steps,
            step_page=lambda step: relative(page_path, step_path(checklist, step)),
            checklist_page=relative(page_path, checklist_path(checklist)),
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
        context["first_referrer"] = _first_referrers_on(step)
        context["local_anchors"] = {step.id, *(item.id for item in step.items)}
        section = next(section for section in checklist.sections if step in section.steps)
        return self.env.get_template("step.md.j2").render(
            **context,
            step=step,
            section=section,
            previous=steps[index - 1] if index > 0 else None,
            next=steps[index + 1] if index + 1 < len(steps) else None,
        )

    def collection_page(self, collection: model.Collection, lang: str) -> str:
        return self.env.get_template("collection.md.j2").render(
            lang=lang, page_path=collection_path(collection), collection=collection, members=self.site.members(collection),
            az_link=relative(collection_path(collection), AZ_PATH),
        )

    def az_page(self, lang: str) -> str:
        """Every article by its title in ``lang``, grouped by first letter."""
        checklists = sorted(self.site.checklists.values(), key=lambda c: sort_key(c.title[lang]))
        groups: dict[str, list[model.Checklist]] = {}
        for checklist in checklists:
            groups.setdefault(initial(checklist.title[lang]), []).append(checklist)
        anchors = {letter: "hc-letter-" + ("0-9" if letter == "0–9" else letter.lower()) for letter in groups}
        alphabet = ["0–9"] * ("0–9" in groups) + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
        return self.env.get_template("az.md.j2").render(
            lang=lang, page_path=AZ_PATH,
            letters=[(letter, anchors.get(letter)) for letter in alphabet],
            groups=[(letter, anchors[letter], groups[letter]) for letter in sorted(groups, key=lambda l: (l != "0–9", l))],
            collection_of={c.id: self.site.shared.collections[c.collection.id] for c in checklists},
        )

    def comment_page(self, checklist: model.Checklist, lang: str) -> str:
        return self.env.get_template("comment.md.j2").render(
            lang=lang, page_path=comment_path(checklist), checklist=checklist, endpoint=self.feedback_endpoint,
            support=self.support_contact,
        )

    def home_block(self, lang: str, page_stem: str = "index") -> str:
        """The home page's list of collections and their articles."""
        return self.env.get_template("home.md.j2").render(
            lang=lang, page_path=PagePath(page_stem), collections=self.site.collections(),
            az_link=relative(PagePath(page_stem), AZ_PATH),
        )

    def pages(self, only: Set[str] | None = None, languages: Set[str] | None = None) -> dict[str, str | None]:
        """Every generated page: source path under ``docs/`` → Markdown.

        Pages nobody reads yet are listed with None instead of their text:
        the engine knows them (it places them in the navigation, pairs them
        with their twins and resolves links to them) but does not read them.
        With ``languages``, those in other languages are :data:`~.write.ELSEWHERE`
        (another process renders them). With ``only`` (checklist ids: the preview renders what is being
        edited), the other checklists' articles are placeholders (the
        navigation lists them, pages link to them) and their guided step and
        comment pages are left out (only their own checklist links to them)."""
        present = None if only is None else preview_pages(self.site, only, bool(self.feedback_endpoint))

        def page(path: PagePath, full: bool, make, *args) -> None:
            if present is not None and path.stem not in present:
                return  # nothing links to it, and the navigation does not list it
            for lang in LANGUAGES:
                if not full:
                    out[path.source(lang)] = None
                elif languages is None or lang in languages:
                    out[path.source(lang)] = make(*args, lang)
                else:
                    out[path.source(lang)] = ELSEWHERE

        out: dict[str, str | None] = {}
        page(AZ_PATH, True, self.az_page)
        for collection in self.site.collections():
            page(collection_path(collection), True, self.collection_page, collection)
            for checklist in self.site.members(collection):
                full = only is None or checklist.id in only
                page(checklist_path(checklist), full, self.checklist_page, checklist)
                for step in checklist.steps:
                    page(step_path(checklist, step), full, self.step_page, checklist, step)
                if self.feedback_endpoint:
                    page(comment_path(checklist), full, self.comment_page, checklist)
        return out


def plain(value: model.Text, lang: str) -> str:
    """A text as a page's front matter holds it (its title, its description): typeset, no markup."""
    return _typeset_front_matter(value[lang], lang)


@functools.lru_cache(maxsize=1 << 16)
def _typeset_front_matter(text: str, lang: str) -> str:
    # Cached: the preview titles every article on every save.
    return typography.apply(text, lang)


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
def sort_key(title: str) -> tuple[str, str]:
    """How an index sorts titles: letters without their accents (é with e, as
    French dictionaries do), ligatures spelled out, case and punctuation
    ignored; the title as written breaks ties."""
    spelled = unicodedata.normalize("NFKD", title.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae"))
    letters = "".join(c for c in spelled if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^\w ]+", "", letters).strip(), title


def initial(title: str) -> str:
    """The letter a title is filed under: A to Z, or 0–9."""
    key = sort_key(title)[0]
    first = key[:1].upper()
    return first if "A" <= first <= "Z" else "0–9"


def _first_referrers_on(step: model.Step) -> dict[str, str]:
    """Footnote id → the step or sub-item that first refers to it on the step's
    own guided page (the page shows just those notes)."""
    first: dict[str, str] = {}
    for owner in [step, *step.items]:
        if owner.footnote is not None:
            first.setdefault(owner.footnote.id, owner.id)
    return first
