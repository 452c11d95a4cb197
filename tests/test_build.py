"""End to end: strict builds into temporary folders, read the way a reader and a
screen reader meet the pages (language, switcher targets, anchors, French
typography, phone links, the feedback form).

Two kinds of test live here, and they never mix:

- The GENERATOR's behaviour is checked on fixture sites of its own: the model
  article frozen under ``tests/fixtures/model-article`` (its page list,
  wording, durations and typography are written out below, a control tree as
  mkdocs-static-i18n's own tests do), and small sites written by the tests.
- The LIVE content (``checklists/``, whatever editors have put there) is
  checked only against invariants computed from its files: every checklist has
  its pages in both languages, every step its guided page, every article its
  feedback entry, every phone its link. No page list or wording of the live
  content is written here, so a new checklist never fails these tests.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import FEEDBACK_ENDPOINT, ROOT, built_clean, copy_project, mkdocs_build

NBSP = "\u00a0"
SITE_URL = "http://127.0.0.1:8000/"
MODEL_ARTICLE = ROOT / "tests" / "fixtures" / "model-article"


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


def html_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# What a help-centre project should publish, computed from its files.
# --------------------------------------------------------------------------

class Content:
    """The checklists of a project folder, read as plain YAML (not through the
    generator under test), and the pages a build of them must publish."""

    def __init__(self, root: Path, checklists: Path | None = None):
        folder = checklists or root / "checklists"
        self.shared = yaml.safe_load((folder / "_shared.yml").read_text(encoding="utf-8")) or {}
        self.checklists = {
            path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.yml")) if not path.name.startswith("_")
        }
        self.docs = root / "docs"

    @staticmethod
    def steps(data: dict) -> list[dict]:
        return [step for section in data.get("sections", []) for step in section.get("steps") or []]

    def article(self, checklist_id: str) -> str:
        return f"help/{self.checklists[checklist_id]['collection']}/{checklist_id}/"

    def french(self, url: str) -> str:
        """The French twin's address of the English page at ``url``: under /fr/, at the
        French address a collection (and its checklists) declare with french-slug."""
        parts = url.split("/")
        folders = {c["id"]: c.get("french-slug") for c in self.shared.get("collections") or []}
        if len(parts) > 2 and parts[0] == "help" and folders.get(parts[1]):
            rest = parts[2:]
            if rest[0] in self.checklists and self.checklists[rest[0]].get("collection") == parts[1]:
                rest = [self.checklists[rest[0]].get("french-slug") or rest[0]] + rest[1:]
            return "fr/" + "/".join([folders[parts[1]]] + rest)
        return "fr/" + url

    def contacts(self, checklist_id: str) -> list[dict]:
        """The contacts a checklist lists, for the whole article or in a section."""
        data = self.checklists[checklist_id]
        ids = list(data.get("contacts") or [])
        for section in data.get("sections", []):
            ids += [c for c in section.get("contacts") or [] if c not in ids]
        declared = {c["id"]: c for c in self.shared.get("contacts") or []}
        return [declared[i] for i in ids]

    def hand_written_pages(self) -> list[str]:
        urls = []
        for source in sorted(self.docs.rglob("*.en.md")):
            relative = source.relative_to(self.docs).as_posix()
            if relative.startswith("help/"):
                continue  # generated
            stem = relative.removesuffix(".en.md")
            urls.append("" if stem == "index" else stem.removesuffix("/index").removesuffix("index") + "/")
        return urls

    def generated_pages(self, feedback: bool) -> list[str]:
        urls = ["help/"] if self.checklists else []  # the A–Z index of every article
        for collection in sorted({data["collection"] for data in self.checklists.values()}):
            urls.append(f"help/{collection}/")
        for checklist_id, data in self.checklists.items():
            article = self.article(checklist_id)
            urls.append(article)
            urls += [f"{article}{step['id']}/" for step in self.steps(data)]
            if feedback:
                urls.append(f"help/feedback/{checklist_id}/")
        return urls

    def pages(self, feedback: bool = True) -> dict[str, str]:
        """Every page's English address and its French twin's."""
        return {url: self.french(url) for url in self.hand_written_pages() + self.generated_pages(feedback)}


def tel(phone: str) -> str:
    return "tel:+" + re.sub(r"\D", "", phone)


def phone_link(phone: str) -> str:
    return f'<a class="hc-phone" href="{tel(phone)}"><span class="hc-nowrap">{phone}</span></a>'


LIVE = Content(ROOT)
LIVE_PAGES = LIVE.pages(feedback=True)
LIVE_ARTICLES = sorted(LIVE.checklists)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    """The project with the model article frozen in tests/fixtures/model-article instead of
    the live checklists, built strict once for this module."""
    return built_clean(copy_project(tmp_path_factory.mktemp("fixture-project"), checklists=MODEL_ARTICLE))


# --------------------------------------------------------------------------
# The generator, on the model article's fixture: the control tree, the wording.
# --------------------------------------------------------------------------

FIXTURE_ARTICLE = "help/ereferral/rms-administrator-job-aid/"
FIXTURE_STEPS = ["submit-onboarding-request", "sign-participant-agreement", "receive-next-steps-email",
                 "create-ocean-site", "complete-online-training", "invite-and-train-users"]
FIXTURE_GENERATED = {
    "help/": "fr/help/",
    "help/ereferral/": "fr/help/ereferral/",
    FIXTURE_ARTICLE: "fr/" + FIXTURE_ARTICLE,
    **{f"{FIXTURE_ARTICLE}{step}/": f"fr/{FIXTURE_ARTICLE}{step}/" for step in FIXTURE_STEPS},
    "help/feedback/rms-administrator-job-aid/": "fr/help/feedback/rms-administrator-job-aid/",
}


def test_fixture_site_has_exactly_the_expected_pages(fixture_site):
    generated = sorted(p.relative_to(fixture_site).as_posix()
                       for p in fixture_site.rglob("*.html") if "help/" in p.relative_to(fixture_site).as_posix())
    expected = sorted([f"{en}index.html" for en in FIXTURE_GENERATED]
                      + [f"{fr}index.html" for fr in FIXTURE_GENERATED.values()])
    assert generated == expected
    # ...and the pages computed from its files agree (the live tests rely on that computation).
    fixture = Content(ROOT, MODEL_ARTICLE)
    assert sorted(fixture.generated_pages(feedback=True)) == sorted(FIXTURE_GENERATED)


def test_fixture_sitemap_has_hreflang_alternates(fixture_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(fixture_site / "sitemap.xml").getroot()
    entries = {u.find("s:loc", ns).text: {l.get("hreflang"): l.get("href") for l in u.findall("x:link", ns)}
               for u in root.findall("s:url", ns)}
    article = entries[SITE_URL + FIXTURE_ARTICLE]
    assert article == {"en": SITE_URL + FIXTURE_ARTICLE, "fr": SITE_URL + "fr/" + FIXTURE_ARTICLE}


def test_steps_are_numbered_across_the_checklist(fixture_site):
    starts = re.findall(r'<ol class="hc-steps" start="(\d+)"', html_of(fixture_site, FIXTURE_ARTICLE))
    assert starts == ["1", "4"]


def test_french_page_follows_canadian_typography(fixture_site):
    fr = page(fixture_site, "fr/" + FIXTURE_ARTICLE)
    assert "Qui peut accéder à la référence électronique?" in fr.headings  # no space before ?
    assert f"«{NBSP}Get Started with Ocean{NBSP}»" in fr.text
    assert f"navigateur{NBSP}: chacun" in fr.text
    assert f"Pour{NBSP}: Administrateur SGR" in fr.text
    assert f"24{NBSP}heures sur{NBSP}24, 7{NBSP}jours sur{NBSP}7" in fr.text  # never broken between a number and its word
    assert "24/7" not in fr.text
    assert " ?" not in fr.text and " ;" not in fr.text and " !" not in fr.text
    assert "Besoin d’aide?" in fr.headings


def test_durations_are_worded_in_each_language(fixture_site):
    en, fr = page(fixture_site, FIXTURE_ARTICLE).text, page(fixture_site, "fr/" + FIXTURE_ARTICLE).text
    assert f"under 30{NBSP}minutes" in en
    assert "usually within two business days" in en
    assert "as little as five business days, depending on the complexity of your setup" in en
    assert f"moins de 30{NBSP}minutes" in fr
    assert "généralement dans un délai de deux jours ouvrables" in fr
    assert "en aussi peu que cinq jours ouvrables, selon la complexité de votre configuration" in fr


def test_support_line_is_a_tel_link_that_does_not_break(fixture_site):
    for url in (FIXTURE_ARTICLE, "fr/" + FIXTURE_ARTICLE):
        assert ('<a class="hc-phone" href="tel:+18662501554"><span class="hc-nowrap">1-866-250-1554</span></a>'
                in html_of(fixture_site, url))


def test_home_lists_collections_and_articles_with_summaries(fixture_site):
    en, fr = page(fixture_site, ""), page(fixture_site, "fr/")
    assert "eReferral" in en.headings
    assert "Who can join Ontario Health’s provincial eReferral" in en.text
    assert "Qui peut adhérer à la référence électronique provinciale de Santé Ontario" in fr.text
    assert FIXTURE_ARTICLE in {a.get("href") for a in fr.links}


def test_navigation_is_translated(fixture_site):
    fr = html_of(fixture_site, "fr/" + FIXTURE_ARTICLE)
    assert "Outil de travail pour l’administrateur SGR" in fr
    assert 'placeholder="Rechercher"' in fr  # Material's own strings follow the language


def test_feedback_form_wording_and_fields(fixture_site):
    for url, lang in ((FIXTURE_ARTICLE, "en"), ("fr/" + FIXTURE_ARTICLE, "fr")):
        html = html_of(fixture_site, url)
        assert f'<form class="hc-feedback__form" method="post" action="{FEEDBACK_ENDPOINT}/answer">' in html
        assert '<input type="hidden" name="page" value="rms-administrator-job-aid">' in html
        assert f'<input type="hidden" name="lang" value="{lang}">' in html
    assert "Did this answer your question?" in page(fixture_site, FIXTURE_ARTICLE).headings
    assert "Cela a-t-il répondu à votre question?" in page(fixture_site, "fr/" + FIXTURE_ARTICLE).headings


def test_fixture_feedback_manifest(fixture_site):
    manifest = json.loads((fixture_site / "feedback-manifest.json").read_text(encoding="utf-8"))
    assert manifest["pages"] == {"rms-administrator-job-aid": {"en": FIXTURE_ARTICLE, "fr": "fr/" + FIXTURE_ARTICLE}}


def test_a_broken_checklist_stops_the_build_with_located_errors(tmp_path):
    project = copy_project(tmp_path, checklists=MODEL_ARTICLE)
    article = project / "checklists" / "rms-administrator-job-aid.yml"
    text = article.read_text(encoding="utf-8")
    assert "role: lrp" in text
    article.write_text(text.replace("role: lrp", "role: lpr", 1), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"checklists/rms-administrator-job-aid\.yml:\d+:\d+: unknown role 'lpr'", result.stderr)


def test_without_an_endpoint_no_dead_form_and_the_support_line_once(tmp_path):
    """No feedback service: no question that cannot be answered. The help
    centre's support line is given once: by the article's contacts when it
    lists them, otherwise by the feedback box."""
    project = copy_project(tmp_path / "project", checklists=MODEL_ARTICLE)
    no_contacts = project / "checklists" / "no-contacts.yml"
    text = (project / "checklists" / "rms-administrator-job-aid.yml").read_text(encoding="utf-8")
    assert text.endswith("contacts:\n  - service-desk\n")
    no_contacts.write_text(text.removesuffix("contacts:\n  - service-desk\n"), encoding="utf-8")
    site = built_clean(project, feedback_endpoint=None)
    phone = phone_link("1-866-250-1554")
    for prefix in ("", "fr/"):
        listed = html_of(site, prefix + FIXTURE_ARTICLE)
        assert "hc-feedback__form" not in listed and 'class="hc-feedback' not in listed
        assert listed.count(phone) == 1  # in the article's "Need help?" section only
        unlisted = html_of(site, prefix + "help/ereferral/no-contacts/")
        assert "hc-feedback__form" not in unlisted
        box = unlisted.split('class="hc-feedback hc-feedback__support"')[1].split("</p>")[0]
        assert phone in box
    assert not (site / "help" / "feedback").exists()  # no comment pages without a service
    assert not (site / "feedback-manifest.json").exists()


def test_hand_written_files_are_never_touched(tmp_path):
    project = copy_project(tmp_path)
    before = {p: p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file()}
    assert mkdocs_build(project, tmp_path / "site").returncode == 0
    for path, content in before.items():
        assert path.read_bytes() == content, f"{path} was rewritten"


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


def configured_support_contact() -> str:
    """The contact id mkdocs.yml names as the help centre's support line (a fixture
    site's _shared.yml must declare it)."""
    found = re.search(r"^\s*support_contact:\s*([a-z0-9-]+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return found.group(1) if found else "service-desk"


def _three_collections_of_two(folder: Path) -> None:
    """Six small checklists in three collections (area-1, area-2, area-3)."""
    folder.mkdir(parents=True)
    shared = ["collections:"]
    for c in (1, 2, 3):
        shared += [f"  - id: area-{c}", f"    order: {c}",
                   f"    title: {{en: Area {c}, fr: Secteur {c}}}",
                   f"    summary: {{en: Tasks of area {c}., fr: Tâches du secteur {c}.}}"]
    # mkdocs.yml names the help centre's support line: it must be a contact here.
    shared += ["contacts:", f"  - id: {configured_support_contact()}",
               "    name: {en: Service Desk, fr: Centre de services}", "    phone: 1-866-250-1554"]
    (folder / "_shared.yml").write_text("\n".join(shared) + "\n", encoding="utf-8")
    for n in range(1, 7):
        area = (n - 1) % 3 + 1
        (folder / f"task-{n}.yml").write_text(
            f"collection: area-{area}\n"
            f"title: {{en: Task {n}, fr: Tâche {n}}}\n"
            f"summary: {{en: How to do task {n}., fr: Comment faire la tâche {n}.}}\n"
            "sections:\n"
            "  - id: steps\n"
            "    title: {en: Steps, fr: Étapes}\n"
            "    steps:\n"
            "      - id: first\n"
            "        text: {en: Do the first thing, fr: Faire la première chose}\n"
            "      - id: second\n"
            "        text: {en: Do the second thing, fr: Faire la deuxième chose}\n"
            f"contacts: [{configured_support_contact()}]\n",
            encoding="utf-8")


def test_each_page_carries_only_its_own_collection_in_the_navigation(tmp_path):
    """Material writes the navigation into every page: with every collection
    expanded, each page would link every article of the help centre, and page
    weight, build time and link checks would grow as N x N. A page carries its
    own collection's articles and the other collections' index pages only."""
    checklists = tmp_path / "checklists"
    _three_collections_of_two(checklists)
    site = built_clean(copy_project(tmp_path / "project", checklists=checklists), feedback_endpoint=None)
    articles: dict[str, set[str]] = {}
    for collection in sorted(p for p in (site / "help").iterdir() if p.name.startswith("area-")):
        articles[collection.name] = {(p / "index.html").resolve().as_posix()
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


# --------------------------------------------------------------------------
# The live content: invariants computed from checklists/ and docs/, nothing else.
# --------------------------------------------------------------------------

def test_live_site_has_exactly_the_pages_of_its_files_in_both_languages(built_site):
    expected = sorted(
        [f"{url}index.html" for url in LIVE_PAGES] + [f"{fr}index.html" for fr in LIVE_PAGES.values()]
        + ["404.html", "fr/404.html"]
    )
    actual = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html"))
    assert actual == expected


@pytest.mark.parametrize("en,fr", LIVE_PAGES.items())
def test_pages_carry_their_language(built_site, en, fr):
    assert page(built_site, en).lang == "en"
    assert page(built_site, fr).lang == "fr"


@pytest.mark.parametrize("en,fr", LIVE_PAGES.items())
def test_language_switcher_leads_to_the_twin_page(built_site, en, fr):
    for url, other_lang, twin in ((en, "fr", fr), (fr, "en", en)):
        links = [a for a in page(built_site, url).links if a.get("hreflang") == other_lang]
        assert links, f"{url}: no link to the {other_lang} version"
        href = links[0]["href"]
        target = (built_site / href.lstrip("/") if href.startswith("/") else built_site / url / href).resolve()
        assert target == (built_site / twin).resolve(), f"{url} switches to {target}"


def test_sitemap_lists_every_page_with_its_hreflang_alternates(built_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(built_site / "sitemap.xml").getroot()
    entries = {u.find("s:loc", ns).text: {l.get("hreflang"): l.get("href") for l in u.findall("x:link", ns)}
               for u in root.findall("s:url", ns)}
    assert sorted(entries) == sorted(SITE_URL + url for pair in LIVE_PAGES.items() for url in pair)
    for en, fr in LIVE_PAGES.items():
        for url in (en, fr):
            assert entries[SITE_URL + url] == {"en": SITE_URL + en, "fr": SITE_URL + fr}, url


@pytest.mark.parametrize("checklist_id", LIVE_ARTICLES)
def test_every_section_step_and_sub_item_has_an_anchor(built_site, checklist_id):
    data = LIVE.checklists[checklist_id]
    wanted = {s["id"] for s in data["sections"]}
    for step in LIVE.steps(data):
        wanted.add(step["id"])
        wanted.update(item["id"] for item in step.get("items") or [])
    for url in (LIVE.article(checklist_id), LIVE.french(LIVE.article(checklist_id))):
        missing = wanted - page(built_site, url).ids
        assert not missing, f"{url} lacks anchors {missing}"


@pytest.mark.parametrize("checklist_id", LIVE_ARTICLES)
def test_steps_are_numbered_across_each_checklist(built_site, checklist_id):
    expected, number = [], 1
    for section in LIVE.checklists[checklist_id]["sections"]:
        if section.get("steps"):
            expected.append(str(number))
            number += len(section["steps"])
    for url in (LIVE.article(checklist_id), LIVE.french(LIVE.article(checklist_id))):
        assert re.findall(r'<ol class="hc-steps" start="(\d+)"', html_of(built_site, url)) == expected


@pytest.mark.parametrize("checklist_id", LIVE_ARTICLES)
def test_every_step_has_a_guided_page_that_leads_back_to_it(built_site, checklist_id):
    article = LIVE.article(checklist_id)
    for step in LIVE.steps(LIVE.checklists[checklist_id]):
        for url in (f"{article}{step['id']}/", LIVE.french(f"{article}{step['id']}/")):
            hrefs = {a.get("href") for a in page(built_site, url).links}
            assert f"../#{step['id']}" in hrefs, f"{url} does not link back to its step on the checklist"


@pytest.mark.parametrize("checklist_id", LIVE_ARTICLES)
def test_french_checklist_pages_follow_canadian_typography(built_site, checklist_id):
    article = LIVE.french(LIVE.article(checklist_id))
    urls = [article] + [f"{article}{step['id']}/" for step in LIVE.steps(LIVE.checklists[checklist_id])]
    for url in urls:
        text = page(built_site, url).text
        for wrong in (" ?", " ;", " !", "24/7"):
            assert wrong not in text, f"{url}: {wrong!r} in {text[max(0, text.index(wrong) - 60):text.index(wrong) + 5]!r}"


@pytest.mark.parametrize("checklist_id", LIVE_ARTICLES)
def test_support_phone_is_on_every_checklist_page_that_lists_its_contact(built_site, checklist_id):
    phones = [c["phone"] for c in LIVE.contacts(checklist_id) if c.get("phone")]
    for url in (LIVE.article(checklist_id), LIVE.french(LIVE.article(checklist_id))):
        html = html_of(built_site, url)
        for phone in phones:
            assert phone_link(phone) in html, f"{url}: no tel: link for {phone}"


def test_home_links_every_collection_and_article_in_both_languages(built_site):
    collections = {data["collection"] for data in LIVE.checklists.values()}
    for home, prefix in (("", ""), ("fr/", "fr/")):
        targets = set()
        for a in page(built_site, home).links:
            href = a.get("href") or ""
            if not href.startswith(("http:", "https:", "#", "mailto:", "tel:")):
                targets.add((built_site / home / href).resolve())
        for url in [f"help/{c}/" for c in collections] + [LIVE.article(i) for i in LIVE_ARTICLES]:
            address = LIVE.french(url) if prefix else url
            assert (built_site / address).resolve() in targets, f"{home or '/'} does not link {address}"


def test_no_link_is_left_pointing_at_a_markdown_source(built_site):
    # MkDocs rewrites Markdown links to page addresses but leaves raw <a href="x.md"> alone.
    for html in built_site.rglob("*.html"):
        leftovers = re.findall(r'href="([^"#]*\.md)(?:#[^"]*)?"', html.read_text(encoding="utf-8"))
        assert not leftovers, f"{html.relative_to(built_site)}: {leftovers}"


@pytest.mark.parametrize("checklist_id", LIVE_ARTICLES)
def test_feedback_form_posts_page_id_and_language_to_the_endpoint(built_site, checklist_id):
    article = LIVE.article(checklist_id)
    for url, lang in ((article, "en"), (LIVE.french(article), "fr")):
        html = html_of(built_site, url)
        assert f'<form class="hc-feedback__form" method="post" action="{FEEDBACK_ENDPOINT}/answer">' in html
        assert f'<input type="hidden" name="page" value="{checklist_id}">' in html
        assert f'<input type="hidden" name="lang" value="{lang}">' in html
        assert re.findall(r'name="answer" value="(\w+)"', html) == ["yes", "partly", "no"]
    for step in LIVE.steps(LIVE.checklists[checklist_id]):
        guided = html_of(built_site, f"{article}{step['id']}/")
        assert "hc-feedback" not in guided  # one answer per article, at its end


def test_feedback_manifest_lists_every_article_and_where_readers_go(built_site):
    manifest = json.loads((built_site / "feedback-manifest.json").read_text(encoding="utf-8"))
    assert manifest["pages"] == {checklist_id: {"en": LIVE.article(checklist_id), "fr": LIVE.french(LIVE.article(checklist_id))}
                                 for checklist_id in LIVE_ARTICLES}
    for lang in ("en", "fr"):
        assert (built_site / manifest["thanks"][lang] / "index.html").exists()
        for checklist_id in LIVE_ARTICLES:
            comment = manifest["comment_pages"][lang].format(page=checklist_id)
            html = html_of(built_site, comment)
            assert f'action="{FEEDBACK_ENDPOINT}/comment"' in html and 'maxlength="500"' in html


def test_french_pages_use_material_in_french(built_site):
    for en, fr in LIVE_PAGES.items():
        assert 'placeholder="Rechercher"' in html_of(built_site, fr), fr
        assert 'placeholder="Search"' in html_of(built_site, en), en


def test_each_language_has_its_own_not_found_page(built_site):
    assert Page(built_site / "404.html").lang == "en"
    assert Page(built_site / "fr" / "404.html").lang == "fr"


def test_templates_and_ui_strings_are_not_published(built_site):
    assert not (built_site / "helpcentre").exists()
