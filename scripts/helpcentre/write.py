"""Write the rendered pages into the generator's own folder, ``docs/help/``.

Two rules keep editors' work and ``mkdocs serve`` safe:

* a file is written only when its content changed, so the live-reload
  watcher sees no change after a rebuild and does not loop;
* only this folder is ever written or cleaned, and only when it carries the
  marker file that says the generator owns it: hand-written pages elsewhere
  under ``docs/`` are never touched.

A page given as None is one whose text nobody reads yet (the preview renders
only what is being edited, the engine knows the page without its file): its
file, if there is one, is left as it is. A page given as :data:`ELSEWHERE` is
written by another process (the build's other language): its file is made,
empty, if it does not exist yet, so that the engine finds it now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MARKER = ".generated-by-helpcentre"
MARKER_TEXT = (
    "This folder is written by scripts/helpcentre from checklists/*.yml on every build.\n"
    "Edit the YAML files instead: anything changed here is overwritten or removed.\n"
)


ELSEWHERE = "\x00written by another process"
"""A page's text, for :func:`write_pages`: another process writes it (a NUL never starts a page)."""


class NotOurFolder(Exception):
    """The output folder exists, has files, and was not made by the generator."""


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def write_pages(docs_dir: Path, folder: str, pages: dict[str, str | None]) -> WriteReport:
    """Make ``docs_dir/folder`` hold exactly ``pages`` (paths relative to ``docs_dir``)."""
    out_dir = docs_dir / folder
    marker = out_dir / MARKER
    if out_dir.exists() and any(out_dir.iterdir()) and not marker.exists():
        raise NotOurFolder(
            f"{out_dir} already holds files the generator did not write; "
            f"move them elsewhere (the generator owns docs/{folder}/)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    if not marker.exists():
        marker.write_text(MARKER_TEXT, encoding="utf-8")

    report = WriteReport()
    for relative, content in sorted(pages.items()):
        parts = PurePosixPath(relative).parts
        # A lexical check, not Path.resolve(): resolving thousands of paths per
        # build costs more than rendering them, and the names come from our renderer.
        if not parts or parts[0] != folder or ".." in parts or PurePosixPath(relative).is_absolute():
            raise ValueError(f"refusing to write {relative} outside docs/{folder}/")
        target = docs_dir / relative
        if content is None:
            continue
        if content is ELSEWHERE:
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()  # never truncates: the other process may have written it since
            continue
        data = content.encode("utf-8")
        try:
            if target.read_bytes() == data:
                report.unchanged.append(relative)
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)  # atomic: the watcher never sees half a page
        report.written.append(relative)

    for stale in sorted(out_dir.rglob("*.md"), reverse=True):
        relative = stale.relative_to(docs_dir).as_posix()
        if relative not in pages:
            stale.unlink()
            report.removed.append(relative)
    for directory in sorted((p for p in out_dir.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    return report
