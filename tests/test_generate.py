"""Writing pages: only what changed, only in the generator's own folder."""

from pathlib import Path

import pytest

from helpcentre.generate import MARKER, NotOurFolder, write_pages


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
