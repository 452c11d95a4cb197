"""Search in the reader's language, with JavaScript on (Material's search, one index per language).

The queries come from the built indexes, not from the live wording: a word
found only in the French index, and one only in the English index.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from helpcentre import LANGUAGES

WORD = re.compile(r"[^\W\d_]{7,}")


def index(site, lang) -> dict:
    folder = site if lang == LANGUAGES[0] else site / lang
    return json.loads((folder / "search" / "search_index.json").read_text(encoding="utf-8"))


def words(entries: list[dict]) -> set[str]:
    found = set()
    for doc in entries:
        text = re.sub(r"<[^>]+>", " ", doc.get("title", "") + " " + doc.get("text", ""))
        found.update(w.lower() for w in WORD.findall(text))
    return found


def plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def only_in(site, lang: str) -> str:
    """A word of the titles of ``lang`` that no page of the other language has (even unaccented)."""
    other = next(l for l in LANGUAGES if l != lang)
    elsewhere = {plain(w) for w in words(index(site, other)["docs"])}
    for doc in index(site, lang)["docs"]:
        for word in WORD.findall(re.sub(r"<[^>]+>", " ", doc.get("title", ""))):
            if plain(word.lower()) not in elsewhere:
                return word.lower()
    pytest.fail(f"no word of the {lang} titles is absent from the other language's pages")


def test_each_language_has_its_own_index_with_its_own_stemming(built_site):
    for lang in LANGUAGES:
        data = index(built_site, lang)
        assert data["config"]["lang"] == [lang]
        prefixes = {doc["location"].split("/")[0] for doc in data["docs"]}
        assert not prefixes & (set(LANGUAGES) - {LANGUAGES[0]}), f"{lang} index holds another language's pages"
        assert not any("/feedback/" in doc["location"] or doc["location"].startswith("feedback/") for doc in data["docs"])


def results(page, query: str) -> list[str]:
    """The addresses Material's search lists for ``query``, typed as a reader types it."""
    page.click(".md-search__input")
    page.fill(".md-search__input", "")
    page.keyboard.type(query, delay=30)
    page.wait_for_function("""() => {
        const meta = document.querySelector('.md-search-result__meta');
        return meta && /\\d|Aucun|No matching/.test(meta.textContent);
    }""")
    return page.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")


@pytest.fixture
def js_page(browser, site_url):
    # Wide enough for the header's search box (narrower screens open it from an icon).
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_search_finds_pages_of_the_readers_language_only(js_page, site_url, built_site, lang):
    prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
    js_page.goto(site_url + prefix)
    mine = only_in(built_site, lang)
    found = results(js_page, mine)
    assert found, f"searching {mine!r} from a {lang} page found nothing"
    for href in found:
        path = href[len(site_url):]
        assert path.startswith(prefix) and not any(path.startswith(f"{o}/") for o in LANGUAGES if o != LANGUAGES[0] and o != lang), href
    other = next(l for l in LANGUAGES if l != lang)
    assert results(js_page, only_in(built_site, other)) == [], f"a {other}-only word found pages from a {lang} page"
