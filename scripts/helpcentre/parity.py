"""Translation parity in a pull request: ``python -m helpcentre.parity --base origin/main``.

For every text written in both languages (``{en: …, fr: …}`` in
``checklists/*.yml``, ``_shared.yml`` and the templates' ``strings.yml``) whose
English changed since BASE while its French did not, or the other way round,
it warns at the changed line::

    checklists/x.yml:41:11: warning: the English changed but the French did not (sections › who › title) …

Texts are paired by their path of ids (section id › step id › item id ›
field; list entries without an id by position), read with the core's located
YAML reader from ``git show MERGE-BASE:path`` and from the working tree. Only
what the pull request changed counts: the comparison starts at the merge base
of BASE and HEAD, so changes made on main meanwhile are not blamed on it.
Whitespace alone (a re-wrapped paragraph) is no change.

Hand-written pages are compared the same way, per twin: a changed
``docs/x.en.md`` whose ``docs/x.fr.md`` did not change is reported at the
first changed line.

A reviewer accepts a change that needs no translation (a typo fix) with a YAML
comment on the text, on its key's line or on any line of its value, that was
not there before::

    title:
      en: Who can acces eReferral?   # parity: ok (typo)

A marker that was already there at BASE accepted an earlier change and
accepts no other. In a Markdown page the marker is ``<!-- parity: ok -->``.
These are warnings: the exit status is 0 unless ``--strict``.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import LANGUAGES
from .changes import GitError, changed_files, comparison_base, old_bytes
from .grammar import LANGUAGE_NAMES
from .problems import Location, Problems, github_annotation
from .source import STR, SourceFile, parse_source, walk_nodes

MARKER = re.compile(r"#\s*parity\s*:\s*ok\b[^\n]*", re.I)
MARKDOWN_MARKER = re.compile(r"<!--\s*parity\s*:\s*ok\b.*?-->", re.I | re.S)


# -- bilingual texts in a YAML tree ----------------------------------------------------

@dataclass
class BilingualText:
    """One ``{en: …, fr: …}`` mapping, where it is, and its values per language."""

    path: tuple[str, ...]
    values: dict[str, str]
    nodes: dict[str, yaml.ScalarNode]
    mapping: yaml.MappingNode
    key: yaml.Node | None  # the key it is the value of ("title"), when it has one

    @property
    def shown_path(self) -> str:
        return " › ".join(self.path)


def bilingual_texts(root: yaml.Node | None) -> dict[tuple[str, ...], BilingualText]:
    """Every ``{en: …, fr: …}`` text of a composed YAML tree, by its path of ids."""
    found: dict[tuple[str, ...], BilingualText] = {}
    if root is None:
        return found

    def visit(node: yaml.Node, path: tuple[str, ...], key: yaml.Node | None, depth: int) -> None:
        if depth > 60:
            return
        if isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
            names = {k.value for k, _ in pairs}
            if names and names <= set(LANGUAGES) and len(names) == len(LANGUAGES):
                values, nodes = {}, {}
                for k, v in pairs:
                    if isinstance(v, yaml.ScalarNode) and v.tag == STR:
                        values[k.value], nodes[k.value] = v.value, v
                if len(values) == len(LANGUAGES):
                    found.setdefault(path, BilingualText(path, values, nodes, node, key))
                return
            for k, v in pairs:
                visit(v, path + (k.value,), k, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                visit(item, path + (_entry_name(item, index),), key, depth + 1)

    visit(root, (), None, 0)
    return found


def _entry_name(item: yaml.Node, index: int) -> str:
    if isinstance(item, yaml.MappingNode):
        for k, v in item.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode):
                return v.value
    return f"#{index + 1}"


def normalized(text: str) -> str:
    return " ".join(text.split())


# -- comments that are markers -----------------------------------------------------------

def comment_spans(source: SourceFile) -> list[tuple[int, int]]:
    """(start, end) index spans of the text where a ``#`` is not a comment (inside scalars)."""
    spans: list[tuple[int, int]] = []
    if source.root is None:
        return spans
    text = source.text
    for node in walk_nodes(source.root):
        if isinstance(node, yaml.ScalarNode):
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in ("|", ">"):  # the header line may carry a comment; the content may not
                newline = text.find("\n", start)
                start = end if newline < 0 else newline
            spans.append((start, end))
    return spans


