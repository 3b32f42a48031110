"""The link stage's reuse: each article's links and paragraph HTML by a content key, and the last
linked library, whose mention indexes and excerpt places the next one takes over.

The link stage is a per-article function (link.link_article, with render.paragraph_html in the
engine's article job) and a combine (link.link: index every article, place every excerpt). After
a save only the articles whose key is new are linked again, and instead of combining 5,000
articles afresh the last indexes are updated for the articles that changed
(link.unindex_article, link.index_article); the excerpts, quotes and notes are placed again only
in those articles while the collections they come from are unchanged.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Hashable, Iterator, Sequence

from markdown_it import MarkdownIt

from ..engine import LinkEach, link_content
from ..errors import Problems
from ..fieldlinks import check_field
from ..jobs import LinkedArticle
from ..link import ArticleLinks, Linked, alias_entries, index_article, unindex_article
from ..linker import AliasMatcher
from ..model import Article, Library
from ..pages import ParagraphHtml, Urls
from ..placement import PLACEMENT, place, place_again
from .cache import StageCache, content_key
from .cards import same_ids
from .keys import article_digest

STAGE = "link"


class LinkReuse:
    """What the last link left: per-article results in the stage cache, the last Linked and HTML."""

    def __init__(self, cache: StageCache) -> None:
        self.cache = cache
        self.last: Linked | None = None  # its indexes go to the next Linked (do not use it after)
        self.context: str | None = None  # the key of what every article's links depend on besides its text
        self.where: tuple | None = None  # the URLs' base and sections that key was made with
        self.html: ParagraphHtml = {}
        self.by_slug: dict[str, ArticleLinks] = {}  # what the last indexes hold, per article
        self.keys: dict[str, Hashable] = {}  # the cache key of each of those

    def forget(self) -> None:
        """Start the next link from no indexes (a full build); the cache stands."""
        self.last = None

    def link(self, library: Library, urls: Urls, md: MarkdownIt, problems: Problems, link_each: LinkEach,
             digests: dict) -> tuple[Linked, ParagraphHtml]:
        """link.link's result (and the paragraphs' HTML, with links to `urls`), reusing what it
        can; `digests` memoises the articles' content hashes (keys.article_digest)."""
        last, self.last = self.last, None  # (a failure half-way leaves nothing half-updated to reuse)
        context = self._context(library, urls, last)
        if last is None or context != self.context:
            self.context, self.keys = context, {a.slug: (context, article_digest(a, digests)) for a in library.articles}
            linked, self.html = link_content(library, md, problems, lambda matcher, articles: self._cached(
                matcher, articles, link_each))
            self.by_slug = {}
            for article in library.articles:
                self.by_slug[article.slug] = self._links_of(article)[0]
        else:
            linked = self._relink(library, last, md, problems, link_each, digests)
        self.last = linked
        if self.cache.size(STAGE) > 2 * len(library.articles) + 100:
            self.cache.keep(STAGE, set(self.keys.values()))
        return linked, self.html

    def _links_of(self, article: Article) -> LinkedArticle:
        return self.cache.get(STAGE, self.keys[article.slug])

    def _cached(self, matcher: AliasMatcher, articles: Sequence[Article], link_each: LinkEach) -> Iterator[LinkedArticle]:
        """link_each's results, from the cache for the articles it holds (the rest linked in one go)."""
        stale = [a for a in articles if self._links_of(a) is None]
        results = iter(link_each(matcher, stale) if stale else ())
        for article in articles:
            found = self._links_of(article)
            if found is None:
                found = next(results)
                self.cache.put(STAGE, self.keys[article.slug], found)
            yield found

    def _context(self, library: Library, urls: Urls, last: Linked | None) -> str:
        """The key of what links depend on besides an article's text: the words that link to each
        entity and term, the names and kinds (which link a crowded paragraph keeps), the policy,
        the markdown settings, and where the links lead (the site's address, and which page of a
        split glossary or timeline holds each term and event)."""
        where = (urls.base, urls.sections)
        if last is not None and self.context is not None and where == self.where \
                and _same_link_context(last.library, library):
            return self.context
        self.where = where
        site = library.site
        return content_key([(e.alias, e.target, e.kind, e.case_sensitive) for e in alias_entries(library)],
                           [(e.id, e.kind) for e in library.entities], site.linking, site.allow_html, urls.base,
                           urls.sections)

    def _relink(self, library: Library, last: Linked, md: MarkdownIt, problems: Problems, link_each: LinkEach,
                digests: dict) -> Linked:
        """Take the last indexes over and update them for the articles that changed, came or went."""
        same_count = len(last.library.articles) == len(library.articles)
        replaced = [(old, new) for old, new in zip(last.library.articles, library.articles) if old is not new] \
            if same_count else None
        linked = _take_over(library, last, replaced)
        candidates = [new for _, new in replaced] if replaced is not None else list(library.articles)
        for article in candidates:
            self.keys[article.slug] = (self.context, article_digest(article, digests))
        fresh = dict(zip([a.slug for a in candidates], self._cached(linked.matcher, candidates, link_each)))
        gone = set() if same_count and all(a.slug in self.by_slug for a in candidates) else \
            set(self.by_slug) - set(linked.articles)
        changed = {slug for slug, (links, _) in fresh.items() if self.by_slug.get(slug) is not links} | gone
        for slug in changed:
            if slug in self.by_slug:
                was = self.by_slug.pop(slug)
                unindex_article(linked, slug, was)
                self.html.pop(slug, None)
        for slug in gone:
            self.keys.pop(slug, None)
        for slug in changed - gone:
            links, rendered = fresh[slug]
            index_article(linked, slug, links)
            self.by_slug[slug] = links
            self.html[slug] = rendered
        _place(linked, last, md, problems, changed)
        return linked


