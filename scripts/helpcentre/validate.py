"""Load every file of ``checklists/`` into a checked :class:`~.model.Site`.

Rules that span fields or files live here, after each file's walk: ids
unique within a checklist, references that resolve, footnotes used, links
between checklists that land on a real page and anchor. Every problem of
every file is collected; nothing stops at the first.
"""

from __future__ import annotations

import difflib
import os
import pickle
from pathlib import Path

import yaml

from . import format as fmt
from . import model
from .grammar import CHECKLIST_LINK, SAME_PAGE_LINK, SLUG
from .paths import RESERVED_FRENCH
from .nogc import collector_paused
from .problems import Location, Problems
from .source import SourceFile, read_source, shared_node

RESERVED_COLLECTIONS = {"feedback"}
"""Collection ids whose address the generator uses itself (help/feedback/: comment pages)."""

RESERVED_CHECKLISTS = {"index"}
"""File names whose address the generator uses itself (help/COLLECTION/index: the collection's page)."""

SHARED_FILE = "_shared.yml"
"""Collections, roles and contacts, defined once for every checklist."""


def checklist_files(checklists_dir: Path) -> list[Path]:
    return sorted(p for p in checklists_dir.glob("*.yml") if not p.name.startswith("_"))


FileMemo = dict
"""Each checklist file's own check, by path: (its signature, the checklist, its problems).

Nearly all of validation is per file (reading, the format, Markdown safety);
what spans files (references, links, addresses) is cheap. Whoever checks the
same folder again and again (the preview, on every save) keeps one memo and
passes it: a file is read and checked again only when its size, modification
time or inode changed."""


def load_site(root: Path, checklists_dir: str = "checklists", memo: FileMemo | None = None,
              workers: int = 1) -> tuple[model.Site | None, Problems]:
    """Read, check and link every checklist under ``root / checklists_dir``.

    Returns the site (None when there are errors) and every problem found.
    ``workers`` > 1: the files not in ``memo`` are checked in that many
    processes (:func:`check_files_in_parallel`); the result is the same.
    """
    with collector_paused():
        return _load_site(root, checklists_dir, {} if memo is None else memo, workers)


PARALLEL_FROM = 64
"""Fewer files to check than this are checked in one process (a fork costs more)."""


