"""The feedback service: "Did this answer your question?" answers, stored and reported;
and the site's search for readers without JavaScript.

Every help-centre article ends with a plain HTML form (no JavaScript) that
posts one answer (``no``, ``partly`` or ``yes``) to this service; after ``no``
or ``partly`` the reader lands on a static page of the site that offers an
optional comment form, which posts here too. The service answers each post
with a ``303 See Other`` to a page of the site, so the whole flow works in any
browser with scripting off.

Readers are administrators of health organizations, so the service stores no
personal data: only the article id, the language, the answer or the comment,
and the time (UTC, to the second). No address, cookie or user agent is kept,
logged or written anywhere; rate limiting keys clients by a keyed hash whose
key lives only in memory (:mod:`.ratelimit`).

One module, one job:

* :mod:`.settings` -- the typed configuration, from flags and environment variables;
* :mod:`.manifest` -- which articles exist and where to send readers (written by the site build);
* :mod:`.form` -- the strict ``application/x-www-form-urlencoded`` parser;
* :mod:`.store` -- the SQLite schema and the group-committing writer thread;
* :mod:`.ratelimit` -- the per-client token buckets;
* :mod:`.proxy` -- the client address, from X-Forwarded-For only behind a trusted proxy;
* :mod:`.origin` -- refusing posts not sent from the site's own pages (Origin/Referer);
* :mod:`.search` -- each language's search index as an SQLite FTS5 database: stems, stop words, bm25;
* :mod:`.search_page` -- ``GET /search``, the results page in the reader's language and the site's look;
* :mod:`.app` -- the ASGI application (Starlette);
* :mod:`.connections` -- deadlines for request heads and bodies, and the connection cap;
* :mod:`.server` -- running it under uvicorn;
* :mod:`.report` -- counts, share of "yes" and newest comments, as text, CSV and HTML;
* :mod:`.cli` -- ``python -m helpcentre_feedback serve|report``.

A package of its own beside the generator (``scripts/helpcentre``): it runs as
a separate process and shares no code with it, and nothing here imports
MkDocs. What it has in common with the site is what the build writes:
``feedback-manifest.json`` (:mod:`.manifest`) and, for search, each language's
``search_index.json`` and home page (:mod:`.search`, :mod:`.search_page`). Its load test is measuring
code and lives with the benchmark (``bench/loadtest.py``).
"""
