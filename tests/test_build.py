"""End to end: the real project, built strict into a temporary folder.

The expected site is written out by hand below (a control tree, as
mkdocs-static-i18n's own tests do), then the pages are read the way a reader
and a screen reader meet them: language, switcher targets, anchors, French
typography, phone links.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FEEDBACK_ENDPOINT, copy_project, mkdocs_build

ARTICLE = "help/ereferral/rms-administrator-job-aid/"
STEPS = ["submit-onboarding-request", "sign-participant-agreement", "receive-next-steps-email",
         "create-ocean-site", "complete-online-training", "invite-and-train-users"]
PAGES = {
    "": "fr/",
    "help/ereferral/": "fr/help/ereferral/",
    ARTICLE: "fr/" + ARTICLE,
    **{f"{ARTICLE}{step}/": f"fr/{ARTICLE}{step}/" for step in STEPS},
    "feedback/thanks/": "fr/feedback/thanks/",
    "editors-guide/": "fr/editors-guide/",
    "help/feedback/rms-administrator-job-aid/": "fr/help/feedback/rms-administrator-job-aid/",
}
NBSP = "\u00a0"


class Page(HTMLParser):
    """The facts of a built page that tests look at."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.ids: set[str] = set()
        self.links: list[dict] = []
        self.text_parts: list[str] = []
        self.headings: list[str] = []
        self._in_heading = False
        self._skip = 0
        self.feed(path.read_text(encoding="utf-8"))
        # Fold ASCII white space only: no-break spaces are what some tests look for.
        self.text = re.sub(r"[ \t\r\n]+", " ", "".join(self.text_parts))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self.links.append(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag in ("h1", "h2", "h3"):
            self._in_heading = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag in ("h1", "h2", "h3"):
            self._in_heading = False

    def handle_data(self, data):
        if not self._skip:
            self.text_parts.append(data)
            if self._in_heading:
                self.headings[-1] += data


def page(site: Path, url: str) -> Page:
    return Page(site / url / "index.html")


def test_site_has_exactly_the_expected_pages_in_both_languages(built_site):
    expected = sorted(
        [f"{url}index.html" for url in PAGES] + [f"{fr}index.html" for fr in PAGES.values()]
        + ["404.html", "fr/404.html"]
    )
    actual = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html"))
    assert actual == expected


@pytest.mark.parametrize("en,fr", PAGES.items())
def test_pages_carry_their_language(built_site, en, fr):
    assert page(built_site, en).lang == "en"
    assert page(built_site, fr).lang == "fr"


@pytest.mark.parametrize("en,fr", PAGES.items())
def test_language_switcher_leads_to_the_twin_page(built_site, en, fr):
    for url, other_lang, twin in ((en, "fr", fr), (fr, "en", en)):
        links = [a for a in page(built_site, url).links if a.get("hreflang") == other_lang]
        assert links, f"{url}: no link to the {other_lang} version"
        href = links[0]["href"]
        target = (built_site / href.lstrip("/") if href.startswith("/") else built_site / url / href).resolve()
        assert target == (built_site / twin).resolve(), f"{url} switches to {target}"


def test_sitemap_has_hreflang_alternates(built_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(built_site / "sitemap.xml").getroot()
    entries = {u.find("s:loc", ns).text: {l.get("hreflang"): l.get("href") for l in u.findall("x:link", ns)}
               for u in root.findall("s:url", ns)}
    article = entries["http://127.0.0.1:8000/" + ARTICLE]
    assert article == {"en": "http://127.0.0.1:8000/" + ARTICLE, "fr": "http://127.0.0.1:8000/fr/" + ARTICLE}


def test_every_step_and_sub_item_has_an_anchor(built_site):
    import yaml
    from conftest import ROOT
    data = yaml.safe_load((ROOT / "checklists" / "rms-administrator-job-aid.yml").read_text(encoding="utf-8"))
    wanted = {s["id"] for s in data["sections"]}
    for section in data["sections"]:
        for step in section.get("steps", []):
            wanted.add(step["id"])
            wanted.update(item["id"] for item in step.get("items", []))
    for url in (ARTICLE, "fr/" + ARTICLE):
        missing = wanted - page(built_site, url).ids
        assert not missing, f"{url} lacks anchors {missing}"


def test_steps_are_numbered_across_the_checklist(built_site):
    html = (built_site / ARTICLE / "index.html").read_text(encoding="utf-8")
    starts = re.findall(r'<ol class="hc-steps" start="(\d+)"', html)
    assert starts == ["1", "4"]


def test_french_page_follows_canadian_typography(built_site):
    fr = page(built_site, "fr/" + ARTICLE)
    assert "Qui peut accéder à la référence électronique?" in fr.headings  # no space before ?
    assert f"«{NBSP}Get Started with Ocean – OceanMD{NBSP}»" in fr.text
    assert f"navigateur{NBSP}: chaque" in fr.text
    assert f"Pour{NBSP}: Administrateur SGR" in fr.text
    assert "24 heures sur 24, 7 jours sur 7" in fr.text
    assert "24/7" not in fr.text
    assert " ?" not in fr.text and " ;" not in fr.text and " !" not in fr.text
    assert "Besoin d’aide?" in fr.headings


def test_durations_are_worded_in_each_language(built_site):
    en, fr = page(built_site, ARTICLE).text, page(built_site, "fr/" + ARTICLE).text
    assert f"under 30{NBSP}minutes" in en
    assert "usually within two business days" in en
    assert "as little as five business days, depending on the complexity of your setup" in en
    assert f"moins de 30{NBSP}minutes" in fr
    assert "généralement dans un délai de deux jours ouvrables" in fr
    assert "en aussi peu que cinq jours ouvrables, selon la complexité de votre configuration" in fr


def test_support_line_is_a_tel_link_that_does_not_break(built_site):
    for url in (ARTICLE, "fr/" + ARTICLE):
        html = (built_site / url / "index.html").read_text(encoding="utf-8")
        assert '<a class="hc-phone" href="tel:+18662501554"><span class="hc-nowrap">1-866-250-1554</span></a>' in html


def test_home_lists_collections_and_articles_with_summaries(built_site):
    en, fr = page(built_site, ""), page(built_site, "fr/")
    assert "eReferral" in en.headings
    assert "Who can join Ontario Health's provincial eReferral".replace("'", "’") in en.text
    assert "Qui peut adhérer à la référence électronique provinciale de Santé Ontario" in fr.text
    hrefs = {a.get("href") for a in fr.links}
    assert "help/ereferral/rms-administrator-job-aid/" in hrefs


def test_navigation_is_translated(built_site):
    fr = (built_site / "fr" / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert "Outil de travail pour l’administrateur SGR" in fr
    assert 'placeholder="Rechercher"' in fr  # Material's own strings follow the language


def test_hand_written_files_are_never_touched(tmp_path):
    project = copy_project(tmp_path)
    before = {p: p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file()}
    assert mkdocs_build(project, tmp_path / "site").returncode == 0
    for path, content in before.items():
        assert path.read_bytes() == content, f"{path} was rewritten"


def test_a_broken_checklist_stops_the_build_with_located_errors(tmp_path):
    project = copy_project(tmp_path)
    article = project / "checklists" / "rms-administrator-job-aid.yml"
    article.write_text(article.read_text(encoding="utf-8").replace("role: lrp", "role: lpr", 1), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"checklists/rms-administrator-job-aid\.yml:\d+:\d+: unknown role 'lpr'", result.stderr)


def test_no_link_is_left_pointing_at_a_markdown_source(built_site):
    # MkDocs rewrites Markdown links to page addresses but leaves raw <a href="x.md"> alone.
    for html in built_site.rglob("*.html"):
        leftovers = re.findall(r'href="([^"#]*\.md)(?:#[^"]*)?"', html.read_text(encoding="utf-8"))
        assert not leftovers, f"{html.relative_to(built_site)}: {leftovers}"


def test_feedback_form_posts_page_id_and_language_to_the_endpoint(built_site):
    for url, lang in ((ARTICLE, "en"), ("fr/" + ARTICLE, "fr")):
        html = (built_site / url / "index.html").read_text(encoding="utf-8")
        assert f'<form class="hc-feedback__form" method="post" action="{FEEDBACK_ENDPOINT}/answer">' in html
        assert '<input type="hidden" name="page" value="rms-administrator-job-aid">' in html
        assert f'<input type="hidden" name="lang" value="{lang}">' in html
        assert [v for v in re.findall(r'name="answer" value="(\w+)"', html)] == ["yes", "partly", "no"]
    assert "Cela a-t-il répondu à votre question?" in page(built_site, "fr/" + ARTICLE).headings
    guided = (built_site / ARTICLE / "create-ocean-site" / "index.html").read_text(encoding="utf-8")
    assert "hc-feedback" not in guided  # one answer per article, at its end


def test_feedback_manifest_lists_every_article_and_where_readers_go(built_site):
    import json
    manifest = json.loads((built_site / "feedback-manifest.json").read_text(encoding="utf-8"))
    assert manifest["pages"] == {"rms-administrator-job-aid": {"en": ARTICLE, "fr": "fr/" + ARTICLE}}
    for lang in ("en", "fr"):
        assert (built_site / manifest["thanks"][lang] / "index.html").exists()
        comment = manifest["comment_pages"][lang].format(page="rms-administrator-job-aid")
        html = (built_site / comment / "index.html").read_text(encoding="utf-8")
        assert f'action="{FEEDBACK_ENDPOINT}/comment"' in html and 'maxlength="500"' in html


def test_without_an_endpoint_the_widget_gives_the_support_line_not_a_dead_form(tmp_path):
    project = copy_project(tmp_path)
    site = tmp_path / "site"
    assert mkdocs_build(project, site, feedback_endpoint=None).returncode == 0
    html = (site / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert "<form" not in html.split('class="hc-feedback"')[1].split("</section>")[0]
    assert 'class="hc-feedback__support"' in html and 'href="tel:+18662501554"' in html
    assert not (site / "help" / "feedback").exists()  # no comment pages without a service
    assert not (site / "feedback-manifest.json").exists()


def test_each_language_has_its_own_not_found_page(built_site):
    assert Page(built_site / "404.html").lang == "en"
    assert Page(built_site / "fr" / "404.html").lang == "fr"


def test_templates_and_ui_strings_are_not_published(built_site):
    assert not (built_site / "helpcentre").exists()


def _sidebar_links(html_file: Path) -> set[str]:
    """Addresses the primary sidebar (site navigation) links to, resolved from the page."""
    html = html_file.read_text(encoding="utf-8")
    start = html.index('class="md-sidebar md-sidebar--primary"')
    end = html.index('class="md-sidebar md-sidebar--secondary"', start)
    base = html_file.parent
    links = set()
    for href in re.findall(r'href="([^"#]*)"', html[start:end]):
        if not href.startswith(("http:", "https:")):
            links.add((base / href).resolve().as_posix())
    return links


def test_each_page_carries_only_its_own_collection_in_the_navigation(tmp_path):
    """Material writes the navigation into every page: with every collection
    expanded, each page would link every article of the help centre, and page
    weight, build time and link checks would grow as N x N. A page carries its
    own collection's articles and the other collections' index pages only."""
    from bench import synthetic

    project = copy_project(tmp_path / "project")
    synthetic.write_site(project / "checklists", 6)  # three collections of two
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    articles: dict[str, set[str]] = {}
    for collection in sorted(p for p in (site / "help").iterdir() if p.name.startswith("service-area")):
        articles[collection.name] = {(p / "index.html").parent.resolve().as_posix() + "/index.html"
                                     for p in collection.iterdir() if (p / "index.html").exists()}
    assert len(articles) == 3 and all(len(a) == 2 for a in articles.values())

    def article_links(links):
        return {link.removesuffix("/") + "/index.html" if not link.endswith(".html") else link for link in links}

    for collection, own in articles.items():
        article = sorted(own)[0]
        linked = article_links(_sidebar_links(Path(article)))
        others = set().union(*(a for name, a in articles.items() if name != collection))
        assert own <= linked, f"{article}: its collection's articles are missing from the navigation"
        assert not linked & others, f"{article}: the navigation lists other collections' articles"
        for name in articles:
            assert (site / "help" / name / "index.html").resolve().as_posix() in linked
        step_page = next(p for p in Path(article).parent.iterdir() if p.is_dir()) / "index.html"
        assert not article_links(_sidebar_links(step_page)) & others
