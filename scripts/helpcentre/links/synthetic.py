"""A synthetic help centre of any size, for measuring link checkers.

``write_checklists(folder, count)`` writes ``_shared.yml`` and ``count``
checklists in a handful of collections, each with sections, steps, sub-items,
a timeline, footnotes, contacts, links between checklists (to pages and to
steps), same-page anchors and outside addresses: every kind of link the
generator produces. The benchmark (:mod:`helpcentre.links.bench`) builds it
with MkDocs and runs the checkers over the result.
"""

from __future__ import annotations

from pathlib import Path

COLLECTIONS = 5

SHARED = """\
# yaml-language-server: $schema=../schema/shared.schema.json
collections:
{collections}
roles:
  - id: admin
    name: {{en: Site administrator, fr: Administrateur du site}}
    abbreviation: {{en: SA, fr: AS}}
contacts:
  - id: desk
    name: {{en: Service Desk, fr: Centre de services}}
    phone: 1-866-250-1554
    always-open: true
  - id: mailbox
    name: {{en: Accounts team, fr: Équipe des comptes}}
    email: accounts@example.org
    hours: {{en: "Weekdays, 8 a.m. to 5 p.m.", fr: "En semaine, de 8 h à 17 h"}}
"""

COLLECTION = """\
  - id: topic-{n}
    order: {n}
    title: {{en: Topic {n}, fr: Sujet {n}}}
    summary: {{en: Articles about topic {n}., fr: Articles sur le sujet {n}.}}
"""

CHECKLIST = """\
# yaml-language-server: $schema=../schema/checklist.schema.json
collection: topic-{collection}
order: {n}
audience: admin
title: {{en: Article {n}, fr: Article {n} (fr)}}
summary: {{en: What article {n} covers., fr: Ce que couvre l’article {n}.}}
sections:
  - id: before
    title: {{en: Before you start, fr: Avant de commencer}}
    body:
      en: |
        Read [the steps](#do-it) first, then [article {next}](checklist:article-{next}) and
        [its second step](checklist:article-{next}#step-2). See <https://example.org/{n}>.
      fr: |
        Lisez d’abord [les étapes](#do-it), puis [l’article {next}](checklist:article-{next}) et
        [sa deuxième étape](checklist:article-{next}#step-2). Voir <https://example.org/fr/{n}>.
  - id: do-it
    title: {{en: Do it, fr: À faire}}
    steps:
      - id: step-1
        role: admin
        text: {{en: "Prepare (see [the steps](#do-it)).", fr: "Préparer (voir [les étapes](#do-it))."}}
        footnote: why
        duration: {{amount: 30, unit: minute, qualifier: under}}
      - id: step-2
        text: {{en: Configure, fr: Configurer}}
        items:
          - id: item-a
            text: {{en: "First [mail us](mailto:help@example.org)", fr: "D’abord [écrivez-nous](mailto:help@example.org)"}}
          - id: item-b
            optional: true
            text: {{en: "Then [call](tel:+18662501554)", fr: "Puis [appelez](tel:+18662501554)"}}
      - id: step-3
        text: {{en: "Check [item A of article {prev}](checklist:article-{prev}#item-a)", fr: "Vérifier [le point A de l’article {prev}](checklist:article-{prev}#item-a)"}}
  - id: timing
    title: {{en: Timing, fr: Délais}}
    timeline:
      - id: total
        label: {{en: Total, fr: Total}}
        duration: {{amount: 2, unit: business-day, qualifier: usually-within}}
    contacts: [desk]
footnotes:
  - id: why
    text: {{en: Because it helps., fr: Parce que cela aide.}}
contacts: [desk, mailbox]
links:
  - checklist: article-{prev}
    anchor: step-3
  - title: {{en: Example, fr: Exemple}}
    url: {{en: "https://example.org/en/{n}", fr: "https://example.org/fr/{n}"}}
"""


def write_checklists(folder: Path, count: int, collections: int = COLLECTIONS) -> None:
    """Replace ``folder``'s YAML files with a synthetic help centre of ``count`` articles."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yml"):
        old.unlink()
    collections = max(1, min(collections, count))
    (folder / "_shared.yml").write_text(
        SHARED.format(collections="".join(COLLECTION.format(n=c) for c in range(1, collections + 1)).rstrip("\n")),
        encoding="utf-8",
    )
    for n in range(1, count + 1):
        text = CHECKLIST.format(
            n=n,
            collection=(n - 1) % collections + 1,
            next=n % count + 1,
            prev=(n - 2) % count + 1,
        )
        (folder / f"article-{n}.yml").write_text(text, encoding="utf-8")
