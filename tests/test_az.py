"""The A–Z index: every article once per language, filed the way readers of that language expect."""

from __future__ import annotations

import re

from helpcentre import LANGUAGES
from helpcentre.pipeline import Project, render
from helpcentre.render import initial, sort_key

from test_golden import GOLDEN


def test_french_titles_sort_with_their_unaccented_letters():
    titles = ["Zone", "Évaluer la demande", "Étape suivante", "ecrire", "Œuvre", "Ordonnance", "2e visite", "Éditer"]
    ordered = sorted(titles, key=sort_key)
    assert ordered == ["2e visite", "ecrire", "Éditer", "Étape suivante", "Évaluer la demande", "Œuvre", "Ordonnance", "Zone"]
    assert [initial(t) for t in ("Étape", "œuvre", "2e visite", "« Citation »")] == ["E", "O", "0–9", "C"]


def test_every_article_is_listed_once_in_order_under_its_letter():
    result = render(Project(GOLDEN / "every-feature"))
    site, renderer = result.site, result.renderer
    for lang in LANGUAGES:
        page = renderer.az_page(lang)
        links = re.findall(r"^- \[(.+?)\]\((.+?)\)", page, re.MULTILINE)
        assert sorted(target for _, target in links) == sorted(
            re.sub(r"^help/", "", f"help/{c.collection.id}/{c.id}.md") for c in site.checklists.values())
        titles = [site.checklists[target.rsplit("/", 1)[1][:-3]].title[lang] for _, target in links]
        assert titles == sorted(titles, key=sort_key)
        for letter in {initial(t) for t in titles}:
            assert f'href="#hc-letter-{letter.lower()}"' in page and f"## {letter} {{ #hc-letter-{letter.lower()} }}" in page
