"""Full-text search: an index the build writes itself, read by a small script on the search page.

What a page offers to search is decided by its template: the text of the block elements (p, li,
headings, dt/dd, blockquote, table cells…) inside `<main data-search-body>`, minus anything under
`[data-search-ignore]`, with the page's title and kind from `data-search-title`/`data-search-kind`.
Each block keeps the id of its nearest element with one (a paragraph's ¶ anchor, an event, a term),
so a result can point at the passage, not just the page.

The render workers turn each page into a `SearchRecord` (its words counted, its passages as JSON)
from the HTML tree the link check parses anyway; `build_index` then only has to merge the counts.
The files, under `search-index/`:

- `meta.json`: the format version, the number of pages, each page's length in words and kind
  (an index into `kinds`, the labels the results are filtered by; -1 for a page not offered to
  search), the average length of each kind and BM25's parameters (the script scores pages with
  BM25 from these and the counts);
- `pages/<n>.json`: the URL, title, kind, names (aliases) and passages of the site's nth page (counting every
  page in build order, so a render worker can write it without waiting for the others); fetched
  for the results shown;
- `terms/<key>.json`: for every stem starting with `key` (its first three characters), the pages
  it is on and its weighted count there, as `[[page, gap, gap, …], [count, …]]`.

Words are indexed by their Snowball English stem (`stem()`, PyStemmer), so "clearances" finds
"clearance" and "negotiations" finds "negotiating"; `static/stemmer.js` is the same algorithm for
the browser (a test compares the two on every word of the site). The counts are BM25F's: a word
counts once in the body and `FIELD_WEIGHTS` times in the title and in the elements a template marks
`data-search-field="alias"` or `"summary"` (an entity's names and one-line summary, a glossary
term's names), so a page about a thing ranks before the pages that mention it. A passage inside a
summary element, or inside `data-search-copy` (what repeats another page: an event or a quote on
an entity page), carries that role in the page file: the script prefers a summary as the excerpt,
and an original over a copy.
`static/search.js` splits words exactly as `words()` does here (tests keep the two in step); how it
ranks is described there and in docs/search.md.
"""
from __future__ import annotations

import json
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain
from functools import lru_cache
from typing import Callable, Iterable

import Stemmer

SEARCH_FOLDER = "search-index"
FORMAT_VERSION = 3
BLOCK_TAGS = frozenset({"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption",
                        "td", "th", "pre", "caption", "summary"})
_BLOCK_SELECTOR = ",".join(sorted(BLOCK_TAGS))
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BOUNDARY = "\x00"  # marks where a nested block starts (parsed text never holds a NUL: the parser drops it)
# BM25F field weights: how many times a word counts where it stands (the body counts once; a
# title word is also in the page's <h1>, so it counts 1 + 6 there)
FIELD_WEIGHTS = {"title": 6, "alias": 4, "summary": 2}
KEY_LENGTH = 3  # term files hold the words that start with the same three characters
BM25_K1, BM25_B = 1.2, 0.75  # written into meta.json for the script

# Combining marks that NFKD splits off accented letters (the same ranges as in search.js), so
# "Lavrov" is found however it was typed, and "émigré" by "emigre".
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]{2,}")  # runs of letters and digits (str.isalnum), two or more long
_ASCII_WORD = re.compile(r"[a-z0-9]{2,}", re.ASCII)  # the same, in lower-case ASCII text


def normalise(text: str) -> str:
    text = text.lower()
    # lower again after NFKD: a compatibility character can decompose into capitals (𝕬 → A)
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text)).lower()


def words(text: str) -> list[str]:
    """The indexed words of a text: lower case, diacritics dropped, runs of letters and digits."""
    text = normalise(text)
    # the same runs, found sooner in ASCII text (most pages) by an ASCII-only pattern
    return _ASCII_WORD.findall(text) if text.isascii() else _WORD.findall(text)


class _Stems(dict):
    """Word → Snowball English stem, each word stemmed once per process: the pages of a site
    repeat one vocabulary, so the stemmer sees each distinct word once instead of every page's."""

    def __init__(self):
        super().__init__()
        self.stemmer = Stemmer.Stemmer("english")

    def __missing__(self, word: str) -> str:
        # a word with anything but ASCII letters and digits is kept as it is: the algorithm is
        # for English, and static/stemmer.js does the same
        stemmed = self[word] = self.stemmer.stemWord(word) if word.isascii() and word.isalnum() else word
        return stemmed


@lru_cache(maxsize=None)
def _stems() -> _Stems:
    return _Stems()


def stem(word: str) -> str:
    """The Snowball English stem of an indexed word."""
    return _stems()[word]


