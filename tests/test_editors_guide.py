"""The editors' guide keeps up with the messages editors get, and what it teaches works.

``docs/editors-guide.en.md`` has a section "When CI fails" (``{ #when-ci-fails }``)
with one entry per kind of message: a list item that starts with the
message's opening words in backticks, then the advice::

    - `unknown role '…'` — use one of the role ids the message lists, or …

The messages are those of the ``# expect:`` corpora (``tests/bad/*.yml``,
``# expect: refused`` in ``tests/hostile/*.yml``) and those the code prints
for the small cases below (YAML syntax hints, references not checked
because of other errors, lint, parity, link check, preview). Both sides are
compared after the same normalization: every quoted value (``'admn'``,
``'#invit'``, ``'<svg>'``) becomes ``'…'``, and white space is collapsed. In an
entry, ``…`` stands for any words (``the … ('…') is empty`` covers "the
summary ('en') is empty" and "the section title ('fr') is empty"). An entry
covers a message when it matches the message's start; a corpus line that is
itself cut short ("… are not allowed in chec") is covered by an entry it
starts.

So: a new kind of message without an entry fails, and so does an entry that
no message matches any more. The French guide (« Quand l’intégration
continue échoue ») quotes the same messages, in English as the code prints
them, in the same order, and follows Canadian typography.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from helpcentre import changes, lint, parity
from helpcentre.links import check_links
from helpcentre.links.__main__ import main as links_main
from helpcentre.pipeline import Project, render
from helpcentre.problems import Problems
from helpcentre.validate import load_site

TESTS = Path(__file__).parent
GUIDE = {"en": ROOT / "docs" / "editors-guide.en.md", "fr": ROOT / "docs" / "editors-guide.fr.md"}
SECTION_ANCHOR = "when-ci-fails"
GOLDEN_SHARED = TESTS / "golden" / "every-feature" / "checklists" / "_shared.yml"

BAD_EXPECT = re.compile(rb"(?:^|(?<=[\r\n]))# expect: \d+:\d+: ([^\r\n]*)")
HOSTILE_EXPECT = re.compile(r"^# expect: refused \d+:\d+: (.*)$", re.M)


# -- messages: normalized, and entries matched against them ----------------------------

QUOTED = re.compile(r"(?<!\w)'[^'\n]*'(?!\w)")
"""A quoted value: an apostrophe not inside a word ("checklist's" is no quote) up to the next
one that ends a word."""
PLACEHOLDER = "'…'"


def normalized(text: str) -> str:
    return " ".join(QUOTED.sub(PLACEHOLDER, text).split())


def entry_pattern(key: str) -> re.Pattern:
    """An entry's opening words as a pattern: literal text, with ``…`` for any words."""
    parts = normalized(key).split("…")
    return re.compile(".*?".join(re.escape(part) for part in parts))


def covers(key: str, message: str) -> bool:
    wanted = normalized(message)
    if entry_pattern(key).match(wanted):
        return True
    # A corpus line cut short ("… are not allowed in chec") is the start of a message:
    # covered by an entry written out longer, as long as the line says enough.
    return len(wanted.split()) >= 4 and normalized(key).startswith(wanted)


