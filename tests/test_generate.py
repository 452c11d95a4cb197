"""Writing pages: only what changed, only in the generator's own folder."""

from pathlib import Path

import pytest

from helpcentre.write import ELSEWHERE, MARKER, NotOurFolder, write_pages


def test_writes_then_leaves_unchanged_pages_alone(tmp_path):
    pages = {"help/a.en.md": "A", "help/a.fr.md": "A fr"}
    first = write_pages(tmp_path, "help", pages)
    assert sorted(first.written) == sorted(pages)
    mtimes = {p: (tmp_path / p).stat().st_mtime_ns for p in pages}
    second = write_pages(tmp_path, "help", pages)
    assert second.written == [] and sorted(second.unchanged) == sorted(pages)
    assert mtimes == {p: (tmp_path / p).stat().st_mtime_ns for p in pages}
    third = write_pages(tmp_path, "help", {**pages, "help/a.fr.md": "A fr v2"})
    assert third.written == ["help/a.fr.md"]


def test_a_page_nobody_reads_is_left_as_it_is_and_another_process_s_is_made_if_missing(tmp_path):
    write_pages(tmp_path, "help", {"help/a.en.md": "A"})
    write_pages(tmp_path, "help", {"help/a.en.md": None, "help/b.en.md": None, "help/c.en.md": ELSEWHERE})
    assert (tmp_path / "help/a.en.md").read_text() == "A"  # neither rewritten nor removed
    assert not (tmp_path / "help/b.en.md").exists()  # the engine knows it without a file
    assert (tmp_path / "help/c.en.md").read_text() == ""  # there for the engine to find now
    (tmp_path / "help/c.en.md").write_text("C, as the other process wrote it")
    write_pages(tmp_path, "help", {"help/c.en.md": ELSEWHERE})
    assert (tmp_path / "help/c.en.md").read_text() == "C, as the other process wrote it"


def test_the_preview_writes_the_pages_of_what_is_edited_and_again_only_what_changed(tmp_path):
    from conftest import copy_project
    from helpcentre.paths import checklist_pages, index_pages
    from helpcentre.pipeline import Project, generate

    fixture = Path(__file__).parent / "golden" / "every-feature" / "checklists"
    project = Project(copy_project(tmp_path / "project", checklists=fixture))
    cache: dict = {}
    site = generate(project, cache).site  # a full build's pages first
    shown, other = (site.checklists[key] for key in sorted(site.checklists)[:2])
    docs = project.root / "docs"
    full_other = {page.stem: (docs / page.source("en")).read_bytes() for page in checklist_pages(other, False)}
    report = generate(project, cache, only={shown.id}).report
    assert not report.written  # nothing changed in what it renders
    article, *steps = checklist_pages(other, False)
    assert (docs / article.source("en")).read_bytes() == full_other[article.stem]  # left as it was
    assert steps and not any((docs / step.source("en")).exists() for step in steps)  # not needed by the preview
    for page in [*checklist_pages(shown, False), *index_pages(site)]:
        assert (docs / page.source("fr")).stat().st_size > 0
    source = project.root / shown.path
    text = source.read_text(encoding="utf-8")
    written_as_is = [step for step in shown.steps if step.text.en in text]
    assert written_as_is, "no step of the fixture checklist keeps its English text on one line"
    step = written_as_is[0]
    source.write_text(text.replace(step.text.en, step.text.en + " Reworded.", 1), encoding="utf-8")
    report = generate(project, cache, only={shown.id}).report
    assert report.written and all(page.startswith(f"help/{shown.collection.id}/{shown.id}") for page in report.written)


def test_removes_pages_of_deleted_checklists(tmp_path):
    write_pages(tmp_path, "help", {"help/x/a.en.md": "A", "help/x/b.en.md": "B"})
    report = write_pages(tmp_path, "help", {"help/x/a.en.md": "A"})
    assert report.removed == ["help/x/b.en.md"]
    assert not (tmp_path / "help/x/b.en.md").exists()


def test_refuses_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "help").mkdir()
    handwritten = tmp_path / "help" / "mine.md"
    handwritten.write_text("mine")
    with pytest.raises(NotOurFolder):
        write_pages(tmp_path, "help", {"help/a.en.md": "A"})
    assert handwritten.read_text() == "mine"


def test_refuses_to_write_outside_its_folder(tmp_path):
    with pytest.raises(ValueError):
        write_pages(tmp_path, "help", {"help/../index.en.md": "overwritten"})
    assert (tmp_path / "help" / MARKER).exists()


def _strings_reachable(root) -> set[str]:
    """Every string reachable from ``root`` through the generator's own objects
    (instances of helpcentre classes) and plain containers."""
    seen: set[int] = set()
    strings: set[str] = set()
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            strings.add(value)
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
        elif type(value).__module__.startswith("helpcentre") and hasattr(value, "__dict__"):
            stack.extend(vars(value).values())
        elif type(value).__module__.startswith("helpcentre") and hasattr(type(value), "__slots__"):
            stack.extend(getattr(value, name) for name in type(value).__slots__ if hasattr(value, name))
    return strings


def test_generate_again_writes_nothing_and_restores_what_someone_changed(tmp_path):
    """The build calls generate once per language and `make serve` once per save:
    with unchanged checklists nothing is written, but a generated page edited or
    deleted by hand is put back, and a stray file is removed."""
    from conftest import copy_project
    from helpcentre.pipeline import Project, generate

    project = Project(copy_project(tmp_path / "project"))
    cache: dict = {}  # as the plugin keeps one across languages and saves
    first = generate(project, cache)
    docs = project.root / "docs"
    pages = sorted((docs / "help").rglob("*.md"))
    before = {page: page.read_bytes() for page in pages}
    on_disk = {page.relative_to(docs).as_posix(): page for page in pages}
    assert sorted(first.report.written) == sorted(on_disk)
    # The result remembers each file by size and modification time, as written...
    assert first.written == {relative: (page.stat().st_size, page.stat().st_mtime_ns)
                             for relative, page in on_disk.items()}
    # ...and holds none of the pages' text: the text lives on disk only.
    texts = {page.read_text(encoding="utf-8") for page in pages}
    held = [text for text in _strings_reachable(first) if text in texts]
    assert not held, f"the result still holds {len(held)} rendered page(s)"

    again = generate(project, cache)
    assert again.report.written == [] and again.report.removed == []

    pages[0].write_text("edited by hand\n", encoding="utf-8")
    pages[1].unlink()
    stray = project.root / "docs" / "help" / "stray.en.md"
    stray.write_text("not ours\n", encoding="utf-8")
    repaired = generate(project, cache)
    assert sorted(repaired.report.written) == sorted(p.relative_to(project.root / "docs").as_posix() for p in pages[:2])
    assert repaired.report.removed == ["help/stray.en.md"]
    assert {page: page.read_bytes() for page in pages} == before
