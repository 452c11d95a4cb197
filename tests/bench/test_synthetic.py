"""The one synthetic help centre (``bench/synthetic.py``): it validates, links as editors
write links, and is the size of the help centre's articles."""

from __future__ import annotations

from bench import synthetic
from conftest import ROOT
from helpcentre.validate import checklist_files, load_site


def test_synthetic_checklists_validate_and_link_to_each_other(tmp_path):
    files = synthetic.write_site(tmp_path / "checklists", 7)
    site, problems = load_site(tmp_path)
    assert site is not None, problems.sorted()
    assert len(site.checklists) == 7
    assert len(site.shared.collections) == synthetic.collections_for(7) > 1
    text = files[0].read_text(encoding="utf-8")
    assert "](checklist:job-aid-" in text and "#" in text.split("](checklist:", 1)[1].split(")", 1)[0]
    assert "anchor: create-ocean-site" in text
    # The size of the live project's articles, whichever they are (an editor adds and removes them).
    sizes = [path.stat().st_size for path in checklist_files(ROOT / "checklists")]
    assert 0.8 * min(sizes) < len(text.encode()) < 1.25 * max(sizes)