def markers_in(source: SourceFile, first_line: int, last_line: int, pattern: re.Pattern = MARKER,
               spans: list[tuple[int, int]] | None = None) -> list[tuple[int, str]]:
    """(line, comment) of each marker comment on lines ``first_line``..``last_line`` (1-based)."""
    text = source.text
    lines = text.split("\n")
    spans = comment_spans(source) if spans is None else spans
    found = []
    offset = sum(len(line) + 1 for line in lines[: first_line - 1])
    for number in range(first_line, min(last_line, len(lines)) + 1):
        line = lines[number - 1]
        for match in pattern.finditer(line):
            index = offset + match.start()
            if match.start() and not line[match.start() - 1].isspace():
                continue  # YAML comments start after white space
            if any(start <= index < end for start, end in spans):
                continue  # a '#' inside a value is text, not a comment
            found.append((number, match.group().strip()))
        offset += len(line) + 1
    return found


def text_lines(text: BilingualText) -> tuple[int, int]:
    """The lines a text spans, from its key's line to its last value's line (1-based)."""
    first = (text.key.start_mark.line if text.key is not None else text.mapping.start_mark.line) + 1
    last_mark = max((node.end_mark for node in text.nodes.values()), key=lambda mark: mark.index)
    last = last_mark.line + (1 if last_mark.column > 0 else 0)
    return first, max(first, last)


# -- the comparison ----------------------------------------------------------------------

@dataclass
class Report:
    problems: Problems = field(default_factory=Problems)
    accepted: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def compare_yaml(path: str, old: bytes, new: bytes, report: Report, base_name: str) -> None:
    """Warn about each text of ``path`` changed in one language only."""
    quiet = Problems()
    before = parse_source(old, path, quiet)
    after = parse_source(new, path, quiet)
    if before.root is None or after.root is None:
        return  # the validator reports files that cannot be read
    old_texts = bilingual_texts(before.root)
    new_texts = bilingual_texts(after.root)
    new_spans = comment_spans(after)
    old_spans = comment_spans(before)
    for key, text in new_texts.items():
        previous = old_texts.get(key)
        if previous is None:
            continue  # a new text: both languages are new
        changed = [lang for lang in LANGUAGES if normalized(previous.values[lang]) != normalized(text.values[lang])]
        if len(changed) != 1:
            continue
        lang = changed[0]
        other = next(l for l in LANGUAGES if l != lang)
        first, last = text_lines(text)
        markers = markers_in(after, first, last, spans=new_spans)
        old_first, old_last = text_lines(previous)
        old_markers = {comment for _, comment in markers_in(before, old_first, old_last, spans=old_spans)}
        fresh = [(line, comment) for line, comment in markers if comment not in old_markers]
        node = text.nodes[lang]
        location = Location(path, node.start_mark.line + 1, node.start_mark.column + 1)
        what = f"the {LANGUAGE_NAMES.get(lang, lang)} changed but the {LANGUAGE_NAMES.get(other, other)} did not ({text.shown_path})"
        if fresh:
            report.accepted.append(f"{location}: {what}: accepted by '{fresh[0][1]}' on line {fresh[0][0]}")
            continue
        if markers:
            advice = (f"; the '{markers[0][1]}' on line {markers[0][0]} was already there in {base_name} and accepted an earlier "
                      "change: if this one needs no translation either, write a new one, e.g. '# parity: ok (typo fix)'")
        else:
            advice = "; if it needs no translation (a typo fix), add '# parity: ok' at the end of this line"
        report.problems.add(location, what + advice, "warning")


