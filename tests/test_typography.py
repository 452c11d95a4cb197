"""Canadian French and English typography, and what it must leave alone."""

import pytest

from helpcentre.model import Duration
from helpcentre.typography import apply, keep_phone_numbers_whole
from helpcentre.wording import duration, quantity

NBSP = "\u00a0"


@pytest.mark.parametrize("written,expected", [
    ("Note : lisez", f"Note{NBSP}: lisez"),
    ("Note: lisez", f"Note{NBSP}: lisez"),
    ("Étape 1 : ouvrir", f"Étape 1{NBSP}: ouvrir"),
    ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
    ("«Bonjour»", f"«{NBSP}Bonjour{NBSP}»"),
    ('le "bouton"', f"le «{NBSP}bouton{NBSP}»"),
    ("Vraiment ? Oui ! Bien ; merci", "Vraiment? Oui! Bien; merci"),
    ("ouvert 24/7", "ouvert 24\u00a0heures sur\u00a024, 7\u00a0jours sur\u00a07"),  # numbers kept with their words
    ("l'organisme", "l’organisme"),
    ("à 9:30 précises", "à 9:30 précises"),
])
def test_french(written, expected):
    assert apply(written, "fr") == expected


@pytest.mark.parametrize("written", [
    "voir https://example.org/a:b?x=1 ici",
    "`code : ici ?`",
    "[lien](https://example.org/?q=a:b)",
    "<https://example.org/x>",
])
def test_french_leaves_addresses_and_code_alone(written):
    assert apply(written, "fr") == written


def test_english():
    assert apply('Click "Save" on the organization\'s page', "en") == "Click “Save” on the organization’s page"
    assert apply("Call 24/7: now", "en") == "Call 24/7: now"


def test_phone_numbers_never_break_but_addresses_stay_intact():
    assert keep_phone_numbers_whole("Call 1-866-250-1554 now") == 'Call <span class="hc-nowrap">1-866-250-1554</span> now'
    assert keep_phone_numbers_whole("[call](tel:1-866-250-1554)") == "[call](tel:1-866-250-1554)"


@pytest.mark.parametrize("amount,unit,qualifier,en,fr", [
    (30, "minute", "under", f"under 30{NBSP}minutes", f"moins de 30{NBSP}minutes"),
    (2, "business-day", "usually-within", "usually within two business days", "généralement dans un délai de deux jours ouvrables"),
    (5, "business-day", "as-little-as", "as little as five business days", "en aussi peu que cinq jours ouvrables"),
    (1, "week", "up-to", "up to one week", "jusqu’à une semaine"),
    (1, "day", "exactly", "one day", "un jour"),
    (1, "hour", "about", "about one hour", "environ une heure"),
])
def test_durations(amount, unit, qualifier, en, fr):
    value = Duration(amount, unit, qualifier, None)
    assert duration(value, "en") == en
    assert duration(value, "fr") == fr


def test_large_quantities_group_thousands_per_language():
    assert quantity(1500, "minute", "en") == f"1,500{NBSP}minutes"
    assert quantity(1500, "minute", "fr") == f"1\u202f500{NBSP}minutes"
