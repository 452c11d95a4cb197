"""The search engine on its own (helpcentre_feedback.search): analysis, ranking, stemming in both
languages, accents, hostile queries, and each language searching its own pages only."""

from __future__ import annotations

import sqlite3

import pytest

from helpcentre_feedback.search import (MAX_TERMS, Analyzer, clean_text, fts5_available, index_files,
                                        is_relative, load_indexes, mark, read_index, snippet)

from search_support import EN_DOCS, FR_DOCS, write_index, write_site


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    site = write_site(tmp_path_factory.mktemp("search") / "site")
    loaded = load_indexes(site)
    assert not loaded.errors, loaded.errors
    # The databases are open and their files already gone: a killed service leaves nothing behind.
    assert loaded.folder is not None and not loaded.folder.exists()
    yield loaded
    loaded.close()


def locations(results) -> list[str]:
    return [hit.location for hit in results.hits]


def titles(results) -> list[str]:
    return [hit.title_html for hit in results.hits]


def test_python_s_sqlite_has_fts5():
    assert fts5_available()
    conn = sqlite3.connect(":memory:")
    assert "ENABLE_FTS5" in {row[0] for row in conn.execute("PRAGMA compile_options")}


def test_each_language_is_one_database_with_its_own_entries(indexes):
    assert set(indexes.languages) == {"en", "fr"} and indexes.default == "en"
    assert indexes.get("en").root == "" and indexes.get("fr").root == "fr/"
    assert indexes.get("en").docs == len(EN_DOCS) and indexes.get("fr").docs == len(FR_DOCS)
    described = indexes.describe()
    assert described["fr"]["fts_bytes"] > 0 and described["fr"]["index_json_bytes"] > 0


# --- ranking ----------------------------------------------------------------------------------------

def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(indexes):
    found = locations(indexes.get("en").search("referral"))
    # "Referrals" and "Send a referral" have it in their titles (the shorter title first, as bm25
    # has it); "Reset your password" once, deep in its text.
    assert found[:2] == ["help/referrals/", "help/referrals/send-a-referral/"]
    assert found[-1] == "help/accounts/reset-password/"


def test_every_word_must_match_and_pages_with_some_come_only_when_none_has_all(indexes):
    both = indexes.get("en").search("password expire")
    assert locations(both) == ["help/accounts/reset-password/"] and both.every_word
    some = indexes.get("en").search("printers zebra")
    assert not some.every_word and locations(some) == ["help/accounts/configure-printers/"]


def test_results_come_a_page_at_a_time(tmp_path):
    docs = [{"location": f"help/a/p{i}/", "title": f"Page {i}", "text": "<p>vaccination clinic</p>"} for i in range(45)]
    write_index(tmp_path / "site" / "search" / "search_index.json", "en", docs)
    loaded = load_indexes(tmp_path / "site")
    try:
        first, third = loaded.get("en").search("vaccination"), loaded.get("en").search("vaccination", page=3)
        assert first.total == third.total == 45
        assert len(first.hits) == 20 and len(third.hits) == 5
        assert not set(locations(first)) & set(locations(third))
    finally:
        loaded.close()


# --- stemming, accents, stop words ------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("referrals", "help/referrals/send-a-referral/"),         # plural → singular
    ("sending", "help/referrals/send-a-referral/"),           # -ing
    ("configured", "help/accounts/configure-printers/"),      # configured / configures / configuring
    ("PASSWORDS", "help/accounts/reset-password/"),            # case
])
def test_english_words_meet_their_other_forms(indexes, query, expected):
    assert expected in locations(indexes.get("en").search(query))


@pytest.mark.parametrize(("query", "expected"), [
    ("organisme", ""),                                         # organismes
    ("configurer", "help/accounts/configure-printers/"),       # configuration, configure
    ("envoi envoyer", "help/referrals/send-a-referral/"),      # envoyer (some words)
    ("spécialiste", "help/referrals/"),                        # spécialistes
    ("étape", "help/referrals/send-a-referral/"),              # étape par étape, étapes
])
def test_french_words_meet_their_other_forms(indexes, query, expected):
    assert expected in locations(indexes.get("fr").search(query))


