"""The one synthetic help centre (``bench/synthetic.py``): it validates, links as editors
write links, is the model article's size, and an edit rewords exactly the steps."""

from __future__ import annotations

from bench import synthetic
from conftest import ROOT
from helpcentre.validate import load_site


def test_synthetic_checklists_validate_and_link_to_each_other(tmp_path):
    files = synthetic.write_site(tmp_path / "checklists", 7)
    site, problems = load_site(tmp_path)
    assert site is not None, problems.sorted()
    assert len(site.checklists) == 7
    assert len(site.shared.collections) == synthetic.collections_for(7) > 1
    text = files[0].read_text(encoding="utf-8")
    assert "](checklist:job-aid-" in text and "#" in text.split("](checklist:", 1)[1].split(")", 1)[0]
    assert "anchor: create-ocean-site" in text
    model_size = (ROOT / "checklists" / "rms-administrator-job-aid.yml").stat().st_size
    assert 0.8 * model_size < len(text.encode()) < 1.25 * model_size
    edited = synthetic.reword_steps(text, 1)
    assert edited != text and edited.count("(revision 1)") == synthetic.STEPS_PER_CHECKLIST
