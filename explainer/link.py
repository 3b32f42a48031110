"""Stage 3, link: find mentions, place excerpts and quotes in their paragraphs (placement.py),
build the indexes.

The result, `Linked`, answers every question a page asks: where is this entity mentioned,
which events rest on this paragraph, who is co-mentioned with whom.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple

from markdown_it import MarkdownIt

from .errors import Location, Problems
from .linker import AliasEntry, AliasMatcher, Match
from .linkpolicy import KIND_RANK, choose_links
from .markdown import LinkTarget, parse_blocks, text_runs, visible_text
from .model import Article, Entity, Library, LinkPolicy, SourceRef
from .placement import Anchor, ParagraphKey, locate_excerpt, place
from .urls import Urls

__all__ = ["Anchor", "ArticleLinks", "Linked", "LinkTargets", "Mention", "build_matcher", "editorial_warnings",
           "index_article", "link", "link_article", "locate_excerpt", "unindex_article", "unplaced"]


class Mention(NamedTuple):
    """One occurrence of an entity or term in a paragraph. A named tuple: a large site has hundreds
    of thousands, made in the link workers and sent to the main process (pickling a tuple costs a
    third of what a dataclass does)."""

    article: str
    paragraph: int
    start: int  # offsets into the paragraph's visible text
    end: int
    target: str
    kind: str  # "entity" | "term"
    linked: bool  # whether the link policy makes this occurrence a link


@dataclass
class Linked:
    """The library plus every cross-reference between its parts."""

    library: Library
    matcher: AliasMatcher
    visible: dict[ParagraphKey, str] = field(default_factory=dict)
    mentions: dict[ParagraphKey, list[Mention]] = field(default_factory=dict)
    # per target, its mentions grouped by article (so an edited article's are replaced in O(1))
    by_target: dict[str, dict[str, list[Mention]]] = field(default_factory=lambda: defaultdict(dict))
    mention_counts: Counter = field(default_factory=Counter)  # per target, its number of mentions
    source_anchor: dict[SourceRef, Anchor] = field(default_factory=dict)
    quote_anchor: dict[str, Anchor] = field(default_factory=dict)
    note_anchor: dict[str, Anchor] = field(default_factory=dict)
    paragraph_events: dict[ParagraphKey, list[str]] = field(default_factory=lambda: defaultdict(list))
    paragraph_notes: dict[ParagraphKey, list[str]] = field(default_factory=lambda: defaultdict(list))
    paragraph_quotes: dict[ParagraphKey, list[str]] = field(default_factory=lambda: defaultdict(list))
    paragraph_points: dict[ParagraphKey, list[int]] = field(default_factory=lambda: defaultdict(list))
    entity_events: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    entity_quotes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    entity_notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    note_entities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    co_mentions: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    articles: dict[str, Article] = field(default_factory=dict)  # by slug
    article_order: dict[str, int] = field(default_factory=dict)  # each slug's position in library.articles
    anchored_seeds: frozenset[str] = frozenset()  # the seeds that excerpts, quotes and notes point into
    placed_cleanly: bool = False  # placing them raised no problem (so the placement may be reused)

    @property
    def entities(self) -> dict[str, Entity]:
        return {e.id: e for e in self.library.entities}

    def release_paragraphs(self) -> None:
        """Let go of every paragraph's text and mentions: a full build's main process calls this
        once the render workers, which have their own copy, are running. Only the placement and
        the counts are left."""
        for table in (self.visible, self.mentions, self.by_target):
            table.clear()

    def mentions_of(self, target: str) -> list[Mention]:
        """Every mention of an entity or term, article by article (in no particular article order)."""
        return [m for mentions in self.by_target.get(target, {}).values() for m in mentions]


def build_matcher(library: Library) -> AliasMatcher:
    """One automaton over every entity name/alias and glossary term/alias."""
    return AliasMatcher(alias_entries(library))


def alias_entries(library: Library) -> list[AliasEntry]:
    entries = []
    for entity in library.entities:
        for alias in dict.fromkeys((entity.name,) + entity.aliases):
            entries.append(AliasEntry(alias, entity.id, "entity", True))
    for term in library.terms:
        for alias in dict.fromkeys((term.term,) + term.aliases):
            entries.append(AliasEntry(alias, term.id, "term", term.case_sensitive))
    return entries


class LinkTargets:
    """Where an id's links point (an entity's page, a term's glossary entry), for auto-links and [[id]]."""

    def __init__(self, library: Library, urls: Urls):
        self.urls = urls
        self.entities = {e.id: e.name for e in library.entities}
        self.terms = {t.id: t.term for t in library.terms}
        self.rank = {e.id: KIND_RANK.get(e.kind, 0) for e in library.entities}  # which links a crowded paragraph keeps
        self._made: dict[str, LinkTarget | None] = {}

    def __call__(self, ident: str) -> LinkTarget | None:
        target = self._made.get(ident)
        if target is None:
            target = self._made[ident] = self._make(ident)
        return target

    def _make(self, ident: str) -> LinkTarget | None:
        if ident in self.entities:
            return LinkTarget(self.urls.entity(ident), "entity", ident, self.entities[ident])
        if ident in self.terms:
            return LinkTarget(self.urls.term(ident), "term", ident, self.terms[ident])
        return None