def check_files_in_parallel(root: Path, files: list[Path], memo: FileMemo, workers: int) -> None:
    """Fill ``memo`` for ``files`` using ``workers`` processes.

    Checking a file is independent of every other file, and nearly all of
    validation's time (the Markdown engine's verdict on each text above all).
    Each forked child checks a slice and sends its memo entries back through
    a pipe, pickled; the parent checks the first slice meanwhile. A child
    that fails leaves its files to be checked again here, in order.
    """
    slices = [files[i::workers] for i in range(workers)]
    children = []
    for part in slices[1:]:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: check, send, leave without running anything of the parent's
            code = 1
            try:
                os.close(reader)
                entries = {}
                for file in part:
                    _checked_file(root, file, entries)
                with os.fdopen(writer, "wb") as out:
                    pickle.dump(entries, out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        children.append((pid, reader))
    for file in slices[0]:
        _checked_file(root, file, memo)
    for pid, reader in children:
        try:
            with os.fdopen(reader, "rb") as incoming:
                memo.update(pickle.load(incoming))
        except (EOFError, pickle.UnpicklingError):
            pass  # checked again in the caller's loop
        finally:
            os.waitpid(pid, 0)


def file_signature(file: Path) -> tuple[int, int, int] | None:
    """What changes when a file is saved or replaced: size, modification time, inode (None: unreadable)."""
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _checked_file(root: Path, file: Path, memo: FileMemo, signature=None) -> tuple[model.Checklist | None, Problems]:
    signature = file_signature(file) if signature is None else signature
    known = memo.get(file)
    if signature is not None and known is not None and known[0] == signature:
        return known[1], known[2]
    problems = Problems()
    checklist = load_checklist(root, file, problems)
    memo[file] = (signature, checklist, problems)
    return checklist, problems


def _load_site(root: Path, checklists_dir: str, memo: FileMemo, workers: int) -> tuple[model.Site | None, Problems]:
    problems = Problems()
    directory = root / checklists_dir
    if not directory.is_dir():
        problems.add(Location(checklists_dir), "the checklists folder does not exist")
        return None, problems
    for stray in sorted(directory.glob("*.yaml")):
        problems.add(Location(_display(root, stray)), "checklist files end in .yml, not .yaml; rename the file")

    shared, broken = _load_shared(root, directory / SHARED_FILE, problems)
    checklists: dict[str, model.Checklist] = {}
    files = checklist_files(directory)
    for gone in memo.keys() - set(files):
        del memo[gone]
    signatures = {file: file_signature(file) for file in files}  # each file stat-ed once per check
    unchecked = [file for file in files if file not in memo or memo[file][0] != signatures[file]]
    if workers > 1 and len(unchecked) >= PARALLEL_FROM and hasattr(os, "fork"):
        check_files_in_parallel(root, unchecked, memo, workers)
    for file in files:
        checklist, own = _checked_file(root, file, memo, signatures[file])
        problems.include(own)
        if checklist is not None:
            checklists[checklist.id] = checklist
        if own.has_errors and SLUG.match(file.stem):
            # Its own errors are the cause; what others say of it would be guesses.
            broken["checklist"].add(file.stem)

    if shared is None:
        if checklists:
            problems.add(Location(_display(root, directory / SHARED_FILE)), "the collections, roles and contacts that checklists "
                         f"name were not checked: {SHARED_FILE} has errors; fix it first", "warning")
        return None, problems
    skipped = Skipped(broken)
    footnotes = {checklist.id: _link_checklist(checklist, shared, checklists, problems, skipped) for checklist in checklists.values()}
    skipped.report(problems, root, directory)
    if problems.has_errors:
        return None, problems
    members: dict[str, list[model.Checklist]] = {}
    for checklist in sorted(checklists.values(), key=lambda c: (c.order, c.title.en.lower())):
        members.setdefault(checklist.collection.id, []).append(checklist)
    _check_french_addresses(shared, members, problems)
    if problems.has_errors:
        return None, problems
    return model.Site(shared, checklists, members, footnotes), problems


def _check_french_addresses(shared: model.Shared, members: dict[str, list[model.Checklist]], problems: Problems) -> None:
    """French addresses (french-slug, or the id) are unique where they share a folder,
    and collections keep clear of the folders the site uses itself."""
    folders: dict[str, model.Collection] = {}
    for collection in shared.collections.values():
        if not collection.french_slug:
            continue  # its French pages keep the English addresses, under /fr/help/
        slug = collection.french_slug
        if slug in RESERVED_FRENCH:
            problems.add(collection.location, f"the French address '{slug}' is kept for the help centre's own pages; "
                         "give the collection another french-slug")
        elif slug in folders:
            problems.add(collection.location, f"the French address '{slug}' is already that of collection "
                         f"'{folders[slug].id}' (line {folders[slug].location.line}); give one of them another french-slug")
        else:
            folders[slug] = collection
        seen: dict[str, model.Checklist] = {}
        for checklist in members.get(collection.id, []):
            article = checklist.french_slug or checklist.id
            if article in seen:
                problems.add(checklist.location, f"the French address '{article}' is already that of checklist "
                             f"'{seen[article].id}' in the same collection; give one of them another french-slug")
            seen[article] = checklist


def _display(root: Path, file: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def _walk(root: Path, file: Path, spec: fmt.Obj, problems: Problems):
    # within=root: a checklist may be a symbolic link inside the repository, never to a file outside it
    source: SourceFile = read_source(file, _display(root, file), problems, within=root)
    if source.root is None:
        return None, None
    walk = fmt.Walk(source, problems)
    alias = shared_node(source.root, source.text)
    if alias is not None:
        problems.add(walk.at(alias), "YAML anchors and aliases (&name, *name) are not allowed in checklists; write the value out "
                                     "(text that starts with & or * goes in double quotes)")
        return None, walk
    if not fmt._enter(source.root, walk, 0):
        return None, walk
    values = spec.check(source.root, walk, 0)
    return (None if values is fmt.MISSING else values), walk


class Skipped:
    """References not checked because what they name has errors of its own.

    A checklist that does not validate, or a role whose entry in _shared.yml
    is broken, is the cause: reporting "there is no checklists/x.yml" or
    "unknown role" about the files that name it would send editors to the
    wrong file. Those checks are skipped, and each cause says so once.
    """

    def __init__(self, broken: dict[str, set[str]]):
        self.broken = broken
        self.named: dict[tuple[str, str], int] = {}

    def covers(self, what: str, identifier: str) -> bool:
        if identifier in self.broken.get(what, ()):
            self.named[(what, identifier)] = self.named.get((what, identifier), 0) + 1
            return True
        return False

    def report(self, problems: Problems, root: Path, directory: Path) -> None:
        for (what, identifier), count in sorted(self.named.items()):
            where = (_display(root, directory / f"{identifier}.yml") if what == "checklist"
                     else _display(root, directory / SHARED_FILE))
            times = "once" if count == 1 else f"{count} times"
            problems.add(Location(where), f"the {what} '{identifier}' is named {times} elsewhere; those references were not "
                         "checked because of the errors above: fix them first", "warning")


def _entry_ids(source: SourceFile | None) -> dict[str, set[str]]:
    """The ids written in each list of _shared.yml, valid or not (from the nodes)."""
    found: dict[str, set[str]] = {"collection": set(), "role": set(), "contact": set()}
    root = source.root if source is not None else None
    if not isinstance(root, yaml.MappingNode):
        return found
    for key_node, value_node in root.value:
        what = {"collections": "collection", "roles": "role", "contacts": "contact"}.get(getattr(key_node, "value", None))
        if what is None or not isinstance(value_node, yaml.SequenceNode):
            continue
        for entry in value_node.value:
            if isinstance(entry, yaml.MappingNode):
                for k, v in entry.value:
                    if getattr(k, "value", None) == "id" and isinstance(v, yaml.ScalarNode):
                        found[what].add(v.value)
    return found


def _load_shared(root: Path, file: Path, problems: Problems) -> tuple[model.Shared | None, dict[str, set[str]]]:
    """The shared definitions, and the ids of entries written but broken."""
    display = _display(root, file)
    broken: dict[str, set[str]] = {"collection": set(), "role": set(), "contact": set(), "checklist": set()}
    if not file.exists():
        problems.add(Location(display), f"{SHARED_FILE} is missing: it defines the collections, roles and contacts that checklists name")
        return None, broken
    values, walk = _walk(root, file, fmt.SHARED, problems)
    if values is None:
        return None, broken
    shared = model.Shared(display)
    for key, target in (("collections", shared.collections), ("roles", shared.roles), ("contacts", shared.contacts)):
        for entry in values.get(key, []):
            if key == "collections" and entry.id in RESERVED_COLLECTIONS:
                problems.add(entry.location, f"the collection id '{entry.id}' is kept for the help centre's own pages; choose another")
            if entry.id in target:
                problems.add(entry.location, f"the {key[:-1]} id '{entry.id}' is defined twice (first at line {target[entry.id].location.line})")
            target[entry.id] = entry
    written = _entry_ids(walk.source if walk else None)
    for what, table in (("collection", shared.collections), ("role", shared.roles), ("contact", shared.contacts)):
        broken[what] = written[what] - set(table)
    return shared, broken


def load_checklist(root: Path, file: Path, problems: Problems) -> model.Checklist | None:
    display = _display(root, file)
    stem = file.stem
    if not SLUG.match(stem) or len(stem) > 64:
        problems.add(Location(display), f"the file name '{file.name}' is the checklist's id and address: use lowercase letters, digits and hyphens, e.g. rms-administrator-job-aid.yml")
        return None
    if stem in RESERVED_CHECKLISTS:
        problems.add(Location(display), f"the file name '{file.name}' is kept for the collection's own page; choose another name")
        return None
    values, walk = _walk(root, file, fmt.CHECKLIST, problems)
    if values is None:  # every missing or wrong field is reported already
        return None
    checklist = model.Checklist(
        id=stem,
        path=display,
        location=walk.at(walk.source.root),
        markdown_links=walk.links,
        **{key.replace("-", "_"): value for key, value in values.items()},
    )
    _check_ids(checklist, problems)
    return checklist


def _check_ids(checklist: model.Checklist, problems: Problems) -> None:
    """Section, step, sub-item and timeline ids share one namespace: the page's anchors."""
    seen: dict[str, Location] = {}

    def claim(identifier: str, location: Location, what: str) -> None:
        if identifier.startswith("hc-") or identifier == "index":
            problems.add(location, f"the {what} id '{identifier}' is kept for the pages and ids the templates add (it is 'index' or starts with 'hc-'); choose another")
        elif identifier in seen:
            problems.add(location, f"the {what} id '{identifier}' is already used at line {seen[identifier].line}; ids must be unique within a checklist")
        else:
            seen[identifier] = location

    for section in checklist.sections:
        claim(section.id, section.location, "section")
        for entry in section.timeline:
            claim(entry.id, entry.location, "timeline")
        for step in section.steps:
            claim(step.id, step.location, "step")
            for item in step.items:
                claim(item.id, item.location, "sub-item")
    footnotes: dict[str, Location] = {}
    for note in checklist.footnotes:
        if note.id in footnotes:
            problems.add(note.location, f"the footnote id '{note.id}' is already used at line {footnotes[note.id].line}")
        footnotes[note.id] = note.location


def _link_checklist(checklist: model.Checklist, shared: model.Shared, checklists: dict[str, model.Checklist],
                    problems: Problems, skipped: Skipped) -> model.Footnotes:
    """Resolve every reference of ``checklist``; return its footnotes' numbers and first referrers."""
    def resolve(ref: model.Ref | None, table: dict, what: str, where: str) -> None:
        if ref is not None and ref.id not in table and not skipped.covers(what, ref.id):
            known = ", ".join(sorted(table)) or "none yet"
            problems.add(ref.location, f"unknown {what} '{ref.id}'{did_you_mean(ref.id, table)}; {where} defines: {known}")

    resolve(checklist.collection, shared.collections, "collection", "_shared.yml")
    resolve(checklist.audience, shared.roles, "role", "_shared.yml")
    for ref in checklist.contacts:
        resolve(ref, shared.contacts, "contact", "_shared.yml")

    notes = {note.id: note for note in checklist.footnotes}
    first_referrer: dict[str, str] = {}  # in order of first use
    for section in checklist.sections:
        for ref in section.contacts:
            resolve(ref, shared.contacts, "contact", "_shared.yml")
        for step in section.steps:
            resolve(step.role, shared.roles, "role", "_shared.yml")
            for owner in [step, *step.items]:
                if owner.footnote is not None:
                    resolve(owner.footnote, notes, "footnote", "this checklist's 'footnotes'")
                    if owner.footnote.id in notes:
                        first_referrer.setdefault(owner.footnote.id, owner.id)
    for note in checklist.footnotes:
        if note.id not in first_referrer:
            problems.add(note.location, f"the footnote '{note.id}' is never referred to; add 'footnote: {note.id}' to a step or sub-item, or remove it")

    for link in checklist.links:
        if link.checklist is not None:
            target = checklists.get(link.checklist.id)
            if target is None:
                resolve(link.checklist, checklists, "checklist", "checklists/")
            elif link.anchor is not None and link.anchor.id not in target.anchors() and not skipped.covers("checklist", target.id):
                problems.add(link.anchor.location, f"'{link.anchor.id}' is not a section, step or sub-item of checklist "
                             f"'{target.id}'{did_you_mean(link.anchor.id, target.anchors())}")
    for lang, target, location in checklist.markdown_links:
        _check_internal_link(target, checklist, checklists, location, problems, skipped)
    return model.Footnotes({note: number for number, note in enumerate(first_referrer, 1)}, first_referrer)


def _check_internal_link(target: str, checklist: model.Checklist, checklists: dict[str, model.Checklist],
                         location: Location, problems: Problems, skipped: Skipped) -> None:
    same_page = SAME_PAGE_LINK.match(target)
    if same_page:
        anchor = same_page.group(1)
        if anchor not in checklist.anchors() and not skipped.covers("checklist", checklist.id):
            problems.add(location, f"link to '#{anchor}': no section, step or sub-item of this checklist has that id"
                         f"{did_you_mean(anchor, checklist.anchors())}")
        return
    other = CHECKLIST_LINK.match(target)
    if other:
        identifier, anchor = other.groups()
        if skipped.covers("checklist", identifier):
            return
        if identifier not in checklists:
            problems.add(location, f"link to checklist '{identifier}': there is no checklists/{identifier}.yml"
                         f"{did_you_mean(identifier, checklists)}")
        elif anchor and anchor not in checklists[identifier].anchors():
            problems.add(location, f"link to '{target}': checklist '{identifier}' has no section, step or sub-item '{anchor}'"
                         f"{did_you_mean(anchor, checklists[identifier].anchors())}")


def did_you_mean(written: str, known) -> str:
    """"; did you mean 'x'?" for the closest known id, or nothing."""
    close = difflib.get_close_matches(written, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