def stem_counts(counts: Counter, into: Counter, weight: int = 1) -> None:
    """Add word counts to `into` by stem, each `weight` times."""
    stems, get = _stems(), into.get
    for word, count in counts.items():
        key = stems[word]
        into[key] = get(key, 0) + count * weight


def term_file(term: str) -> str:
    """The name of the term file that holds `term` (ASCII keys as they are, others as code points)."""
    key = term[:KEY_LENGTH]
    if key.isascii() and key.isalnum():
        return key
    return "u" + "-".join(f"{ord(char):x}" for char in key)


@dataclass(frozen=True)
class SearchRecord:
    """One page as the index sees it: its word counts (title words weighted) and its passages."""

    terms: dict[str, int] | None  # None once a render worker has added them to its chunk's postings
    length: int  # words in the page, for BM25's length normalisation
    fragment: bytes | None  # pages/<n>.json (None once a render worker has written it)
    kind: str = ""  # what the results are filtered by: "Person", "Article", "Timeline"…


def search_record(tree, url: str) -> SearchRecord | None:
    """The record of a parsed page, or None when its template does not offer it to search.

    `tree` is the page's lexbor tree; the ignored parts are removed from it, so call this last.
    """
    main = tree.css_first("main")  # (the tag alone: a selector on the attribute too is slower to match)
    if main is None or "data-search-body" not in main.attributes:
        return None
    for node in main.css("[data-search-ignore]"):
        node.decompose()
    title = main.attributes.get("data-search-title") or ""
    kind = main.attributes.get("data-search-kind") or ""
    fields = Counter()  # the words of the weighted fields, each counted (weight - 1) more times
    names, has_roles = [], False
    for node in main.css("[data-search-field], [data-search-copy]"):  # (one query: each costs)
        field = node.attributes.get("data-search-field")
        has_roles = has_roles or field == "summary" or field is None
        if field in FIELD_WEIGHTS:
            text = node.text(deep=True, separator=" ")
            stem_counts(Counter(words(text)), fields, FIELD_WEIGHTS[field] - 1)
            if field == "alias":
                names.append(" ".join(text.split()))
    blocks = _passages(main, has_roles)
    body = words(" ".join(block[1] for block in blocks))
    stems = Counter(map(_stems().__getitem__, body))  # (a C loop over the words: this runs for every page)
    stem_counts(Counter(words(title)), stems, FIELD_WEIGHTS["title"])
    stems.update(fields)
    fragment = {"url": url, "title": title, "kind": kind, "blocks": blocks}
    if names:
        fragment["names"] = names
    return SearchRecord(dict(stems), len(body),
                        json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), kind)


def _passages(main, has_roles: bool) -> list[list[str]]:
    """The page's passages, `[anchor, text]`, or `[anchor, text, role]`: "summary" inside a summary
    field, "copy" inside `data-search-copy` (what repeats another page's passage: a timeline event
    or a quote on an entity page; the script prefers the original when both hold a phrase).

    A passage's anchor is its own id or its nearest ancestor's; failing those, the first id inside
    it (a timeline event's title), else the last heading with an id before it (a glossary term).
    """
    outer: list[list] = []  # [its own anchor or None, node, role, the last heading's anchor]
    heading_anchor = ""
    for node in main.css(_BLOCK_SELECTOR):
        # (`.id`, not `.attributes.get("id")`: the attributes are a dict made on each call)
        anchor, ancestor, nested = node.id, node.parent, False
        role = _role(node) if has_roles else ""
        while ancestor is not None:
            tag = ancestor.tag  # (made anew on each access)
            if tag == "main":
                break
            if tag in BLOCK_TAGS:
                nested = True  # its text is part of the enclosing block's
                break
            if not anchor:
                anchor = ancestor.id
            if has_roles and not role:
                role = _role(ancestor)
            ancestor = ancestor.parent
        if nested:
            # Mark where it starts, so its text does not run into the text before it (a timeline
            # event's title and its body): "… over Ukraine · After a public request …".
            node.insert_before(_BOUNDARY)
            if anchor and not outer[-1][0]:  # (blocks come in document order: the enclosing one is the last)
                outer[-1][0] = anchor
        else:
            if anchor and node.tag in _HEADINGS:
                heading_anchor = anchor
            outer.append([anchor, node, role, heading_anchor])
    blocks: list[list[str]] = []
    for anchor, node, role, heading_anchor in outer:
        anchor = anchor or heading_anchor
        text = node.text(deep=True, separator="")
        if _BOUNDARY in text:  # (most passages hold no nested block: one split, no joining of pieces)
            text = " · ".join(piece for piece in (" ".join(part.split()) for part in text.split(_BOUNDARY)) if piece)
        else:
            text = " ".join(text.split())
        if text:
            blocks.append([anchor, text, role] if role else [anchor, text])
    return blocks


def _role(node) -> str:
    attributes = node.attributes
    if attributes.get("data-search-field") == "summary":
        return "summary"
    return "copy" if "data-search-copy" in attributes else ""


def term_path(word: str) -> str:
    """The index file that holds a word's postings."""
    return f"{SEARCH_FOLDER}/terms/{term_file(word)}.json"


def is_term_path(name: str) -> bool:
    return name.startswith(f"{SEARCH_FOLDER}/terms/")


def page_fragment_path(number: int) -> str:
    return f"{SEARCH_FOLDER}/pages/{number}.json"


Postings = dict  # word → ([page number, …], [count, …]) (lists, or arrays when packed), pages ascending


def invert(records: Iterable[tuple[int, SearchRecord]], postings: Postings | None = None,
           pause: Callable[[], None] | None = None) -> Postings:
    """Add pages' word counts to `postings` (pages in ascending order, after those already there);
    `pause` is called before each page (the preview's re-indexer gives way to rebuilds there)."""
    postings = {} if postings is None else postings
    for page, record in records:
        if pause is not None:
            pause()
        for word, count in record.terms.items():
            entry = postings.get(word)
            if entry is None:
                postings[word] = ([page], [count])
            else:
                entry[0].append(page)
                entry[1].append(count)
    return postings


def packed(postings: Postings) -> Postings:
    """The same postings as arrays of machine integers: a render worker's chunk travels to the main
    process as a few bytes per posting, and is kept there without an int object for each."""
    return {word: (array("I", pages), array("I", counts)) for word, (pages, counts) in postings.items()}


def merge_postings(postings: Postings, later: Postings) -> None:
    """Add the packed postings of later pages (a render worker's chunk) to `postings`; `later`'s
    arrays are taken over, not copied, so do not use it afterwards."""
    for word, (pages, counts) in later.items():
        entry = postings.get(word)
        if entry is None:
            postings[word] = (pages, counts)
        else:
            entry[0].extend(pages)
            entry[1].extend(counts)


def build_index(records: Iterable[tuple[int, SearchRecord]], postings: Postings | None = None,
                pause: Callable[[], None] | None = None, words: set[str] | None = None) -> dict[str, bytes]:
    """The files of the search index (paths relative to the output folder) for these pages, each
    with its number in the site's page order; `postings` when the render workers inverted the
    pages' words already (their records then carry no terms). `pause` is called between steps.
    With `words`, only the term files that hold one of them are made (the others stand)."""
    records = sorted(records, key=lambda numbered: numbered[0])
    if postings is None:
        postings = invert(records, pause=pause)
    files = {page_fragment_path(n): record.fragment for n, record in records if record.fragment is not None}
    lengths = [0] * (records[-1][0] + 1 if records else 0)
    kinds = sorted({record.kind for _, record in records})
    kind_number = {kind: number for number, kind in enumerate(kinds)}
    kind_of = [-1] * len(lengths)
    for page, record in records:
        lengths[page] = record.length
        kind_of[page] = kind_number[record.kind]
    # BM25 compares a page's length with the average of its own kind: an article is long next to
    # an entity page, and would otherwise rank below every short page that names a thing once
    totals = [0] * len(kinds)
    counts = Counter(kind_of)
    for page, record in records:
        totals[kind_of[page]] += record.length
    averages = [round(total / counts[number], 2) for number, total in enumerate(totals)]
    meta = {"version": FORMAT_VERSION, "stemmer": "snowball-english", "pages": len(records), "k1": BM25_K1,
            "b": BM25_B, "kinds": kinds, "averages": averages, "kind": kind_of, "lengths": lengths}
    files[f"{SEARCH_FOLDER}/meta.json"] = json.dumps(meta, separators=(",", ":")).encode()
    by_file: dict[str, list[str]] = defaultdict(list)
    shards = None if words is None else {term_file(word) for word in words}
    for word in sorted(postings):
        shard = term_file(word)
        if shards is None or shard in shards:
            by_file[shard].append(word)
    for name, shard_words in by_file.items():  # one term file at a time: millions of gaps as Python
        terms = {}                              # ints at once would be the build's largest object
        for word in shard_words:
            if pause is not None:
                pause()
            pages, counts = postings[word]
            terms[word] = [[page - previous for previous, page in zip(chain((0,), pages), pages)], list(counts)]
        files[f"{SEARCH_FOLDER}/terms/{name}.json"] = json.dumps(terms, ensure_ascii=False,
                                                                 separators=(",", ":")).encode("utf-8")
    return files
