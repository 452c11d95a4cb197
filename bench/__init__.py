"""Measuring code: what the help centre costs and how well its checks work, against its peers.

Not part of the product: nothing under ``scripts/`` imports it. It measures a
temporary copy of the project (``mkdocs.yml``, ``docs/``, ``overrides/``,
``checklists/``, ``scripts/``), so it runs with ``scripts`` and the project's
root on ``PYTHONPATH`` (``make bench`` sets both). See ``bench/README.md``.

* :mod:`.run` -- ``make bench`` (``python -m bench``): validation, builds, rebuild, link checks,
  the feedback service and page weight, in one run, as JSON and a Markdown table;
* :mod:`.linkcheck` -- ``python -m bench links``: the link checker against its peers, with every kind of fault;
* :mod:`.loadtest` -- ``python -m bench loadtest``: the feedback service's load client;
* :mod:`.synthetic` -- the one synthetic help centre (N checklists shaped like the model article);
* :mod:`.faults` -- the one fault injector and the oracle that judges link checkers;
* :mod:`.checkers` -- running our link checker and its peers, reading their reports;
* :mod:`.project` -- the project copy, its strict builds and the plain MkDocs peer;
* :mod:`.children` -- measurements that run in a fresh process (``python -m bench.children``);
* :mod:`.weight` -- the CSS and JS our templates add to a page;
* :mod:`.processes` -- timing a child process, its peak memory and CPU time.
"""
