"""The MkDocs edge of the help-centre generator: a plugin, ``helpcentre`` in ``mkdocs.yml``.

This is the only module that knows about MkDocs and mkdocs-static-i18n; the
core (``scripts/helpcentre``) knows neither, so another engine would replace
this file and nothing else. The plugin holds the build's state; each event
is short and hands its one job to a helper below:

* ``on_config`` — validate the checklists, give each language its navigation
  (:func:`give_each_language_its_nav`);
* ``on_pre_build`` — write the pages that changed into ``docs/help/`` before
  MkDocs collects files (real files: the i18n plugin crashes on in-memory
  pages and drops files outside ``docs_dir``);
* ``on_serve`` — watch what the preview must follow (:class:`Watcher`),
  answer a save that changed only pages' text by rendering those pages
  alone (:class:`TextOnlySaves`);
  while previewing, content with errors does not stop the server: the
  last good pages stay, each showing the located problems
  (:func:`problems_banner`), until the next good save;
* ``on_page_markdown`` — escape titles and descriptions (:func:`escape_meta`),
  append the collections to the home page;
* ``on_page_context`` — what the feedback widget shows (:func:`feedback_widget`);
* ``on_template_context``/``on_post_template``/``on_post_build`` — one 404
  page per language (:class:`NotFoundPages`) and the feedback manifest.

The i18n plugin builds the whole site once per language, so every event runs
once per language on the same plugin object; the core caches its work by a
fingerprint of the inputs.

:func:`read_project` is the one place ``mkdocs.yml`` is read outside a build
(the link checker and the parity check use it), with MkDocs' own YAML loader.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from mkdocs.config import base, config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File

from helpcentre import LANGUAGES
from helpcentre.manifest import FILE_NAME as MANIFEST_FILE, feedback_manifest
from helpcentre.paths import (AZ_PATH, GENERATED_DIR, addresses, checklist_pages, checklist_path, index_pages, nav_sections,
                             url_in)
from helpcentre.pipeline import Project, Result, generate, render
from helpcentre.render import CompiledTemplates, plain
from helpcentre.validate import file_signature
from helpcentre.write import NotOurFolder

log = get_plugin_logger(__name__)


class HelpCentreConfig(base.Config):
    """Options of the ``helpcentre`` plugin in ``mkdocs.yml``."""

    checklists_dir = config_options.Type(str, default="checklists")
    """Folder of the checklist YAML files, relative to mkdocs.yml."""

    templates_dir = config_options.Optional(config_options.Type(str))
    """Folder of the Jinja templates and UI strings that render checklists,
    relative to mkdocs.yml. Unset: the generator's own (scripts/helpcentre/templates)."""

    feedback_endpoint = config_options.Optional(config_options.Type(str))
    """Address the "Did this answer your question?" form posts to. Unset: the
    widget shows how to reach support instead of a form that goes nowhere."""

    support_contact = config_options.Optional(config_options.Type(str))
    """The help centre's own support: the id of a contact in _shared.yml. The
    feedback box, the comment pages and the 404 pages name it (never an
    article's first contact, which may be a regulator)."""

    preview_in_full_up_to = config_options.Type(int, default=100)
    """``mkdocs serve`` renders every page of a help centre of up to this many
    checklists. Above, it renders the home, index and hand-written pages and
    in full only the checklists being edited (:class:`Preview`): changed
    since ``preview_base``, named in ``preview_checklists``, saved while it
    runs, or opened in the browser (the first visit renders the page)."""

    preview_base = config_options.Optional(config_options.Type(str))
    """A git revision: the checklists changed since it (committed or not) are
    rendered in full from the start (``make serve`` passes ``BASE``)."""

    preview_checklists = config_options.Type(str, default="")
    """Checklist ids, separated by spaces or commas, rendered in full from the
    start (``make serve PREVIEW="a b"``)."""

    parallel = config_options.Type(bool, default=True)
    """``mkdocs build`` renders each language's pages in a process of its own
    (:class:`LanguageProcesses`), side by side on as many cores; false: one
    after the other in one process, as the i18n plugin does. The site is the
    same bytes either way (tests/test_parallel_build.py compares)."""


def project_of(config, options: HelpCentreConfig) -> Project:
    """Where this build's inputs and outputs are, for the core."""
    root = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve()
    return Project(root, options.checklists_dir, docs.relative_to(root).as_posix(), options.templates_dir,
                   options.feedback_endpoint or None, config.site_url or None, options.support_contact)


def read_project(root: Path) -> Project:
    """``root/mkdocs.yml`` as the core sees it, read with MkDocs' YAML loader
    (``!ENV`` resolved) and the plugin's typed options; defaults when there
    is no such file or no ``helpcentre`` plugin in it."""
    from mkdocs.utils.yaml import yaml_load

    try:
        with open(root / "mkdocs.yml", "rb") as file:
            raw = yaml_load(file) or {}
    except OSError:
        raw = {}
    settings: dict = {}
    for entry in raw.get("plugins") or []:
        if isinstance(entry, dict) and "helpcentre" in entry:
            settings = dict(entry["helpcentre"] or {})
    options = HelpCentreConfig()
    options.load_dict(settings)
    failed, _warnings = options.validate()
    if failed:
        raise PluginError("mkdocs.yml: " + "; ".join(f"plugins.helpcentre.{key}: {error}" for key, error in failed))
    site_url = raw.get("site_url")
    return Project(root, options.checklists_dir, str(raw.get("docs_dir") or "docs"), options.templates_dir,
                   options.feedback_endpoint or None, site_url if isinstance(site_url, str) else None,
                   options.support_contact)


