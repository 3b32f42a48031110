"""Which page holds each glossary term and timeline event: one page each on a site of ordinary size,
and on a large one a page per letter (the glossary) and per decade or year (the timeline), so
that no page grows past about a megabyte. Decided once from the library, before linking, since
every link to a term or an event (auto-links, cards, lists, /data/) is made from it (Urls).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Event, Library, Term

# A term takes about 1.6 kB of the glossary page (definition, uses, sources) and an event about
# 0.6 kB of the timeline; past these counts they are split, so a page stays well under 1 MB.
GLOSSARY_ONE_PAGE = 500
TIMELINE_ONE_PAGE = 1000

OTHER = "other"  # the glossary page of terms that do not start with a letter from a to z


@dataclass(frozen=True)
class PageLimits:
    """The most terms and events the glossary and the timeline show on one page."""

    glossary_terms: int = GLOSSARY_ONE_PAGE
    timeline_events: int = TIMELINE_ONE_PAGE


@dataclass(frozen=True)
class Section:
    """One page of a split glossary or timeline: its URL segment ("a", "1990s", "2024") and label."""

    key: str
    label: str


@dataclass(frozen=True)
class Sections:
    """The pages of the glossary and the timeline past their first (none: each is one page), and
    for each term and event the key of the page it is on."""

    glossary: tuple[Section, ...] = ()
    timeline: tuple[Section, ...] = ()
    term_page: dict[str, str] = field(default_factory=dict)  # (not to be changed once made)
    event_page: dict[str, str] = field(default_factory=dict)


def letter_of(term: Term) -> str:
    """The letter a term is filed under in the glossary ("#" when it starts with no letter)."""
    first = term.term[:1]
    return first.upper() if first.isalpha() else "#"


def _letter_key(letter: str) -> str:
    return letter.lower() if "A" <= letter <= "Z" else OTHER


def glossary_sections(terms: tuple[Term, ...], limit: int) -> tuple[tuple[Section, ...], dict[str, str]]:
    """A page per letter when there are more than `limit` terms (the terms come sorted A–Z)."""
    if len(terms) <= limit:
        return (), {}
    pages: dict[str, Section] = {}
    where = {}
    for term in terms:
        key = _letter_key(letter_of(term))
        pages.setdefault(key, Section(key, "#" if key == OTHER else key.upper()))
        where[term.id] = key
    # the page of other initials last, as "#" comes last in the glossary's own order of letters
    return tuple(sorted(pages.values(), key=lambda s: (s.key == OTHER, s.key))), where


def timeline_sections(events: tuple[Event, ...], limit: int) -> tuple[tuple[Section, ...], dict[str, str]]:
    """A page per decade when there are more than `limit` events, or per year when a decade would
    hold more than `limit` (the events come in date order)."""
    if len(events) <= limit:
        return (), {}
    decades: dict[int, int] = {}
    for event in events:
        decades[event.date.year // 10] = decades.get(event.date.year // 10, 0) + 1
    by_decade = max(decades.values()) <= limit

    def key(event: Event) -> str:
        return f"{event.date.year // 10 * 10}s" if by_decade else str(event.date.year)

    where = {event.id: key(event) for event in events}
    return tuple(Section(k, k) for k in dict.fromkeys(where.values())), where


def sections_of(library: Library, limits: PageLimits = PageLimits()) -> Sections:
    glossary, term_page = glossary_sections(library.terms, limits.glossary_terms)
    timeline, event_page = timeline_sections(library.events, limits.timeline_events)
    return Sections(glossary, timeline, term_page, event_page)