def find_paragraph_matches(md: MarkdownIt, article: Article, matcher: AliasMatcher,
                           text: str, tokens: list | None = None) -> tuple[str, list[Match], list | None]:
    """Visible text of a paragraph, the alias matches in it (never in headings, links or code),
    and for markdown its parsed tokens (so rendering does not parse it again; `tokens` if the
    caller parsed it already)."""
    if article.format == "txt":
        return text, matcher.find(text), None
    runs, tokens = text_runs(md, text, tokens=tokens)
    matches = []
    for run in runs:
        if run.linkable:
            matches += matcher.find(run.text, run.offset)
    return visible_text(runs), matches, tokens


@dataclass(frozen=True)
class ArticleLinks:
    """One article's linking result: a pure function of its paragraphs' text, the aliases and the
    link policy (so whoever keeps it may reuse it while those stay the same)."""

    visible: tuple[str | None, ...]  # each paragraph's visible text (None: the paragraph's text as it is)
    mentions: tuple[list[Mention], ...]  # each paragraph's mentions; the linked ones are its planned links


def link_article(md: MarkdownIt, matcher: AliasMatcher, article: Article, policy: LinkPolicy,
                 rank: Mapping[str, int]) -> tuple[ArticleLinks, list | None]:
    """Find one article's mentions and apply the link policy (linkpolicy.choose_links):
    everything about an article that depends on no other article, so it runs in parallel.

    Returns the links as data (each mention knows whether it is a link) and, for a markdown
    article, each paragraph's parsed tokens, so the paragraph is rendered without a second parse
    (render.paragraph_html)."""
    parsed = parse_blocks(md, [p.text for p in article.paragraphs]) if article.format == "md" else None
    found = [find_paragraph_matches(md, article, matcher, paragraph.text, parsed[number] if parsed else None)
             for number, paragraph in enumerate(article.paragraphs)]
    chosen = choose_links([[(m.target, m.kind) for m in matches] for _text, matches, _tokens in found],
                          [len(text.split()) for text, _matches, _tokens in found],
                          [article.format == "md" and p.text.startswith("#") for p in article.paragraphs], policy,
                          rank)
    visible, mentions = [], []
    for paragraph, (text, matches, _tokens), flags in zip(article.paragraphs, found, chosen):
        mentions.append([Mention(article.slug, paragraph.index, m.start, m.end, m.target, m.kind, linked)
                         for m, linked in zip(matches, flags)])
        # most paragraphs read as written: say so instead of sending a copy of the text back
        visible.append(None if text == paragraph.text else text)
    tokens = [tokens for _text, _matches, tokens in found] if article.format == "md" else None
    return ArticleLinks(tuple(visible), tuple(mentions)), tokens


def index_article(linked: Linked, slug: str, done: ArticleLinks) -> None:
    """Add one article's paragraphs and mentions to the indexes."""
    paragraphs = linked.articles[slug].paragraphs
    for paragraph, visible, mentions in zip(paragraphs, done.visible, done.mentions):
        key = (slug, paragraph.index)
        linked.visible[key] = paragraph.text if visible is None else visible
        linked.mentions[key] = mentions
        for mention in mentions:
            linked.by_target[mention.target].setdefault(slug, []).append(mention)
            linked.mention_counts[mention.target] += 1
        present = co_mentioned(mentions)
        for a in present:
            for b in present:
                if a != b:
                    linked.co_mentions[a][b] += 1