@pytest.mark.parametrize(("query", "expected"), [
    ("reference electronique", "help/referrals/send-a-referral/"),   # typed without accents
    ("RÉFÉRENCE ÉLECTRONIQUE", "help/referrals/send-a-referral/"),   # capitals with accents
    ("etapes", "help/referrals/send-a-referral/#before-you-start"),
    ("oeuvre", "help/referrals/send-a-referral/#before-you-start"),  # œ
    ("creee", "help/accounts/reset-password/"),                      # créée, stemmed without its accents
    ("créé", "help/accounts/reset-password/"),
    ("verrouille", "help/accounts/reset-password/"),                 # verrouillé
])
def test_accents_and_ligatures_do_not_matter(indexes, query, expected):
    assert expected in locations(indexes.get("fr").search(query))


def test_marks_and_snippets_show_the_reader_s_words_as_the_page_writes_them(indexes):
    hit = next(h for h in indexes.get("fr").search("reference electronique").hits
               if h.location == "help/referrals/send-a-referral/")
    assert hit.title_html == "Envoyer une <mark>référence</mark> <mark>électronique</mark>"
    assert hit.section == "Références"  # the page above it in the site's folders
    section = next(h for h in indexes.get("fr").search("consentement").hits)
    assert section.location == "help/referrals/send-a-referral/#before-you-start"
    assert section.section == "Envoyer une référence électronique"  # the page a section belongs to
    assert "<mark>consentement</mark>" in section.snippet_html


def test_a_snippet_is_cut_around_the_matches_and_says_so():
    analyzer = Analyzer("en")
    text = " ".join(["filler"] * 80 + ["vaccination", "clinic"] + ["filler"] * 80)
    wanted = {k for keys in analyzer.query_terms("vaccination") for k in keys}
    cut = snippet(text, analyzer, wanted, size=60)
    assert cut.startswith("… filler ") and cut.endswith(" filler …") and "<mark>vaccination</mark>" in cut
    assert len(cut) <= 60 + len("… ") + len(" …") + len("<mark></mark>") + len("filler")
    beyond = " ".join(["filler"] * 5000) + " vaccination"  # past what is scanned: the beginning
    assert snippet(beyond, analyzer, wanted).startswith("filler filler")


def test_marks_find_the_words_whatever_their_accents_case_and_ligatures():
    analyzer = Analyzer("fr")
    wanted = {k for keys in analyzer.query_terms("oeuvre etapes creee") for k in keys}
    marked = mark("Mise en Œuvre : les Étapes, la fiche créée, l’étape créé.", analyzer, wanted)
    assert marked == ("Mise en <mark>Œuvre</mark> : les <mark>Étapes</mark>, la fiche <mark>créée</mark>, "
                      "l’<mark>étape</mark> créé.")
    english = Analyzer("en")
    wanted = {k for keys in english.query_terms("happy") for k in keys}
    assert mark("Happiness, happy, happier.", english, wanted) == "<mark>Happiness</mark>, <mark>happy</mark>, happier."


def test_stop_words_are_the_ones_material_drops_and_are_not_searched():
    english, french = Analyzer("en"), Analyzer("fr")
    assert english.query_terms("how to the of") == []
    assert french.query_terms("les de la des à l’") == []
    assert french.query_terms("le dossier") == french.query_terms("dossier") != []
    assert english.query_terms("Health’s") == english.query_terms("health")  # possessive s: one letter


def test_a_query_is_at_most_max_terms_distinct_words():
    terms = Analyzer("en").query_terms(" ".join(f"word{i}" for i in range(40)) + " word1 word1")
    assert len(terms) == MAX_TERMS and len(set(terms)) == MAX_TERMS


# --- language isolation ---------------------------------------------------------------------------

def test_a_french_query_finds_french_pages_only(indexes):
    # "Configur" is the stem of words in both languages' pages: each index answers with its own.
    french = indexes.get("fr").search("configuration")
    english = indexes.get("en").search("configuration")
    assert titles(french) == ["Imprimantes"] and titles(english) == ["Printers"]
    # A word of the French pages only is not in the English index, and the other way round.
    assert indexes.get("en").search("imprimantes").total == 0
    assert indexes.get("fr").search("passwords").total == 0
    all_french = {doc["title"] for doc in FR_DOCS}
    for query in ("patient", "90", "administrateur", "compte"):
        for hit in indexes.get("fr").search(query).hits:
            assert hit.title_html.replace("<mark>", "").replace("</mark>", "") in all_french


