"""Cross-file checks: every problem at its cause, none invented about files that are fine."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpcentre.validate import load_site

FIXTURE = Path(__file__).parent / "golden" / "every-feature" / "checklists"


def project(tmp_path: Path, **files: str) -> Path:
    checklists = tmp_path / "checklists"
    shutil.copytree(FIXTURE, checklists)
    for name, text in files.items():
        (checklists / name.replace("_yml", ".yml")).write_text(text, encoding="utf-8")
    return tmp_path


def errors_by_file(problems) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in problems.errors:
        found.setdefault(problem.location.path, []).append(problem.message)
    return found


def test_a_checklist_that_cannot_be_read_causes_no_errors_in_the_files_linking_to_it(tmp_path):
    site, problems = load_site(project(tmp_path, **{"first-setup_yml": "collection: onboarding\ntitle: {en: x, fr: y\n"}))
    assert site is None
    assert set(errors_by_file(problems)) == {"checklists/first-setup.yml"}, problems.report()
    skipped = [p for p in problems.items if p.severity == "warning"]
    assert len(skipped) == 1 and "'first-setup' is named 2 times elsewhere" in skipped[0].message
    assert problems.sorted()[0].severity == "error"  # causes first


def test_a_checklist_with_a_bad_field_causes_no_anchor_errors_elsewhere(tmp_path):
    text = (FIXTURE / "first-setup.yml").read_text(encoding="utf-8").replace("qualifier: under", "qualifier: sous", 1)
    site, problems = load_site(project(tmp_path, **{"first-setup_yml": text}))
    assert list(errors_by_file(problems)) == ["checklists/first-setup.yml"], problems.report()
    assert "'sous' is not a known qualifier" in problems.report()


def test_a_broken_shared_entry_causes_no_unknown_role_errors(tmp_path):
    shared = (FIXTURE / "_shared.yml").read_text(encoding="utf-8")
    shared = shared.replace("roles:\n", "roles:\n  - id: reviewer\n    name: {en: Reviewer}\n", 1)
    add_user = (FIXTURE / "add-user.yml").read_text(encoding="utf-8").replace("role: admin", "role: reviewer")
    site, problems = load_site(project(tmp_path, _shared_yml=shared, **{"add-user_yml": add_user}))
    assert set(errors_by_file(problems)) == {"checklists/_shared.yml"}, problems.report()
    assert "the role 'reviewer' is named once elsewhere" in problems.report()


def test_a_mistyped_reference_gets_did_you_mean(tmp_path):
    add_user = (FIXTURE / "add-user.yml").read_text(encoding="utf-8").replace("contacts: [mailbox]", "contacts: [mailbx]")
    site, problems = load_site(project(tmp_path, **{"add-user_yml": add_user}))
    assert "unknown contact 'mailbx'; did you mean 'mailbox'?" in problems.report()


def test_french_addresses_are_unique_where_they_share_a_folder(tmp_path):
    shared = (FIXTURE / "_shared.yml").read_text(encoding="utf-8")
    shared = shared.replace("  - id: onboarding\n", "  - id: onboarding\n    french-slug: comptes\n", 1)
    shared = shared.replace("  - id: accounts\n", "  - id: accounts\n    french-slug: comptes\n", 1)
    shared = shared.replace("  - id: unused\n", "  - id: unused\n    french-slug: help\n", 1)
    site, problems = load_site(project(tmp_path, _shared_yml=shared))
    report = problems.report()
    assert "the French address 'comptes' is already that of collection" in report
    assert "the French address 'help' is kept for the help centre's own pages" in report


def test_french_addresses_are_declared_and_follow_the_pages(tmp_path):
    from helpcentre.paths import checklist_path, step_path, url_in

    shared = (FIXTURE / "_shared.yml").read_text(encoding="utf-8").replace(
        "  - id: onboarding\n", "  - id: onboarding\n    french-slug: integration\n", 1)
    setup = (FIXTURE / "first-setup.yml").read_text(encoding="utf-8").replace(
        "collection: onboarding\n", "collection: onboarding\nfrench-slug: premiere-configuration\n", 1)
    site, problems = load_site(project(tmp_path, _shared_yml=shared, **{"first-setup_yml": setup}))
    assert site is not None, problems.report()
    checklist = site.checklists["first-setup"]
    assert url_in(checklist_path(checklist), "fr", site) == "fr/integration/premiere-configuration/"
    assert url_in(step_path(checklist, checklist.steps[0]), "fr", site) == f"fr/integration/premiere-configuration/{checklist.steps[0].id}/"
    assert url_in(checklist_path(checklist), "en", site) == "help/onboarding/first-setup/"
    other = site.checklists["add-user"]  # its collection declares no French address: it keeps the English one
    assert url_in(checklist_path(other), "fr", site) == "fr/help/accounts/add-user/"


def test_checking_on_several_cores_finds_what_one_finds(tmp_path):
    """load_site(workers=2) forks for many files: the same site, the same problems in the same order."""
    from helpcentre.validate import PARALLEL_FROM, load_site

    fixture = Path(__file__).parent / "golden" / "every-feature" / "checklists"
    folder = tmp_path / "checklists"
    shutil.copytree(fixture, folder)  # what the copies link to
    model = sorted(p for p in fixture.glob("*.yml") if not p.name.startswith("_"))[0].read_text(encoding="utf-8")
    for number in range(PARALLEL_FROM + 6):
        text = model + (f"\nunknown-field-{number}: 1\n" if number % 7 == 0 else "")
        (folder / f"copy-{number:03d}.yml").write_text(text, encoding="utf-8")
    one = load_site(tmp_path, "checklists", {}, workers=1)
    two = load_site(tmp_path, "checklists", {}, workers=2)
    assert one[1].report() == two[1].report()
    assert len(one[1].errors) >= (PARALLEL_FROM + 6) // 7
    for number in range(0, PARALLEL_FROM + 6, 7):
        (folder / f"copy-{number:03d}.yml").write_text(model, encoding="utf-8")
    one, two = load_site(tmp_path, "checklists", {}, workers=1), load_site(tmp_path, "checklists", {}, workers=2)
    assert one[0] is not None and two[0] is not None
    assert sorted(one[0].checklists) == sorted(two[0].checklists)
    assert one[0].checklists == two[0].checklists