def unindex_article(linked: Linked, slug: str, done: ArticleLinks) -> None:
    """Take out of the indexes what `index_article(linked, slug, done)` put in."""
    for number, mentions in enumerate(done.mentions, start=1):
        key = (slug, number)
        linked.mentions.pop(key, None)
        linked.visible.pop(key, None)
        for mention in mentions:
            linked.by_target[mention.target].pop(slug, None)
            linked.mention_counts[mention.target] -= 1
            if linked.mention_counts[mention.target] <= 0:
                del linked.mention_counts[mention.target]
        present = co_mentioned(mentions)
        for a in present:
            counter = linked.co_mentions[a]
            for b in present:
                if a != b:
                    counter[b] -= 1
                    if counter[b] <= 0:
                        del counter[b]


MAX_CO_MENTIONED = 40  # entities of one paragraph that count as mentioned together


def co_mentioned(mentions: list[Mention]) -> list[str]:
    """The entities of one paragraph that count as co-mentioned: the first MAX_CO_MENTIONED
    distinct ones, in the order they are mentioned.

    Counting pairs is quadratic in the entities of a paragraph (10,000 entities in one: 10⁸
    pairs, 304 s and 2.2 GB); with the cap, a paragraph costs at most MAX_CO_MENTIONED² steps,
    and counting is linear in the mentions. A paragraph that names more than 40 entities is a
    list, not a statement that links them."""
    first: dict[str, None] = {}
    for mention in mentions:
        if mention.kind == "entity" and mention.target not in first:
            first[mention.target] = None
            if len(first) == MAX_CO_MENTIONED:
                break
    return list(first)


def unplaced(library: Library, matcher: AliasMatcher) -> Linked:
    """The linked library before any article is indexed or any excerpt placed."""
    return Linked(library, matcher, articles={a.slug: a for a in library.articles},
                  article_order={a.slug: n for n, a in enumerate(library.articles)})


def link(library: Library, matcher: AliasMatcher, article_links: Iterable[ArticleLinks], md: MarkdownIt,
         problems: Problems) -> Linked:
    """Cross-link the library: index each article's links (`article_links`, one per article in
    library order, each indexed as it comes, so the link workers go on meanwhile), then place
    every excerpt, quote and note; verbatim and reference problems go into `problems`."""
    linked = unplaced(library, matcher)
    for article, done in zip(library.articles, article_links):
        index_article(linked, article.slug, done)
    place(linked, md, problems)
    return linked


def editorial_warnings(linked: Linked, problems: Problems) -> None:
    """The --strict checks: content that is defined but never used, and paragraphs nothing explains."""
    library = linked.library
    matched_aliases: set[tuple[str, str]] = set()
    for mentions in linked.mentions.values():
        for mention in mentions:
            text = linked.visible[(mention.article, mention.paragraph)][mention.start:mention.end]
            matched_aliases.add((mention.target, text))
    for entity in library.entities:
        if not linked.mention_counts[entity.id]:
            problems.warning(entity.src, f"entity '{entity.id}' is never mentioned in any article",
                             "add an alias the article uses, or remove the entity")
        for alias, where in zip(entity.aliases, entity.alias_src):
            if (entity.id, alias) not in matched_aliases:
                problems.warning(where, f"alias '{alias}' of '{entity.id}' never matches the article text")
    for term in library.terms:
        if not linked.mention_counts[term.id]:
            problems.warning(term.src, f"glossary term '{term.id}' never appears in any article")
        uses = {text.lower() for target, text in matched_aliases if target == term.id}
        for alias, where in zip(term.aliases, term.alias_src):
            if (alias.lower() if not term.case_sensitive else alias) not in (
                    uses if not term.case_sensitive else {t for tg, t in matched_aliases if tg == term.id}):
                problems.warning(where, f"alias '{alias}' of term '{term.id}' never matches the article text")
    for article in library.articles:
        for paragraph in article.paragraphs:
            key = (article.slug, paragraph.index)
            if not (linked.mentions.get(key) or linked.paragraph_events.get(key) or linked.paragraph_quotes.get(key)
                    or linked.paragraph_notes.get(key)):
                problems.warning(Location(article.path, paragraph.line, 1),
                                 f"paragraph p{paragraph.index} of '{article.slug}' is not touched by any entity, "
                                 "term, event, quote or note")