class HelpCentrePlugin(BasePlugin[HelpCentreConfig]):
    """Runs the core before each build and fits its pages into the site."""

    def __init__(self) -> None:
        self.result: Result | None = None
        """This build's checked site and renderer, set in on_config and on_pre_build:
        page events (once per page and language) read it instead of asking the core."""
        self.not_found = NotFoundPages()
        self.cache: dict = {}
        """The core's results by input fingerprint: unchanged inputs (the next
        language's build, a save of a hand-written page) are not read again."""
        self.previewing = False
        self.command: str | None = None
        """The command that started the build (`build`, `serve`, `gh-deploy`), when the CLI did."""
        self.languages = LanguageProcesses()
        self.preview: Preview | None = None
        """While previewing: what is rendered in full."""
        self.only: frozenset[str] | None = None
        """The checklists whose pages this build renders (None: every one; see Preview)."""
        self.problems = None
        """While previewing: the problems of the content as last saved, when it has errors."""
        self.text_saves: TextOnlySaves | None = None
        """While previewing: renders again only the pages a save changed, when that is all it changed."""

    # -- events, each one job -------------------------------------------------
    def on_startup(self, command, dirty):
        self.command = command
        self.previewing = command == "serve"

    def on_config(self, config):
        if self.previewing and self.preview is None:
            self.preview = Preview(project_of(config, self.config), self.config)
            self.text_saves = TextOnlySaves(self)
        if self.text_saves is not None and not getattr(config.plugins.get("i18n"), "building", False):
            self.text_saves.build_starts(config)  # a whole build (its first language)
        self.result = self._run(config, write=False)
        if self.result is not None:
            give_each_language_its_nav(config, self.result.site)
            # For the theme's own templates (404.html, the header's search): the site's
            # support in this build's language, and the service that searches without script.
            config.extra["hc_support"] = self.result.renderer.support(current_language(config))
            endpoint = self.result.renderer.feedback_endpoint
            config.extra["hc_search"] = f"{endpoint}/search" if endpoint else None
            config.extra["hc_az"] = url_in(AZ_PATH, current_language(config), self.result.site)
        return config

    def on_pre_build(self, config):
        # Forked once the site is checked: each process writes its own language's pages.
        if self.config.parallel and self.command == "build" and self.result is not None:
            self.languages.fork(config)
        self.result = self._run(config, write=True)

    @event_priority(-150)  # after the i18n plugin has made this language's navigation
    def on_nav(self, nav, config, files):
        self.languages.skip_pages_of_others(files, current_language(config))
        if self.preview is not None and self.result is not None:
            self.preview.skip_pages_not_shown(files, self.result, config)
            lang, surroundings = current_language(config), self._inputs_of_every_page(config)
            self.text_saves.saw_navigation(lang, files, nav, surroundings)
            self.preview.unchanged.skip_pages_as_rendered(files, surroundings, self._added_to(lang))
        return nav

    def on_env(self, env, config, files):
        if self.preview is not None:  # every save loads the theme anew: its templates compile once
            env.bytecode_cache = self.preview.compiled_templates
            self.text_saves.saw_environment(current_language(config), env)
        return env

    @event_priority(-50)  # before the i18n plugin pairs the files with their twins
    def _files_before_pairing(self, files, config):
        if self.preview is not None and self.result is not None:
            return self.preview.placeholders(files, self.result, config)
        return files

    @event_priority(-150)  # after the i18n plugin has given each file its language and twins
    def _files_after_pairing(self, files, config):
        if self.result is not None:
            publish_at_language_addresses(files, self.result.site)
        return files

    on_files = CombinedEvent(_files_before_pairing, _files_after_pairing)

    def on_serve(self, server, config, builder):
        Watcher(server, config, self.config.checklists_dir).start()
        if self.preview is not None:
            self.preview.render_on_first_visit(server)
            self.text_saves.answer_saves(server)
        return server

    def on_page_markdown(self, markdown, page, config, files):
        escape_meta(page)
        search_only_what_readers_navigate(page)
        if page.meta.get("helpcentre") == "collections" and self.result is not None:
            stem = page.file.src_uri.rsplit(".", 2)[0]
            block = self.result.renderer.home_block(current_language(config), stem)
            if self.preview is not None:
                self.preview.unchanged.also_depends_on(page.file, block)
            return markdown.rstrip() + "\n\n" + block
        return markdown

    def on_page_content(self, html, page, config, files):
        if self.problems is not None:
            return problems_banner(self.problems, current_language(config)) + html
        return html

    def on_page_context(self, context, page, config, nav):
        keep_neighbours_in_collection(page)
        if page.meta.get("hc_page_id") and self.result is not None:
            page.meta["hc_feedback"] = feedback_widget(self.result, page.meta["hc_page_id"], current_language(config))
        return context

    def on_template_context(self, context, template_name, config):
        if template_name == "404.html":
            self.not_found.point_switcher_at_homes(config)
        return context

    def on_post_template(self, output_content, template_name, config):
        if template_name == "404.html":
            self.not_found.restore_switcher(config)
        return output_content

    def on_post_page(self, output, page, config):
        output = search_in_own_language(output, current_language(config))
        if self.preview is not None:
            self.preview.unchanged.keep(page, output)
        return output

    @event_priority(50)  # before the i18n plugin builds the other languages (-100)
    def _post_build_each_language(self, config):
        if self.preview is not None:
            self.preview.unchanged.write_back()
        self.not_found.keep_each_language(config)
        if self.result is not None and self.result.renderer.feedback_endpoint:  # only a site with a service has one to describe
            write_manifest(Path(config.site_dir), self.result)

    @event_priority(-200)  # after the i18n plugin merged every language's search entries
    def _post_build_whole_site(self, config):
        i18n = config.plugins.get("i18n")
        if not getattr(i18n, "building", False):  # the outer build, once every language is built
            split_search_index(Path(config.site_dir))
            self.languages.join(config)
            if self.text_saves is not None:
                self.text_saves.build_ended(config)

    on_post_build = CombinedEvent(_post_build_each_language, _post_build_whole_site)

    def on_build_error(self, error):
        self.languages.abandon()
        if self.text_saves is not None:
            self.text_saves.build_failed()

    def _inputs_of_every_page(self, config) -> str:
        """What every page of this language's build shows besides its own source:
        the navigation and addresses, the theme, the problems banner (and the
        home page its list of collections: see on_page_markdown)."""
        lang = current_language(config)
        site, renderer = self.result.site, self.result.renderer
        theme = sorted((str(path), path.stat().st_mtime_ns) for folder in (config.theme.custom_dir,) if folder
                       for path in Path(folder).rglob("*") if path.is_file())
        titles = [(checklist.id, checklist.title[lang]) for checklist in site.checklists.values()]  # as written: typeset alike
        state = [lang, nav_sections(site, lang), titles, addresses(site, lang), theme,
                 Path(config.config_file_path).stat().st_mtime_ns, config.site_url, config.extra.get("hc_support"),
                 self.problems.report() if self.problems is not None else None]
        return _digest(repr(state))

    def _added_to(self, lang: str):
        """What on_page_markdown adds to a page's Markdown in ``lang`` (the home's collections)."""
        return lambda file: self.result.renderer.home_block(lang, file.src_uri.rsplit(".", 2)[0])

    # -- the core ---------------------------------------------------------------
    def _run(self, config, write: bool) -> Result | None:
        project = project_of(config, self.config)
        try:
            result = render(project, self.cache)
            if result.site is not None and not write and self.preview is not None:
                self.only = self.preview.checklists(result.site)
            if result.site is not None and write:
                languages = {self.languages.mine} if self.languages.mine else None
                result = generate(project, self.cache, self.only, languages)
        except NotOurFolder as error:
            raise PluginError(str(error)) from None
        if result.site is not None:
            self.problems = None
            return result
        if not self.previewing:
            raise PluginError(result.problems.summary())
        # A failed build would leave `mkdocs serve` waiting forever for a good
        # one, and the browser with it: keep the last good pages, say why.
        if self.problems is None or self.problems.report() != result.problems.report():
            # Printed, not logged: in --strict, a logged error would abort the
            # build, which is what this avoids. Once per change, not per language.
            print(result.problems.summary(), file=sys.stderr, flush=True)
        self.problems = result.problems
        return self.result