def literal_words(key: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", normalized(key).replace(PLACEHOLDER, " "))


# -- the guide's section ----------------------------------------------------------------

ENTRY = re.compile(r"^- `([^`]+)`", re.M)


def section(lang: str) -> str:
    text = GUIDE[lang].read_text(encoding="utf-8")
    start = re.search(rf"^## .*\{{ #{SECTION_ANCHOR} \}}$", text, re.M)
    assert start, f"{GUIDE[lang].name} has no '## … {{ #{SECTION_ANCHOR} }}' section"
    end = re.search(r"^## ", text[start.end():], re.M)
    return text[start.end(): start.end() + end.start() if end else len(text)]


def entries(lang: str) -> list[str]:
    return ENTRY.findall(section(lang))


# -- the corpora ------------------------------------------------------------------------

def corpus_messages() -> list[tuple[str, str]]:
    found = []
    for file in sorted((TESTS / "bad").glob("*.yml")):
        for message in BAD_EXPECT.findall(file.read_bytes()):
            found.append((f"tests/bad/{file.name}", message.decode("utf-8")))
    for file in sorted((TESTS / "hostile").glob("*.yml")):
        for message in HOSTILE_EXPECT.findall(file.read_text(encoding="utf-8")):
            found.append((f"tests/hostile/{file.name}", message))
    return found


# -- what the code prints for the cases the corpora leave out ---------------------------

def shown(problem) -> str:
    """A problem's message as printed after its location (warnings say so)."""
    return ("" if problem.severity == "error" else f"{problem.severity}: ") + problem.message


def minimal(body: str = "", *, sections: str | None = None, title: str = "{en: T, fr: T}") -> str:
    """A small valid checklist, with ``body`` added at its end (or other ``sections``)."""
    sections = sections if sections is not None else (
        "sections:\n"
        "  - id: s\n"
        "    title: {en: S, fr: S}\n"
        "    steps:\n"
        "      - id: one\n"
        "        text: {en: One, fr: Un}\n")
    return f"collection: accounts\ntitle: {title}\nsummary: {{en: S, fr: S}}\n{sections}{body}"


def one_section(lines: str) -> str:
    return "sections:\n  - id: s\n    title: {en: S, fr: S}\n" + lines


# Each case: file name → content. Validated together with the golden _shared.yml.
VALIDATION_CASES: dict[str, str | bytes] = {
    "needs-both-languages.yml": minimal(title="Add a user"),
    "bilingual-is-a-list.yml": minimal(title="[Add, Ajouter]"),
    "text-is-a-list.yml": minimal(title="{en: [Add], fr: Ajouter}"),
    "too-long.yml": minimal(title="{en: " + "Long " * 30 + ", fr: Titre}"),
    "one-line.yml": minimal(sections=one_section("    body: {en: B, fr: B}\n").replace(
        "title: {en: S, fr: S}", "title:\n      en: |\n        Two\n        lines\n      fr: S")),
    "two-paragraphs.yml": minimal(sections=one_section(
        "    steps:\n      - id: one\n        text:\n          en: |\n            One\n\n            Two\n          fr: Un\n")),
    "true-or-false.yml": minimal(sections=one_section(
        "    steps:\n      - id: one\n        optional: maybe\n        text: {en: One, fr: Un}\n")),
    "not-a-full-address.yml": minimal("links:\n  - title: {en: Site, fr: Site}\n    url: www.example.org\n"),
    "related-link-needs-one.yml": minimal("links:\n  - title: {en: Site, fr: Site}\n"),
    "related-link-needs-title.yml": minimal("links:\n  - url: https://example.org/\n    anchor: one\n"),
    "section-needs-content.yml": minimal(sections=one_section("")),
    "heading-level.yml": minimal(sections=one_section("    body:\n      en: |\n        ## Heading\n      fr: Corps\n")),
    "not-a-checklist-link.yml": minimal(sections=one_section(
        "    body: {en: '[x](checklist:Bad_Id)', fr: Corps}\n")),
    "needs-at-least-one.yml": minimal(sections=one_section("    body: {en: B, fr: B}\n    steps: []\n")),
    "step-is-text.yml": minimal(sections=one_section("    steps:\n      - Sign in\n")),
    "step-is-missing-text.yml": minimal(sections=one_section("    steps:\n      - id: one\n")),
    "unknown-contact.yml": minimal("contacts: [nobody]\n"),
    "unknown-checklist.yml": minimal("links:\n  - checklist: nowhere\n"),
    "link-to-missing-anchor.yml": minimal(sections=one_section(
        "    body: {en: '[x](checklist:target#nope)', fr: Corps}\n")),
    "target.yml": minimal(),
    "unclosed-brace.yml": minimal().replace("title: {en: T, fr: T}", "title: {en: T, fr: T"),
    "starts-with-quote.yml": minimal(sections=one_section(
        '    body:\n      en: "Sign in" first\n      fr: Corps\n')),
    "Bad_Name.yml": minimal(),
    "stray.yaml": minimal(),
    "index.yml": minimal(),
    "utf-16.yml": "\ufeffcollection: accounts\n".encode("utf-16"),
    "is-missing.yml": "title: {en: T, fr: T}\nsummary: {en: S, fr: S}\nsections: []\n",
    "not-a-date.yml": minimal("modified: yesterday\n"),
}

# _shared.yml cases: its own checks, and what checklists that name a broken entry get.
BROKEN_SHARED = """\
collections:
  - id: accounts
    title: {en: Accounts, fr: Comptes}
    summary: {en: S, fr: S}
roles:
  - id: admin
    name: {en: Admin, fr: Admin}
  - id: admin
    name: {en: Admin, fr: Admin}
contacts:
  - id: no-name
    phone: 1-866-250-1554
  - id: neither
    name: {en: Desk, fr: Bureau}
  - id: both
    name: {en: Desk, fr: Bureau}
    phone: 1-866-250-1554
    always-open: true
    hours: {en: Weekdays, fr: En semaine}
"""

# A checklist with an error of its own, and one that links to it.
NAMED_ELSEWHERE = {
    "broken-target.yml": minimal().replace("summary: {en: S, fr: S}\n", ""),
    "linker.yml": minimal("links:\n  - checklist: broken-target\n"),
}

LINT_CASE = """\
collection: accounts
modified: 2020-01-31
review-months: 1
title: {en: T, fr: T}
summary: {en: S, fr: S}
sections:
  - id: s
    title: {en: S, fr: S}
    body:
      en: |
        Say "hello" and 'quote' this.  Call (866) 250-1554 with your account.
      fr: |
        Dites "bonjour" et “ceci”. L'accès 24/7 avec your compte.
    steps:
      - id: one
        text: {en: Open the Admin page, fr: Open the Admin page}
"""

PARITY_BEFORE = b"""\
title:
  en: Who can acces it?
  fr: Qui peut y acceder?
summary:
  en: One.  # parity: ok
  fr: Un.
"""
PARITY_AFTER = b"""\
title:
  en: Who can access it?
  fr: Qui peut y acceder?
summary:
  en: One, again.  # parity: ok
  fr: Un.
"""


def project(folder: Path, files: dict[str, str | bytes], shared: str | Path = GOLDEN_SHARED) -> Path:
    checklists = folder / "checklists"
    checklists.mkdir(parents=True)
    (checklists / "_shared.yml").write_text(shared if isinstance(shared, str) else shared.read_text(encoding="utf-8"),
                                            encoding="utf-8")
    for name, content in files.items():
        (checklists / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def validation_messages(folder: Path, files: dict[str, str | bytes], shared: str | Path = GOLDEN_SHARED) -> list[tuple[str, str]]:
    _, problems = load_site(project(folder, files, shared))
    return [(f"validate {problem.location.path}", shown(problem)) for problem in problems.sorted()]


def lint_messages(folder: Path) -> list[tuple[str, str]]:
    file = project(folder, {"lint.yml": LINT_CASE}) / "checklists" / "lint.yml"
    problems = Problems()
    lint.lint_file(file, "checklists/lint.yml", problems)
    return [("lint", shown(problem)) for problem in problems.sorted()]


def parity_messages() -> list[tuple[str, str]]:
    report = parity.Report()
    parity.compare_yaml("checklists/x.yml", PARITY_BEFORE, PARITY_AFTER, report, "origin/main")
    parity.compare_markdown("docs/x.en.md", "docs/x.fr.md", b"# Page\n\nHello.\n", b"# Page\n\nHello there.\n",
                            False, report, "origin/main")
    found = [("check-parity", shown(problem)) for problem in report.problems.sorted()]
    try:
        changes.comparison_base(ROOT, "no-such-branch-for-the-guide-test")
    except changes.GitError as error:
        found.append(("check-parity", f"error: {error}"))
    return found


def link_messages(folder: Path) -> list[tuple[str, str]]:
    site = folder / "site"
    pages = {
        "index.html": '<html lang="en"><body><a href="nope/">x</a> <a href="tel:+1866250155">t</a>'
                      ' <a href="mailto:help.example.org">m</a> <a href="#nowhere">a</a></body></html>',
        "fr/index.html": '<html lang="fr"><body><a href="../page/">x</a></body></html>',
        "page/index.html": '<html lang="en"><body></body></html>',
    }
    for name, html in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(html, encoding="utf-8")
    found = [("check-links", shown(problem)) for problem in check_links(site, None).problems]
    empty = folder / "empty-site"
    empty.mkdir()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert links_main(["--site", str(empty)]) == 2
    found += [("check-links", line) for line in err.getvalue().splitlines()]
    return found


def serve_messages() -> list[tuple[str, str]]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, str(ROOT / "scripts" / "port_free.py"), "127.0.0.1", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    return [("make serve", line) for line in result.stderr.splitlines()]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, list[tuple[str, str]]]:
    """What the code prints for each group of cases: {group: [(where, message)]}."""
    folder = tmp_path_factory.mktemp("guide-cases")
    return {
        "validate": validation_messages(folder / "validate", VALIDATION_CASES),
        "shared": validation_messages(folder / "shared", {"uses-broken.yml": minimal("contacts: [no-name]\n")},
                                      BROKEN_SHARED),
        "unreadable shared": validation_messages(folder / "unreadable", {"ok.yml": minimal()}, "collections: [\n"),
        "named elsewhere": validation_messages(folder / "elsewhere", NAMED_ELSEWHERE),
        "lint": lint_messages(folder / "lint"),
        "parity": parity_messages(),
        "links": link_messages(folder / "links"),
        "serve": serve_messages(),
    }


# -- the section covers every message, and only real ones --------------------------------

def uncovered(messages: list[tuple[str, str]], keys: list[str]) -> list[str]:
    return [f"{where}: {message}" for where, message in messages if not any(covers(key, message) for key in keys)]


def test_the_corpora_are_read():
    found = corpus_messages()
    assert len({where for where, _ in found if where.startswith("tests/bad/")}) == len(list((TESTS / "bad").glob("*.yml")))
    assert any(where.startswith("tests/hostile/") for where, _ in found)


def test_every_corpus_message_has_an_entry_in_the_guide():
    missing = uncovered(corpus_messages(), entries("en"))
    assert not missing, ("messages editors can get with no entry under 'When CI fails' in docs/editors-guide.en.md "
                         "(add '- `opening words` — what to do', and its French twin):\n  " + "\n  ".join(missing))


def test_every_case_prints_something(printed):
    # A case that no longer prints anything would silently drop its messages from the check below.
    for group, messages in printed.items():
        assert messages, group
    cases = {where.removeprefix("validate ") for where, _ in printed["validate"]}
    assert {f"checklists/{name}" for name in VALIDATION_CASES} - {"checklists/target.yml"} <= cases


def test_every_printed_message_has_an_entry_in_the_guide(printed):
    missing = uncovered([message for group in printed.values() for message in group], entries("en"))
    assert not missing, ("messages editors can get with no entry under 'When CI fails' in docs/editors-guide.en.md:\n  "
                         + "\n  ".join(missing))


def test_every_entry_matches_a_real_message(printed):
    real = corpus_messages() + [message for group in printed.values() for message in group]
    stale = [key for key in entries("en") if not any(covers(key, message) for _, message in real)]
    assert not stale, ("entries under 'When CI fails' that match no message the code prints (reword them as the "
                       "message now reads, or remove them):\n  " + "\n  ".join(stale))


def test_entries_are_specific_and_unique():
    keys = entries("en")
    assert len(keys) >= 50
    assert len(set(map(normalized, keys))) == len(keys), "an entry is listed twice"
    for key in keys:
        assert not normalized(key).startswith("…"), f"an entry starts with the message's own words: {key}"
        assert len(literal_words(key)) >= 2, f"too vague to tell messages apart: {key}"


def test_the_section_says_what_did_you_mean_means():
    assert "did you mean" in section("en")
    assert "did you mean" in section("fr")


def test_the_french_section_quotes_the_same_messages_in_the_same_order():
    english, french = entries("en"), entries("fr")
    assert len(french) == len(english)
    assert french == english


# -- the two guides are twins -----------------------------------------------------------

HEADING_ID = re.compile(r"^#+ .*\{ #([a-z0-9-]+) \}$", re.M)


def test_both_guides_have_the_same_headings_and_anchors():
    english = HEADING_ID.findall(GUIDE["en"].read_text(encoding="utf-8"))
    french = HEADING_ID.findall(GUIDE["fr"].read_text(encoding="utf-8"))
    assert english == french
    for lang in GUIDE:
        text = re.sub(r"```.*?```|(`+).*?\1", "", GUIDE[lang].read_text(encoding="utf-8"), flags=re.S)
        for anchor in re.findall(r"\]\(#([a-z0-9-]+)\)", text):
            assert anchor in english, f"{GUIDE[lang].name}: link to #{anchor}, which no heading has"


# -- French typography ------------------------------------------------------------------

def french_prose() -> list[tuple[int, str]]:
    """(line number, text) of the French guide's prose: its title and description, and the page
    without code, link targets and heading anchors (a code span counts as one word)."""
    text = GUIDE["fr"].read_text(encoding="utf-8")
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert front, "the French guide starts with its title and description"
    meta = yaml.safe_load(front.group(1))
    prose = [(2, meta["title"]), (3, meta["description"])]
    in_code = False
    for number, line in enumerate(text.split("\n"), 1):
        if number <= front.group(0).count("\n"):
            continue
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        line = re.sub(r"(`+).*?\1", "code", line)
        line = re.sub(r"\]\([^)]*\)", "]", line)  # link targets
        line = re.sub(r"\{ #[a-z0-9-]+ \}", "", line)  # heading anchors
        line = re.sub(r"<!--.*?-->", "", line)
        prose.append((number, line))
    return prose


def faults(pattern: str) -> list[str]:
    return [f"line {number}: {line.strip()}" for number, line in french_prose() if re.search(pattern, line)]


def test_french_guide_has_no_straight_apostrophe_in_its_prose():
    assert not faults("'"), "write ’, not ':\n  " + "\n  ".join(faults("'"))


def test_french_guide_has_a_no_break_space_before_each_colon():
    assert not faults(r"(?<!\u00a0):"), "a colon needs a no-break space (U+00A0) before it:\n  " + "\n  ".join(
        faults(r"(?<!\u00a0):"))


def test_french_guide_has_no_break_spaces_inside_guillemets_and_none_before_other_marks():
    assert not faults(r"«(?!\u00a0)|(?<!\u00a0)»"), "\n  ".join(faults(r"«(?!\u00a0)|(?<!\u00a0)»"))
    assert not faults(r"[ \u00a0\u202f][;!?]"), "\n  ".join(faults(r"[ \u00a0\u202f][;!?]"))
    assert not faults(r"\b24/7\b"), "write « 24 heures sur 24, 7 jours sur 7 »"


# -- the examples work as the guide says -------------------------------------------------

YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.M | re.S)
CHECKLIST_EXAMPLE = re.compile(r"\A# yaml-language-server: \$schema=\.\./schema/checklist\.schema\.json\n# checklists/([a-z0-9-]+)\.yml\n")


