"""Check that the explainer's content covers every proper noun in the seed article.

The content lives in ``content/*.yaml``; the article in ``seeds/*.txt`` (YAML front matter, then
one paragraph per line). This file reads both directly with ruamel.yaml and never imports the
generator, so it keeps working while the generator changes.

How proper-noun phrases are extracted from the seed body
--------------------------------------------------------
* Words are runs of letters and digits, with inner hyphens or apostrophes ("UK-European",
  "Musk’s"), plus dotted abbreviations such as "U.S.".
* A *capitalised word* starts with an upper-case letter ("Musk", "DOD") or is camel-cased
  ("iPhone"). Numbers are not capitalised words, so "Falcon 9" yields the phrase "Falcon".
* A *phrase* is a maximal run of capitalised words separated by single spaces. The connectors
  "of", "for" and "the" may join two capitalised words ("Department of Defense"). Any other
  punctuation between words ends a phrase, and so does a possessive: "Bezos’s Blue Origin" gives
  "Bezos" and "Blue Origin" (the "’s" is dropped).
* Sentence starts: when a phrase begins a sentence and its first word also occurs in lower case
  somewhere in the article ("These", "After", "Some"), that word is dropped, because grammar
  rather than naming capitalised it. A sentence-initial word that never occurs in lower case
  ("Amazon", but also "Generally") is kept and must be covered like any other; such ordinary
  words are the "sentence-initial words" group of the stop list. A sentence begins at the start
  of a paragraph, after ". ", "? " or "! " (optionally with a closing quote or bracket before
  the space, as in `.” NASA`), and right after an opening quote “, "(" or "[". A phrase left
  empty is skipped.

How a phrase is matched
-----------------------
Matching is on whole words. A phrase is covered when it is a contiguous part of some entity name
or alias ("Lockheed" in "Lockheed Martin"), or contains one ("President Donald Trump" contains
"Donald Trump"); entity names and aliases compare case-sensitively, as the generator links them,
glossary terms and their aliases case-insensitively. Otherwise the phrase must be listed, exactly,
in ``tests/content_stoplist.txt``.

A second test checks that every id the content refers to exists, so deleting an entity that is
quoted, listed on an event or note, or linked with ``[[id]]`` also fails.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEEDS = ROOT / "seeds"
STOPLIST = Path(__file__).resolve().parent / "content_stoplist.txt"

CONNECTORS = {"of", "for", "the"}
WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W_]+(?:[-’'][^\W_]+)*")
POSSESSIVE = re.compile(r"[’']s$")
SENTENCE_START = re.compile(r"(?:^|[.?!][”\"’)\]]?\s+|[“(\[]\s*)$")
WIKILINK = re.compile(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]")


def load_yaml_text(text: str):
    return YAML(typ="safe", pure=True).load(text)


def load_yaml(path: Path):
    return load_yaml_text(path.read_text(encoding="utf-8"))


def read_seed(path: Path) -> tuple[dict, list[str]]:
    """Split a seed into its front matter and its paragraphs (one per non-empty line)."""
    text = path.read_text(encoding="utf-8")
    front: dict = {}
    if text.startswith("---\n"):
        end = re.search(r"^---[ \t]*\n?", text[4:], flags=re.MULTILINE)
        assert end is not None, f"{path}: front matter is not closed"
        front = load_yaml_text(text[4:4 + end.start()]) or {}
        text = text[4 + end.end():]
    return front, [line for line in text.split("\n") if line.strip()]


def is_capitalised(word: str) -> bool:
    return word[0].isupper() or bool(re.match(r"[a-z]+[A-Z]", word))


def ordinary_words(paragraphs: list[str]) -> set[str]:
    """Words that occur in lower case somewhere in the text, so are not names by themselves."""
    return {m.group() for p in paragraphs for m in WORD.finditer(p) if m.group()[0].islower()}


def proper_noun_phrases(paragraph: str, ordinary: set[str]) -> list[str]:
    """Extract proper-noun phrases from one paragraph, following the rules in the module docstring."""
    tokens = []  # (word, start, end, is_possessive)
    for match in WORD.finditer(paragraph):
        word = match.group()
        possessive = bool(POSSESSIVE.search(word)) and len(word) > 2
        if possessive:
            word = POSSESSIVE.sub("", word)
        tokens.append((word, match.start(), match.end(), possessive))

    phrases: list[str] = []
    index = 0
    while index < len(tokens):
        word, start, _, possessive = tokens[index]
        if not is_capitalised(word):
            index += 1
            continue
        words = [word]
        last = index
        while not tokens[last][3]:
            nxt = last + 1
            if nxt >= len(tokens) or paragraph[tokens[last][2]:tokens[nxt][1]] != " ":
                break
            if is_capitalised(tokens[nxt][0]):
                words.append(tokens[nxt][0])
                last = nxt
                continue
            after = nxt + 1
            if (tokens[nxt][0] in CONNECTORS and not tokens[nxt][3] and after < len(tokens)
                    and paragraph[tokens[nxt][2]:tokens[after][1]] == " "
                    and is_capitalised(tokens[after][0])):
                words.extend([tokens[nxt][0], tokens[after][0]])
                last = after
                continue
            break
        if SENTENCE_START.search(paragraph[:start]) and words[0].lower() in ordinary:
            words = words[1:]
            while words and words[0] in CONNECTORS:
                words = words[1:]
        if words:
            phrases.append(" ".join(words))
        index = last + 1
    return phrases


def contains_words(haystack: list[str], needle: list[str]) -> bool:
    """Whether `needle` occurs as a contiguous run of whole words in `haystack`."""
    size = len(needle)
    return any(haystack[i:i + size] == needle for i in range(len(haystack) - size + 1))


def split_words(text: str) -> list[str]:
    return [POSSESSIVE.sub("", m.group()) for m in WORD.finditer(text)]


def surface_forms() -> tuple[list[list[str]], list[list[str]]]:
    """Entity names/aliases (case kept) and glossary terms/aliases (case-folded), as word lists."""
    entities = load_yaml(CONTENT / "entities.yaml") or []
    terms = load_yaml(CONTENT / "glossary.yaml") or []
    entity_forms = [split_words(form) for e in entities for form in [e["name"], *e.get("aliases", [])]]
    term_forms = [split_words(form.casefold()) for t in terms for form in [t["term"], *t.get("aliases", [])]]
    return entity_forms, term_forms


def read_stoplist() -> set[str]:
    lines = STOPLIST.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")}


def is_covered(phrase: str, entity_forms, term_forms) -> bool:
    words = split_words(phrase)
    folded = [w.casefold() for w in words]
    for form in entity_forms:
        if form and (contains_words(form, words) or contains_words(words, form)):
            return True
    for form in term_forms:
        if form and (contains_words(form, folded) or contains_words(folded, form)):
            return True
    return False


def seed_files() -> list[Path]:
    return sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".md") and not p.name.startswith("."))


def test_extraction_rules_on_a_sample():
    sample = ("Generally, Tesla’s chief met the Department of Defense and Bezos’s Blue Origin. "
              "The X account of Tory Bruno uses an iPhone, not a Falcon 9. “We need NASA,” said Plumb. "
              "Amazon is a rival (Some say so.)")
    ordinary = ordinary_words([sample]) | {"we", "some"}
    assert proper_noun_phrases(sample, ordinary) == [
        "Generally", "Tesla", "Department of Defense", "Bezos", "Blue Origin", "X", "Tory Bruno",
        "iPhone", "Falcon", "NASA", "Plumb", "Amazon",
    ]


@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.name)
def test_every_proper_noun_is_covered(seed: Path):
    _, paragraphs = read_seed(seed)
    assert paragraphs, f"{seed.name} has no paragraphs"
    entity_forms, term_forms = surface_forms()
    stoplist = read_stoplist()
    ordinary = ordinary_words(paragraphs)
    missing = []
    for number, paragraph in enumerate(paragraphs, start=1):
        for phrase in proper_noun_phrases(paragraph, ordinary):
            if phrase not in stoplist and not is_covered(phrase, entity_forms, term_forms):
                missing.append(f"p{number}: {phrase}")
    assert not missing, ("proper nouns with no entity, glossary term or stop-list entry:\n  "
                         + "\n  ".join(dict.fromkeys(missing)))


def test_every_referenced_id_exists():
    entities = load_yaml(CONTENT / "entities.yaml") or []
    terms = load_yaml(CONTENT / "glossary.yaml") or []
    site = load_yaml(CONTENT / "site.yaml") or {}
    entity_ids = {e["id"] for e in entities}
    term_ids = {t["id"] for t in terms}
    linkable = entity_ids | term_ids
    problems = []

    def check_links(markdown, where):
        for target in WIKILINK.findall(markdown or ""):
            if target not in linkable:
                problems.append(f"{where}: [[{target}]] links to nothing")

    def check_entities(ids, where):
        for ref in ids or []:
            if ref not in entity_ids:
                problems.append(f"{where}: unknown entity {ref!r}")

    for e in entities:
        check_entities(e.get("related"), f"entities.yaml:{e['id']}")
        check_links(e.get("description"), f"entities.yaml:{e['id']}")
    for t in terms:
        for ref in t.get("see_also") or []:
            if ref not in term_ids:
                problems.append(f"glossary.yaml:{t['id']}: unknown term {ref!r}")
        check_links(t.get("definition"), f"glossary.yaml:{t['id']}")
    for event in load_yaml(CONTENT / "timeline.yaml") or []:
        check_entities(event.get("entities"), f"timeline.yaml:{event['id']}")
        check_links(event.get("body"), f"timeline.yaml:{event['id']}")
    for number, quote in enumerate(load_yaml(CONTENT / "quotes.yaml") or [], start=1):
        check_entities([quote["speaker"]], f"quotes.yaml:#{number}")
        check_links(quote.get("context"), f"quotes.yaml:#{number}")
    for note in load_yaml(CONTENT / "notes.yaml") or []:
        check_entities(note.get("entities"), f"notes.yaml:{note['id']}")
        check_links(note.get("note"), f"notes.yaml:{note['id']}")
    for number, point in enumerate(site.get("key_points") or [], start=1):
        check_links(point.get("text"), f"site.yaml:key_points#{number}")
    assert not problems, "\n".join(problems)


def test_stoplist_entries_are_still_needed():
    """A stop-list phrase that no longer occurs, or is now covered by content, should be removed."""
    entity_forms, term_forms = surface_forms()
    phrases = set()
    for seed in seed_files():
        paragraphs = read_seed(seed)[1]
        ordinary = ordinary_words(paragraphs)
        phrases.update(phrase for paragraph in paragraphs
                       for phrase in proper_noun_phrases(paragraph, ordinary))
    stale = sorted(s for s in read_stoplist()
                   if s not in phrases or is_covered(s, entity_forms, term_forms))
    assert not stale, f"stop-list entries no longer needed: {stale}"