# -- helpers ----------------------------------------------------------------------

class LanguageProcesses:
    """``mkdocs build`` on every core: one process per language, merged.

    The i18n plugin builds the languages one after the other, each a whole
    MkDocs build; nearly all of the time goes into rendering pages (Markdown,
    then the theme's templates). Once the core has checked the site, the
    build forks one process per other language. Each writes its language's
    pages (the others' files exist: empty if new, see ``write_pages``), then
    runs the whole build as before, every language's files, navigation, sitemap and
    404 page (cheap, and shared knowledge: a page's language switcher and the
    sitemap name the twins), but renders only its own language's pages: the
    others' are marked excluded once the navigation holds them, so they keep
    their place in it and in the sitemap. A child builds into a folder of its
    own next to the site; at the end the parent waits for each child and moves
    the child's language folder (``fr/``) in place of its own. Each language
    has its own search index (:func:`split_search_index`), so nothing needs
    merging but folders. A child's warnings count in ``--strict`` as the
    parent's do: it exits with an error, and the parent's build fails.

    Only the CLI's ``build`` forks (:attr:`HelpCentreConfig.parallel`): the
    preview stays in one process, as do builds made in-process by tests.
    """

    def __init__(self) -> None:
        self.children: dict[str, tuple[int, Path]] = {}
        """In the parent: language → (process id, the folder its child builds into)."""
        self.mine: str | None = None
        """The language whose pages this process renders; None: every language's (no fork)."""
        self.is_child = False
        self._warnings = None

    def fork(self, config) -> None:
        i18n = config.plugins.get("i18n")
        if i18n is None or getattr(i18n, "building", False) or not hasattr(os, "fork") or self.mine is not None:
            return
        default, *others = i18n.build_languages
        if not others:
            return
        site = Path(config.site_dir).resolve()
        site.parent.mkdir(parents=True, exist_ok=True)
        self.mine = default
        for lang in others:
            staging = Path(tempfile.mkdtemp(prefix=f".{site.name}-{lang}-", dir=site.parent))
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the child: this language's pages, into its own folder
                self.children.clear()
                self.mine, self.is_child = lang, True
                config.site_dir = str(staging)
                self._count_warnings(config)
                return
            self.children[lang] = (pid, staging)

    def skip_pages_of_others(self, files, lang: str) -> None:
        """In a language's build, its pages are rendered only by the process for that language."""
        if self.mine is None or lang == self.mine:
            return
        for file in files.documentation_pages():
            file.inclusion = type(file.inclusion).EXCLUDED

    def join(self, config) -> None:
        """In a child: leave, its folder done. In the parent: wait for each child and take its language's folder."""
        if self.is_child:
            self._leave(1 if self._warnings.get_counts() else 0)
        failed = []
        for lang, (pid, staging) in self.children.items():
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 0:
                target = Path(config.site_dir) / lang
                shutil.rmtree(target, ignore_errors=True)
                os.replace(staging / lang, target)
            else:
                failed.append(lang)
            shutil.rmtree(staging, ignore_errors=True)
        self.children.clear()
        if failed:
            raise PluginError(f"the pages in {', '.join(failed)} did not build (see the messages above)")

    def abandon(self) -> None:
        """The build failed: a child leaves at once; the parent stops its children and removes their folders."""
        if self.is_child:
            self._leave(1)
        for pid, staging in self.children.values():
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            shutil.rmtree(staging, ignore_errors=True)
        self.children.clear()

    @staticmethod
    def _leave(code: int) -> None:
        # A child must never return into the caller's code (the CLI would
        # report a second build; a test runner would run its tests twice).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

    def _count_warnings(self, config) -> None:
        # MkDocs counts --strict warnings in build(), after the post_build event
        # where the child leaves: the child counts its own. Loggers of both
        # engine names (ProperDocs logs as `properdocs`).
        if not config.strict:
            self._warnings = _NoWarnings()
            return
        from mkdocs.utils import CountHandler

        self._warnings = CountHandler()
        self._warnings.setLevel(logging.WARNING)
        for name in ("mkdocs", "properdocs"):
            logging.getLogger(name).addHandler(self._warnings)


class _NoWarnings:
    def get_counts(self):
        return []


_BANNER = {
    "en": ("The help centre’s content has problems",
           "This preview shows the last version that had none. Fix these, save, and the page comes back:"),
    "fr": ("Le contenu du centre d’aide a des problèmes",
           "Cet aperçu montre la dernière version qui n’en avait pas. Corrigez-les et enregistrez\u00a0: la page reviendra."),
}


