"""The search index: what a page offers to it, how it is split into files, how it ranks.

`query` below answers a query from the index files with the core of static/search.js's ranking
(every word must match by its stem; BM25 with each kind's average length), so these tests check
the index without a browser; the browser tests (tests/browser/test_search_page.py) run the real
script, with its prefixes, spelling tolerance and phrase bonus, on the relevance set.
"""
from __future__ import annotations

import json
import math
import shutil
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from explainer.reuse.session import Session
from explainer.pipeline import BuildOptions, build
from explainer.search import (FIELD_WEIGHTS, SEARCH_FOLDER, SearchRecord, build_index, search_record, stem,
                              term_file, words)
from helpers import REPO, edit, own_theme, tree_hash


def query(files: dict[str, bytes], text: str) -> list[int]:
    """Page numbers holding every word of `text` (by stem), best first (BM25, as search.js scores)."""
    meta = json.loads(files[f"{SEARCH_FOLDER}/meta.json"])
    k1, b = meta["k1"], meta["b"]
    totals: dict[int, float] | None = None
    for word in dict.fromkeys(stem(w) for w in words(text)):
        data = files.get(f"{SEARCH_FOLDER}/terms/{term_file(word)}.json")
        gaps, counts = (json.loads(data) if data else {}).get(word, ([], []))
        idf = math.log(1 + (meta["pages"] - len(gaps) + 0.5) / (len(gaps) + 0.5))
        best: dict[int, float] = {}
        page = 0
        for gap, count in zip(gaps, counts):
            page += gap
            norm = k1 * (1 - b + b * meta["lengths"][page] / meta["averages"][meta["kind"][page]])
            best[page] = idf * count * (k1 + 1) / (count + norm)
        totals = best if totals is None else {p: s + best[p] for p, s in totals.items() if p in best}
    return sorted(totals or {}, key=lambda p: (-totals[p], p))


def page(files: dict[str, bytes], number: int) -> dict:
    return json.loads(files[f"{SEARCH_FOLDER}/pages/{number}.json"])


def record(html: str, url: str = "/x/") -> SearchRecord | None:
    return search_record(LexborHTMLParser(html), url)


MAIN = '<main data-search-body data-search-title="{title}" data-search-kind="{kind}">{body}</main>'


def test_a_page_offers_its_blocks_with_their_nearest_anchor():
    html = MAIN.format(title="Ada Lovelace", kind="Person", body=(
        '<h1>Ada Lovelace</h1><div class="para" id="p1"><a class="permalink" href="#p1">¶1</a>'
        '<p>She wrote <a href="/x/">the first</a> program.</p></div>'
        '<ul><li id="e1">An event <ul><li>nested item</li></ul></li></ul>'
        '<section data-search-ignore><p>Mentioned in fifty places</p></section>'
        '<div>text outside any block</div>'))
    rec = record(html)
    fragment = json.loads(rec.fragment)
    assert fragment["title"] == "Ada Lovelace" and fragment["kind"] == "Person" and fragment["url"] == "/x/"
    # the permalink's "¶1" and bare text are not passages; a nested list is part of its item
    assert fragment["blocks"] == [["", "Ada Lovelace"], ["p1", "She wrote the first program."],
                                  ["e1", "An event · nested item"]]
    assert "mentioned" not in rec.terms and "outside" not in rec.terms
    assert rec.terms[stem("lovelace")] == 1 + FIELD_WEIGHTS["title"]  # the heading, plus the title's weight
    assert rec.length == sum(len(words(text)) for _, text in fragment["blocks"])


def test_a_block_s_nested_blocks_are_set_apart_in_its_passage():
    # a timeline event: date, title, body and sources are blocks inside the event's list item
    html = MAIN.format(title="Starlink", kind="Product", body=(
        '<ol><li id="e1"><p><time>26 February 2022</time> <span>space</span></p>'
        '<h3>Musk activates Starlink over Ukraine</h3><div><p>After a public request, '
        '<a href="/x/">Starlink</a> is active.</p></div><ul><li><a href="/y/">¶8</a>: <q>quote</q></li></ul>'
        '</li></ol><blockquote><p>One.</p><p>Two \x00 three.</p></blockquote>'))
    rec = record(html)
    assert json.loads(rec.fragment)["blocks"] == [
        ["e1", "26 February 2022 space · Musk activates Starlink over Ukraine · "
               "After a public request, Starlink is active. · ¶8: quote"],
        ["", "One. · Two three."]]  # (the parser drops a NUL in the page: it is never taken for a boundary)
    assert rec.terms["starlink"] == 2 + FIELD_WEIGHTS["title"] and "·" not in "".join(rec.terms)


