"""A small built site for the search tests: each language's Material search index and home page,
written as the build writes them (per-language index, locations relative to the language's root).

The wording is the tests' own (these are fixtures, not the live site); the browser test
takes its words from a real build instead (tests/browser/test_search_no_js.py).
"""

from __future__ import annotations

import json
from pathlib import Path

SITE_URL = "https://help.example.test/"

EN_DOCS = [
    {"location": "", "title": "Help Centre", "text": "<p>Guides for administrators of health organizations.</p>"},
    {"location": "help/", "title": "All articles, A to Z", "text": "<p>Every article of the help centre.</p>"},
    {"location": "help/referrals/", "title": "Referrals", "text": "<p>Sending patients to specialists.</p>"},
    {"location": "help/referrals/send-a-referral/", "title": "Send a referral",
     "text": "<p>How to send an electronic request to a specialist clinic, step by step.</p>"},
    {"location": "help/referrals/send-a-referral/#before-you-start", "title": "Before you start",
     "text": "<p>You need an account, and the patient’s consent, before sending anything.</p>"},
    {"location": "help/accounts/reset-password/", "title": "Reset your password",
     "text": "<p>Passwords expire every 90 days. To change yours, open your profile, choose Security, "
             "then type the old and the new one. A clinic administrator can also reset it for you. "
             "Your account stays locked after five failed attempts; a referral you were writing is kept.</p>"},
    {"location": "help/accounts/configure-printers/", "title": "Printers",
     "text": "<p>Configuring printers: each clinic configures its own. Call 1-866-250-1554.</p>"},
    {"location": "help/accounts/escaping/", "title": "Pasted &lt;b&gt;markup&lt;/b&gt;",
     "text": "<p>A pasted &lt;script&gt;alert(1)&lt;/script&gt; stays text: quarantine.</p>"},
]

FR_DOCS = [
    {"location": "", "title": "Centre d’aide", "text": "<p>Des guides pour les administrateurs d’organismes de santé.</p>"},
    {"location": "help/", "title": "Tous les articles de A à Z", "text": "<p>Tous les articles du centre d’aide.</p>"},
    {"location": "help/referrals/", "title": "Références", "text": "<p>Diriger des patients vers des spécialistes.</p>"},
    {"location": "help/referrals/send-a-referral/", "title": "Envoyer une référence électronique",
     "text": "<p>Comment envoyer une demande à une clinique spécialisée, étape par étape.</p>"},
    {"location": "help/referrals/send-a-referral/#before-you-start", "title": "Avant de commencer",
     "text": "<p>Il vous faut un compte et le consentement du patient. Les étapes de mise en œuvre "
             "sont décrites plus bas.</p>"},
    {"location": "help/accounts/reset-password/", "title": "Réinitialiser votre mot de passe",
     "text": "<p>Les mots de passe expirent tous les 90 jours. Un compte créé par l’administrateur "
             "est verrouillé après cinq tentatives; la fiche créée reste enregistrée.</p>"},
    {"location": "help/accounts/configure-printers/", "title": "Imprimantes",
     "text": "<p>Configuration des imprimantes : chaque organisme configure les siennes.</p>"},
]

STYLESHEETS = ["assets/stylesheets/main.1234abcd.min.css", "assets/stylesheets/helpcentre.css"]


def home_page(lang: str, name: str, depth: int) -> str:
    up = "../" * depth
    links = "\n".join(f'<link rel="stylesheet" href="{up}{href}">' for href in STYLESHEETS)
    return f"""<!doctype html><html lang="{lang}" class="no-js"><head>{links}</head>
<body dir="ltr" data-md-color-scheme="default" data-md-color-primary="custom" onload="x()">
<header class="md-header"><nav class="md-header__inner md-grid" aria-label="{'En-tête' if lang == 'fr' else 'Header'}">
<a href="./" title="{name}" class="md-header__button md-logo" aria-label="{name}" data-md-component="logo">
  <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 8a3 3 0 0 0 3-3"/></svg>
</a>
<div class="md-header__title"><div class="md-header__ellipsis">
<div class="md-header__topic"><span class="md-ellipsis">
  {name}
</span></div>
<div class="md-header__topic" data-md-component="header-topic"><span class="md-ellipsis">Page</span></div>
</div></div></nav></header>
<p><a href="{'articles/' if lang == 'fr' else 'help/'}" class="hc-az-link">A–Z</a></p></body></html>"""


def write_index(path: Path, lang: str, docs: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {"lang": [lang], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"]}
    path.write_text(json.dumps({"config": config, "docs": docs}, ensure_ascii=False), encoding="utf-8")


def write_site(site: Path) -> Path:
    """A built site with an English index at the root and a French one under fr/."""
    write_index(site / "search" / "search_index.json", "en", EN_DOCS)
    write_index(site / "fr" / "search" / "search_index.json", "fr", FR_DOCS)
    (site / "index.html").write_text(home_page("en", "Help Centre", 0), encoding="utf-8")
    (site / "fr" / "index.html").write_text(home_page("fr", "Centre d’aide", 1), encoding="utf-8")
    return site
