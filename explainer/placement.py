"""Placing excerpts, quotes and notes in the paragraphs they quote (part of the link stage).

Every excerpt a source, quote or note cites must be verbatim in one paragraph of its seed; the
places found are indexed on `Linked` (which events rest on ¶5, who is quoted beside it).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from markdown_it import MarkdownIt

from .errors import Location, Problems
from .fieldlinks import check_fields
from .model import Article, Paragraph

if TYPE_CHECKING:
    from .link import Linked

ParagraphKey = tuple[str, int]  # (article slug, paragraph index)
Locate = Callable[[str, str, Location, str], "Anchor | None"]


@dataclass(frozen=True)
class Anchor:
    """A verbatim excerpt located in a seed: article, paragraph and offsets within it."""

    article: str
    paragraph: int
    start: int
    end: int

    @property
    def key(self) -> ParagraphKey:
        return (self.article, self.paragraph)


def locate_excerpt(articles: dict[str, Article], seed: str, excerpt: str, where: Location, what: str,
                   problems: Problems) -> Anchor | None:
    """Find a verbatim excerpt in one paragraph of a seed; explain precisely when it is not there."""
    article = articles.get(seed)
    if article is None:
        return None  # unknown seeds were reported by validate
    hits = [(p.index, p.text.find(excerpt)) for p in article.paragraphs if excerpt in p.text]
    if hits:
        if len(hits) > 1:
            problems.warning(where, f"{what} appears in {len(hits)} paragraphs of '{seed}'; using the first (p{hits[0][0]})",
                             "quote more words to make it unique")
        index, start = hits[0]
        return Anchor(seed, index, start, start + len(excerpt))
    problems.error(where, f"{what} is not verbatim in seed '{seed}'", _verbatim_hint(article, excerpt))
    return None


_STRAIGHTEN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "…": "..."})


def _normalise(text: str) -> str:
    return " ".join(text.translate(_STRAIGHTEN).split())


def _verbatim_hint(article: Article, excerpt: str) -> str:
    wanted = _normalise(excerpt)
    for paragraph in article.paragraphs:
        if wanted and wanted in _normalise(paragraph.text):
            return (f"p{paragraph.index} has it with different quote marks, dashes or spaces; "
                    "copy the text exactly, with curly quotes (’ “ ”) as in the seed")
    whole = "\n".join(p.text for p in article.paragraphs)
    if wanted and wanted in _normalise(whole.replace("\n", " ")):
        return "an excerpt must lie within one paragraph"
    return f"closest paragraph is p{(best := _closest_paragraph(article, excerpt)).index} (line {best.line})"


_WORDS = re.compile(r"\w+")


def _closest_paragraph(article: Article, excerpt: str) -> Paragraph:
    """The paragraph that holds the most distinct words of the excerpt (the first of equals).

    Linear in the length of the article and the excerpt: a set of words per paragraph. (The
    longest common substring, found by difflib, took O(n·m): 26 s for a 2 kB excerpt and a
    400 kB paragraph.)"""
    wanted = set(_WORDS.findall(excerpt.casefold()))
    return max(article.paragraphs, key=lambda p: len(wanted.intersection(_WORDS.findall(p.text.casefold()))))


def place(linked: Linked, md: MarkdownIt, problems: Problems) -> None:
    """Locate every excerpt, quote and note in its paragraph, index them, and check the links in
    the collections' text fields."""
    before = len(problems.items)
    _place(linked, problems, None)
    library = linked.library
    check_fields(md, library, problems)
    linked.anchored_seeds = frozenset(
        [ref.seed for item in (*library.events, *library.terms, *library.site.key_points, *library.notes)
         for ref in item.sources if ref.is_seed] + [q.seed for q in library.quotes] + [n.seed for n in library.notes])
    linked.placed_cleanly = len(problems.items) == before


def place_again(linked: Linked, seeds: set[str], problems: Problems) -> None:
    """Place again just the excerpts, quotes and notes in `seeds`, in a `linked` that holds a
    clean placement of the same collections (whoever kept one: the seeds' text changed, so their
    places may have). The link checks of the collections' fields, which no seed can change, are
    not repeated."""
    _unplace(linked, seeds)
    before = len(problems.items)
    _place(linked, problems, seeds)
    linked.placed_cleanly = len(problems.items) == before