def test_a_page_without_a_search_body_is_not_indexed():
    assert record("<main><p>Search page</p></main>") is None


def test_words_lowercase_fold_accents_and_split_on_punctuation():
    assert words("Musk’s “Starlink” — É-mail, Zürich 2022; x_y") == ["musk", "starlink", "mail", "zurich", "2022"]
    assert words("ﬁnance Ⅻ") == ["finance", "xii"]  # compatibility forms fold too (NFKD)
    assert words("東京 Москва") == ["東京", "москва"]
    # a compatibility letter can fold to a capital: the result is lower case all the same
    assert words("0𝕬 𝕬𝕭") == ["0a", "ab"] and term_file("0a") == "0a"


@pytest.mark.parametrize("term, name", [("starlink", "sta"), ("x1", "x1"), ("москва", "u43c-43e-441"),
                                        ("東京", "u6771-4eac"), ("zürich", "u7a-fc-72")])
def test_term_files_are_named_by_the_first_three_characters(term, name):
    assert term_file(term) == name


def test_every_word_of_a_page_is_found_in_its_term_file():
    html = MAIN.format(title="T", kind="Article", body="<p>Московские власти; Zürich, 東京 and SpaceX</p>")
    files = build_index([(0, record(html))])
    for word in ("московские", "zurich", "東京", "spacex"):
        assert query(files, word) == [0], word


# (no control characters: the loader refuses them, and an HTML parser would not keep them as they are)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40), min_size=1, max_size=6))
def test_index_finds_exactly_the_pages_holding_each_word(texts):
    records = [record(MAIN.format(title="", kind="K", body=f"<p>{escape(t)}</p>")) for t in texts]
    files = build_index(enumerate(records))
    meta = json.loads(files[f"{SEARCH_FOLDER}/meta.json"])
    assert meta["pages"] == len(texts) and meta["lengths"] == [len(words(t)) for t in texts]
    for text in texts:
        for word in words(text):
            holding = {n for n, t in enumerate(texts) if word in words(t)}
            # a page holding another word with the same stem matches too, and only such a page
            assert holding <= set(query(files, word)), (word, texts)
            assert all(any(stem(w) == stem(word) for w in words(texts[n])) for n in query(files, word))


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_a_title_match_outranks_passing_mentions():
    pages = [MAIN.format(title="Notes", kind="Article", body="<p>Babbage met Lovelace. " + "filler " * 80 + "</p>"),
             MAIN.format(title="Charles Babbage", kind="Person", body="<p>Mathematician.</p>"),
             MAIN.format(title="Other", kind="Article", body="<p>Babbage, Babbage and the engine.</p>")]
    files = build_index(enumerate(record(p) for p in pages))
    assert query(files, "babbage")[0] == 1
    assert query(files, "babbage engine") == [2]  # every word must be on the page


def test_the_real_site_ranks_the_entity_first(tmp_path: Path):
    build(BuildOptions(root=REPO, out=tmp_path / "site", jobs=1))
    files = {p.relative_to(tmp_path / "site").as_posix(): p.read_bytes()
             for p in (tmp_path / "site" / SEARCH_FOLDER).rglob("*.json")}
    # (BM25 alone: the script's name bonus puts the Starlink entity page first, see the relevance set)
    for text, url, within in (("Bremmer", "/entities/ian-bremmer/", 1), ("starlink", "/entities/starlink/", 3),
                              ("starlink", "/articles/musk-putin-spacex/", 3), ("security clearance", "/glossary/", 3)):
        top = [page(files, n)["url"] for n in query(files, text)[:within]]
        assert url in top, (text, top)
    # every page offered to search is a page of the site, and every passage anchor is on it
    numbers = [int(name.split("/")[-1][:-5]) for name in files if name.startswith(f"{SEARCH_FOLDER}/pages/")]
    assert len(numbers) == json.loads(files[f"{SEARCH_FOLDER}/meta.json"])["pages"] > 60
    for n in numbers:
        fragment = page(files, n)
        html = tmp_path / "site" / fragment["url"].lstrip("/") / "index.html"
        ids = {node.attributes["id"] for node in LexborHTMLParser(html.read_text()).css("[id]")}
        assert all(block[0] in ids for block in fragment["blocks"] if block[0]), fragment["url"]


