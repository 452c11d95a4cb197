"""Full-text search of the built site, for readers without JavaScript.

The site build writes one Material search index per language
(``site/search/search_index.json`` for the default language,
``site/<lang>/search/search_index.json`` for each other one; each
``{"config": {"lang": [lang], …}, "docs": [{"location", "title", "text"}…]}``
with locations relative to that language's root). At start-up
:func:`load_indexes` turns each into a SQLite FTS5 database of its own, so a
French query can only ever meet French pages, and each language has its own
statistics for ranking.

Why FTS5 and not a scan of the JSON: ranking (bm25, the title counting 10
times the text), an inverted index whose cost grows with the matches rather
than the site, and no dependency beyond Python's ``sqlite3`` (FTS5 is compiled
into the SQLite Python ships with; :func:`fts5_available` checks
``PRAGMA compile_options``).

Analysis, the same for the indexed text and the query (:class:`Analyzer`):

* words are runs of letters and digits in NFC (so ``l’accès`` is ``l`` and
  ``accès``, and ``1-866-250-1554`` four numbers);
* stop words are dropped: the lists Material's own search uses for each
  language (lunr's English list; lunr-languages' French one, Snowball's),
  so that scripted and scriptless search ignore the same words; one-letter
  words go too (elisions, possessive ``s``, the A–Z's letter headings);
* each word is stemmed with the Snowball stemmer of its language
  (``snowballstemmer``, pure Python, the algorithms Lucene and Xapian ship);
  accents are stripped after stemming (the French stemmer reads them), and
  when stemming the unaccented word gives another stem (``créée``: ``cre``
  and ``cree``), both are indexed, so a query typed with or without accents
  meets the page either way. The FTS5 tokenizer is
  ``unicode61 remove_diacritics 2``, which then only splits on the spaces we
  put between stems.

Stemmed text is what FTS5 indexes (a contentless table); the original title
and text are kept beside it for the results page, where the snippet and the
marks are computed from the original words (:func:`snippet`).

User input never reaches FTS5's query syntax: each query word becomes its
stems, each stem a double-quoted string (``"stem"``), joined with ``OR``
within a word and ``AND`` between words (:meth:`Analyzer.match_expression`);
``"``, ``*``, ``NEAR(``, ``^``, ``AND``/``OR`` in a query are punctuation or
plain words. A query is at most :data:`MAX_QUERY` characters and
:data:`MAX_TERMS` words.

Nothing here is HTTP; :mod:`.search_page` serves it.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
import logging
import os
import queue
import re
import shutil
import sqlite3
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import snowballstemmer

log = logging.getLogger("helpcentre_feedback")

MAX_QUERY = 200
"""Longest query searched, in characters; longer ones get a page saying so."""
MAX_TERMS = 12
"""Most distinct words of a query that are searched for (the rest are ignored)."""
PER_PAGE = 20
"""Results on one page."""
CONNECTIONS = 4
"""Read-only connections per language (the service searches on two threads)."""
MAX_PAGE = 50
"""Highest results page served (20 × 50 = the best 1,000 results)."""
TITLE_WEIGHT = 10.0
"""bm25 weight of the title column against 1 for the text."""
SNIPPET_CHARS = 220
"""Characters of text shown around the matches (then to the end of a word)."""
SNIPPET_LEAD = 60
"""Characters shown before the first match of a snippet."""
SNIPPET_SCAN = 20_000
"""Characters of an entry's text searched for a snippet's matches (an A–Z letter can list
hundreds of articles); an entry whose matches lie further shows its beginning."""

STEMMERS = {"en": "english", "fr": "french"}
"""Languages the service can search, and their Snowball algorithm."""

STOP_WORDS = {
    # lunr's English stop word filter, as bundled by Material (workers/search.*.js).
    "en": """a able about across after all almost also am among an and any are as at be because been but by
        can cannot could dear did do does either else ever every for from get got had has have he her hers him
        his how however i if in into is it its just least let like likely may me might most must my neither no
        nor not of off often on only or other our own rather said say says she should since so some than that
        the their them then there these they this tis to too twas us wants was we were what when where which
        while who whom why will with would yet you your""",
    # lunr-languages' French stop word filter (Snowball's list), as bundled by Material (lunr.fr.min.js).
    "fr": """ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons
        auront aux avaient avais avait avec avez aviez avions avons ayant ayez ayons c ce ceci celà ces cet cette
        d dans de des du elle en es est et eu eue eues eurent eus eusse eussent eusses eussiez eussions eut eux
        eûmes eût eûtes furent fus fusse fussent fusses fussiez fussions fut fûmes fût fûtes ici il ils j je l la
        le les leur leurs lui m ma mais me mes moi mon même n ne nos notre nous on ont ou par pas pour qu que quel
        quelle quelles quels qui s sa sans se sera serai seraient serais serait seras serez seriez serions serons
        seront ses soi soient sois soit sommes son sont soyez soyons suis sur t ta te tes toi ton tu un une vos
        votre vous y à étaient étais était étant étiez étions été étée étées étés êtes""",
}

WORD = re.compile(r"[^\W_]+")
"""A word: letters and digits (an apostrophe, hyphen or any punctuation ends it)."""
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_CACHE_MAX = 200_000


def fts5_available() -> bool:
    """True if this Python's SQLite has FTS5 compiled in."""
    conn = sqlite3.connect(":memory:")
    try:
        return any(row[0] == "ENABLE_FTS5" for row in conn.execute("PRAGMA compile_options"))
    finally:
        conn.close()


