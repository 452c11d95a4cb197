"""The one synthetic help centre of the benchmarks: checklists the size and shape of the model article.

``write_site(folder, n)`` replaces ``folder``'s YAML files with ``_shared.yml``
(several collections, the model's roles and contacts) and ``n`` bilingual
checklists shaped like ``checklists/rms-administrator-job-aid.yml``: four
sections (a body with a list and a tip; three steps with roles; three steps,
the first with six sub-items, details, an optional item, a footnote and a
warning; a timeline), a footnote, a contact, about 9 KiB each. Every checklist
also links to others, as editors write it: ``[text](checklist:ID#step-id)``
in Markdown text, a same-page ``[text](#step-id)``, and ``links:`` entries
(``checklist: ID`` with ``anchor: step-id``). Built, every page also carries
the theme's scripts and the support line's ``tel:`` link: every kind of link
:mod:`bench.faults` breaks has somewhere to go.

Used by ``make bench`` (:mod:`bench.run`) and the link checkers' comparison
(:mod:`bench.linkcheck`).
Deterministic: the same ``n`` always writes the same bytes.
"""

from __future__ import annotations

from pathlib import Path

STEP_IDS = (
    "submit-onboarding-request", "sign-participant-agreement", "receive-next-steps-email",
    "create-ocean-site", "complete-online-training", "invite-and-train-users",
)
"""Steps of every synthetic checklist, in order (anchors other checklists link to)."""

STEPS_PER_CHECKLIST = len(STEP_IDS)


def pages_per_checklist(feedback: bool = True) -> int:
    """Generated pages of one checklist, both languages: its article, one guided page
    per step and, with a feedback endpoint, its comment page."""
    return 2 * (1 + STEPS_PER_CHECKLIST + (1 if feedback else 0))


EDITABLE_SENTENCE = "usually the owner or the medical director."
"""A sentence of every synthetic checklist's English body: the preview benchmark rewords it."""


def article_address(number: int, n: int) -> str:
    """The English address of checklist ``number``'s article."""
    return f"help/service-area-{(number - 1) % collections_for(n) + 1}/{checklist_id(number)}/"


