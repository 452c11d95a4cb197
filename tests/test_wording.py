"""Data said in words (wording.py): French durations elide where French does."""

from __future__ import annotations

import itertools
import re

import pytest

from helpcentre import wording
from helpcentre.model import Duration

NBSP = "\u00a0"

QUALIFIERS = ("exactly", "under", "about", "up-to", "within", "usually-within", "as-little-as")
UNITS = ("minute", "hour", "day", "business-day", "week")
AMOUNTS = (1, 8, 11, 2)

# What comes before the quantity, in French: elided before « un »/« une »,
# full before « huit » (aspirated h), « 11 » (onze never elides) and « deux ».
FRENCH_LEAD = {
    "exactly": ("", ""),
    "under": ("moins d’", "moins de "),
    "about": ("environ ", "environ "),
    "up-to": ("jusqu’à ", "jusqu’à "),
    "within": ("dans un délai d’", "dans un délai de "),
    "usually-within": ("généralement dans un délai d’", "généralement dans un délai de "),
    "as-little-as": ("en aussi peu qu’", "en aussi peu que "),
}

FRENCH_QUANTITY = {
    # unit: (1, 8, 11, 2)
    "minute": ("une minute", "huit minutes", f"11{NBSP}minutes", "deux minutes"),
    "hour": ("une heure", "huit heures", f"11{NBSP}heures", "deux heures"),
    "day": ("un jour", "huit jours", f"11{NBSP}jours", "deux jours"),
    "business-day": ("un jour ouvrable", "huit jours ouvrables", f"11{NBSP}jours ouvrables", "deux jours ouvrables"),
    "week": ("une semaine", "huit semaines", f"11{NBSP}semaines", "deux semaines"),
}

# A word that can elide, a space, then a vowel or a mute h: never right.
NOT_ELIDED = re.compile(r"\b(?:de|que|jusque)[ \u00a0]+(?:u|heure|[aeiouéèêàâîôy])", re.I)


def fr(amount: int, unit: str, qualifier: str) -> str:
    return wording.duration(Duration(amount, unit, qualifier, None), "fr")


CASES = list(itertools.product(QUALIFIERS, UNITS, AMOUNTS))


@pytest.mark.parametrize(("qualifier", "unit", "amount"), CASES, ids=lambda v: str(v))
def test_french_duration_is_worded_with_elision(qualifier, unit, amount):
    elided, full = FRENCH_LEAD[qualifier]
    quantity = FRENCH_QUANTITY[unit][AMOUNTS.index(amount)]
    expected = (elided if amount == 1 else full) + quantity
    assert fr(amount, unit, qualifier) == expected


@pytest.mark.parametrize(("qualifier", "unit", "amount"), CASES, ids=lambda v: str(v))
def test_french_duration_has_no_unelided_de_or_que(qualifier, unit, amount):
    text = fr(amount, unit, qualifier)
    assert not NOT_ELIDED.search(text), text
    for unelided in ("de u", "que u", "de h" + "eure", "que h" + "eure", "jusque à", "de o", "que o"):
        assert unelided not in text, text
    assert "'" not in text  # the typographic apostrophe, as in the rest of the French output
    if amount == 8:  # huit: aspirated h, so the full « de », « que »: never « d’huit »
        assert "’huit" not in text
    if amount == 11:  # onze (11): never elided either
        assert "’11" not in text and "’onze" not in text


@pytest.mark.parametrize(("qualifier", "phrase"), [
    ("under", "moins d’une heure"),
    ("within", "dans un délai d’une heure"),
    ("usually-within", "généralement dans un délai d’une heure"),
    ("as-little-as", "en aussi peu qu’une heure"),
    ("up-to", "jusqu’à une heure"),
    ("about", "environ une heure"),
    ("exactly", "une heure"),
])
def test_the_reader_reviews_examples(qualifier, phrase):
    assert fr(1, "hour", qualifier) == phrase


def test_the_model_articles_durations_are_unchanged():
    assert fr(30, "minute", "under") == f"moins de 30{NBSP}minutes"
    assert fr(2, "business-day", "usually-within") == "généralement dans un délai de deux jours ouvrables"
    assert fr(5, "business-day", "as-little-as") == "en aussi peu que cinq jours ouvrables"


@pytest.mark.parametrize(("text", "expected"), [
    ("moins de une heure", "moins d’une heure"),
    ("en aussi peu que un jour", "en aussi peu qu’un jour"),
    ("jusque à", "jusqu’à"),
    ("de heures", "d’heures"),
    ("De une", "D’une"),
    ("que onze", "que onze"),
    ("de huit", "de huit"),
    ("de Huit", "de Huit"),
    ("de 11", "de 11"),
    ("de deux", "de deux"),
    ("de hors", "de hors"),
    ("lorsque il", "lorsqu’il"),
    ("monde entier", "monde entier"),  # only whole words elide
    ("code une", "code une"),
])
def test_elide(text, expected):
    assert wording.elide(text) == expected


def test_every_qualifier_and_unit_has_a_wording_in_both_languages():
    for lang in ("en", "fr"):
        for qualifier, unit in itertools.product(QUALIFIERS, UNITS):
            assert wording.duration(Duration(3, unit, qualifier, None), lang)


@pytest.mark.parametrize(("amount", "expected"), [(1, "under one hour"), (8, "under eight hours"),
                                                  (11, f"under 11{NBSP}hours"), (2, "under two hours")])
def test_english_durations_are_left_alone(amount, expected):
    assert wording.duration(Duration(amount, "hour", "under", None), "en") == expected