def compare_markdown(path: str, twin: str, old: bytes | None, new: bytes, twin_changed: bool, report: Report, base_name: str) -> None:
    """Warn when a hand-written page changed and its twin did not."""
    if old is None or twin_changed:
        return
    old_text, new_text = old.decode("utf-8", errors="replace"), new.decode("utf-8", errors="replace")
    if normalized(old_text) == normalized(new_text):
        return
    lang = path.rsplit(".", 2)[-2]
    other = twin.rsplit(".", 2)[-2]
    old_markers = {m.group() for m in MARKDOWN_MARKER.finditer(old_text)}
    new_markers = [m for m in MARKDOWN_MARKER.finditer(new_text) if m.group() not in old_markers]
    line = _first_changed_line(old_text, new_text)
    what = f"the {LANGUAGE_NAMES.get(lang, lang)} page changed but its {LANGUAGE_NAMES.get(other, other)} twin {twin} did not"
    if new_markers:
        report.accepted.append(f"{path}:{line}:1: {what}: accepted by '{new_markers[0].group()}'")
        return
    report.problems.add(Location(path, line, 1), what + "; if it needs no translation, add '<!-- parity: ok -->' to the page", "warning")


def _first_changed_line(old: str, new: str) -> int:
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, _, _, j1, _ in matcher.get_opcodes():
        if tag != "equal":
            return j1 + 1
    return 1


def check(root: Path, base: str, checklists_dir: str = "checklists",
          strings_path: str | None = "scripts/helpcentre/templates/strings.yml", docs_dir: str = "docs") -> Report:
    report = Report()
    commit, note = comparison_base(root, base)
    if note:
        report.notes.append(note)
    yaml_paths = [f"{checklists_dir}/"] + ([strings_path] if strings_path else [])
    changed = changed_files(root, commit, yaml_paths + [f"{docs_dir}/"])
    for path in sorted(changed):
        file = root / path
        if path.endswith(".yml") and file.is_file() and (path.startswith(f"{checklists_dir}/") or path == strings_path):
            old = old_bytes(root, commit, path)
            if old is not None:
                compare_yaml(path, old, file.read_bytes(), report, base)
    for path in sorted(changed):
        match = re.match(rf"^({re.escape(docs_dir)}/.+)\.([a-z]{{2}})\.md$", path)
        if not match or path.startswith(f"{docs_dir}/help/") or not (root / path).is_file():
            continue
        for other in LANGUAGES:
            twin = f"{match.group(1)}.{other}.md"
            if other != match.group(2) and (root / twin).is_file():
                compare_markdown(path, twin, old_bytes(root, commit, path), (root / path).read_bytes(),
                                 twin in changed, report, base)
    return report


def _settings(root: Path) -> dict:
    """Where the checklists, the UI strings and the pages are, as mkdocs.yml says."""
    from mkdocs_helpcentre import read_project  # mkdocs.yml is read in one place, the edge

    project = read_project(root)
    try:
        strings = (project.templates / "strings.yml").resolve().relative_to(root).as_posix()
    except ValueError:
        strings = None  # templates outside the repository: not part of a pull request
    return {"checklists_dir": project.checklists_dir, "docs_dir": project.docs_dir, "strings_path": strings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpcentre.parity", description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="origin/main", help="the branch or commit the pull request goes into (default: origin/main)")
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: here)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    parser.add_argument("--verbose", action="store_true", help="also list the changes a '# parity: ok' accepted")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        report = check(root, args.base, **_settings(root))
    except GitError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.strerror or error}: {error.filename or ''}", file=sys.stderr)
        return 2
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    problems = report.problems.sorted()
    for problem in problems:
        print(problem)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(github_annotation(problem))
    if args.verbose:
        for line in report.accepted:
            print(f"accepted: {line}")
    count = len(problems)
    accepted = f"; {len(report.accepted)} accepted by a parity marker" if report.accepted else ""
    if count:
        print(f"{count} text{'s' if count != 1 else ''} changed in one language only{accepted}.", file=sys.stderr)
    else:
        print(f"translation parity with {args.base}: no problems{accepted}.", file=sys.stderr)
    return 1 if args.strict and count else 0


if __name__ == "__main__":
    sys.exit(main())
