"""What the feedback service accepts and where it sends readers afterwards.

Written next to the built site (``feedback-manifest.json``) for a site that
has a feedback endpoint; ``scripts/helpcentre_feedback/README.md`` describes
the format. The service shares no code with the generator: this file is
the whole contract between them.
"""

from __future__ import annotations

from . import LANGUAGES, model
from .paths import FEEDBACK_DIR, checklist_path, url_in

FILE_NAME = "feedback-manifest.json"
ANSWERS = ("no", "partly", "yes")


def feedback_manifest(site: model.Site) -> dict:
    def url(path: str, lang: str) -> str:
        return path if lang == LANGUAGES[0] else f"{lang}/{path}"

    return {
        "version": 1,
        "languages": list(LANGUAGES),
        "answers": list(ANSWERS),
        "pages": {
            checklist.id: {lang: url_in(checklist_path(checklist), lang, site) for lang in LANGUAGES}
            for checklist in sorted(site.checklists.values(), key=lambda c: c.id)
        },
        "thanks": {lang: url("feedback/thanks/", lang) for lang in LANGUAGES},
        "comment_pages": {lang: url(f"{FEEDBACK_DIR}/{{page}}/", lang) for lang in LANGUAGES},
    }
