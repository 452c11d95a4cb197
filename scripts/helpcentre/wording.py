"""Data said in words: durations, counts and opening hours, per language.

Both languages spell out one to nine and use digits from 10 (Canadian Press
and the Translation Bureau agree): "under 30 minutes", "within two business
days" / « moins de 30 minutes », « dans un délai de deux jours ouvrables ».
"""

from __future__ import annotations

from .model import Duration

_NUMBERS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "fr": ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"],
}

# (singular, plural, French gender) of each unit.
_UNITS = {
    "en": {
        "minute": ("minute", "minutes"), "hour": ("hour", "hours"), "day": ("day", "days"),
        "business-day": ("business day", "business days"), "week": ("week", "weeks"),
    },
    "fr": {
        "minute": ("minute", "minutes", "f"), "hour": ("heure", "heures", "f"), "day": ("jour", "jours", "m"),
        "business-day": ("jour ouvrable", "jours ouvrables", "m"), "week": ("semaine", "semaines", "f"),
    },
}

_QUALIFIERS = {
    "en": {
        "exactly": "{}", "under": "under {}", "about": "about {}", "up-to": "up to {}",
        "within": "within {}", "usually-within": "usually within {}", "as-little-as": "as little as {}",
    },
    "fr": {
        "exactly": "{}", "under": "moins de {}", "about": "environ {}", "up-to": "jusqu’à {}",
        "within": "dans un délai de {}", "usually-within": "généralement dans un délai de {}",
        "as-little-as": "en aussi peu que {}",
    },
}

ALWAYS_OPEN = {
    "en": "24 hours a day, 7 days a week",
    "fr": "24 heures sur 24, 7 jours sur 7",
}


def number(amount: int, lang: str, feminine: bool = False) -> str:
    if 0 <= amount < 10:
        word = _NUMBERS[lang][amount]
        return "une" if (lang == "fr" and amount == 1 and feminine) else word
    if lang == "fr":
        return f"{amount:,}".replace(",", "\u202f")  # thin no-break space groups thousands
    return f"{amount:,}"


def quantity(amount: int, unit: str, lang: str) -> str:
    """'two business days' / « deux jours ouvrables »."""
    forms = _UNITS[lang][unit]
    feminine = lang == "fr" and forms[2] == "f"
    noun = forms[0] if amount == 1 else forms[1]
    return f"{number(amount, lang, feminine)}\u00a0{noun}" if amount >= 10 else f"{number(amount, lang, feminine)} {noun}"


def duration(value: Duration, lang: str) -> str:
    """'usually within two business days' / « généralement dans un délai de deux jours ouvrables »."""
    return _QUALIFIERS[lang][value.qualifier].format(quantity(value.amount, value.unit, lang))
