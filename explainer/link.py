"""Stage 3, link: find mentions, place excerpts and quotes in their paragraphs (placement.py),
build the indexes.

The result, `Linked`, answers every question a page asks: where is this entity mentioned,
which events rest on this paragraph, who is co-mentioned with whom.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

from markdown_it import MarkdownIt

from .errors import Location, Problems
from .linker import AliasEntry, AliasMatcher, Match
from .linkpolicy import KIND_RANK, choose_links
from .markdown import (
    LinkTarget,
    PlannedLink,
    parse_blocks,
    render_markdown_block,
    render_plain_paragraph,
    text_runs,
    visible_text,
)
from .model import Article, Entity, Library, Paragraph, SourceRef
from .parallel import fork_imap
from .placement import Anchor, ParagraphKey, locate_excerpt, place
from .sections import sections_of
from .urls import Urls

__all__ = ["Anchor", "ArticleLinks", "Linked", "LinkTargets", "Mention", "editorial_warnings", "link",
           "locate_excerpt"]


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
    html: dict[ParagraphKey, str] = field(default_factory=dict)  # each paragraph rendered with its links
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
    placed_cleanly: bool = False  # placing them raised no problem (so a rebuild may reuse the placement)

    @property
    def entities(self) -> dict[str, Entity]:
        return {e.id: e for e in self.library.entities}

    def release_paragraphs(self) -> None:
        """Let go of every paragraph's HTML, text and mentions: a full build's main process calls
        this once the render workers, which have their own copy, are running (about 75 MB at
        5,000 articles). Only the placement and the counts are left."""
        for table in (self.visible, self.html, self.mentions, self.by_target):
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


PARALLEL_MIN_ARTICLES = 200  # below this, forking workers costs more than it saves


@dataclass
class ArticleLinks:
    """One article's linking result, reusable while the article text and all aliases stay the same."""

    paragraphs: tuple[Paragraph, ...]  # the article's, as linked (the same tuple while its seed is unchanged)
    visible: list[str | None]  # each paragraph's visible text (None: the paragraph's text as it is)
    html: list[str]  # each paragraph rendered, with the links the policy makes
    mentions: list[list[Mention]]


def link_article(md: MarkdownIt, matcher: AliasMatcher, article: Article, policy,
                 targets: LinkTargets) -> tuple[list[str], list[str], list[list[Mention]]]:
    """Find one article's mentions, apply the link policy (linkpolicy.choose_links) and render
    each paragraph with its links: everything about an article that depends on no other article,
    so it runs in parallel and each paragraph is parsed once."""
    parsed = parse_blocks(md, [p.text for p in article.paragraphs]) if article.format == "md" else None
    found = [find_paragraph_matches(md, article, matcher, paragraph.text, parsed[number] if parsed else None)
             for number, paragraph in enumerate(article.paragraphs)]
    chosen = choose_links([[(m.target, m.kind) for m in matches] for _text, matches, _tokens in found],
                          [len(text.split()) for text, _matches, _tokens in found],
                          [article.format == "md" and p.text.startswith("#") for p in article.paragraphs], policy,
                          targets.rank)
    env = {"resolve": targets}
    visible, rendered, mentions = [], [], []
    for paragraph, (text, matches, tokens), flags in zip(article.paragraphs, found, chosen):
        here = [Mention(article.slug, paragraph.index, m.start, m.end, m.target, m.kind, linked)
                for m, linked in zip(matches, flags)]
        links = [PlannedLink(m.start, m.end, targets(m.target), auto=True) for m in here if m.linked]
        if article.format == "txt":
            html = "<p>" + str(render_plain_paragraph(paragraph.text, links)) + "</p>"
        else:
            html = str(render_markdown_block(md, paragraph.text, links, env, tokens))
        # most paragraphs read as written: say so instead of sending a copy of the text back
        visible.append(None if text == paragraph.text else text)
        rendered.append(html)
        mentions.append(here)
    return visible, rendered, mentions


def link_articles(articles: tuple[Article, ...], md: MarkdownIt, matcher: AliasMatcher, policy,
                  targets: LinkTargets, jobs: int) -> Iterator[ArticleLinks]:
    """Link every article, on `jobs` forked processes when there are enough articles to pay for
    it; the results come in order, each as soon as it is ready."""
    forked = fork_imap(lambda a: link_article(md, matcher, a, policy, targets), articles, jobs,
                       PARALLEL_MIN_ARTICLES)
    results = forked if forked is not None else (link_article(md, matcher, a, policy, targets) for a in articles)
    # the paragraphs are the main process's own tuple: the preview server recognises unchanged articles by it
    return (ArticleLinks(article.paragraphs, *result) for article, result in zip(articles, results))


def _add_article(linked: Linked, article: Article, done: ArticleLinks) -> None:
    """Add one article's paragraphs and mentions to the indexes."""
    for paragraph, visible, html, mentions in zip(article.paragraphs, done.visible, done.html, done.mentions):
        key = (article.slug, paragraph.index)
        linked.visible[key] = paragraph.text if visible is None else visible
        linked.html[key] = html
        linked.mentions[key] = mentions
        for mention in mentions:
            linked.by_target[mention.target].setdefault(article.slug, []).append(mention)
            linked.mention_counts[mention.target] += 1
        present = co_mentioned(mentions)
        for a in present:
            for b in present:
                if a != b:
                    linked.co_mentions[a][b] += 1


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


