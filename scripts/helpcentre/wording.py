"""Data said in words: durations, counts and opening hours, per language.

Both languages spell out one to nine and use digits from 10 (Canadian Press
and the Translation Bureau agree): "under 30 minutes", "within two business
days" / « moins de 30 minutes », « dans un délai de deux jours ouvrables ».

French templates are written with the full words (« moins de {} », « en aussi
peu que {} ») and every worded phrase goes through :func:`elide`, so whatever
fills them reads « moins d’une heure », « en aussi peu qu’un jour », while
« moins de huit heures » and « moins de 11 heures » keep their *de*: *huit*
has an aspirated h and *onze* never takes elision.
"""

from __future__ import annotations

import re

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
        "exactly": "{}", "under": "moins de {}", "about": "environ {}", "up-to": "jusque à {}",
        "within": "dans un délai de {}", "usually-within": "généralement dans un délai de {}",
        "as-little-as": "en aussi peu que {}",
    },
}

ALWAYS_OPEN = {
    "en": "24 hours a day, 7 days a week",
    "fr": "24\u00a0heures sur\u00a024, 7\u00a0jours sur\u00a07",  # no line break between a number and its word
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


# French words that drop their final e before a vowel or a mute h (de → d’,
# que → qu’, jusque → jusqu’…). Articles and pronouns (le, la, je, se…) are left
# out on purpose: no template puts them before a quantity, and before a
# numeral they do not elide (« le un », « la une »).
_ELIDABLE = ("de", "que", "jusque", "lorsque", "puisque", "quoique", "ne")

# Words that begin with a vowel sound but refuse elision: the aspirated h of
# « huit » (« de huit jours ») and « onze » (« de onze jours »), with their
# derivatives; then a few common aspirated-h words a future template might meet.
_NO_ELISION = frozenset("""
huit huitième huitièmes huitaine huitaines onze onzième onzièmes oui
hausse haut haute hauteur hors hâte hasard héros honte hameau
""".split())

_VOWELS = "aàâäeéèêëiîïoôöuùûüyœæh"
_ELISION = re.compile(
    r"\b(" + "|".join(_ELIDABLE) + r")[ \u00a0]+(?=([" + _VOWELS + r"][\w’-]*))",
    re.IGNORECASE,
)


def elide(text: str) -> str:
    """French elision before a vowel or a mute h, with the typographic apostrophe.

    « moins de une heure » → « moins d’une heure », « en aussi peu que un jour »
    → « en aussi peu qu’un jour »; « moins de huit heures » and « de 11 jours »
    stay as they are. Only the words of ``_ELIDABLE`` are touched.
    """
    def replace(match: re.Match) -> str:
        word, following = match.group(1), match.group(2)
        if following.lower() in _NO_ELISION:
            return match.group(0)
        return word[:-1] + "’"
    return _ELISION.sub(replace, text)


def duration(value: Duration, lang: str) -> str:
    """'usually within two business days' / « généralement dans un délai de deux jours ouvrables »."""
    phrase = _QUALIFIERS[lang][value.qualifier].format(quantity(value.amount, value.unit, lang))
    return elide(phrase) if lang == "fr" else phrase