def test_the_preview_refreshes_the_index_to_what_a_clean_build_writes(project: Path, tmp_path: Path):
    own_theme(project)
    session = Session(BuildOptions(root=project, out=tmp_path / "live", fingerprint=False, jobs=1))
    session.build_all()
    assert not query(session.search_files, "zyxwvut")
    edit(project / "seeds/engines.txt", "agreed.", "agreed zyxwvut.")
    session.rebuild({project / "seeds/engines.txt"})
    session.search.refresh()  # what the timer runs once the author pauses
    fresh = tmp_path / "fresh"
    build(BuildOptions(root=project, out=fresh, fingerprint=False, jobs=1))
    assert tree_hash(session.options.out / SEARCH_FOLDER) == tree_hash(fresh / SEARCH_FOLDER)
    assert [page(session.search_files, n)["url"] for n in query(session.search_files, "zyxwvut")] == [
        "/articles/engines/"]


def test_the_preview_reindex_waits_while_a_rebuild_runs(project: Path, tmp_path: Path):
    """The re-indexer is a thread of the preview server: it must not compete with a save being
    turned into a page, so it stops at its next checkpoint until the rebuild is over."""
    own_theme(project)
    session = Session(BuildOptions(root=project, out=tmp_path / "live", fingerprint=False, jobs=1))
    session.build_all()
    edit(project / "seeds/engines.txt", "agreed.", "agreed zyxwvut.")
    session.rebuild({project / "seeds/engines.txt"})
    session._idle.clear()  # as if the next rebuild were running
    reindex = threading.Thread(target=session.search.refresh)
    reindex.start()
    reindex.join(0.5)
    assert reindex.is_alive() and not query(session.search_files, "zyxwvut")  # waiting at a checkpoint
    session._idle.set()
    reindex.join(10)
    assert not reindex.is_alive() and query(session.search_files, "zyxwvut")
    assert sys.getswitchinterval() == pytest.approx(0.005)  # put back as it was


def generated_words(count: int = 20000) -> list[str]:
    """English-looking words with the endings the stemmer handles (a fixed seed: the same list every run)."""
    import random

    endings = ["", "s", "es", "ed", "ing", "ly", "ness", "ful", "ation", "ational", "ization", "izer", "ism", "ive",
               "ous", "ance", "ence", "ible", "able", "ment", "ent", "er", "ies", "ied", "y", "eed", "eedly", "ingly",
               "edly", "li", "ogi", "ogist", "fulli", "lessli", "entli", "tional", "enci", "anci", "abli", "alli",
               "iviti", "biliti", "ousli", "alism", "aliti", "iveness", "ousness", "ic", "ical", "icate", "ative",
               "alize", "iciti", "sion", "'s", "s'"]
    letters = "aeiouybcdlmnrstgyw"
    chance = random.Random(19)
    return ["".join(chance.choice(letters) for _ in range(chance.randint(1, 10))) + chance.choice(endings)
            for _ in range(count)]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is installed by ./setup.sh")
def test_the_browser_stems_every_word_as_the_indexer_does(tmp_path: Path):
    """static/stemmer.js (run by node, as the browser runs it) against PyStemmer, on every word of
    the built site and a generated list."""
    import subprocess

    build(BuildOptions(root=REPO, out=tmp_path / "site", jobs=1))
    site_words = {w for path in (tmp_path / "site").rglob("*.html") for w in words(path.read_text())}
    every = sorted(site_words | set(generated_words()) | {"news", "skies", "generously", "dying", "é", "ab"})
    (tmp_path / "words.json").write_text(json.dumps(every), encoding="utf-8")
    script = ("const stem = require(process.argv[1]); const words = require(process.argv[2]);"
              "process.stdout.write(JSON.stringify(words.map(stem)));")
    out = subprocess.run(["node", "-e", script, str(REPO / "static" / "stemmer.js"), str(tmp_path / "words.json")],
                         check=True, capture_output=True, text=True).stdout
    differ = [(w, js, stem(w)) for w, js in zip(every, json.loads(out)) if js != stem(w)]
    assert len(site_words) > 2000 and not differ, differ[:20]
