"""Every page speaks its own language: a French reader meets no English word of
ours or of the theme, an English reader no French, scripts on and off.

The pages are whatever the session's build produced (every ``index.html`` and
each language's ``404.html``), read in Chromium: each text node a reader can
see or a screen reader can reach, CSS-generated text (``::before``,
``::after``), the document title and the accessible names written in
attributes (aria-label, title, alt, placeholder, button values). Each text is
judged in the language it declares, the nearest ``lang`` attribute: French
text must hold no English stop word, English text no French one. So a
product name marked ``lang="en"`` on a French page is fine, and so is what
editors write the other language's way: inside ``<code>``, ``<strong>``,
``<em>``, ``<q>`` or between « » and “ ”, as the project's lint allows. The
table of contents' copies of headings are left to the headings themselves.

The same texts must space colons each language's way (a no-break space
before it in French, none in English), and every 404 page must lead
somewhere.
"""

from __future__ import annotations

import re

from .conftest import screenshot

# Words that only ever mean their own language in our pages (so not "on",
# "or", "an", "main", "type", "table", "page", "document", "principal",
# "passer": words of both languages). Tokens are runs of letters: "l’aide"
# gives "l" and "aide". Whole-capital tokens (EST, AUX) are acronyms and are
# left alone.
STOP_WORDS = {
    "en": set("""the and with your you our we made skip next previous search to of for this in is are
        from by at be it not back copy clipboard contents share clear select language start found
        results initializing step steps done""".split()),
    "fr": set("""le la les des du de et pour avec votre vos vous est une un dans sur aux au ce cette qui
        que pas ne nous sont aller contenu précédent suivant rechercher recherche effacer partager
        sélectionner langue accueil étape étapes conçu""".split()),
}
# Letters English does not use: a word carrying one is French on an English page.
FRENCH_LETTERS = re.compile(r"[àâçéèêëîïôûùüÿœæ]", re.I)
DEFAULT_LANGUAGE = "en"

# The colon of each language's typography: French puts a no-break space (U+00A0
# or the narrow U+202F) before it, English no space at all.
WRONG_COLON = {"fr": re.compile(r"(?<=[^\s\u00a0\u202f]):(?=\s|$)|(?<=[ \t]):"),
               "en": re.compile(r"[\s\u00a0\u202f]:(?=\s|$)")}

WORD = re.compile(r"[^\W\d_]+")
QUOTED = re.compile(r"«[^«»]*»|“[^“”]*”")
BLOCK_END = "\x00"
ADDRESS = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\w+://\S+|\bwww\.\S+")

# What the page shows, as the browser rendered it: [lang, text, exempt] runs in
# document order, a NUL between blocks; then accessible names and generated text.
COLLECT = r"""() => {
  const EXEMPT = 'code, kbd, samp, pre, strong, em, q';
  const langOf = el => {
    const holder = el.closest('[lang]');
    return holder ? holder.getAttribute('lang').toLowerCase().split('-')[0] : '';
  };
  const inline = el => ['inline', 'contents'].includes(getComputedStyle(el).display);
  const blockOf = el => { while (el.parentElement && inline(el)) el = el.parentElement; return el; };
  // The table of contents repeats each heading as plain text (its <code>
  // gone): the heading itself is judged, with its markup, so the echo is not.
  const norm = text => text.replace(/\s+/g, ' ').trim();
  const headings = new Set([...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => norm(h.textContent)));
  const echo = (el, text) => Boolean(el.closest('.md-nav--secondary')) && headings.has(norm(text));
  const runs = [];
  let lastBlock = null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript, template')) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const block = blockOf(el);
    if (block !== lastBlock) { runs.push(['', '\0', true]); lastBlock = block; }
    const entry = el.closest('a, label');
    runs.push([langOf(el), node.data, Boolean(el.closest(EXEMPT)) || (entry !== null && echo(entry, entry.textContent))]);
  }
  const names = [[langOf(document.documentElement), 'title', document.title, false, 'html > head > title']];
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('script, style, noscript, template') || !el.checkVisibility()) continue;
    const exempt = Boolean(el.closest(EXEMPT));
    for (const attr of ['aria-label', 'aria-description', 'aria-valuetext', 'aria-roledescription',
                         'aria-placeholder', 'title', 'alt', 'placeholder']) {
      if (el.hasAttribute(attr)) {
        const value = el.getAttribute(attr);
        names.push([langOf(el), attr, value, exempt || echo(el, value), describe(el)]);
      }
    }
    if (el.matches('input[type=submit], input[type=button], input[type=reset]'))
      names.push([langOf(el), 'value', el.value, exempt, describe(el)]);
    for (const pseudo of ['::before', '::after', '::marker']) {
      const content = getComputedStyle(el, pseudo).content;
      if (!content || content === 'none' || content === 'normal') continue;
      const strings = [...content.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(m => m[1]).join(' ');
      if (strings.trim()) names.push([langOf(el), 'content' + pseudo, strings, exempt, describe(el)]);
    }
  }
  return {lang: document.documentElement.getAttribute('lang'), runs, names};
}"""


