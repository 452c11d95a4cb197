"""The fast page reader against Python's own HTML parser, and its tricky cases."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest

from helpcentre.links.check import BuiltSite, Target, _mailto_problem, _tel_problem
from helpcentre.grammar import line_column
from helpcentre.links.scan import LINK_ATTRIBUTES, scan, tag_offset, tag_offsets
from links_support import fault_project, write_pages  # noqa: F401


class Reference(HTMLParser):
    """What a browser would call ids and links, by the standard library's parser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        values = {}
        for name, value in attrs:
            values.setdefault(name, value or "")
        if tag == "html":
            self.lang = values.get("lang")
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for name in LINK_ATTRIBUTES.get(tag, ()):
            if name in values and tag != "base":
                if name == "srcset":
                    for candidate in values[name].split(","):
                        if candidate.strip():
                            self.links.append((tag, name, candidate.split()[0]))
                else:
                    self.links.append((tag, name, values[name]))

    handle_startendtag = handle_starttag


def test_reads_every_page_of_a_real_build_as_the_standard_parser_does(fault_project):
    _, site = fault_project
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        reference = Reference()
        reference.feed(text)
        facts = scan(text)
        assert facts.lang == reference.lang, page
        assert facts.ids == reference.ids, page
        assert sorted((l.tag, l.attribute, l.value) for l in facts.links) == sorted(reference.links), page


def test_tricky_markup():
    text = (
        '<!DOCTYPE html>\n<html lang="fr-CA"><head>\n'
        '<script>var a = \'<a href="in-script">\';</script>\n'
        '<!-- <a href="in-comment"> -->\n'
        "<style>a[href='x'] { color: red }</style>\n"
        '</head><body>\n'
        '<a title="a > b" href="after-quoted-gt">x</a>\n'
        "<a href='single' id=bare>y</a>\n"
        '<a href="q?a=1&amp;b=2#fr%C3%A9">z</a>\n'
        '<img src="i.png" srcset="i-2x.png 2x, i-3x.png 3x" alt="">\n'
        '<A HREF="UPPER">u</A><a name="legacy"></a>\n'
        '<textarea><a href="in-textarea"></textarea>\n'
        '<p>&lt;a href="in-text"&gt; is text</p>\n'
        '</body></html>\n'
    )
    facts = scan(text)
    assert facts.lang == "fr-CA"
    assert facts.ids == {"bare", "legacy"}
    assert [l.value for l in facts.links] == [
        "after-quoted-gt", "single", "q?a=1&b=2#fr%C3%A9", "i.png", "i-2x.png", "i-3x.png", "UPPER",
    ]
    after = facts.links[0]
    offset = tag_offset(text, after.tag_index)
    assert line_column(text, offset) == (7, 1)


def site_with(tmp_path, pages: dict[str, str], site_url="http://127.0.0.1:8000/base/") -> BuiltSite:
    write_pages(tmp_path, pages)
    return BuiltSite.load(tmp_path, site_url)


def test_resolution_of_relative_absolute_and_full_addresses(tmp_path):
    site = site_with(tmp_path, {
        "index.html": "<html></html>",
        "a/index.html": '<html><body><h2 id="x">X</h2><h2 id="é">E</h2></body></html>',
        "fr/a/index.html": "<html></html>",
        "assets/s.css": "",
    })
    page = "fr/a/index.html"

    def target(value):
        from helpcentre.links.scan import Link
        resolved = site.resolve(page, Link("a", "href", value, 0))
        return resolved.target, resolved.external, resolved.problem

    assert target("../../a/#x")[0] == Target("a/index.html", "x")
    assert target("../../a")[0] == Target("a/index.html", None)  # a folder without its slash
    assert target("/base/a/#%C3%A9")[0] == Target("a/index.html", "é")
    assert target("http://127.0.0.1:8000/base/assets/s.css?v=2")[0] == Target("assets/s.css", None)
    assert target("HTTP://127.0.0.1:8000/base")[0] == Target("index.html", None)
    assert target("#top")[0] == Target(page, "top")
    assert target("")[0] == Target(page, None)
    assert target("https://example.org/x")[1] == "https://example.org/x"
    assert target("//example.org/x")[1] == "https://example.org/x"
    assert target("/elsewhere/")[2][0] == "outside"
    assert target("../../../up/")[2][0] == "outside"
    assert target("javascript:alert(1)")[2][0] == "scheme"
    assert target("checklist:other")[2][0] == "scheme"


def test_phone_and_email_links():
    assert _tel_problem("tel:+18662501554") is None
    assert _tel_problem("tel:+1-866-250-1554;ext=42") is None
    assert _tel_problem("tel:+33142681234") is None
    assert _tel_problem("tel:+1866250155") is not None  # a digit short
    assert _tel_problem("tel:866-250-1554") is not None  # no + and no phone-context
    assert _tel_problem("tel:+1 866 250 1554") is not None  # spaces are not allowed in the URI
    assert _tel_problem("tel:+") is not None
    assert _mailto_problem("mailto:help@example.org") is None
    assert _mailto_problem("mailto:a@example.org,b@example.org?subject=Hi") is None
    assert _mailto_problem("mailto:help.example.org") is not None
    assert _mailto_problem("mailto:") is not None


