"""What editors often get wrong in their text: ``python -m helpcentre.lint [--strict] [FILE…]``.

Reads ``checklists/*.yml`` (or the files named) with the core's located
reader and warns, at ``file:line:col``, about:

* "24/7" in French (write « 24 heures sur 24, 7 jours sur 7 »);
* straight double quotes ``"…"`` (« » in French, “ ” in English), English
  quotation marks “ ” in French, straight apostrophes ``'`` in French (’),
  single straight quotes used as quotation marks in English;
* two spaces in a row inside a line;
* a phone number not written 1-866-250-1554;
* English left in the French: a French text identical to its English twin,
  or English words (the, and, your…) that its English twin also has, outside
  quotations, code, bold and links (product names and UI labels go there).

The renderer fixes some of these in the pages (``typography.py``); the lint
tells editors about their source, so the YAML reads right too. A comment
``# lint: ok`` on a line silences it (for a name that really is English).
Warnings only: the exit status is 0 unless ``--strict``.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from .parity import BilingualText, bilingual_texts, comment_spans, markers_in, normalized
from .problems import Location, Problems, github_annotation
from .source import SourceFile, read_source
from .grammar import NOT_PROSE, PHONE, protected_spans

LINT_MARKER = re.compile(r"#\s*lint\s*:\s*ok\b[^\n]*", re.I)

# Where English may stand in French text: quotations, emphasis, code (and the above).
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"\n]*\"|\*\*[^*]+\*\*|\*[^*\n]+\*|__[^_]+__|(?<!\w)_[^_\n]+_(?!\w)|\[[^\]]*\]\(")

PHONE_LIKE = re.compile(r"(?<![\w+-])(?:\+?1[ .-]?)?\(?\d{3}\)?[ .\u00a0-]?\d{3}[ .\u00a0-]\d{4}(?![\w-])")
TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")

ENGLISH_WORDS = frozenset("""
the and with your you for this that these those from please click select then before after into will
should must have has which when what how our their they them is are was were of to by it its not
""".split())
_WORD = re.compile(r"[A-Za-zÀ-ÿ’']+")


@dataclass
class Finding:
    lang: str
    offset: int
    length: int
    message: str


def _mask(text: str, pattern: re.Pattern, code: bool = False) -> str:
    """``text`` with the matches of ``pattern`` (and with ``code``, code spans)
    blanked out, same length so offsets hold.

    The blank is NUL, not a space: a masked link must not read as spaces,
    quotes or words to the checks that follow.
    """
    if not code:
        return pattern.sub(lambda m: _BLANKABLE.sub("\x00", m.group()), text)
    out: list[str] = []
    position = 0
    for start, end in protected_spans(text, pattern):
        out.append(text[position:start])
        out.append(_BLANKABLE.sub("\x00", text[start:end]))
        position = end
    out.append(text[position:])
    return "".join(out)


_BLANKABLE = re.compile(r"[^\n]")


def lint_text(text: BilingualText) -> list[Finding]:
    """Every warning about one bilingual text, by language and offset in its value."""
    findings: list[Finding] = []
    for lang, value in text.values.items():
        prose = _mask(value, NOT_PROSE, code=True)
        findings.extend(_quotes(lang, prose))
        findings.extend(_spaces(lang, prose))
        findings.extend(_phones(lang, prose))
        if lang == "fr":
            for match in re.finditer(r"\b24\s*/\s*7\b", prose):
                findings.append(Finding(lang, match.start(), len(match.group()),
                                        "'24/7' in French: write « 24 heures sur 24, 7 jours sur 7 »"))
    if "fr" in text.values and "en" in text.values:
        findings.extend(_english_in_french(text.values["en"], text.values["fr"]))
    return findings


def _quotes(lang: str, prose: str) -> list[Finding]:
    found = []
    if lang == "fr":
        for match in re.finditer(r"\"[^\"\n]*\"|\"", prose):
            found.append(Finding(lang, match.start(), 1, "straight quotes in French: write « » (with no-break spaces inside)"))
        for match in re.finditer(r"“[^”\n]*”|[“”]", prose):
            found.append(Finding(lang, match.start(), 1, "English quotation marks in French: write « »"))
        for match in re.finditer(r"'", prose):
            found.append(Finding(lang, match.start(), 1, "straight apostrophe in French: write ’"))
    else:
        for match in re.finditer(r"\"[^\"\n]*\"|\"", prose):
            found.append(Finding(lang, match.start(), 1, "straight quotes: write curly quotes “ ”"))
        for match in re.finditer(r"(?<![\w'])'(?=[^'\n]*\w'(?![\w]))[^'\n]*'(?!\w)", prose):
            found.append(Finding(lang, match.start(), 1, "straight single quotes around a quotation: write curly quotes “ ” (or ‘ ’)"))
    return found


def _spaces(lang: str, prose: str) -> list[Finding]:
    return [Finding(lang, m.start(), len(m.group()), "two spaces in a row; one is enough")
            for m in re.finditer(r"(?<=\S)[ \u00a0]{2,}(?=\S)", prose)]


def _phones(lang: str, prose: str) -> list[Finding]:
    found = []
    for match in PHONE_LIKE.finditer(prose):
        number = match.group()
        digits = re.sub(r"\D", "", number)
        area = digits[1:4] if len(digits) == 11 else digits[:3]
        if PHONE.match(number) and not (area in TOLL_FREE and not number.startswith("1-")):
            continue
        right = f"1-{digits[-10:-7]}-{digits[-7:-4]}-{digits[-4:]}"
        found.append(Finding(lang, match.start(), len(number), f"phone number '{number}': write it {right}"))
    return found


def _english_in_french(english: str, french: str) -> list[Finding]:
    if normalized(english).lower() == normalized(french).lower():
        words = _WORD.findall(french)
        if len(words) >= 3 or any(word.lower() in ENGLISH_WORDS for word in words):
            return [Finding("fr", 0, len(french), "the French is the same as the English: translate it (or add '# lint: ok' if it is a name)")]
        return []
    english_words = {word.lower() for word in _WORD.findall(_mask(english, NOT_PROSE, code=True))}
    prose = _mask(_mask(french, NOT_PROSE, code=True), _QUOTED)
    found = []
    for match in _WORD.finditer(prose):
        word = match.group().lower()
        if word in ENGLISH_WORDS and word in english_words:
            found.append(Finding("fr", match.start(), len(match.group()),
                                 f"English word '{match.group()}' in the French text; translate it, or put a name or label in « » or **bold**"))
    return found


# -- locations -------------------------------------------------------------------------

def locate(source: SourceFile, node: yaml.ScalarNode, value: str, offset: int, length: int) -> Location:
    """Where ``value[offset:offset+length]`` is written in the file (the scalar's start if unsure)."""
    text = source.text
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("'", '"'):
        start += 1  # past the opening quote
    raw = text[start:end]
    for probe in _probes(value, offset, length):
        nth = _count(value[:offset], probe)
        position = -1
        for _ in range(nth + 1):
            position = raw.find(probe, position + 1)
            if position < 0:
                break
        if position >= 0:
            index = start + position
            line = text.count("\n", 0, index) + 1
            return Location(source.path, line, index - (text.rfind("\n", 0, index) + 1) + 1)
    return Location(source.path, node.start_mark.line + 1, node.start_mark.column + 1)


def _probes(value: str, offset: int, length: int) -> list[str]:
    snippet = value[offset:offset + max(length, 1)]
    probes = [snippet]
    if "\n" in snippet or " " in snippet.strip():
        first = snippet.split()[0] if snippet.split() else snippet
        if first and first != snippet:
            probes.append(first)
    return probes


def _count(text: str, probe: str) -> int:
    """How many times ``probe`` starts in ``text`` (overlapping)."""
    count, position = 0, text.find(probe)
    while position >= 0:
        count += 1
        position = text.find(probe, position + 1)
    return count


# -- files -----------------------------------------------------------------------------

def lint_file(file: Path, display: str, problems: Problems, root: Path | None = None) -> int:
    """Add a warning per finding of one YAML file; returns how many.

    The file is read as the validator reads it (a regular file inside ``root``)."""
    quiet = Problems()
    source = read_source(file, display, quiet, within=root)
    if source.root is None:
        return 0  # the validator says why
    spans = comment_spans(source)
    count = _review_due(source, problems)
    for text in bilingual_texts(source.root).values():
        for finding in lint_text(text):
            node = text.nodes[finding.lang]
            location = locate(source, node, text.values[finding.lang], finding.offset, finding.length)
            if markers_in(source, location.line, location.line, LINT_MARKER, spans):
                continue
            language = "French" if finding.lang == "fr" else "English"
            problems.add(location, f"{finding.message} ({language}, {text.shown_path})", "warning")
            count += 1
    return count


def _review_due(source: SourceFile, problems: Problems, today: datetime.date | None = None) -> int:
    """A warning when the article is past its review date ('modified' + 'review-months')."""
    if not isinstance(source.root, yaml.MappingNode):
        return 0
    fields = {key.value: value for key, value in source.root.value if isinstance(key, yaml.ScalarNode)}
    modified, months = fields.get("modified"), fields.get("review-months")
    if not isinstance(modified, yaml.ScalarNode) or not isinstance(months, yaml.ScalarNode):
        return 0
    try:
        changed = datetime.date.fromisoformat(modified.value)
        interval = int(months.value)
    except ValueError:
        return 0  # the validator says why
    month = changed.month - 1 + interval
    year, month = changed.year + month // 12, month % 12 + 1
    due = datetime.date(year, month, min(changed.day, calendar.monthrange(year, month)[1]))
    if (today or datetime.date.today()) < due:
        return 0
    problems.add(source.location(modified), f"the article is due for review since {due.isoformat()} (modified {changed.isoformat()}, "
                 f"review every {interval} months): check it is still right, then update 'modified'", "warning")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpcentre.lint", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="YAML files (default: checklists/*.yml)")
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: here)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    files = [f if f.is_absolute() else Path.cwd() / f for f in args.files] or sorted((root / "checklists").glob("*.yml"))
    missing = [file for file in args.files if not (file if file.is_absolute() else Path.cwd() / file).exists()]
    if missing:  # named on the command line and not there: not "linted and clean"
        for file in missing:
            print(f"error: no such file: {file}", file=sys.stderr)
        return 2
    problems = Problems()
    try:
        for file in files:
            try:
                display = file.absolute().relative_to(root).as_posix()
            except ValueError:
                display = str(file)
            # Files found in checklists/ must stay inside the project, as the
            # validator reads them; files named on the command line are the caller's.
            lint_file(file, display, problems, None if args.files else root)
    except OSError as error:
        print(f"error: {error.strerror or error}: {error.filename or ''}", file=sys.stderr)
        return 2
    warnings = problems.sorted()
    for problem in warnings:
        print(problem)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in warnings:
            print(github_annotation(problem))
    count = len(warnings)
    noun = "file" if len(files) == 1 else "files"
    print(f"{len(files)} {noun} linted: " + (f"{count} warning{'s' if count != 1 else ''}." if count else "no warnings."), file=sys.stderr)
    return 1 if args.strict and count else 0


if __name__ == "__main__":
    sys.exit(main())