def _place(linked: Linked, problems: Problems, only: set[str] | None) -> None:
    library = linked.library

    def wanted(seed: str) -> bool:
        return only is None or seed in only

    def locate(seed: str, excerpt: str, where: Location, what: str) -> Anchor | None:
        return locate_excerpt(linked.articles, seed, excerpt, where, what, problems)

    _place_events(linked, wanted, locate, everything=only is None)
    for item in (*library.terms, *(n for n in library.notes if only is None or n.seed not in only)):
        _place_sources(linked, item.sources, wanted, locate)
    for number, point in enumerate(library.site.key_points):
        for anchor in _place_sources(linked, point.sources, wanted, locate):
            linked.paragraph_points[anchor.key].append(number)
    _place_quotes(linked, wanted, locate, everything=only is None)
    _place_notes(linked, wanted, locate)


def _place_sources(linked: Linked, sources, wanted: Callable[[str], bool], locate: Locate) -> list[Anchor]:
    """Place the seed excerpts among `sources` (those in the wanted seeds); returns their places."""
    placed = []
    for ref in sources:
        if ref.is_seed and wanted(ref.seed):
            anchor = locate(ref.seed, ref.excerpt, ref.src, "excerpt")
            if anchor:
                linked.source_anchor[ref] = anchor
                placed.append(anchor)
    return placed


def _place_events(linked: Linked, wanted: Callable[[str], bool], locate: Locate, everything: bool) -> None:
    for event in linked.library.events:
        for anchor in _place_sources(linked, event.sources, wanted, locate):
            if event.id not in linked.paragraph_events[anchor.key]:
                linked.paragraph_events[anchor.key].append(event.id)
        if everything:
            for entity_id in event.entities:
                linked.entity_events[entity_id].append(event.id)


def _place_quotes(linked: Linked, wanted: Callable[[str], bool], locate: Locate, everything: bool) -> None:
    for quote in linked.library.quotes:
        if wanted(quote.seed):
            anchor = locate(quote.seed, quote.text, quote.src, f"quote '{quote.id}'")
            if anchor:
                linked.quote_anchor[quote.id] = anchor
                linked.paragraph_quotes[anchor.key].append(quote.id)
        if everything:
            linked.entity_quotes[quote.speaker].append(quote.id)


def _place_notes(linked: Linked, wanted: Callable[[str], bool], locate: Locate) -> None:
    """Place each note, and find the entities it involves: those it names, and those mentioned
    inside its excerpt (when the paragraph reads as written, so the offsets agree)."""
    library, articles = linked.library, linked.articles
    for note in library.notes:
        if not wanted(note.seed):
            continue
        anchor = locate(note.seed, note.excerpt, note.src, f"excerpt of note '{note.id}'")
        involved = list(note.entities)
        if anchor:
            linked.note_anchor[note.id] = anchor
            linked.paragraph_notes[anchor.key].append(note.id)
            for mention in linked.mentions.get(anchor.key, []):
                if mention.kind == "entity" and mention.start < anchor.end and mention.end > anchor.start \
                        and linked.visible[anchor.key] == articles[anchor.article].paragraphs[anchor.paragraph - 1].text:
                    involved.append(mention.target)
        _place_sources(linked, note.sources, lambda seed: True, locate)  # all of a placed note's sources, in order
        linked.note_entities[note.id] = tuple(dict.fromkeys(involved))
    linked.entity_notes = defaultdict(list)
    for note in library.notes:
        for entity_id in linked.note_entities.get(note.id, ()):
            linked.entity_notes[entity_id].append(note.id)


def _unplace(linked: Linked, seeds: set[str]) -> None:
    """Forget where the excerpts, quotes and notes in `seeds` were (they are about to be placed again)."""
    for ref in [r for r, anchor in linked.source_anchor.items() if anchor.article in seeds or r.seed in seeds]:
        del linked.source_anchor[ref]
    for table in (linked.quote_anchor, linked.note_anchor):
        for ident in [i for i, anchor in table.items() if anchor.article in seeds]:
            del table[ident]
    for table in (linked.paragraph_events, linked.paragraph_notes, linked.paragraph_quotes, linked.paragraph_points):
        for key in [k for k in table if k[0] in seeds]:
            del table[key]


# what placing the excerpts, quotes and notes puts into a Linked (one that keeps a placement
# hands these on)
PLACEMENT = ("source_anchor", "quote_anchor", "note_anchor", "paragraph_events", "paragraph_notes", "paragraph_quotes",
             "paragraph_points", "entity_events", "entity_quotes", "entity_notes", "note_entities", "anchored_seeds",
             "placed_cleanly")
