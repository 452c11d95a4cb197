"""The help-centre generator's pure core.

The flow is plain: YAML files (``checklists/``) are read into located nodes
(:mod:`.source`), checked against the format (:mod:`.format`, :mod:`.validate`)
into a typed model (:mod:`.model`), and rendered per language into Markdown
pages through Jinja templates kept in ``overrides/helpcentre/``
(:mod:`.render`), which :mod:`.generate` writes to disk. Nothing here imports
MkDocs: the only file that knows about MkDocs is ``scripts/mkdocs_helpcentre.py``.
"""

LANGUAGES = ("en", "fr")
"""The site's languages, default first. English is served at ``/``, French at ``/fr/``."""
