"""Typed content: frozen dataclasses that remember where each piece came from (`src`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .dates import FuzzyDate
from .errors import Location


@dataclass(frozen=True)
class ExternalLink:
    title: str
    url: str


@dataclass(frozen=True)
class SourceRef:
    """Evidence for a claim: a verbatim excerpt of a seed paragraph, or an external page."""

    src: Location
    seed: str | None = None
    excerpt: str | None = None
    title: str | None = None
    url: str | None = None

    @property
    def is_seed(self) -> bool:
        return self.seed is not None


@dataclass(frozen=True)
class Paragraph:
    index: int  # 1-based; the anchor is p<index>
    text: str  # exactly as in the seed
    line: int

    @property
    def anchor(self) -> str:
        return f"p{self.index}"


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    path: str  # the seed file, relative to the project
    format: str  # "txt" (plain text, one paragraph per line) or "md"
    paragraphs: tuple[Paragraph, ...]  # the same tuple while the seed file is unchanged
    src: Location
    author: str | None = None
    publication: str | None = None
    published: FuzzyDate | None = None
    url: str | None = None
    summary: str | None = None
    draft: bool = False
    title_by: str | None = None  # who wrote `title`, when it is not the publication's own headline


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    kind: str
    summary: str
    src: Location
    aliases: tuple[str, ...] = ()
    description: str = ""
    links: tuple[ExternalLink, ...] = ()
    related: tuple[str, ...] = ()
    redirect_from: tuple[str, ...] = ()
    draft: bool = False
    text_src: Location | None = None  # where the markdown field starts, for [[link]] errors
    # positions of each alias and related id, for precise warnings
    alias_src: tuple[Location, ...] = ()
    related_src: tuple[Location, ...] = ()
    redirect_src: tuple[Location, ...] = ()  # where each redirect_from id is written
    sort_name: str = ""  # how lists sort it, when the rule in sort_key gets it wrong ("Xi Jinping")

    @property
    def sort_key(self) -> str:
        """People sort by family name: the last word of a name of two or three capitalised words
        ("Musk, Elon"); a description ("former US national security official"), anything else and
        an explicit sort_name sort as written."""
        if self.sort_name:
            return self.sort_name.casefold()
        words = self.name.split()
        if self.kind == "person" and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
            return " ".join([words[-1], *words[:-1]]).casefold()
        return self.name.casefold()


@dataclass(frozen=True)
class Event:
    id: str
    date: FuzzyDate
    title: str
    sources: tuple[SourceRef, ...]
    src: Location
    label: str | None = None
    kind: str | None = None
    body: str = ""
    entities: tuple[str, ...] = ()
    draft: bool = False
    text_src: Location | None = None
    entities_src: tuple[Location, ...] = ()

    @property
    def display_date(self) -> str:
        return self.label or self.date.display


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    src: Location
    aliases: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    case_sensitive: bool = False
    draft: bool = False
    text_src: Location | None = None
    alias_src: tuple[Location, ...] = ()
    see_also_src: tuple[Location, ...] = ()


@dataclass(frozen=True)
class Quote:
    id: str
    speaker: str
    text: str
    seed: str
    src: Location
    context: str = ""
    draft: bool = False
    text_src: Location | None = None


@dataclass(frozen=True)
class Note:
    id: str
    seed: str
    excerpt: str
    note: str
    src: Location
    entities: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    draft: bool = False
    text_src: Location | None = None
    entities_src: tuple[Location, ...] = ()


@dataclass(frozen=True)
class KeyPoint:
    text: str
    sources: tuple[SourceRef, ...]
    src: Location
    text_src: Location | None = None


@dataclass(frozen=True)
class LinkPolicy:
    """How often an auto-link repeats (once per 'paragraph', once per 'article' and section, or
    'all' mentions), and how many links a paragraph and the article may hold (0: no limit)."""

    entities: str = "article"
    terms: str = "article"
    max_per_paragraph: int = 4
    words_per_link: int = 0  # a long article sets 30 or so; a short one would be left with no links


@dataclass(frozen=True)
class Site:
    title: str
    src: Location
    description: str = ""
    base_url: str = "/"
    language: str = "en"
    publisher: str = ""
    allow_html: bool = False
    linking: LinkPolicy = field(default_factory=LinkPolicy)
    key_points: tuple[KeyPoint, ...] = ()


@dataclass(frozen=True)
class Library:
    """All content, validated: the input of the link stage."""

    site: Site
    articles: tuple[Article, ...]
    entities: tuple[Entity, ...]
    events: tuple[Event, ...]  # sorted by date
    terms: tuple[Term, ...]  # sorted A–Z
    quotes: tuple[Quote, ...]
    notes: tuple[Note, ...]