def _take_over_indexes(linked: Linked, previous: Linked, removed: dict[str, Article]) -> None:
    """Move the previous build's mention indexes into `linked`, without the `removed` articles.

    The indexes are updated in place rather than copied (copying them costs more than the rest of
    a one-paragraph rebuild on a large site), so `previous` must not be used afterwards.
    """
    linked.visible, linked.html, linked.mentions = previous.visible, previous.html, previous.mentions
    linked.by_target, linked.co_mentions = previous.by_target, previous.co_mentions
    linked.mention_counts = previous.mention_counts
    previous.visible, previous.html, previous.mentions = {}, {}, {}
    previous.by_target, previous.co_mentions, previous.mention_counts = defaultdict(dict), defaultdict(Counter), Counter()
    for slug, article in removed.items():
        for paragraph in article.paragraphs:
            key = (slug, paragraph.index)
            old = linked.mentions.pop(key, [])
            linked.visible.pop(key, None)
            linked.html.pop(key, None)
            for mention in old:
                linked.by_target[mention.target].pop(slug, None)
                linked.mention_counts[mention.target] -= 1
                if linked.mention_counts[mention.target] <= 0:
                    del linked.mention_counts[mention.target]
            present = co_mentioned(old)
            for a in present:
                counter = linked.co_mentions[a]
                for b in present:
                    if a != b:
                        counter[b] -= 1
                        if counter[b] <= 0:
                            del counter[b]


def link(library: Library, md: MarkdownIt, problems: Problems, jobs: int = 1,
         cache: dict[str, ArticleLinks] | None = None, previous: Linked | None = None,
         anchors: dict | None = None, urls: Urls | None = None) -> Linked:
    """Cross-link the library; verbatim and reference problems go into `problems`.

    The preview server passes `cache` (per-article results, kept while no alias and no link
    policy changes) and `previous` (the last Linked, whose indexes this one takes over: do not
    use it afterwards): then only the articles whose text changed are parsed and matched, and the
    mention indexes are updated for them instead of rebuilt. `anchors` remembers where each
    excerpt was found in an article that has not changed since. `urls` places the links (by
    default: the library's own, with the glossary and timeline split as sections.py decides).
    """
    cache = {} if cache is None else cache
    if previous is not None and not (_same_aliases(previous.library, library)
                                     or previous.matcher.entries == tuple(alias_entries(library))):
        # the aliases changed (the preview server rebuilds everything then, but a rebuild that
        # failed after linking leaves this for the next one to find): start over
        previous = None
        cache.clear()
    linked = Linked(library, previous.matcher if previous is not None else build_matcher(library))
    urls = urls if urls is not None else Urls(library.site.base_url, sections_of(library))
    changed = _link_and_index(linked, md, cache, previous, jobs, urls)
    place(linked, previous, md, problems, {} if anchors is None else anchors, changed)
    return linked


def _replaced(previous: Linked | None, library: Library) -> list[tuple[Article, Article]] | None:
    """The articles that are not the very same objects as in the previous library, when both
    have as many articles (None otherwise)."""
    if previous is None or len(previous.library.articles) != len(library.articles):
        return None
    return [(old, new) for old, new in zip(previous.library.articles, library.articles) if old is not new]


def _article_lookups(linked: Linked, previous: Linked | None, replaced: list | None) -> None:
    """Each slug's article and position: the same slugs in the same order update the previous lookups."""
    if replaced is not None and all(old.slug == new.slug for old, new in replaced):
        linked.articles, linked.article_order = previous.articles, previous.article_order
        previous.articles, previous.article_order = {}, {}
        for _, new in replaced:
            linked.articles[new.slug] = new
    else:
        linked.articles = {a.slug: a for a in linked.library.articles}
        linked.article_order = {a.slug: n for n, a in enumerate(linked.library.articles)}


def _link_and_index(linked: Linked, md: MarkdownIt, cache: dict[str, ArticleLinks], previous: Linked | None,
                    jobs: int, urls: Urls) -> set[str]:
    """Link the articles whose text `cache` has not seen and index every article's mentions;
    returns the slugs of the articles that changed, came or went since `previous`."""
    library = linked.library
    replaced = _replaced(previous, library)
    _article_lookups(linked, previous, replaced)
    candidates = [new for _, new in replaced] if replaced is not None else library.articles
    stale = [a for a in candidates if a.slug not in cache or cache[a.slug].paragraphs is not a.paragraphs]
    # linking every article from scratch: index each one as it comes back, while the workers go on
    indexing_now = previous is None and len(stale) == len(library.articles)
    if stale:
        targets = LinkTargets(library, urls)
        for article, done in zip(stale, link_articles(tuple(stale), md, linked.matcher, library.site.linking,
                                                      targets, jobs)):
            cache[article.slug] = done
            if indexing_now:
                _add_article(linked, article, done)
    if previous is None:
        if not indexing_now:
            for article in library.articles:
                _add_article(linked, article, cache[article.slug])
        return set()
    if replaced is not None:
        old_articles = {old.slug: old for old, _ in replaced}
        changed = {a.slug for a in stale} | {old.slug for old, new in replaced if old.slug != new.slug}
    else:
        old_articles = {a.slug: a for a in previous.library.articles}
        changed = {a.slug for a in stale} | (set(old_articles) - set(linked.articles))
    _take_over_indexes(linked, previous, {s: old_articles[s] for s in changed if s in old_articles})
    for slug in changed:
        if slug in linked.articles:
            _add_article(linked, linked.articles[slug], cache[slug])
    return changed
def _same_aliases(old: Library, new: Library) -> bool:
    """Whether every entity and term has the same id, name and aliases as before, looking only at
    the entries that are not the very same objects (a summary edit in a 500-entity file)."""
    for part, view in (("entities", lambda e: (e.id, e.name, e.aliases)),
                       ("terms", lambda t: (t.id, t.term, t.aliases, t.case_sensitive))):
        before, after = getattr(old, part), getattr(new, part)
        if before is not after and (len(before) != len(after) or any(
                a is not b and view(a) != view(b) for a, b in zip(before, after))):
            return False
    return True


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