class Preview:
    """What ``mkdocs serve`` renders of a large help centre, so that a save shows in a second or two.

    A full build renders every page of every language (minutes for a
    thousand checklists). The preview renders the hand-written pages, the
    home, A–Z and collection pages, and the pages of the checklists being
    edited: changed since ``preview_base``, named in ``preview_checklists``,
    saved since the preview started, or opened in the browser. The other
    checklists' pages keep their place in the navigation and every link to
    them resolves (they are excluded once the navigation is made, as
    :class:`LanguageProcesses` does); the first visit to one adds it to the
    rendered set and answers when the rebuild is done. A page the preview
    shows is the page a full build makes (tests/test_serve.py compares).
    Up to ``preview_in_full_up_to`` checklists, everything is rendered.
    """

    def __init__(self, project: Project, options: HelpCentreConfig) -> None:
        self.project = project
        self.unchanged = UnchangedPages()
        self.compiled_templates = CompiledTemplates()  # the theme's, compiled once for the whole preview
        self.in_full_up_to = options.preview_in_full_up_to
        self.wanted: set[str] = set(re.split(r"[\s,]+", options.preview_checklists.strip())) - {""}
        self.base = options.preview_base
        self._first_seen: dict[str, tuple] | None = None
        self._site, self._shown = None, frozenset()
        self.visited: set[str] = set()
        """Index pages (A–Z, collections) rendered since their first visit: long at a
        thousand checklists, they wait for a reader like the articles."""

    def checklists(self, site) -> frozenset[str] | None:
        """The checklists rendered in full now; None: all of them."""
        if len(site.checklists) <= self.in_full_up_to:
            return None
        signatures = {checklist.id: file_signature(self.project.root / checklist.path) for checklist in site.checklists.values()}
        if self._first_seen is None:
            self._first_seen = signatures
            self.wanted |= self._changed_since_base()
            unknown = sorted(self.wanted - site.checklists.keys())
            if unknown:
                print(f"preview: no checklist {', '.join(unknown)} (preview_checklists)", file=sys.stderr, flush=True)
        # Saved (or added) since the preview started: being edited.
        self.wanted |= {key for key, signature in signatures.items() if self._first_seen.get(key) != signature}
        shown = frozenset(self.wanted & site.checklists.keys())
        self._site, self._shown = site, shown
        return shown

    def waiting(self) -> dict[str, tuple[str, str]]:
        """Address (relative to the site root) of each page not rendered → what
        to render: ("checklist", its id) or ("index", the page's stem)."""
        site, shown = self._site, self._shown
        found = {url_in(page, lang, site): ("checklist", checklist.id)
                 for checklist in site.checklists.values() if checklist.id not in shown
                 for page in checklist_pages(checklist, self.comments) for lang in LANGUAGES}
        found.update({url_in(page, lang, site): ("index", page.stem)
                      for page in index_pages(site) if page.stem not in self.visited for lang in LANGUAGES})
        return found

    @property
    def comments(self) -> bool:
        return bool(self.project.feedback_endpoint)

    def _changed_since_base(self) -> set[str]:
        if not self.base:
            return set()
        from helpcentre.changes import GitError, changed_files, comparison_base

        root = self.project.root
        try:
            commit, _note = comparison_base(root, self.base)
            changed = changed_files(root, commit, [self.project.checklists_dir])
        except (GitError, OSError) as error:
            print(f"preview: the checklists changed since {self.base} are not known ({error}); "
                  "those you save or open are rendered in full", file=sys.stderr, flush=True)
            return set()
        return {Path(path).stem for path in changed if path.endswith(".yml")}

    def placeholders(self, files, result: Result, config):
        """The other checklists' articles in this language's build, without their
        text: MkDocs knows a file without reading it (nobody renders them, and
        writing thousands of empty files would cost seconds). The other languages'
        are left out: pairing thousands of files costs the i18n plugin seconds."""
        if result.only is None:
            return files
        lang = current_language(config)
        others = [checklist_path(checklist) for checklist in result.site.checklists.values() if checklist.id not in result.only]
        elsewhere = {page.source(other) for page in others for other in LANGUAGES if other != lang}
        for file in [file for file in files if file.src_uri in elsewhere]:
            files.remove(file)
        for page in others:
            if files.get_file_from_path(page.source(lang)) is None:
                files.append(File(page.source(lang), config.docs_dir, config.site_dir, config.use_directory_urls))
        return files

    def skip_pages_not_shown(self, files, result: Result, config) -> None:
        """The other checklists' articles (placeholders) and the index pages not
        visited yet keep their place in the navigation, titled as their front
        matter titles them, unrendered."""
        if result.only is None:
            return
        lang = current_language(config)
        titles = {checklist_path(checklist).stem: escape(plain(checklist.title, lang))
                  for checklist in result.site.checklists.values() if checklist.id not in result.only}
        indexes = {page.stem for page in index_pages(result.site)} - self.visited
        for file in files.documentation_pages():
            stem = file.src_uri.rsplit(".", 2)[0]
            if stem in titles:
                file.inclusion = type(file.inclusion).EXCLUDED
                if file.page is not None:  # as escape_meta leaves a read page's title
                    file.page.markdown, file.page.meta = "", {"title": titles[stem]}
            elif stem in indexes and file.page is not None:
                file.inclusion = type(file.inclusion).EXCLUDED
                file.page.read_source(config)  # its front matter: title and description, not its Markdown
                escape_meta(file.page)

    def render_on_first_visit(self, server) -> None:
        """A request for a page not rendered yet adds its checklist and waits for the rebuild."""
        serve = server._serve_request
        mount = server.mount_path

        def serve_or_render(environ, start_response):
            answer = serve(environ, start_response)
            if answer is not None:
                return answer
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
            address = path[len(mount):] if path.startswith(mount) else path.lstrip("/")
            address = address[: -len("index.html")] if address.endswith("/index.html") else address
            if self._site is None:
                return None
            found = self.waiting().get(address if address.endswith("/") else address + "/")
            if found is None:
                return None
            kind, key = found
            (self.wanted if kind == "checklist" else self.visited).add(key)
            before = server._visible_epoch
            request_rebuild(server)
            with server._epoch_cond:
                server._epoch_cond.wait_for(lambda: server._visible_epoch != before, timeout=300)
            return serve(environ, start_response)

        server._serve_request = serve_or_render