def collections_for(n: int) -> int:
    """Several collections: about a hundred checklists each, three to ten of them."""
    return max(1, min(n, max(3, min(10, n // 100))))


def checklist_id(number: int) -> str:
    return f"job-aid-{number:04d}"


SHARED = """\
# yaml-language-server: $schema=../schema/shared.schema.json
#
# Synthetic help centre for the benchmark ({n} checklists in {count} collections).

collections:
{collections}
roles:
  - id: lrp
    name:
      en: Legally responsible person
      fr: Personne légalement responsable
    abbreviation:
      en: LRP
      fr: PLR
    description:
      en: The person who can sign for the organization and bind it legally, usually the owner or the medical director.
      fr: La personne autorisée à signer au nom de l’organisme et à l’engager légalement, généralement le propriétaire ou le directeur médical.
  - id: rms-administrator
    name:
      en: RMS administrator
      fr: Administrateur SGR
    description:
      en: The person the LRP names to set up and oversee the Referral Management System (RMS).
      fr: La personne désignée par la PLR pour configurer et superviser le système de gestion des références (SGR).
  - id: ontario-health
    name:
      en: Ontario Health
      fr: Santé Ontario

contacts:
  - id: service-desk
    name:
      en: Ontario Health Digital Services support (Service Desk)
      fr: Service de soutien des services numériques de Santé Ontario
    purpose:
      en: Technical support at any time.
      fr: Soutien technique à tout moment.
    phone: 1-866-250-1554
    always-open: true
"""

COLLECTION = """\
  - id: service-area-{c}
    order: {c}
    title:
      en: Service area {c}
      fr: Secteur de service {c}
    summary:
      en: Joining service area {c} and setting it up for your organization.
      fr: Adhérer au secteur de service {c} et le configurer pour votre organisme.
"""

CHECKLIST = """\
# yaml-language-server: $schema=../schema/checklist.schema.json
#
# Synthetic job aid {n} (benchmark): the shape and size of rms-administrator-job-aid.yml.

collection: service-area-{c}
order: {n}
audience: rms-administrator
title:
  en: Administrator job aid {n}
  fr: Outil de travail {n} pour l’administrateur
summary:
  en: Who can join service {n}, what happens after the request, and what the administrator sets up.
  fr: Qui peut adhérer au service {n}, ce qui se passe après la demande et ce que l’administrateur configure.

sections:
  - id: who-can-access
    title:
      en: Who can access service {n}?
      fr: Qui peut accéder au service {n}?
    body:
      en: |
        To access service {n}, your organization must be a **health information
        custodian (HIC)** that delivers health care through programs and services it
        operates in Ontario, in compliance with the *Personal Health Information
        Protection Act, 2004* (PHIPA). Before you start, read [the setup steps](#create-ocean-site)
        and [how job aid {other} begins](checklist:{other_id}#submit-onboarding-request).

        - A HIC is a person or organization that has custody or control of personal
          health information (PHI) in the course of its health-care powers or duties.

        You must be the **legally responsible person (LRP)**, or hold authority delegated
        by the LRP. The LRP can sign for the organization and bind it legally; this is
        usually the owner or the medical director.
      fr: |
        Pour accéder au service {n}, votre organisme doit être un **dépositaire de
        renseignements sur la santé (DRS)** qui fournit des soins de santé par l’entremise
        des programmes et services qu’il exploite en Ontario, conformément à la *Loi de
        2004 sur la protection des renseignements personnels sur la santé* (LPRPS). Avant
        de commencer, lisez [les étapes de configuration](#create-ocean-site) et
        [le début de l’outil {other}](checklist:{other_id}#submit-onboarding-request).

        - Un DRS est une personne ou un organisme qui a la garde ou le contrôle de
          renseignements personnels sur la santé (RPS) dans l’exercice de ses fonctions
          ou pouvoirs liés aux soins de santé.

        Vous devez être la **personne légalement responsable (PLR)** ou avoir reçu une
        délégation de pouvoir de la PLR. La PLR peut signer au nom de l’organisme et
        l’engager légalement; il s’agit généralement du propriétaire ou du directeur
        médical.
    callouts:
      - type: tip
        title:
          en: Not sure who your LRP is?
          fr: Vous ne savez pas qui est la PLR?
        body:
          en: Ask the decision maker or department head, for example at your clinic or hospital.
          fr: Consultez le décideur ou le responsable de service, par exemple dans votre clinique ou votre hôpital.

  - id: what-to-expect
    title:
      en: What to expect as your organization's administrator
      fr: À quoi vous attendre en tant qu’administrateur de l’organisme
    body:
      en: The administrator is named by the LRP. Three things happen before your setup work starts.
      fr: L’administrateur est désigné par la PLR. Trois étapes précèdent vos travaux de configuration.
    steps:
      - id: submit-onboarding-request
        role: lrp
        text:
          en: Submit a request for service {n} by completing the Onboarding Request, naming an administrator to set up and oversee the system.
          fr: Demander le service {n} en remplissant le formulaire de demande d’intégration, en désignant un administrateur chargé de configurer et de superviser le système.
      - id: sign-participant-agreement
        role: lrp
        text:
          en: Review, e-sign and return the Participant Agreement to proceed with onboarding (see [the same step of job aid {prev}](checklist:{prev_id}#sign-participant-agreement)).
          fr: Examiner, signer électroniquement et retourner l’Entente de participation pour procéder à l’intégration (voir [la même étape de l’outil {prev}](checklist:{prev_id}#sign-participant-agreement)).
      - id: receive-next-steps-email
        role: rms-administrator
        text:
          en: Once the signed agreement is received, watch for an email with the training options available and your next steps.
          fr: Une fois l’entente retournée, surveiller le courriel qui présente les options de formation offertes et les prochaines étapes.

  - id: setup-responsibilities
    title:
      en: Your responsibilities during setup
      fr: Vos responsabilités pendant la configuration
    callouts:
      - type: info
        body:
          en: Your Regional Deployment Team offers training and support throughout the process.
          fr: Votre équipe régionale de mise en œuvre offre de la formation et du soutien tout au long du processus.
    steps:
      - id: create-ocean-site
        role: rms-administrator
        text:
          en: Start the three-step “Get Started” process and create your site for service {n}.
          fr: Commencer le processus en trois étapes « Get Started » et créer votre site pour le service {n}.
        items:
          - id: confirm-organization-information
            text:
              en: Confirm your organization's information.
              fr: Confirmer les renseignements de votre organisme.
          - id: provide-emr-information
            text:
              en: Provide your electronic medical record (EMR) information.
              fr: Fournir les renseignements sur votre dossier médical électronique (DME).
          - id: sign-ocean-eula
            text:
              en: Sign the End User License Agreement (EULA).
              fr: Signer le contrat de licence d’utilisateur final.
          - id: set-encryption-key
            text:
              en: Set an encryption key.
              fr: Définir une clé de chiffrement.
            details:
              en: |
                It is called the Shared Encryption Key. Only an authorized representative
                of your organization should set it. The key is stored in the browser, so each
                other computer that uses the service must enter it too.
              fr: |
                On l’appelle « Shared Encryption Key ». Seul un représentant autorisé de
                votre organisme devrait la définir. La clé est conservée dans le navigateur :
                chaque autre ordinateur qui utilise le service doit donc la saisir aussi.
          - id: invite-other-users
            optional: true
            text:
              en: Invite other users.
              fr: Inviter d’autres utilisateurs.
          - id: complete-ocean-request-form
            footnote: ocean-review
            text:
              en: Complete your request form.
              fr: Remplir votre formulaire de demande.
        callouts:
          - type: warning
            title:
              en: Keep the key private
              fr: Gardez la clé confidentielle
            body:
              en: Never send the encryption key, passwords or personal health information (PHI) in a support ticket.
              fr: N’envoyez jamais la clé de chiffrement, des mots de passe ou des renseignements personnels sur la santé (RPS) dans une demande de soutien.
      - id: complete-online-training
        role: rms-administrator
        text:
          en: Complete the online training.
          fr: Suivre la formation en ligne.
      - id: invite-and-train-users
        role: rms-administrator
        text:
          en: Invite and train new users (as in [job aid {other}](checklist:{other_id}#invite-and-train-users)).
          fr: Inviter et former les nouveaux utilisateurs (comme dans [l’outil {other}](checklist:{other_id}#invite-and-train-users)).
        details:
          en: Only site administrators can invite users, from **Admin → Users → Invite Users to Site**.
          fr: Seuls les administrateurs du site peuvent inviter des utilisateurs, à partir de **Admin → Users → Invite Users to Site**.

  - id: getting-started
    title:
      en: Getting started is quick and simple
      fr: Commencer est simple et rapide
    timeline:
      - id: access-request
        label:
          en: Access request
          fr: Demande d’accès
        duration:
          amount: 30
          unit: minute
          qualifier: under
      - id: agreements-finalized
        label:
          en: Agreements finalized
          fr: Finalisation des ententes
        duration:
          amount: 2
          unit: business-day
          qualifier: usually-within
      - id: end-to-end-onboarding
        label:
          en: End-to-end onboarding
          fr: Intégration de bout en bout
        duration:
          amount: 5
          unit: business-day
          qualifier: as-little-as
        note:
          en: depending on the complexity of your setup
          fr: selon la complexité de votre configuration

footnotes:
  - id: ocean-review
    text:
      en: The service desk reviews your information and, where needed, works with your EMR vendor.
      fr: Le centre de services examinera vos renseignements et, au besoin, collaborera avec votre fournisseur de DME.

contacts:
  - service-desk

links:
  - checklist: {prev_id}
    anchor: create-ocean-site
  - checklist: {next_id}
"""


def checklist_text(number: int, n: int) -> str:
    collections = collections_for(n)
    prev = (number - 2) % n + 1
    nxt = number % n + 1
    other = (number * 7 + 3) % n + 1  # a checklist far away, often in another collection
    return CHECKLIST.format(
        n=number, c=(number - 1) % collections + 1,
        prev=prev, prev_id=checklist_id(prev), next_id=checklist_id(nxt),
        other=other, other_id=checklist_id(other),
    )


def write_site(folder: Path, n: int) -> list[Path]:
    """Replace ``folder``'s YAML files with ``_shared.yml`` and ``n`` checklists; returns the checklists."""
    if n < 1:
        raise ValueError("the benchmark needs at least one checklist")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yml"):
        old.unlink()
    count = collections_for(n)
    (folder / "_shared.yml").write_text(
        SHARED.format(n=n, count=count, collections="".join(COLLECTION.format(c=c) for c in range(1, count + 1))),
        encoding="utf-8",
    )
    files = []
    for number in range(1, n + 1):
        path = folder / f"{checklist_id(number)}.yml"
        path.write_text(checklist_text(number, n), encoding="utf-8")
        files.append(path)
    return files
