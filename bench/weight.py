"""What our templates add to a checklist page: bytes of CSS and of JS (the goal is 0 JS)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from .project import ROOT


def _scripts_and_styles(html: str) -> tuple[Counter, Counter, Counter]:
    scripts = Counter(m.group(0) for m in re.finditer(r"<script\b[^>]*>.*?</script>", html, re.S))
    styles = Counter(m.group(0) for m in re.finditer(r"<style\b[^>]*>.*?</style>", html, re.S))
    sheets = Counter(m.group(1) for m in re.finditer(r'<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html))
    return scripts, styles, sheets


def _normal(tag: str) -> str:
    """A script or style tag without what differs between pages: relative or absolute
    prefixes of addresses, Material's "base", white space."""
    tag = re.sub(r'"base":\s*"[^"]*"|new URL\("[^"]*"|\s+', "", tag)
    return re.sub(r'"[^"]*?(assets/)', r'"\1', tag)


def page_weight(site: Path, plain_site: Path, page: str, sources: list[Path]) -> dict:
    """Bytes of CSS and JS we add to a checklist ``page``: what our overrides add (stylesheets,
    styles, scripts and ``on…=`` handlers of our page that the plain build of the same Markdown
    lacks, .js files under overrides/) plus what our generator writes into its Markdown
    (``<style>`` and ``<script>`` in ``sources``, the page's generated files)."""
    ours = (site / page).read_text(encoding="utf-8")
    theirs = (plain_site / page).read_text(encoding="utf-8")
    markdown = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    o_scripts, o_styles, o_sheets = _scripts_and_styles(ours)
    p_scripts, p_styles, p_sheets = _scripts_and_styles(theirs)
    g_scripts, g_styles, g_sheets = _scripts_and_styles(markdown)
    p_scripts = {_normal(tag) for tag in p_scripts}
    p_styles = {_normal(tag) for tag in p_styles}
    base = site / page

    def file_size(href: str) -> int:
        file = (base.parent / urlsplit(href).path).resolve()
        return file.stat().st_size if file.exists() else 0

    css = sum(file_size(href) for href in set(o_sheets - p_sheets) | set(g_sheets))
    css += sum(len(tag.encode()) * n for tag, n in o_styles.items() if _normal(tag) not in p_styles)
    css += sum(len(tag.encode()) * n for tag, n in g_styles.items())
    js = 0
    for tag, n in [*((t, n) for t, n in o_scripts.items() if _normal(t) not in p_scripts), *g_scripts.items()]:
        src = re.search(r'src="([^"]+)"', tag)
        js += (file_size(src.group(1)) if src else len(tag.encode())) * n
    js += sum(p.stat().st_size for p in (ROOT / "overrides").rglob("*.js"))
    handlers = re.compile(r'\son[a-z]+\s*=\s*"[^"]*"')
    js += max(0, sum(map(len, handlers.findall(ours))) - sum(map(len, handlers.findall(theirs))))
    js += sum(map(len, handlers.findall(markdown)))
    return {"css": css, "js": js}
