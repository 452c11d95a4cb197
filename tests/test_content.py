"""Invariants over every real file in checklists/, and over the published schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, helpcentre
from helpcentre import LANGUAGES
from helpcentre.__main__ import SCHEMAS, schema_texts
from helpcentre.validate import load_site

CHECKLISTS = sorted((ROOT / "checklists").glob("*.yml"))
MODEL_ARTICLE = ROOT / "tests" / "fixtures" / "model-article"


@pytest.fixture(scope="module")
def site():
    site, problems = load_site(ROOT)
    assert site is not None, problems.report()
    return site


def test_every_checklist_validates(site):
    assert set(site.checklists) == {p.stem for p in CHECKLISTS if not p.name.startswith("_")}


@pytest.mark.parametrize("path", CHECKLISTS, ids=lambda p: p.name)
def test_every_file_points_editors_at_its_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    schema = "shared.schema.json" if path.name == "_shared.yml" else "checklist.schema.json"
    assert first == f"# yaml-language-server: $schema=../schema/{schema}"


class SchemaToolLoader(yaml.SafeLoader):
    """YAML as editors' schema tools read it (yaml-language-server, check-jsonschema
    in .pre-commit-config.yaml): a plain 2026-12-02 stays text, which the schema
    checks against its date pattern; PyYAML alone would make it a date object."""


SchemaToolLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.mark.parametrize("path", CHECKLISTS, ids=lambda p: p.name)
def test_every_file_passes_the_published_json_schema(path):
    schema = "shared.schema.json" if path.name == "_shared.yml" else "checklist.schema.json"
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / "schema" / schema).read_text()),
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=SchemaToolLoader)
    errors = [e.message for e in validator.iter_errors(data)]
    assert errors == []


def test_the_schema_check_reads_dates_as_text_and_still_checks_them():
    validator = jsonschema.Draft202012Validator(json.loads(schema_texts()["checklist.schema.json"]))
    document = yaml.load("modified: 2026-12-02\n", Loader=SchemaToolLoader)
    assert document == {"modified": "2026-12-02"}
    bad = [e.message for e in validator.iter_errors({"modified": "2-12-2026"}) if "2-12-2026" in e.message]
    assert bad, "the schema no longer checks the date's form"


def test_published_schemas_are_up_to_date():
    for name, text in schema_texts().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, f"run `make schema` ({name})"


def test_json_schema_catches_what_editors_get_wrong():
    validator = jsonschema.Draft202012Validator(json.loads(schema_texts()["checklist.schema.json"]))
    bad = {"collection": "x", "title": {"en": "T"}, "summary": {"en": "S", "fr": "S"}, "sections": [], "tittle": 1}
    messages = " ".join(e.message for e in validator.iter_errors(bad))
    assert "'fr' is a required property" in messages
    assert "'tittle' was unexpected" in messages


def test_french_text_never_says_24_7_and_both_languages_differ_somewhere(site):
    for checklist in site.checklists.values():
        texts = []
        def collect(value):
            if hasattr(value, "en") and hasattr(value, "fr"):
                texts.append(value)
            elif isinstance(value, list):
                for v in value:
                    collect(v)
            elif hasattr(value, "__dataclass_fields__"):
                for name in value.__dataclass_fields__:
                    collect(getattr(value, name))
        collect(checklist)
        assert all("24/7" not in t.fr for t in texts)
        assert any(t.en != t.fr for t in texts)


def test_every_phone_has_its_tel_link_and_every_reference_resolves(site):
    """Computed from the live files: whatever the contacts and checklists are."""
    for contact in site.shared.contacts.values():
        if contact.phone:
            assert contact.tel == "tel:+" + re.sub(r"\D", "", contact.phone), contact.id
    for checklist in site.checklists.values():
        data = yaml.safe_load((ROOT / "checklists" / f"{checklist.id}.yml").read_text(encoding="utf-8"))
        assert checklist.collection.id == data["collection"]
        assert [s.id for s in checklist.steps] == [
            step["id"] for section in data["sections"] for step in section.get("steps") or []]
        assert [r.id for r in checklist.contacts] == list(data.get("contacts") or [])


def test_the_model_article_fixture_carries_the_seed_facts():
    """The model article as frozen in tests/fixtures/model-article (not the live file,
    which editors may reword): the facts the generator must read from it."""
    site, problems = load_site(MODEL_ARTICLE.parent, checklists_dir=MODEL_ARTICLE.name)
    assert site is not None, problems.report()
    article = site.checklists["rms-administrator-job-aid"]
    assert article.collection.id == "ereferral"
    assert [s.id for s in article.steps] == [
        "submit-onboarding-request", "sign-participant-agreement", "receive-next-steps-email",
        "create-ocean-site", "complete-online-training", "invite-and-train-users",
    ]
    create = next(s for s in article.steps if s.id == "create-ocean-site")
    assert len(create.items) == 6 and create.items[4].optional  # inviting other users is optional
    assert create.items[5].footnote.id == "ocean-review"
    timeline = {e.id: (e.duration.amount, e.duration.unit, e.duration.qualifier)
                for s in article.sections for e in s.timeline}
    assert timeline == {
        "access-request": (30, "minute", "under"),
        "agreements-finalized": (2, "business-day", "usually-within"),
        "end-to-end-onboarding": (5, "business-day", "as-little-as"),
    }
    desk = site.shared.contacts["service-desk"]
    assert desk.phone == "1-866-250-1554" and desk.always_open and desk.tel == "tel:+18662501554"
    assert [r.id for r in article.contacts] == ["service-desk"]


def test_make_validate_command_passes_on_the_real_content():
    result = helpcentre(ROOT, "validate")
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout
