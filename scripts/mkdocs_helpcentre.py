"""The MkDocs edge of the help-centre generator (loaded through ``hooks:``).

This is the only module that knows about MkDocs and mkdocs-static-i18n; the
core (``scripts/helpcentre``) knows neither. It:

* reads its options from ``extra.helpcentre`` in ``mkdocs.yml`` into a typed
  config class;
* before files are collected, has the core validate ``checklists/`` and write
  the pages that changed into ``docs/help/`` (real files: the i18n plugin
  crashes on in-memory pages and drops files outside ``docs_dir``);
* gives each language its navigation, with the collections as sections
  (Material writes the whole nav into every page: collapsible sections and
  ``navigation.prune`` keep a page to its own collection, so page weight stays
  near linear in the number of articles);
* appends the collections to a hand-written page whose front matter says
  ``helpcentre: collections`` (the home page).

The i18n plugin rebuilds the site once per language, so every event here runs
once per language; the core caches its work by input fingerprint.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.config import base, config_options
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpcentre import LANGUAGES  # noqa: E402
from helpcentre.generate import NotOurFolder  # noqa: E402
from helpcentre.pipeline import Project, generate, render  # noqa: E402
from helpcentre.typography import apply as typeset  # noqa: E402
from helpcentre import wording  # noqa: E402
from helpcentre.problems import ContentError  # noqa: E402
from helpcentre.render import GENERATED_DIR  # noqa: E402


class HelpCentreConfig(base.Config):
    """Options under ``extra: helpcentre:`` in ``mkdocs.yml``."""

    checklists_dir = config_options.Type(str, default="checklists")
    """Folder of the checklist YAML files, relative to mkdocs.yml."""

    templates_dir = config_options.Type(str, default="overrides/helpcentre")
    """Folder of the Jinja templates and UI strings that render checklists."""

    feedback_endpoint = config_options.Optional(config_options.Type(str))
    """Address the "Did this answer your question?" form posts to. Unset: the
    widget shows how to reach support instead of a form that goes nowhere."""


def _options(config) -> HelpCentreConfig:
    options = HelpCentreConfig()
    options.load_dict(dict((config.extra or {}).get("helpcentre") or {}))
    failed, warnings = options.validate()
    problems = [f"extra.helpcentre.{key}: {error}" for key, error in failed + warnings]
    if problems:
        raise PluginError("mkdocs.yml: " + "; ".join(problems))
    return options


def _project(config) -> Project:
    options = _options(config)
    root = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve()
    return Project(root, options.checklists_dir, docs.relative_to(root).as_posix(), options.templates_dir,
                   options.feedback_endpoint or None)


def _i18n(config):
    return config.plugins.get("i18n")


def _current_language(config) -> str:
    plugin = _i18n(config)
    return getattr(plugin, "current_language", None) or LANGUAGES[0]


_built = None
"""This build's result, set in ``on_pre_build``: the page events (run once per
page and language) read it instead of asking the core again, which would stat
every checklist file per page."""


def _result(config, write: bool = False):
    try:
        result = (generate if write else render)(_project(config))
    except NotOurFolder as error:
        raise PluginError(str(error)) from None
    if result.site is None:
        raise PluginError(str(ContentError(result.problems)))
    return result


def _this_build(config):
    return _built if _built is not None else _result(config)


def on_config(config):
    result = _result(config)
    # Each language gets the collections as nav sections titled in its language,
    # inserted after the first entry of the hand-written nav (the home page).
    plugin = _i18n(config)
    # config.nav may still hold the previous language's nav (the i18n plugin
    # restores its original only later): drop the sections we generated.
    ours = [entry for lang in LANGUAGES for entry in result.renderer.nav(lang)]
    base_nav = [entry for entry in (config.nav or ["index.md"]) if entry not in ours]
    for language in (plugin.config.languages if plugin else []):
        if language.locale in LANGUAGES:
            language.nav = base_nav[:1] + result.renderer.nav(language.locale) + base_nav[1:]
    if plugin is None:
        config.nav = base_nav[:1] + result.renderer.nav(LANGUAGES[0]) + base_nav[1:]
    return config


def on_pre_build(config):
    global _built
    _built = _result(config, write=True)  # writes changed pages before MkDocs collects files


def on_serve(server, config, builder):
    """Watch ``docs/`` except the generated folder.

    Every rebuild after a checklist edit writes the changed pages into
    ``docs/help/``; watched, those writes would start a second full build as
    soon as the first ended (minutes, for a large help centre). The checklists
    and templates are watched already (``watch:`` in mkdocs.yml). A folder
    added to ``docs/`` while the server runs is watched from the next start.
    """
    docs = Path(config.docs_dir).resolve()
    generated = docs / GENERATED_DIR
    server.unwatch(str(docs))
    server.watch(str(docs), recursive=False)  # the hand-written pages at the top
    for child in sorted(docs.iterdir()):
        if child.is_dir() and child != generated:
            server.watch(str(child))
    return server


def on_files(files, config):
    """Keep our Jinja templates and UI strings (overrides/helpcentre/) out of the
    published site: MkDocs would copy them as theme assets."""
    templates = _options(config).templates_dir.rstrip("/").split("/")[-1] + "/"
    for file in [f for f in files if f.src_uri.startswith(templates) and not f.is_documentation_page()]:
        files.remove(file)
    return files


def on_page_markdown(markdown, page, config, files):
    _escape_meta(page)
    if page.meta.get("helpcentre") == "collections":
        stem = page.file.src_uri.rsplit(".", 2)[0]
        return markdown.rstrip() + "\n\n" + _this_build(config).renderer.home_block(_current_language(config), stem)
    return markdown


def _escape_meta(page) -> None:
    """Make the page's title and description safe wherever the theme prints them.

    Material writes ``page.meta.description`` into an attribute and titles
    into ``<title>``, the header, the navigation and previous/next without
    escaping (MkDocs' Jinja does not autoescape), so a ``"`` in a summary
    could add ``http-equiv="refresh"`` to the page. Escaped once here, as
    ``Markup``, the text displays as written in every one of those places,
    and the theme's own ``| e`` (footer labels) leaves it as it is.
    """
    for key in ("title", "description"):
        value = page.meta.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            page.meta[key] = escape(value)


def on_page_context(context, page, config, nav):
    """Hand the feedback widget (overrides/partials/feedback.html) what it needs."""
    page_id = page.meta.get("hc_page_id")
    if not page_id:
        return context
    result = _this_build(config)
    lang = _current_language(config)
    checklist = result.site.checklists.get(page_id)
    contact = None
    if checklist is not None and checklist.contacts:
        first = result.site.shared.contacts[checklist.contacts[0].id]
        hours = wording.ALWAYS_OPEN[lang] if first.always_open else (first.hours[lang] if first.hours else None)
        contact = {"name": typeset(first.name[lang], lang), "phone": first.phone, "tel": first.tel, "hours": hours}
    page.meta["hc_feedback"] = {
        "ui": result.renderer.strings[lang],
        "lang": lang,
        "endpoint": result.renderer.feedback_endpoint,
        "contact": contact if contact and contact["phone"] else None,
    }
    return context


_saved_alternates: list = []


def on_template_context(context, template_name, config):
    """The 404 page has no twin: its language links lead to each language's
    home, not to whichever page the i18n plugin rendered last."""
    current = _alternates(config)
    if template_name == "404.html" and current:
        _saved_alternates[:] = [current]
        _set_alternates(config, [
            {**alt, "link": "/" if alt.get("lang") == LANGUAGES[0] else f"/{alt.get('lang')}/"} for alt in current
        ])
    return context


def _alternates(config):
    # The i18n plugin sets `extra.alternate` as an attribute, which templates
    # read before the mapping item: read and write both.
    return getattr(config.extra, "alternate", None) or config.extra.get("alternate")


def _set_alternates(config, value) -> None:
    config.extra["alternate"] = value
    try:
        config.extra.alternate = value
    except AttributeError:
        pass


def on_post_template(output_content, template_name, config):
    if template_name == "404.html" and _saved_alternates:
        _set_alternates(config, _saved_alternates.pop())
    return output_content


_not_found_pages: dict[str, bytes] = {}


def _keep_each_language_404(config) -> None:
    """Every language's build renders 404.html at the site root, so the last
    language (French) would win. Keep the default language's page at the root
    and move each other language's to its own folder (fr/404.html)."""
    root_page = Path(config.site_dir) / "404.html"
    if not root_page.exists():
        return
    lang = _current_language(config)
    if lang == LANGUAGES[0]:
        _not_found_pages[config.site_dir] = root_page.read_bytes()
    elif config.site_dir in _not_found_pages:
        (root_page.parent / lang).mkdir(exist_ok=True)
        root_page.replace(root_page.parent / lang / "404.html")
        root_page.write_bytes(_not_found_pages[config.site_dir])


def on_post_build(config):
    """Put each language's 404 page in place, and write the manifest the
    feedback service reads: known pages, languages, answers, and where to send
    readers afterwards. Only a site with a feedback endpoint has a service (and
    comment pages) to describe."""
    _keep_each_language_404(config)
    renderer = _this_build(config).renderer
    if not renderer.feedback_endpoint:
        return
    manifest = renderer.feedback_manifest()
    target = Path(config.site_dir) / "feedback-manifest.json"
    target.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