def plain(word: str) -> str:
    """``word`` without accents (é → e) or ligatures (œ → oe)."""
    decomposed = unicodedata.normalize("NFD", word.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_text(fragment: str) -> str:
    """The text of an index entry's HTML: tags removed, entities decoded, spaces collapsed, NFC."""
    text = html.unescape(_TAG.sub(" ", fragment))
    return unicodedata.normalize("NFC", _SPACE.sub(" ", text)).strip()


class Analyzer:
    """Words to index keys, for one language: stop words out, Snowball stems, accents off."""

    def __init__(self, lang: str):
        if lang not in STEMMERS:
            raise ValueError(f"no stemmer for language {lang!r}")
        self.lang = lang
        self._stemmer = snowballstemmer.stemmer(STEMMERS[lang])
        self._stemmer_lock = threading.Lock()  # a Snowball stemmer object keeps state between calls
        self.stop_words = frozenset(plain(w) for w in STOP_WORDS[lang].split())
        self._cache: dict[str, tuple[str, ...]] = {}

    def keys(self, word: str) -> tuple[str, ...]:
        """The index keys of one word (already lower-cased): none for a stop word, else one or two stems."""
        found = self._cache.get(word)
        if found is not None:
            return found
        unaccented = plain(word)
        if unaccented in self.stop_words or (len(unaccented) == 1 and not unaccented.isdigit()):
            found = ()
        else:
            with self._stemmer_lock:
                stemmed = plain(self._stemmer.stemWord(word))
                other = self._stemmer.stemWord(unaccented)
            found = (stemmed,) if other == stemmed else (stemmed, other)
        if len(self._cache) < _CACHE_MAX:
            self._cache[word] = found
        return found

    def index_text(self, text: str) -> str:
        """What FTS5 indexes for ``text``: its keys, separated by spaces."""
        return " ".join(key for match in WORD.finditer(text.lower()) for key in self.keys(match.group()))

    def query_terms(self, query: str) -> list[tuple[str, ...]]:
        """The words of a query as their keys, stop words out, duplicates out, at most MAX_TERMS."""
        terms: list[tuple[str, ...]] = []
        for match in WORD.finditer(unicodedata.normalize("NFC", query).lower()):
            keys = self.keys(match.group())
            if keys and keys not in terms:
                terms.append(keys)
                if len(terms) == MAX_TERMS:
                    break
        return terms

    @staticmethod
    def match_expression(terms: Sequence[tuple[str, ...]], every: bool = True) -> str:
        """An FTS5 query for ``terms``: each key a quoted string, so no query syntax can come from a reader."""
        def quoted(key: str) -> str:
            return '"' + key.replace('"', '""') + '"'

        groups = ["(" + " OR ".join(quoted(key) for key in keys) + ")" for keys in terms]
        return (" AND " if every else " OR ").join(groups)


# --- the index of one language --------------------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    """One entry of a search index, cleaned: a page or a section of one."""

    location: str
    title: str
    text: str
    section: str
    """The title of the page this entry belongs to: the page itself for a section (``#anchor``),
    the nearest page above it in the site's folders otherwise; empty for the language's home."""


@dataclass(frozen=True)
class Hit:
    location: str
    title_html: str
    """The title, escaped, with the query's words in ``<mark>``."""
    snippet_html: str
    """A few words of the text around the matches, escaped, matches in ``<mark>``."""
    section: str


@dataclass(frozen=True)
class Results:
    hits: tuple[Hit, ...]
    total: int
    every_word: bool
    """False when no page has every word and the hits have some of them."""
    page: int = 1
    """The results page given: the one asked for, or the last one when it asked beyond."""


class SearchIndexError(ValueError):
    """A search index file cannot be used; the message says which and why."""


def read_index(path: Path, lang: str) -> list[Doc]:
    """The entries of a Material ``search_index.json``, checked to be of language ``lang``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SearchIndexError(f"{path}: no such file (build the site first)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SearchIndexError(f"{path}: cannot read: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("docs"), list):
        raise SearchIndexError(f"{path}: not a search index (no 'docs' list)")
    langs = (data.get("config") or {}).get("lang") if isinstance(data.get("config"), dict) else None
    if langs != [lang]:
        raise SearchIndexError(f"{path}: an index of {langs!r}, expected [{lang!r}] (one language per index)")
    raw: list[tuple[str, str, str]] = []
    for entry in data["docs"]:
        if not isinstance(entry, dict):
            continue
        location, title, text = entry.get("location"), entry.get("title"), entry.get("text")
        if not isinstance(location, str) or not is_relative(location):
            continue
        raw.append((location, clean_text(title if isinstance(title, str) else ""),
                    clean_text(text if isinstance(text, str) else "")))
    titles = {location: title for location, title, _ in raw if "#" not in location}
    return [Doc(location, title, text, _section(location, titles)) for location, title, text in raw]


def is_relative(location: str) -> bool:
    """True for a path the results may link below the language's root (no scheme, host or ``..``)."""
    path = location.split("#", 1)[0]
    return (not location.startswith(("/", "\\")) and ":" not in path.split("/", 1)[0]
            and ".." not in path.split("/") and not any(ord(c) < 0x20 or c in ' "<>\\`' for c in location))


def _section(location: str, titles: dict[str, str]) -> str:
    page, anchor, _ = location.partition("#")
    if anchor:
        return titles.get(page, "")
    parts = page.rstrip("/").split("/") if page else []
    while parts:
        parts.pop()
        parent = "/".join(parts) + "/" if parts else ""
        if parent in titles:
            return titles[parent]
    return ""


SCHEMA = f"""
CREATE TABLE docs (id INTEGER PRIMARY KEY, location TEXT NOT NULL, title TEXT NOT NULL,
                   text TEXT NOT NULL, section TEXT NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2');
"""


def build_database(path: Path, docs: Sequence[Doc], analyzer: Analyzer) -> None:
    """Write the FTS5 database of one language to ``path`` (replaced atomically)."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(partial, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(SCHEMA)
        conn.execute("BEGIN")
        for number, doc in enumerate(docs, 1):
            conn.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                         (number, doc.location, doc.title, doc.text, doc.section))
            conn.execute("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                         (number, analyzer.index_text(doc.title), analyzer.index_text(doc.text)))
        conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()
    os.replace(partial, path)


class LanguageIndex:
    """The searchable database of one language: a few read-only connections, lent to one thread at a time."""

    def __init__(self, lang: str, root: str, path: Path, analyzer: Analyzer, docs: int, source_bytes: int,
                 build_s: float = 0.0, connections: int = CONNECTIONS):
        self.lang = lang
        self.root = root
        """The language's root below the site URL: "" for the default language, "fr/" for French."""
        self.analyzer = analyzer
        self.docs = docs
        self.source_bytes = source_bytes
        """Size of the search_index.json it was built from."""
        self.build_s = build_s
        """Seconds it took to read that file and build the database."""
        self.bytes = path.stat().st_size
        """Size of the FTS5 database."""
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._connections = []
        for _ in range(connections):
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)  # lent to one thread at a time (the pool)
            conn.execute("SELECT count(*) FROM docs").fetchone()  # reads the schema: the file is in use
            self._connections.append(conn)
            self._pool.put(conn)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = self._pool.get()
        try:
            yield conn
        finally:
            self._pool.put(conn)

    def search(self, query: str, page: int = 1) -> Results:
        """The ``page``-th :data:`PER_PAGE` results for ``query``, best first (bm25, title weighted).

        Every word must match; when no entry has them all, entries with any of them are
        given instead (``every_word`` False). ``query`` is a reader's text: it is analysed
        into quoted stems, never passed to FTS5 as syntax.
        """
        terms = self.analyzer.query_terms(query)
        if not terms:
            return Results((), 0, True)
        page = max(1, min(page, MAX_PAGE))
        with self._connection() as conn:
            every = True
            expression = self.analyzer.match_expression(terms, every=True)
            total = conn.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expression,)).fetchone()[0]
            if total == 0 and len(terms) > 1:
                every = False
                expression = self.analyzer.match_expression(terms, every=False)
                total = conn.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expression,)).fetchone()[0]
            if total == 0:
                return Results((), 0, every)
            page = min(page, (total + PER_PAGE - 1) // PER_PAGE)
            rows = conn.execute(
                "SELECT d.location, d.title, d.text, d.section FROM "
                f"(SELECT rowid, bm25(fts, {TITLE_WEIGHT}, 1.0) AS score FROM fts WHERE fts MATCH ? "
                " ORDER BY score, rowid LIMIT ? OFFSET ?) AS hit "
                "JOIN docs AS d ON d.id = hit.rowid ORDER BY hit.score, hit.rowid",
                (expression, PER_PAGE, (page - 1) * PER_PAGE)).fetchall()
        wanted = {key for keys in terms for key in keys}
        hits = tuple(Hit(location, mark(title, self.analyzer, wanted), snippet(text, self.analyzer, wanted), section)
                     for location, title, text, section in rows)
        return Results(hits, total, every, page)

    def close(self) -> None:
        for conn in self._connections:
            conn.close()
        self._connections = []


# --- marks and snippets ------------------------------------------------------------------------------

_ACCENTED = {"a": "aàâäáã", "c": "cç", "e": "eéèêë", "i": "iîïíì", "n": "nñ", "o": "oôöóò", "u": "uùûüú",
             "y": "yÿ"}


@functools.lru_cache(maxsize=4096)
def _candidates(keys: frozenset[str]) -> re.Pattern[str]:
    """Words that may have one of ``keys`` (unaccented stems) as a stem: those starting with it,
    with or without accents, in any case, less its last letter (English stems may end in i where
    the word has y: happi, happy); ``oe`` may be written ``œ``."""
    alternatives = set()
    for key in keys:
        prefix = key[:-1] if len(key) > 3 else key
        pattern = "".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in prefix)
        alternatives.add(pattern.replace("[oôöóò][eéèêë]", "(?:[oôöóò][eéèêë]|œ)")
                         .replace("[aàâäáã][eéèêë]", "(?:[aàâäáã][eéèêë]|æ)"))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")[^\W_]*",
                      re.IGNORECASE)