class UnchangedPages:
    """The preview's pages as last rendered: one whose source and surroundings
    did not change is not rendered again but written back as it was.

    A save changes one checklist's pages (``write_pages`` rewrites only files
    whose text changed); the home, A–Z and collection pages, long at a
    thousand checklists, come back as they were unless a title, an address or
    the theme changed. (The preview's search index lists the pages rendered
    by the last save; a full build's lists them all.)
    """

    def __init__(self) -> None:
        self._pages: dict[str, tuple[tuple, str, dict, str | None]] = {}
        """Source file → (its inputs when rendered, the HTML, its metadata and title)."""
        self._kept: dict[str, tuple[tuple, str, dict, str | None]] = {}
        """The same, rendered by the build in progress: only a build that succeeded is
        trusted (a page rendered with a --strict warning must warn again next time)."""
        self._inputs: dict[str, tuple] = {}
        self._written_back: list = []
        self._added: dict[str, str] = {}
        """Source file → what the plugin added to its Markdown (the home's list), as last rendered."""

    def skip_pages_as_rendered(self, files, surroundings: str, added_now) -> None:
        """``added_now(file)``: what the plugin would add to the file's Markdown now."""
        self._written_back.clear()
        pages = files.documentation_pages()
        changed = {id(file) for file in self.changed(pages, surroundings, added_now)}
        for file in pages:
            if id(file) in changed or file.page is None:
                continue  # rendered (a page MkDocs has not made yet is not in the navigation)
            known = self._pages[file.abs_src_path]
            file.inclusion = type(file.inclusion).EXCLUDED
            self._written_back.append((file, known[1]))
            # What other pages show of it (navigation, previous/next), as if it had been read.
            file.page.markdown, file.page.meta = "", dict(known[2])
            if "title" not in known[2]:
                file.page._title_from_render = known[3]

    def changed(self, files, surroundings: str, added_now) -> list:
        """Of ``files`` (pages the last build rendered or wrote back), those whose
        inputs changed since; kept with their new inputs once rendered (:meth:`keep`)."""
        self._inputs.clear()
        changed = []
        for file in files:
            inputs = self._inputs_now(file, surroundings, added_now)
            known = self._pages.get(file.abs_src_path)
            if known is None or known[0] != inputs:
                self._inputs[file.abs_src_path] = inputs
                changed.append(file)
        return changed

    def _inputs_now(self, file, surroundings: str, added_now) -> tuple:
        added = _digest(added_now(file)) if file.abs_src_path in self._added else None
        return file_signature(Path(file.abs_src_path)), surroundings, added

    def also_depends_on(self, file, added: str) -> None:
        """The page's Markdown gets ``added`` (the home's list of collections), which changes with any title."""
        digest = _digest(added)
        if self._added.get(file.abs_src_path) != digest:
            self._added[file.abs_src_path] = digest
            inputs = self._inputs.get(file.abs_src_path)
            if inputs is not None:  # kept with what it was rendered from now
                self._inputs[file.abs_src_path] = (*inputs[:2], digest)

    def keep(self, page, html: str) -> None:
        inputs = self._inputs.get(page.file.abs_src_path)
        if inputs is not None:
            self._kept[page.file.abs_src_path] = (inputs, html, dict(page.meta), page.title)

    def trust(self) -> None:
        """The build that rendered the pages kept since the last call succeeded
        (called as the next one starts: MkDocs fails a --strict build after its last event)."""
        self._pages.update(self._kept)
        self._kept.clear()

    def distrust(self) -> None:
        """The build in progress failed: what it rendered is rendered again next time."""
        self._kept.clear()

    def write_back(self) -> None:
        for file, html in self._written_back:
            target = Path(file.abs_dest_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        self._written_back.clear()


@dataclass
class _LanguageBuild:
    """What a language's last whole build left: enough to render one of its pages again."""

    files: Any = None
    nav: Any = None
    env: Any = None
    surroundings: str = ""
    """What every page shows besides its own source (HelpCentrePlugin._inputs_of_every_page)."""
    pages: dict = field(default_factory=dict)
    """Source → (its file, its inclusion): the pages the build rendered or wrote back as
    they were (UnchangedPages marks those excluded; rendered again, they are what they were)."""


class _WholeBuild(Exception):
    """The save changed more than pages' text."""


class TextOnlySaves:
    """``mkdocs serve``: a save that changes only pages' text renders those pages again, nothing else.

    MkDocs answers every save with a whole build, and the i18n plugin makes
    it one per language: the configuration, every file (two thousand at a
    thousand checklists, paired with their twins), the navigation, sitemap,
    search index and 404 page, about a second a language before the one page
    that changed. When a save changes only checklists being previewed (or
    hand-written pages), and nothing that every page shows besides its own
    text (the navigation, titles, addresses, theme and problems: the
    surroundings :class:`UnchangedPages` keys pages by), none of that can
    change: the core writes the checklist's Markdown pages, and only the
    pages whose source changed are rendered again, each language's with what
    its last build left (its configuration as the plugins set it for that
    language, its files, navigation and theme), through the engine's own
    page functions and every plugin's page events.

    Anything else makes the whole build, as before: a changed title, a step
    added or removed, a problem, a --strict warning, a page whose title
    changed, a file added or removed, the theme, mkdocs.yml, the shared
    contacts, a page opened for the first time. A page shown is the page a
    whole build makes (tests/test_serve.py compares byte for byte); the
    preview's search index stays as the last whole build made it.
    """

    def __init__(self, plugin: HelpCentrePlugin) -> None:
        self.plugin = plugin
        self.config = None
        """The last whole build's configuration (the plugins' instances with their state)."""
        self.languages: dict[str, _LanguageBuild] = {}
        self._building: dict[str, _LanguageBuild] = {}
        self._inputs: dict[str, tuple] | None = None
        """The input files as the last whole build read them (None: it failed)."""
        self._pending: dict[str, tuple] | None = None
        self._shown = None
        self._theme: Path | None = None
        self._rendering = False

    # -- a whole build: what it read and left ------------------------------------
    def build_starts(self, config) -> None:
        if not self._rendering:
            self.plugin.preview.unchanged.trust()  # the build before succeeded: had it failed, build_failed said so
            self._theme = Path(config.theme.custom_dir) if config.theme.custom_dir else None
            self._pending, self._building = self._input_signatures(), {}

    def saw_navigation(self, lang: str, files, nav, surroundings: str) -> None:
        """``lang``'s files and navigation, before UnchangedPages excludes the pages it writes back."""
        build = self._building.setdefault(lang, _LanguageBuild())
        build.files, build.nav, build.surroundings = files, nav, surroundings
        build.pages = {file.src_uri: (file, file.inclusion) for file in files.documentation_pages(
            inclusion=lambda inclusion: not inclusion.is_excluded())}

    def saw_environment(self, lang: str, env) -> None:
        self._building.setdefault(lang, _LanguageBuild()).env = env

    def build_ended(self, config) -> None:
        preview = self.plugin.preview
        self.config, self.languages, self._inputs = config, self._building, self._pending
        self._shown = (self.plugin.only, frozenset(preview.visited))

    def build_failed(self) -> None:
        self._inputs = None
        self.plugin.preview.unchanged.distrust()

    # -- a save ---------------------------------------------------------------------
    def answer_saves(self, server) -> None:
        """Each rebuild ``mkdocs serve`` asks for renders the saved pages only, when it can."""
        whole_build = server.builder

        def builder(config=None):
            if config is None and self.render_saved_pages():
                return
            whole_build(config)

        server.builder = builder

    def render_saved_pages(self) -> bool:
        """Render again the pages a save changed; False: it changed more, a whole build is needed."""
        started = time.perf_counter()
        unchanged = self.plugin.preview.unchanged
        unchanged.trust()
        try:
            inputs = self._input_signatures()
            self._check_only_text_changed(inputs)
            rendered = self._render_in_each_language()
        except _WholeBuild as reason:
            unchanged.distrust()
            log.info(f"Building the whole site: {reason}")
            return False
        unchanged.trust()
        self._inputs = inputs
        log.info(f"Rendered again {len(rendered)} page(s) whose text changed, in {time.perf_counter() - started:.2f} s"
                 + (f": {', '.join(rendered[:4])}{' …' if len(rendered) > 4 else ''}" if rendered else ""))
        return True

    def _check_only_text_changed(self, inputs: dict[str, tuple]) -> None:
        """Every changed input is a checklist or a hand-written Markdown page, none added or removed."""
        result = self.plugin.result
        if self._inputs is None or self.config is None or result is None or result.site is None:
            raise _WholeBuild("the last whole build failed")
        if self.plugin.problems is not None:
            raise _WholeBuild("the content had problems")
        checklists = {Path(checklist.path).as_posix() for checklist in result.site.checklists.values()}
        docs = Path(self.plugin.preview.project.docs_dir).as_posix() + "/"
        for path in inputs.keys() | self._inputs.keys():
            if inputs.get(path) == self._inputs.get(path):
                continue
            if path not in inputs or path not in self._inputs:
                raise _WholeBuild(f"{path} was added or removed")
            if path not in checklists and not (path.startswith(docs) and path.endswith(".md")):
                raise _WholeBuild(f"{path} changed")

    def _render_in_each_language(self) -> list[str]:
        engine = _engine_of(self.config)
        warnings = engine.utils.CountHandler()
        warnings.setLevel(logging.WARNING)
        logger = logging.getLogger(engine.__name__)
        logger.addHandler(warnings)
        self._rendering = True
        quiet = _Quiet("mkdocs.plugins.mkdocs_static_i18n")  # "Building 'fr' documentation": it is not
        try:
            rendered = []
            for number, lang in enumerate(self.languages):  # as the whole build made them: the default language first
                rendered += self._render(engine, lang, first=number == 0)
        except _WholeBuild:
            raise
        except Exception as error:  # the whole build will say it, as it always has
            raise _WholeBuild(f"rendering the saved pages alone failed ({error})") from None
        finally:
            self._rendering = False
            quiet.end()
            logger.removeHandler(warnings)
        if warnings.get_counts():  # the whole build fails as --strict says, with the same messages
            raise _WholeBuild("a warning in --strict")
        if self.plugin.result.renderer.feedback_endpoint:
            write_manifest(Path(self.config.site_dir), self.plugin.result)
        return rendered

    def _render(self, engine, lang: str, first: bool) -> list[str]:
        """The pages of ``lang`` whose source changed, rendered in that language's configuration."""
        plugin, build = self.plugin, self.languages[lang]
        i18n = self.config.plugins.get("i18n")
        if i18n is not None:
            i18n.current_language = lang
        config = self.config = self.config.plugins.on_config(self.config)
        if plugin.problems is not None or plugin.result is None:
            raise _WholeBuild("the content has problems")
        if self._shown != (plugin.only, frozenset(plugin.preview.visited)):
            raise _WholeBuild("a page not rendered before is shown now")
        if first:
            self._write_markdown(config)
        surroundings = plugin._inputs_of_every_page(config)
        if surroundings != build.surroundings:
            raise _WholeBuild("the navigation, a title or an address changed")
        files = plugin.preview.unchanged.changed([file for file, _ in build.pages.values()], surroundings,
                                                 plugin._added_to(lang))
        for file in files:
            file.inclusion = build.pages[file.src_uri][1]  # UnchangedPages may have excluded it
            page = file.page
            title = page.title if page is not None and file.inclusion.is_in_nav() else None
            if page is None:
                page = engine.structure.pages.Page(None, file, config)
            engine.commands.build._populate_page(page, config, build.files)
            if title is not None and page.title != title:
                raise _WholeBuild(f"the title of {file.src_uri} changed")  # the navigation shows it
        shown = build.files.documentation_pages(inclusion=engine.structure.files.InclusionLevel.is_in_serve)
        for file in files:
            engine.commands.build._build_page(file.page, config, shown, build.nav, build.env,
                                              excluded=file.inclusion.is_excluded())
        for file in files:
            file.page.validate_anchor_links(files=build.files, log_level=config.validation.links.anchors)
        return [file.page.url or "/" for file in files]

    def _write_markdown(self, config) -> None:
        """The core writes the saved checklists' pages: all of them files the last build knew."""
        self.plugin.result = self.plugin._run(config, write=True)
        report = self.plugin.result.report
        known = {path for build in self.languages.values() for path in build.pages}
        if report is None or report.removed or not set(report.written) <= known:
            raise _WholeBuild("a page was added or removed")

    def _input_signatures(self) -> dict[str, tuple]:
        """Every file a whole build reads besides the generated pages, by path relative to the project."""
        project = self.plugin.preview.project
        root = project.root
        generated = root / project.docs_dir / GENERATED_DIR
        found = {"mkdocs.yml": file_signature(root / "mkdocs.yml")}
        for folder in (root / project.checklists_dir, project.templates, root / project.docs_dir, self._theme):
            for directory, subdirectories, names in os.walk(folder) if folder else ():
                if Path(directory) == generated.parent:
                    subdirectories[:] = [name for name in subdirectories if name != GENERATED_DIR]
                for name in names:
                    path = Path(directory, name)
                    found[_relative(path, root)] = file_signature(path)
        return found


class _Quiet:
    """The informational messages of a family of loggers, silenced until :meth:`end`."""

    def __init__(self, prefix: str) -> None:
        names = [name for name in logging.root.manager.loggerDict if name == prefix or name.startswith(prefix + ".")]
        self._levels = {name: logging.getLogger(name).level for name in names}
        for name in names:
            logging.getLogger(name).setLevel(logging.WARNING)

    def end(self) -> None:
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:  # the generator's own templates, outside the project
        return path.as_posix()


def _engine_of(config):
    """The engine running this build (``mkdocs``, or ``properdocs``, its fork), with the modules rendering a page needs."""
    import importlib

    name = type(config).__module__.partition(".")[0]
    for module in ("utils", "commands.build", "structure.pages", "structure.files"):
        importlib.import_module(f"{name}.{module}")
    return sys.modules[name]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def request_rebuild(server) -> None:
    """Have ``mkdocs serve`` build again now, as if a watched file had changed."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()


def problems_banner(problems, lang: str) -> str:
    """The located problems at the top of every page of the preview (never in a real build).

    role="alert" so a screen reader says it at once; the messages are the
    validator's, in English, marked so.
    """
    title, advice = _BANNER.get(lang, _BANNER["en"])
    items = "".join(f"<li><code>{escape(str(problem))}</code></li>" for problem in problems.sorted())
    return (f'<div class="admonition failure hc-build-problems" role="alert"><p class="admonition-title">{escape(title)}</p>'
            f'<p>{escape(advice)}</p><ul lang="en">{items}</ul></div>\n')


def current_language(config) -> str:
    plugin = config.plugins.get("i18n")
    return getattr(plugin, "current_language", None) or LANGUAGES[0]


def give_each_language_its_nav(config, site) -> None:
    """The collections become navigation sections titled in each language,
    inserted after the first entry of the hand-written nav (the home page).

    ``config.nav`` may still hold the previous language's nav (the i18n plugin
    restores its original only later), so the sections we added are dropped first.
    """
    ours = [section for lang in LANGUAGES for section in nav_sections(site, lang)]
    base_nav = [entry for entry in (config.nav or ["index.md"]) if entry not in ours]
    plugin = config.plugins.get("i18n")
    if plugin is None:
        config.nav = base_nav[:1] + nav_sections(site, LANGUAGES[0]) + base_nav[1:]
        return
    for language in plugin.config.languages:
        if language.locale in LANGUAGES:
            language.nav = base_nav[:1] + nav_sections(site, language.locale) + base_nav[1:]


def publish_at_language_addresses(files, site) -> None:
    """Each generated page at its address in its language (paths.addresses):
    /fr/reference-electronique/outil-administrateur-sgr/ rather than the
    English folders. Files and their twins (the i18n plugin's alternates,
    which feed the language switcher, the head's hreflang links and the
    sitemap) are moved alike; links between pages follow, as MkDocs resolves
    them from the files."""
    moves = {lang: addresses(site, lang) for lang in LANGUAGES if lang != LANGUAGES[0]}
    seen: set[int] = set()
    for file in files:
        for candidate in [file, *getattr(file, "alternates", {}).values()]:
            if id(candidate) in seen:
                continue
            seen.add(id(candidate))
            lang = getattr(candidate, "locale", None)
            stem = candidate.src_uri.rsplit(".", 2)[0]
            target = moves.get(lang, {}).get(stem)
            if target is None:
                continue
            folder = target[: -len("index")] if target.endswith("index") else target + "/"
            old_uri, new_uri = candidate.dest_uri, f"{lang}/{folder}index.html"
            # The site folder is what the old path has before its dest_uri (the
            # i18n plugin's files carry a dest_dir of their own making).
            site_folder = candidate.abs_dest_path[: -len(os.path.normpath(old_uri))]
            candidate.dest_uri = new_uri
            candidate.abs_dest_path = os.path.normpath(os.path.join(site_folder, new_uri))
            candidate.url = f"{lang}/{folder}"


def keep_neighbours_in_collection(page) -> None:
    """Previous/next (Material's footer) stay within the page's own section:
    from an article, the next link never jumps into another collection."""
    for attribute in ("previous_page", "next_page"):
        neighbour = getattr(page, attribute, None)
        if neighbour is not None and neighbour.parent is not page.parent:
            setattr(page, attribute, None)


def search_only_what_readers_navigate(page) -> None:
    """Readers' search covers what their navigation covers: pages kept out of
    it (the editors' guide, thank-you and comment pages, guided step pages)
    are left out of the search index too."""
    if page.file.inclusion.is_not_in_nav():
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}


def escape_meta(page) -> None:
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


def feedback_widget(result: Result, page_id: str, lang: str) -> dict:
    """What ``overrides/partials/feedback.html`` needs for one article."""
    checklist = result.site.checklists.get(page_id)
    return {
        "ui": result.renderer.strings[lang],
        "lang": lang,
        "endpoint": result.renderer.feedback_endpoint,
        "support": result.renderer.support(lang),
        # The article's own "Need help?" section already lists its contacts.
        "page_lists_support": bool(checklist is not None and checklist.contacts),
    }


_CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def search_in_own_language(html: str, lang: str) -> str:
    """Point a page's search at its own language's index (see split_search_index).

    Material's search reads ``{base}/search/search_index.json`` and links
    results from ``base``; the i18n plugin gives every language the site
    root as base, hence one index for all. A French page's base becomes the
    French root, where its own index is.
    """
    if lang == LANGUAGES[0]:
        return html

    def rebase(match):
        settings = json.loads(match.group(2))
        settings["base"] = posixpath.join(settings["base"], lang) + "/"  # a folder: URLs resolve inside it
        return match.group(1) + json.dumps(settings) + match.group(3)

    return _CONFIG_SCRIPT.sub(rebase, html, count=1)


def split_search_index(site_dir: Path) -> None:
    """One search index per language, each with its own stemming and stop words.

    The i18n plugin merges every language into ``search/search_index.json``
    (a French search found English pages: mkdocs-static-i18n #271). Here the
    merged entries are sorted back: the default language's stay at the root,
    each other language's go to ``<lang>/search/search_index.json`` with
    addresses relative to that language's root.
    """
    merged_file = site_dir / "search" / "search_index.json"
    if not merged_file.exists():
        return
    merged = json.loads(merged_file.read_text(encoding="utf-8"))
    others = [lang for lang in LANGUAGES if lang != LANGUAGES[0]]
    for lang in LANGUAGES:
        prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
        if prefix:
            docs = [{**doc, "location": doc["location"][len(prefix):]} for doc in merged["docs"] if doc["location"].startswith(prefix)]
        else:
            docs = [doc for doc in merged["docs"] if not any(doc["location"].startswith(f"{other}/") for other in others)]
        index = {**merged, "config": {**merged["config"], "lang": [lang]}, "docs": docs}
        target = site_dir / prefix / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        sitemap = site_dir / "sitemap.xml"
        if prefix and sitemap.exists():  # Material also reads {base}/sitemap.xml (the switcher)
            (site_dir / prefix / "sitemap.xml").write_bytes(sitemap.read_bytes())


def write_manifest(site_dir: Path, result: Result) -> None:
    """The feedback service's contract, next to the built site."""
    text = json.dumps(feedback_manifest(result.site), indent=2, ensure_ascii=False) + "\n"
    (site_dir / MANIFEST_FILE).write_text(text, encoding="utf-8")


class NotFoundPages:
    """One 404 page per language.

    Every language's build renders ``404.html`` at the site root, so the last
    language would win: the default language's page is kept at the root and
    each other language's moves to its own folder (``fr/404.html``). A 404
    page has no twin, so its language links lead to each language's home.
    """

    def __init__(self) -> None:
        self._saved_alternates: list = []
        self._default_page: dict[str, bytes] = {}

    def point_switcher_at_homes(self, config) -> None:
        current = _alternates(config)
        if current:
            self._saved_alternates[:] = [current]
            root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"  # the site may live under a path
            homes = [{**alt, "link": root if alt.get("lang") == LANGUAGES[0] else f"{root}{alt.get('lang')}/"} for alt in current]
            _set_alternates(config, homes)

    def restore_switcher(self, config) -> None:
        if self._saved_alternates:
            _set_alternates(config, self._saved_alternates.pop())

    def keep_each_language(self, config) -> None:
        root_page = Path(config.site_dir) / "404.html"
        if not root_page.exists():
            return
        lang = current_language(config)
        if lang == LANGUAGES[0]:
            self._default_page[config.site_dir] = root_page.read_bytes()
        elif config.site_dir in self._default_page:
            (root_page.parent / lang).mkdir(exist_ok=True)
            root_page.replace(root_page.parent / lang / "404.html")
            root_page.write_bytes(self._default_page[config.site_dir])


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


class Watcher:
    """What ``mkdocs serve`` watches, besides ``watch:`` in mkdocs.yml.

    * ``docs/`` except the generated folder: every rebuild after a checklist
      edit writes the changed pages into ``docs/help/``; watched, those writes
      would start a second full build as soon as the first ended (minutes,
      for a large help centre).
    * The checklists folder again when it comes back: a watch dies with the
      folder it watches, so a folder moved away and back (a branch switch, a
      restore) would no longer be seen. The project folder itself is watched,
      without descending, for the folder's return.
    """

    def __init__(self, server, config, checklists_dir: str) -> None:
        self.server = server
        self.docs = Path(config.docs_dir).resolve()
        root = Path(config.config_file_path).resolve().parent
        self.checklists = (root / checklists_dir).resolve()

    def start(self) -> None:
        generated = self.docs / GENERATED_DIR
        self.server.unwatch(str(self.docs))
        self.server.watch(str(self.docs), recursive=False)  # the hand-written pages at the top
        for child in sorted(self.docs.iterdir()):
            if child.is_dir() and child != generated:
                self.server.watch(str(child))
        self._watch_for_return()

    def _watch_for_return(self) -> None:
        import watchdog.events

        watcher = self

        class Returns(watchdog.events.FileSystemEventHandler):
            def on_any_event(self, event):
                paths = {getattr(event, "src_path", ""), getattr(event, "dest_path", "")}
                if event.is_directory and str(watcher.checklists) in paths and watcher.checklists.is_dir():
                    watcher._rewatch()

        self.server.observer.schedule(Returns(), str(self.checklists.parent), recursive=False)

    def _rewatch(self) -> None:
        path = str(self.checklists)
        while path in self.server._watched_paths:  # MkDocs counts watches per path
            self.server.unwatch(path)
        self.server.watch(path)
        request_rebuild(self.server)  # now: the folder may hold other files than before
