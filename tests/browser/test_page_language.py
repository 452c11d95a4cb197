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
``<em>``, ``<q>`` or between « » and “ ”, as the project's lint allows.
"""

from __future__ import annotations

import re

from .conftest import screenshot

# Words that only ever mean their own language in our pages (so not "on",
# "or", "an", "main", "table", "page": French words too). Tokens are runs of
# letters: "l’aide" gives "l" and "aide". Whole-capital tokens (EST, AUX) are
# acronyms and are left alone.
STOP_WORDS = {
    "en": set("""the and with your you our we made skip next previous search to of for this in is are
        from by at be it not back top copy clipboard contents share clear select language type start
        found results document documents initializing step steps done""".split()),
    "fr": set("""le la les des du de et pour avec votre vos vous est une un dans sur aux au ce cette qui
        que pas ne nous sont aller passer contenu principal précédent suivant rechercher recherche
        effacer partager sélectionner langue accueil étape étapes conçu""".split()),
}
# Letters English does not use: a word carrying one is French on an English page.
FRENCH_LETTERS = re.compile(r"[àâçéèêëîïôûùüÿœæ]", re.I)
DEFAULT_LANGUAGE = "en"

# The colon of each language's typography: French puts a no-break space (U+00A0
# or the narrow U+202F) before it, English no space at all.
WRONG_COLON = {"fr": re.compile(r"(?<=[^\s\u00a0\u202f]):(?=\s|$)|(?<=[ \t]):"),
               "en": re.compile(r"[\s\u00a0\u202f]:(?=\s|$)")}

WORD = re.compile(r"[^\W\d_]+")
QUOTED = re.compile(r"«[^«»\n]*»|“[^“”\n]*”")
ADDRESS = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\w+://\S+|\bwww\.\S+")

# What the page shows, as the browser rendered it: [lang, text, exempt] runs in
# document order, "\n" between blocks; then accessible names and generated text.
COLLECT = r"""() => {
  const EXEMPT = 'code, kbd, samp, pre, strong, em, q';
  const langOf = el => {
    const holder = el.closest('[lang]');
    return holder ? holder.getAttribute('lang').toLowerCase().split('-')[0] : '';
  };
  const inline = el => ['inline', 'contents'].includes(getComputedStyle(el).display);
  const blockOf = el => { while (el.parentElement && inline(el)) el = el.parentElement; return el; };
  const runs = [];
  let lastBlock = null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript, template')) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const block = blockOf(el);
    if (block !== lastBlock) { runs.push(['', '\n', true]); lastBlock = block; }
    runs.push([langOf(el), node.data, Boolean(el.closest(EXEMPT))]);
  }
  const names = [[langOf(document.documentElement), 'title', document.title, false, 'html > head > title']];
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('script, style, noscript, template') || !el.checkVisibility()) continue;
    const exempt = Boolean(el.closest(EXEMPT));
    for (const attr of ['aria-label', 'aria-description', 'aria-valuetext', 'aria-roledescription',
                         'aria-placeholder', 'title', 'alt', 'placeholder']) {
      if (el.hasAttribute(attr)) names.push([langOf(el), attr, el.getAttribute(attr), exempt, describe(el)]);
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
    exempt = list(exempt)
    for match in list(QUOTED.finditer(text)) + list(ADDRESS.finditer(text)):
        exempt[match.start():match.end()] = [True] * (match.end() - match.start())
    found = []
    for match in WORD.finditer(text):
        word = match.group()
        if any(exempt[match.start():match.end()]) or (len(word) > 1 and word.isupper()):
            continue
        lower = word.lower()
        for other, stops in STOP_WORDS.items():
            if other != lang and lower in stops:
                found.append((word, match.start()))
                break
        else:
            if lang == "en" and FRENCH_LETTERS.search(word):
                found.append((word, match.start()))
    if lang in WRONG_COLON:
        found += [(f"{match.group()!r} (colon)", match.start()) for match in WRONG_COLON[lang].finditer(text)
                  if not any(exempt[max(0, match.start() - 1):match.end()])]
    return sorted(found, key=lambda found: found[1])


def language_problems(collected: dict, page_lang: str) -> list[str]:
    """What a reader of ``page_lang`` would meet in the other language."""
    problems = []
    if (collected["lang"] or "").split("-")[0].lower() != page_lang:
        problems.append(f'<html lang="{collected["lang"]}">, expected "{page_lang}"')
    # The text runs, joined into blocks so that a quotation or a word split across
    # elements reads as the reader sees it.
    text, langs, exempt = [], [], []
    for lang, data, is_exempt in collected["runs"]:
        text.append(data)
        langs.extend([lang or page_lang] * len(data))
        exempt.extend([is_exempt] * len(data))
    joined = "".join(text)
    for block_start, block in _blocks(joined):
        block_exempt = exempt[block_start:block_start + len(block)]
        block_langs = langs[block_start:block_start + len(block)]
        for lang in set(block_langs):
            mask = [e or l != lang for e, l in zip(block_exempt, block_langs)]
            for word, offset in foreign_words(block, lang, mask):
                problems.append(f'{lang} text: "{word}" in “{_around(block, offset)}”')
    for lang, attribute, value, is_exempt, where in collected["names"]:
        if is_exempt:
            continue
        lang = lang or page_lang
        for word, offset in foreign_words(value, lang, [False] * len(value)):
            problems.append(f'{lang} {attribute} of {where}: "{word}" in “{_around(value, offset)}”')
    return problems


def _blocks(text: str):
    start = 0
    for piece in text.split("\n"):
        if piece.strip():
            yield start, piece
        start += len(piece) + 1


def _around(text: str, offset: int, width: int = 40) -> str:
    return re.sub(r"\s+", " ", text[max(0, offset - width): offset + width]).strip()


def test_every_page_speaks_its_own_language(context, site_url, built_site):
    page = context.new_page()
    pages = built_pages(built_site)
    assert any(url.endswith("404.html") for url in pages) and len(pages) >= 4
    failures = []
    for url in pages:
        page.goto(site_url + url)
        problems = language_problems(page.evaluate(COLLECT), language_of(url))
        if problems:
            failures.append(f"/{url} ({language_of(url)}):\n  " + "\n  ".join(dict.fromkeys(problems)))
    assert not failures, f"{len(failures)} of {len(pages)} pages mix languages:\n" + "\n".join(failures)


def test_the_check_sees_foreign_words_and_spares_what_is_marked():
    def words(text, lang, exempt=None):
        return [word for word, _ in foreign_words(text, lang, exempt or [False] * len(text))]

    assert words("Made with Material for MkDocs", "fr") == ["Made", "with", "for"]
    assert words("Conçu avec Material for MkDocs", "fr", [False] * 11 + [True] * 19) == []
    assert words("Ouvrez « Invite Users to Site » et “Get Started with Ocean”.", "fr") == []
    assert words("Retour au texte, 8 h à 17 h EST", "en") == ["au", "à"]
    assert words("Écrivez à support@example.org ou https://example.org/to/the/page", "fr") == []
    colon = [True]
    assert [word.endswith("(colon)") for word in words("Précédent: Étape 1", "fr")] == colon
    assert [word.endswith("(colon)") for word in words("Précédent : Étape 1", "fr")] == colon
    assert words("Précédent\u00a0: Étape 1, à 8:30", "fr") == []
    assert [word.endswith("(colon)") for word in words("Previous\u00a0: Step 1", "en")] == colon
    assert words("Previous: Step 1", "en") == []


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
            else:
                assert page.url == href and page.locator("#hc-collections").count() == 1, href


def _serve_not_found(body: bytes):
    """What a host does at a missing address: its 404 page, with status 404."""
    return lambda route: route.fulfill(status=404, body=body, content_type="text/html; charset=utf-8")