def _spans(text: str, analyzer: Analyzer, wanted: set[str]) -> list[tuple[int, int]]:
    """Where ``text`` has a word whose keys the query asked for: candidates found by a regular
    expression, each confirmed by its own keys."""
    if not wanted or not text:
        return []
    spans = []
    for match in _candidates(frozenset(wanted)).finditer(text):
        if not wanted.isdisjoint(analyzer.keys(match.group().lower())):
            spans.append(match.span())
    return spans


def _marked(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    out, at = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        out.append(html.escape(text[at:span_start]))
        out.append("<mark>" + html.escape(text[span_start:span_end]) + "</mark>")
        at = span_end
    out.append(html.escape(text[at:end]))
    return "".join(out)


def mark(text: str, analyzer: Analyzer, wanted: set[str]) -> str:
    """``text`` escaped, with the words whose stems the query asked for in ``<mark>``."""
    return _marked(text, _spans(text, analyzer, wanted), 0, len(text))


def snippet(text: str, analyzer: Analyzer, wanted: set[str], size: int = SNIPPET_CHARS) -> str:
    """About ``size`` characters of ``text`` around the most matches (found in its first
    :data:`SNIPPET_SCAN` characters), cut at word boundaries, escaped, matches marked, … where cut."""
    spans = _spans(text[:SNIPPET_SCAN], analyzer, wanted)
    start, lead = 0, min(SNIPPET_LEAD, size // 4)
    if spans:
        best = -1
        for span_start, _ in spans:  # a window opening a little before each match: the one with most wins
            begin = max(0, span_start - lead)
            count = sum(1 for other, _ in spans if begin <= other < begin + size)
            if count > best:
                best, start = count, begin
    if start > 0:
        start = text.rfind(" ", 0, start + 1) + 1  # back to the start of a word
    end = min(len(text), start + size)
    if end < len(text):
        following = text.find(" ", end)
        end = len(text) if following == -1 else following  # on to the end of a word
    body = _marked(text, spans, start, end).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


# --- the whole site ------------------------------------------------------------------------------

@dataclass
class SiteIndexes:
    """Every language's index, built into a private temporary folder that is removed as soon as
    every database is open (:func:`load_indexes`); :meth:`close` closes them."""

    languages: dict[str, LanguageIndex] = field(default_factory=dict)
    default: str | None = None
    """The language whose index is at the site's root."""
    errors: list[str] = field(default_factory=list)
    folder: Path | None = None

    def get(self, lang: str) -> LanguageIndex | None:
        return self.languages.get(lang)

    def describe(self) -> dict[str, object]:
        """For the health check: entries and sizes per language, and what failed to load."""
        found: dict[str, object] = {
            lang: {"docs": index.docs, "index_json_bytes": index.source_bytes, "fts_bytes": index.bytes,
                   "build_s": index.build_s}
            for lang, index in self.languages.items()}
        if self.errors:
            found["errors"] = list(self.errors)
        return found

    def close(self) -> None:
        for index in self.languages.values():
            index.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def index_files(site: Path) -> list[tuple[str, Path]]:
    """(root, index file) of every language's index in a built site: "" first, then "<lang>/" folders."""
    found = []
    if (site / "search" / "search_index.json").is_file():
        found.append(("", site / "search" / "search_index.json"))
    for path in sorted(site.glob("*/search/search_index.json")):
        found.append((path.parent.parent.name + "/", path))
    return found


def _language_of(path: Path) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        langs = data["config"]["lang"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return langs[0] if isinstance(langs, list) and len(langs) == 1 and isinstance(langs[0], str) else None


def load_indexes(site: Path) -> SiteIndexes:
    """Build every language's FTS5 database from a built site's search indexes.

    Languages without a stemmer here, or whose index is missing or broken, are
    left out and named in ``errors`` (the service then says search is not
    available in that language; answers and comments are not affected).
    """
    result = SiteIndexes()
    if not fts5_available():
        result.errors.append("this Python's SQLite has no FTS5")
        return result
    files = index_files(site)
    if not files:
        result.errors.append(f"{site}: no search/search_index.json (build the site first, or pass --site)")
        return result
    result.folder = Path(tempfile.mkdtemp(prefix="helpcentre-search-"))
    for root, path in files:
        lang = _language_of(path)
        if lang is None or lang not in STEMMERS or (root and root != f"{lang}/"):
            result.errors.append(f"{path}: not an index of one language this service can search "
                                 f"({', '.join(STEMMERS)})")
            continue
        began = time.perf_counter()
        try:
            docs = read_index(path, lang)
        except SearchIndexError as error:
            result.errors.append(str(error))
            continue
        analyzer = Analyzer(lang)
        database = result.folder / f"{lang}.sqlite3"
        build_database(database, docs, analyzer)
        took = round(time.perf_counter() - began, 3)
        result.languages[lang] = LanguageIndex(lang, root, database, analyzer, len(docs), path.stat().st_size, took)
        if not root:
            result.default = lang
        log.info("search: %d %s entries from %s, indexed in %.2f s", len(docs), lang, path, took)
    # Every database is open: the folder can go now, so that nothing is left behind even when the
    # process is killed (the open connections keep reading the files, as POSIX keeps unlinked files).
    shutil.rmtree(result.folder, ignore_errors=True)
    for error in result.errors:
        log.warning("search: %s", error)
    return result