def yaml_blocks(lang: str) -> list[str]:
    return YAML_BLOCK.findall(GUIDE[lang].read_text(encoding="utf-8"))


def examples(lang: str) -> tuple[dict[str, list], dict[str, str]]:
    """The guide's additions to _shared.yml ({list: entries}) and its whole checklists ({file name: text})."""
    shared: dict[str, list] = {}
    checklists: dict[str, str] = {}
    for block in yaml_blocks(lang):
        found = CHECKLIST_EXAMPLE.match(block)
        if found:
            checklists[f"{found.group(1)}.yml"] = block
            continue
        value = yaml.safe_load(block)
        if isinstance(value, dict) and value and set(value) <= {"collections", "roles", "contacts"}:
            for key, entries_ in value.items():
                shared.setdefault(key, []).extend(entries_)
    return shared, checklists


@pytest.mark.parametrize("lang", GUIDE)
def test_every_yaml_example_reads(lang):
    for block in yaml_blocks(lang):
        yaml.safe_load(block)  # a broken example belongs in a ```text block


@pytest.mark.parametrize("lang", GUIDE)
def test_the_examples_are_the_same_in_both_guides(lang):
    assert examples(lang) == examples("en")


@pytest.fixture(scope="module", params=list(GUIDE))
def example_project(request, tmp_path_factory) -> tuple[str, Path]:
    """This project's checklists with the guide's examples added: (language of the guide, root)."""
    lang = request.param
    shared, checklists = examples(lang)
    assert set(shared) == {"collections", "roles", "contacts"}, "the worked example adds one of each"
    assert {"add-a-user.yml", "connect-a-clinic.yml"} <= set(checklists)
    root = tmp_path_factory.mktemp(f"guide-example-{lang}")
    shutil.copytree(ROOT / "checklists", root / "checklists")
    current = yaml.safe_load((root / "checklists" / "_shared.yml").read_text(encoding="utf-8"))
    for key, added in shared.items():
        current.setdefault(key, []).extend(added)
    (root / "checklists" / "_shared.yml").write_text(yaml.safe_dump(current, allow_unicode=True, sort_keys=False),
                                                      encoding="utf-8")
    (root / "shared-additions.yml").write_text(yaml.safe_dump(shared, allow_unicode=True), encoding="utf-8")
    for name, text in checklists.items():
        (root / "checklists" / name).write_text(text, encoding="utf-8")
    return lang, root