def test_an_index_of_another_language_than_its_folder_says_is_refused(tmp_path):
    site = tmp_path / "site"
    write_index(site / "search" / "search_index.json", "en", EN_DOCS)
    write_index(site / "fr" / "search" / "search_index.json", "en", EN_DOCS)  # the merged index, misplaced
    write_index(site / "de" / "search" / "search_index.json", "de", EN_DOCS)  # no stemmer here
    loaded = load_indexes(site)
    try:
        assert set(loaded.languages) == {"en"}
        assert len(loaded.errors) == 2 and all("not an index of one language" in e for e in loaded.errors)
    finally:
        loaded.close()


def test_a_site_without_indexes_leaves_search_unavailable(tmp_path):
    loaded = load_indexes(tmp_path / "nothing-here")
    assert loaded.languages == {} and loaded.errors and "build the site first" in loaded.errors[0]
    loaded.close()


def test_index_files_and_entries_are_checked(tmp_path):
    site = write_site(tmp_path / "site")
    assert [root for root, _ in index_files(site)] == ["", "fr/"]
    broken = site / "search" / "search_index.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError):
        read_index(broken, "en")
    for location in ("https://evil.example/", "//evil.example/", "/abs/", "../up/", "a/../../b/", "java\nscript:x",
                     'a"onmouseover=x/'):
        assert not is_relative(location), location
    for location in ("", "help/", "help/a/#step-2", "#hc-collections"):
        assert is_relative(location), location


def test_entries_are_read_as_text():
    assert clean_text("<p>A &lt;b&gt; &amp; <em>b</em>\n  c</p>") == "A <b> & b c"


# --- hostile queries -------------------------------------------------------------------------------

HOSTILE = [
    '"', '""', '"referral', "*", "referral*", "NEAR(referral password)", "NEAR(", "AND OR", "OR", "NOT referral",
    "^referral", "^", "title:referral", "{title text}: referral", "-referral", "+referral", "(((", ")))",
    "referral AND", "'; DROP TABLE docs; --", "\x00referral\x1b[31m", "\u202ereferral", "referral\u0000\u0007",
    "%", "_", "\\", "🙂 referral", "ﬁnd", "İstanbul", "ß",
]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hostile_queries_are_words_never_fts5_syntax(indexes, query, lang):
    results = indexes.get(lang).search(query)  # raises on an FTS5 syntax error
    assert results.total >= 0
    if lang == "en" and "referral" in query.lower() and "not" not in query.lower():
        assert "help/referrals/send-a-referral/" in locations(results), query


def test_the_match_expression_quotes_every_key():
    expression = Analyzer.match_expression([("a\"b",), ("c", "d")])
    assert expression == '("a""b") AND ("c" OR "d")'
    assert Analyzer.match_expression([("x",), ("y",)], every=False) == '("x") OR ("y")'


def test_marks_escape_the_text_around_them():
    analyzer = Analyzer("en")
    wanted = {k for keys in analyzer.query_terms("quarantine") for k in keys}
    marked = mark("<script>alert(1)</script> quarantine & co", analyzer, wanted)
    assert marked == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>quarantine</mark> &amp; co"


def test_an_entry_s_markup_is_shown_as_text(indexes):
    hit = indexes.get("en").search("pasted").hits[0]
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert hit.title_html == "<mark>Pasted</mark> &lt;b&gt;markup&lt;/b&gt;"


def test_searches_from_many_threads_at_once_share_the_connections(indexes):
    from concurrent.futures import ThreadPoolExecutor

    queries = ["referral", "password expire", "printers", "consent"] * 25
    with ThreadPoolExecutor(8) as pool:
        totals = list(pool.map(lambda q: indexes.get("en").search(q).total, queries))
    assert totals == [indexes.get("en").search(q).total for q in queries] and all(totals)


def test_the_database_is_read_only_for_searches(indexes):
    with indexes.get("en")._connection() as conn, pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM docs")