def _take_over(library: Library, last: Linked, replaced: list[tuple[Article, Article]] | None) -> Linked:
    """A Linked of `library` holding the last one's mention indexes (moved, not copied: copying
    them costs more than the rest of a one-paragraph rebuild on a large site), and its article
    lookups while the articles have the same slugs in the same order (`replaced`: the articles
    that are not the very ones of the last library, old and new, when there are as many)."""
    linked = Linked(library, last.matcher)
    linked.visible, linked.mentions, linked.by_target = last.visible, last.mentions, last.by_target
    linked.co_mentions, linked.mention_counts = last.co_mentions, last.mention_counts
    last.visible, last.mentions, last.by_target = {}, {}, defaultdict(dict)
    last.co_mentions, last.mention_counts = defaultdict(Counter), Counter()
    if replaced is not None and all(old.slug == new.slug for old, new in replaced):
        linked.articles, linked.article_order = last.articles, last.article_order
        last.articles, last.article_order = {}, {}
        for _, article in replaced:
            linked.articles[article.slug] = article
    else:
        linked.articles = {a.slug: a for a in library.articles}
        linked.article_order = {a.slug: n for n, a in enumerate(library.articles)}
    return linked


def _place(linked: Linked, last: Linked, md: MarkdownIt, problems: Problems, changed: set[str]) -> None:
    """Place every excerpt, quote and note; or, while the collections are the very ones the last
    clean placement was made of (entities may differ, but not in their ids), take that placement
    over and place again only those in the `changed` articles, and check the links of the edited
    entities' descriptions."""
    library, old = linked.library, last.library
    if not last.placed_cleanly or library.site != old.site or not same_ids(old.entities, library.entities) or any(
            getattr(library, part) is not getattr(old, part) for part in ("events", "terms", "quotes", "notes")):
        place(linked, md, problems)
        return
    for name in PLACEMENT:
        setattr(linked, name, getattr(last, name))
    if changed & last.anchored_seeds:
        place_again(linked, changed & last.anchored_seeds, problems)
    if library.entities is not old.entities:
        before = len(problems.items)
        known = {e.id for e in library.entities} | {t.id for t in library.terms}
        for was, entity in zip(old.entities, library.entities):
            if was is not entity:
                check_field(md, entity.description, entity.text_src or entity.src, known, problems)
        linked.placed_cleanly = linked.placed_cleanly and len(problems.items) == before


def _same_link_context(old: Library, new: Library) -> bool:
    """Whether every entity and term links as before (same id, name, aliases, kind) under the same
    site settings, looking only at the entries that are not the very same objects."""
    if old.site != new.site:
        return False
    for part, view in (("entities", lambda e: (e.id, e.name, e.aliases, e.kind)),
                       ("terms", lambda t: (t.id, t.term, t.aliases, t.case_sensitive))):
        before, after = getattr(old, part), getattr(new, part)
        if before is not after and (len(before) != len(after) or any(
                a is not b and view(a) != view(b) for a, b in zip(before, after))):
            return False
    return True