def test_the_examples_validate(example_project):
    _, root = example_project
    _, problems = load_site(root)
    assert not problems.items, problems.report()


def test_the_examples_follow_the_typography_the_guide_teaches(example_project):
    lang, root = example_project
    problems = Problems()
    _, checklists = examples(lang)
    for name in checklists:
        lint.lint_file(root / "checklists" / name, f"checklists/{name}", problems)
    lint.lint_file(root / "shared-additions.yml", "shared-additions.yml", problems)
    assert not problems.items, problems.report()


def test_the_worked_example_shows_what_the_guide_says(example_project):
    lang, root = example_project
    result = render(Project(root))
    assert result.site is not None, result.problems.report()
    pages = result.renderer.pages()
    english, french = (pages[f"help/primary-care/connect-a-clinic.{code}.md"] for code in ("en", "fr"))
    guide = GUIDE[lang].read_text(encoding="utf-8")
    # The abbreviation follows the role's name on every "Who" line ...
    assert english.count("Site administrator (SA)") == 3 and french.count("Administrateur du site (AS)") == 3
    assert ("Who: Site administrator (SA)" if lang == "en" else "Qui\u00a0: Administrateur du site (AS)") in guide
    # ... but not on the audience line, which names the role only.
    assert re.search(r"For: Site administrator(?! \()", english)
    # A related link to a step shows the other article's title, and leads to the step.
    job_aid = result.site.checklists["rms-administrator-job-aid"].title
    assert re.search(rf"^- \[{re.escape(job_aid.en)}\]\([^)]*#set-encryption-key\)$", english, re.M)
    assert re.search(rf"^- \[{re.escape(job_aid.fr)}\]\([^)]*#set-encryption-key\)$", french, re.M)
    assert (job_aid.en if lang == "en" else job_aid.fr) in guide
    assert re.search(r"^- \[Training for RMS administrators\]\([^)]*#complete-online-training\)$", english, re.M)
