"""The project a benchmark measures: a temporary copy with synthetic checklists, and its builds.

:func:`make_project` copies the project's parts (from the working tree, or
from the commit ``BENCH_REF`` names) and writes N checklists into it
(:mod:`bench.synthetic`); :func:`mkdocs_build` builds it strictly in a fresh
process; :func:`make_plain_project` makes its peer, the same pages as
ordinary Markdown in a project with no generator.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from . import synthetic
from .processes import run_child

ROOT = Path(__file__).resolve().parent.parent
"""The project being measured (its working tree, or the source of ``BENCH_REF``)."""
BIN = Path(sys.executable).parent
PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "checklists", "scripts")
ENDPOINT = "http://127.0.0.1:8001"
"""What the benchmark site's feedback form posts to (comment pages exist, as in production)."""
SITE_URL = "http://127.0.0.1:8000/"


def env_for(project: Path, **extra) -> dict:
    """The environment of a process that runs the copy's code (its ``scripts``)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts"),
           "FEEDBACK_ENDPOINT": ENDPOINT, "SITE_URL": SITE_URL, **extra}
    return {k: v for k, v in env.items() if v is not None}


def make_project(work: Path, n: int) -> Path:
    project = work / "project"
    project.mkdir(parents=True)
    ref = os.environ.get("BENCH_REF")
    if ref:  # a committed state, unaffected by edits in progress in the working tree
        archive = subprocess.run(["git", "archive", "--format=tar", ref, *PROJECT_PARTS], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
        shutil.rmtree(project / "docs" / "help", ignore_errors=True)
    else:
        for part in PROJECT_PARTS:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__", "help", "*.pyc"))
            elif source.exists():
                shutil.copy2(source, project / part)
    synthetic.write_site(project / "checklists", n)
    return project


def clean_build(project: Path, site: Path, generated: bool) -> None:
    if generated:
        shutil.rmtree(project / "docs" / "help", ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)


def mkdocs_build(project: Path, site: Path) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, CPU seconds) of one strict build."""
    elapsed, rss, code, _, err, cpu = run_child([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
                                                project, env_for(project))
    if code != 0:
        raise SystemExit(f"the strict build of {project} failed:\n{err[-4000:]}")
    return elapsed, rss, cpu


def _env_tag_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def env_tag(loader, node):
        if isinstance(node, yaml.ScalarNode):
            return os.environ.get(loader.construct_scalar(node))
        names = loader.construct_sequence(node)
        for name in names[:-1]:
            if os.environ.get(name):
                return os.environ[name]
        return names[-1] if len(names) > 1 else None

    Loader.add_constructor("!ENV", env_tag)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:",
                                 lambda loader, suffix, node: "!!python/name:" + suffix)
    return Loader


def read_config(project: Path) -> dict:
    import yaml

    return yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_env_tag_loader())


def _is_ours(plugin) -> bool:
    return plugin == "helpcentre" or (isinstance(plugin, dict) and "helpcentre" in plugin)


def core_project(root: Path):
    """The core's :class:`~helpcentre.pipeline.Project` for ``root``, as the MkDocs edge
    makes it of ``mkdocs.yml``: equal to the build's, so that its caches are found."""
    try:
        from mkdocs_helpcentre import read_project
    except ImportError:  # the edge of a BENCH_REF from before it was a plugin (a hook, options in `extra`)
        from helpcentre.pipeline import Project

        options = (read_config(root).get("extra") or {}).get("helpcentre") or {}
        return Project(root, options.get("checklists_dir", "checklists"), "docs",
                       options.get("templates_dir", "overrides/helpcentre"), ENDPOINT)
    return read_project(root)


def make_plain_project(project: Path, work: Path) -> Path:
    """The same pages as ordinary Markdown files, no generator: the peer MkDocs build."""
    import yaml

    sys.path.insert(0, str(project / "scripts"))
    from helpcentre import LANGUAGES
    from helpcentre.pipeline import render

    plain = work / "plain"
    shutil.copytree(project / "docs", plain / "docs")
    (plain / "docs" / "help" / ".generated-by-helpcentre").unlink(missing_ok=True)
    config = read_config(project)
    result = render(replace(core_project(project), feedback_endpoint=ENDPOINT))  # as the build had it
    if result.site is None:
        raise SystemExit("the benchmark checklists do not validate:\n" + str(result.problems))
    renderer = result.renderer
    # The home page as the edge completes it (the collections appended).
    for page in (plain / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if re.search(r"^helpcentre:\s*collections\s*$", text.split("\n---", 1)[0], re.M):
            stem = page.relative_to(plain / "docs").as_posix().rsplit(".", 2)[0]
            lang = page.name.rsplit(".", 2)[1]
            page.write_text(text.rstrip() + "\n\n" + renderer.home_block(lang, stem), encoding="utf-8")
    config.pop("hooks", None)
    config["plugins"] = [plugin for plugin in config.get("plugins", []) if not _is_ours(plugin)]
    config["theme"].pop("custom_dir", None)
    _materials_languages(config)
    if isinstance(config.get("extra"), dict):
        config["extra"].pop("helpcentre", None)
        if not config["extra"]:
            config.pop("extra")
    config.pop("watch", None)
    config["site_url"] = SITE_URL
    base_nav = config.get("nav") or ["index.md"]
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"]["languages"]:
                if language["locale"] in LANGUAGES:
                    language["nav"] = base_nav[:1] + _nav(result, language["locale"]) + base_nav[1:]
    config["nav"] = base_nav[:1] + _nav(result, LANGUAGES[0]) + base_nav[1:]
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return plain


def _materials_languages(config: dict) -> None:
    """Theme languages our overrides define (``overrides/partials/languages/hc-en.html``)
    become Material's own for the plain build, which has no ``custom_dir``."""
    import material

    languages = Path(material.__file__).parent / "templates" / "partials" / "languages"

    def fix(theme: dict, fallback: str) -> None:
        if theme.get("language") and not (languages / f"{theme['language']}.html").exists():
            theme["language"] = fallback

    fix(config["theme"], "en")
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"]["languages"]:
                if isinstance(language.get("theme"), dict):
                    fix(language["theme"], language["locale"])


def _nav(result, lang: str) -> list:
    """The collections as navigation sections, as the edge gives them to ``lang``."""
    try:
        from helpcentre.paths import nav_sections
    except ImportError:  # a BENCH_REF from before: the renderer made the navigation
        return result.renderer.nav(lang)
    return nav_sections(result.site, lang)


def site_differences(ours: Path, theirs: Path) -> list[str]:
    """Files of two built sites that differ (or exist on one side only): the engine's
    generator tag aside, and sitemap.xml.gz by its content (gzip stamps a time)."""
    import gzip

    generator = re.compile(rb'<meta name="generator" content="[^"]*">')

    def contents(site: Path) -> dict[str, bytes]:
        found = {}
        for path in site.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                data = gzip.decompress(data) if path.suffix == ".gz" else generator.sub(b"", data) if path.suffix == ".html" else data
                found[path.relative_to(site).as_posix()] = data
        return found

    a, b = contents(ours), contents(theirs)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))