def built_pages(site) -> list[str]:
    """Every page the build wrote, as URLs relative to the site's root."""
    pages = [path.relative_to(site).as_posix() for path in site.rglob("*.html")
             if path.name in ("index.html", "404.html")]
    return sorted(page[: -len("index.html")] if page.endswith("index.html") else page for page in pages)


def language_of(url: str) -> str:
    """The i18n plugin's layout: other languages live under /<code>/."""
    first = url.split("/", 1)[0]
    return first if first in STOP_WORDS and first != DEFAULT_LANGUAGE else DEFAULT_LANGUAGE


def foreign_words(text: str, lang: str, exempt: list[bool]) -> list[tuple[str, int]]:
    """Words of ``text`` (declared ``lang``) that belong to another language, with their offsets."""
    exempt = _unquoted(text, exempt)
    found = []
    for match in WORD.finditer(text):
        word = match.group()
        if any(exempt[match.start():match.end()]) or (len(word) > 1 and word.isupper()):
            continue
        lower = word.lower()
        if any(other != lang and lower in stops for other, stops in STOP_WORDS.items()):
            found.append((word, match.start()))
        elif lang == "en" and FRENCH_LETTERS.search(word):
            found.append((word, match.start()))
    return found


def wrong_colons(text: str, lang: str, exempt: list[bool]) -> list[tuple[str, int]]:
    """Colons of ``text`` (declared ``lang``) spaced the other language's way."""
    exempt = _unquoted(text, exempt)
    pattern = WRONG_COLON.get(lang)
    return [] if pattern is None else [
        (repr(match.group()), match.start()) for match in pattern.finditer(text)
        if not any(exempt[max(0, match.start() - 1):match.end()])]


def _unquoted(text: str, exempt: list[bool]) -> list[bool]:
    """``exempt``, plus what is quoted « » or “ ”, and addresses."""
    exempt = list(exempt)
    for match in list(QUOTED.finditer(text)) + list(ADDRESS.finditer(text)):
        exempt[match.start():match.end()] = [True] * (match.end() - match.start())
    return exempt


def problems(collected: dict, page_lang: str, find=foreign_words) -> list[str]:
    """What ``find`` reports in the texts of one page (collected by COLLECT),
    each text judged in its declared language."""
    found = []
    # The text runs, joined into blocks so that a quotation or a word split across
    # elements reads as the reader sees it.
    text, langs, exempt = [], [], []
    for lang, data, is_exempt in collected["runs"]:
        text.append(data)
        langs.extend([lang or page_lang] * len(data))
        exempt.extend([is_exempt] * len(data))
    for block_start, block in _blocks("".join(text)):
        block_exempt = exempt[block_start:block_start + len(block)]
        block_langs = langs[block_start:block_start + len(block)]
        for lang in sorted(set(block_langs)):
            mask = [e or other != lang for e, other in zip(block_exempt, block_langs)]
            for word, offset in find(block, lang, mask):
                found.append(f'{lang} text: {word} in “{_around(block, offset)}”')
    for lang, attribute, value, is_exempt, where in collected["names"]:
        if not is_exempt:
            lang = lang or page_lang
            for word, offset in find(value, lang, [False] * len(value)):
                found.append(f'{lang} {attribute} of {where}: {word} in “{_around(value, offset)}”')
    return list(dict.fromkeys(found))


def declared_language(collected: dict) -> str:
    return (collected["lang"] or "").split("-")[0].lower()


def _blocks(text: str):
    start = 0
    for piece in text.split(BLOCK_END):
        if piece.strip():
            yield start, piece
        start += len(piece) + 1


def _around(text: str, offset: int, width: int = 40) -> str:
    return re.sub(r"\s+", " ", text[max(0, offset - width): offset + width]).strip()


_COLLECTED: dict[tuple, dict] = {}


def collected_pages(context, site_url, built_site):
    """Each built page with what COLLECT read on it, once per page and script setting."""
    pages = built_pages(built_site)
    assert any(url.endswith("404.html") for url in pages) and len(pages) >= 4
    page = None
    for url in pages:
        key = (site_url, context.js, url)
        if key not in _COLLECTED:
            page = page or context.new_page()
            page.goto(site_url + url)
            _COLLECTED[key] = page.evaluate(COLLECT)
        yield url, _COLLECTED[key]


def test_every_page_speaks_its_own_language(context, site_url, built_site):
    failures, count = [], 0
    for url, collected in collected_pages(context, site_url, built_site):
        count += 1
        lang = language_of(url)
        found = problems(collected, lang, foreign_words)
        if declared_language(collected) != lang:
            found.insert(0, f'<html lang="{collected["lang"]}">, expected "{lang}"')
        if found:
            failures.append(f"/{url} ({lang}):\n  " + "\n  ".join(found))
    assert not failures, f"{len(failures)} of {count} pages mix languages:\n" + "\n".join(failures)