def test_a_link_in_a_hand_written_page_is_reported_at_its_markdown_line(tmp_path):
    from helpcentre.links import check_links

    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_url: http://127.0.0.1:8000/\ndocs_dir: docs\n", encoding="utf-8")
    (project / "docs" / "guide.en.md").write_text("# Guide\n\nSee [the other page](other.md#gone).\n\n<http://127.0.0.1:8000/fr/>\n",
                                                  encoding="utf-8")
    (project / "docs" / "guide.fr.md").write_text("# Guide\n\nVoir [l’autre page](other.md#gone).\n", encoding="utf-8")
    site = project / "site"
    pages = {
        "index.html": '<html lang="en"><body></body></html>',
        "fr/index.html": '<html lang="fr"><body></body></html>',
        "guide/index.html": '<html lang="en"><body>\n<a href="../other/#gone">the other page</a>\n'
                            '<a href="http://127.0.0.1:8000/fr/">http://127.0.0.1:8000/fr/</a></body></html>',
        "fr/guide/index.html": '<html lang="fr"><body>\n<a href="../other/#gone">l’autre page</a></body></html>',
        "other/index.html": '<html lang="en"><body><h1 id="here">x</h1></body></html>',
        "fr/other/index.html": '<html lang="fr"><body><h1 id="ici">x</h1></body></html>',
    }
    write_pages(site, pages)
    outcome = check_links(site, project, site_display="site")
    lines = [str(problem) for problem in outcome.problems]
    assert lines == [
        "docs/guide.en.md:3:22: link to ../other/#gone (/other/#gone): the page has no anchor 'gone' (on /guide/)",
        "docs/guide.en.md:5:2: link to http://127.0.0.1:8000/fr/ (/fr/) leads to a French page from an English page;"
        " link to its English twin / instead (on /guide/)",
        "docs/guide.fr.md:3:21: link to ../other/#gone (/fr/other/#gone): the page has no anchor 'gone' (on /fr/guide/)",
    ]


def test_feedback_manifest_paths_are_relative_to_the_site_folder_wherever_it_is_served(tmp_path):
    from helpcentre.links.check import check_site

    site = site_with(tmp_path, {
        "index.html": '<html lang="en"></html>', "fr/index.html": '<html lang="fr"></html>',
        "feedback/thanks/index.html": '<html lang="en"></html>', "fr/feedback/thanks/index.html": '<html lang="fr"></html>',
        "feedback-manifest.json": '{"pages": {}, "thanks": {"en": "feedback/thanks/", "fr": "fr/feedback/thanks/"},'
                                  ' "comment_pages": {}}',
    }, site_url="https://example.github.io/helpcentre/")
    findings, _ = check_site(site)
    assert [f.message for f in findings] == []


# Each repeated 10,000 to 100,000 times with no ">" to end it: before the
# reader's unquoted stretches stopped at "<", every "<" started a scan to
# the end of the text (20,000 "<a " took 43 to 81 s).
MALFORMED = [
    "<a ", '<a href="', "<a href='", "<a href=x", "<a href=x id=", '<a title="x" ', "<html ", "<", "<!--",
    "<script ", "<script>", "<textarea ", "<style", "<a \"<a '", '<a x="<a ', "<!---->=",
]


def _cost(function, text: str) -> float:
    """Best of two, so that one hiccup of a shared machine is not taken for the reader's cost."""
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("pattern", MALFORMED)
@pytest.mark.parametrize("function", [scan, tag_offsets], ids=["scan", "tag_offsets"])
def test_malformed_markup_is_read_in_linear_time(function, pattern):
    small, medium, large = (_cost(function, pattern * n) for n in (10_000, 20_000, 100_000))
    assert medium < 1.0 and large < 1.0, (medium, large)
    # Linear, not only fast here: ten times the text, about ten times the time
    # (quadratic would be a hundred). The floor keeps timer noise on a tiny
    # measurement from failing the ratio.
    assert large < 20 * max(small, 0.005), (small, large)


def test_malformed_markup_hides_no_later_link():
    text = "<a " * 20_000 + '\n<a href="found" id="x">after</a>'
    facts = scan(text)
    assert [link.value for link in facts.links] == ["found"] and "x" in facts.ids
    assert line_column(text, tag_offset(text, facts.links[0].tag_index)) == (2, 1)
    # A "<" outside quotes ends a tag that was never closed: the next tag is read
    # (a browser would fold it into odd attributes; reading it only adds a link to check).
    facts = scan('<p><a title=x <img src="i.png" alt=""><a href="b" title="a < b">b</a></p>')
    assert [(link.tag, link.value) for link in facts.links] == [("img", "i.png"), ("a", "b")]
    for pattern in MALFORMED:
        assert scan(pattern * 1000).links == []