def test_every_page_spaces_colons_the_way_of_its_language(context, site_url, built_site):
    """« Précédent : … » with a no-break space in French; "Previous: …" in English."""
    failures, count = [], 0
    for url, collected in collected_pages(context, site_url, built_site):
        count += 1
        found = problems(collected, language_of(url), wrong_colons)
        if found:
            failures.append(f"/{url}:\n  " + "\n  ".join(found))
    assert not failures, f"{len(failures)} of {count} pages space a colon wrongly:\n" + "\n".join(failures)


def test_the_check_sees_foreign_words_and_spares_what_is_marked():
    def words(text, lang, exempt=None, find=foreign_words):
        return [word for word, _ in find(text, lang, exempt or [False] * len(text))]

    assert words("Made with Material for MkDocs", "fr") == ["Made", "with", "for"]
    assert words("Conçu avec Material for MkDocs", "fr", [False] * 11 + [True] * 19) == []
    assert words("Ouvrez « Invite Users to Site » et “Get Started with Ocean”.", "fr") == []
    assert words("Retour au texte, 8 h à 17 h EST", "en") == ["au", "à"]
    assert words("Écrivez à support@example.org ou https://example.org/to/the/page", "fr") == []
    assert words("Précédent: Étape 1", "fr", find=wrong_colons) == ["':'"]
    assert words("Précédent : Étape 1", "fr", find=wrong_colons) == ["':'"]
    assert words("Précédent\u00a0: Étape 1, à 8:30, « Note: »", "fr", find=wrong_colons) == []
    assert words("Previous\u00a0: Step 1", "en", find=wrong_colons) == ["'\\xa0:'"]
    assert words("Previous: Step 1", "en", find=wrong_colons) == []


def test_blocks_are_read_as_the_reader_sees_them():
    """A quotation split across elements and source lines is still a quotation;
    a part marked lang="en" is judged in English; blocks do not run together."""
    runs = [["", "\0", True], ["fr", "Ouvrez « Invite\n  Users", False], ["fr", " to Site » puis ", False],
            ["en", "Material for MkDocs", False], ["", "\0", True], ["fr", "Étape suivante", False]]
    assert problems({"lang": "fr", "runs": runs, "names": []}, "fr") == []
    runs[3][0] = "fr"
    assert len(problems({"lang": "fr", "runs": runs, "names": []}, "fr")) == 1
    names = [["fr", "aria-label", "Previous: Étape 1", False, "a"], ["fr", "aria-label", "Echo: the", True, "a"]]
    assert len(problems({"lang": "fr", "runs": [], "names": names}, "fr")) == 1
    assert len(problems({"lang": "fr", "runs": [], "names": names}, "fr", wrong_colons)) == 1


def test_not_found_pages_lead_home_to_the_index_and_to_support(context, site_url, built_site):
    """Each language's 404, served at a missing address deep in its language's
    part of the site: it names the problem, leads to that language's home and
    to the list of every collection on it, and gives the support line."""
    page = context.new_page()
    not_found = [url for url in built_pages(built_site) if url.endswith("404.html")]
    assert len(not_found) >= 2, not_found
    for url in not_found:
        lang, prefix = language_of(url), url[: -len("404.html")]
        body = (built_site / url).read_bytes()
        missing = f"{site_url}{prefix}help/no-such-collection/no-such-article/"
        page.route(missing, _serve_not_found(body))
        response = page.goto(missing)
        assert response.status == 404
        assert page.evaluate("() => document.documentElement.lang") == lang
        assert page.locator("article h1").first.is_visible(), url
        assert page.locator("article a[href^='tel:']").first.is_visible(), f"{url}: no support line"
        screenshot(page, f"not-found-{lang}-{'js' if context.js else 'nojs'}")
        links = page.evaluate("""() => [...document.querySelectorAll('article a[href]')]
            .filter(a => !/^(tel|mailto):/.test(a.getAttribute('href')))
            .map(a => [a.href, a.hreflang || a.closest('[lang]').lang])""")
        home = site_url + prefix
        ours = {href for href, hreflang in links if hreflang == lang}
        assert {home, home + "#hc-collections"} <= ours, f"{url}: {links}"
        for href, hreflang in links:
            page.goto(href)
            assert page.evaluate("() => document.documentElement.lang") == hreflang, href
            if "#" in href:
                assert page.locator("#" + href.split("#", 1)[1]).is_visible(), href
            else:  # a home page (its list of collections) or the A–Z index (its letters)
                assert page.url == href, href
                assert page.locator("#hc-collections, nav.hc-az-letters").count() == 1, href


def _serve_not_found(body: bytes):
    """What a host does at a missing address: its 404 page, with status 404."""
    return lambda route: route.fulfill(status=404, body=body, content_type="text/html; charset=utf-8")
