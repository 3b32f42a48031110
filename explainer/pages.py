"""Stage 4, pages: decide every page (url, template, context) and the source keys it is built from.

A page's `deps` name what it was built from ("entity:elon-musk", "seed:<slug>", "seed-meta:<slug>",
"template:entity.html", "site"), so a later rebuild can re-render only the pages a change touches.
"""
from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup

from .data_names import DATA_FILES
from .graph import Node
from .link import Linked, LinkTargets
from .placement import ParagraphKey
from .map_plans import MapPlans
from .markdown import (
    LinkTarget,
    MarkdownRenderer,
)
from .model import Article, Entity, Event, Library, SourceRef, Term
from .plans import PagePlan, planned
from .sectioned_plans import GLOSSARY_ARTICLES, GLOSSARY_USES, SectionedPlans
from .site_files import FEED_ENTRIES, SiteFilePlans
from .urls import Urls
from .views import (
    KIND_LABELS,
    Mentions,
    _iso,
    _machine_date,
    _one_citation_per_paragraph,
    _plain,
    _published_phrase,
    _schema_type,
    article_row,
    entity_facts,
    entity_jsonld,
    newest_first,
    snippet,
)

if TYPE_CHECKING:
    from .render import ArticleHtml  # (render imports this module)

__all__ = ["FEED_ENTRIES", "GLOSSARY_ARTICLES", "GLOSSARY_USES", "KIND_LABELS", "PageBuilder", "PagePlan", "PageSpec",
           "ParagraphHtml", "Urls", "page_specs", "plan_page", "planned", "spec_output", "spec_url"]

ParagraphHtml = dict[str, "ArticleHtml"]  # each article's paragraphs with their links, by slug: render.paragraph_html

SNIPPET_ARTICLES = 25  # an entity page quotes its mentions in this many articles, then lists more
LISTED_ARTICLES = 100  # …up to this many in all (by mentions); the rest it counts and sends to search
ARTICLES_PER_PAGE = 1000  # the list of articles is paged past this many
HOME_ARTICLES = 10  # articles listed on the home page; all of them are on /articles/
KEY_PLAYERS = 8
TIMELINE_PREVIEW = 5


class PageBuilder(MapPlans, SectionedPlans, SiteFilePlans):
    """Builds the context of each page from the linked library."""

    def __init__(self, linked: Linked, html: ParagraphHtml, urls: Urls, md,
                 fields: MarkdownRenderer | None = None):
        """`fields` renders the content fields' markdown (descriptions, event bodies, notes) with
        links to `urls`; by default a renderer of its own, over `md`."""
        self.linked = linked
        self.html = html
        self.lib = lib = linked.library
        self.parser = md
        self.urls = urls
        self.articles = linked.articles
        self.article_order = linked.article_order
        self.targets = LinkTargets(lib, urls)
        self.entities = {e.id: e for e in lib.entities}
        self.terms = {t.id: t for t in lib.terms}
        self.nodes = {e.id: Node(e.id, e.name, e.kind, urls.entity(e.id)) for e in lib.entities}
        self.related_to: dict[str, set[str]] = {}  # reverse of each entity's `related` list
        for e in lib.entities:
            for other in e.related:
                self.related_to.setdefault(other, set()).add(e.id)
        self.events = {e.id: e for e in lib.events}
        self.quotes = {q.id: q for q in lib.quotes}
        self.notes = {n.id: n for n in lib.notes}
        self.md = fields if fields is not None else MarkdownRenderer(md, self.target)
        self.keep_plans: set = set()  # see plan_page
        self.kept_plans: dict = {}

    @functools.cached_property
    def sort_names(self) -> dict[str, str]:
        """Each entity's name as lists sort it (case-folded)."""
        return {ident: entity.name.casefold() for ident, entity in self.entities.items()}

    def cards(self) -> dict[str, dict]:
        """Preview-card data for every entity and term, keyed like the links' data-card attribute."""
        cards = {f"entity:{entity.id}": self.entity_card(entity) for entity in self.lib.entities}
        cards.update((f"term:{term.id}", self.term_card(term, self.plain_definition(term))) for term in self.lib.terms)
        return cards

    def entity_card(self, entity: Entity) -> dict:
        return {"name": entity.name, "kind": KIND_LABELS[entity.kind][0], "summary": entity.summary,
                "href": self.urls.entity(entity.id)}

    def term_card(self, term: Term, definition: str) -> dict:
        """A term's card, with its definition as plain text (plain_definition)."""
        return {"name": term.term, "kind": "Term", "summary": definition, "href": self.urls.term(term.id)}

    def plain_definition(self, term: Term) -> str:
        return _plain(self.md.block(term.definition))

    # --- shared pieces ---------------------------------------------------------------------
    def target(self, ident: str) -> LinkTarget | None:
        return self.targets(ident)

    def source_view(self, ref: SourceRef) -> dict:
        if ref.is_seed:
            anchor = self.linked.source_anchor.get(ref)
            article = self.articles[ref.seed]
            return {"kind": "seed", "excerpt": ref.excerpt, "article": article.title,
                    "label": f"¶{anchor.paragraph}" if anchor else "",
                    "href": self.urls.paragraph(ref.seed, anchor.paragraph) if anchor else self.urls.article(ref.seed)}
        return {"kind": "web", "title": ref.title, "href": ref.url}

    @staticmethod
    def cited_seeds(sources) -> set[str]:
        """Keys of the seeds that sources quote (their ¶ numbers come from those seeds)."""
        return {f"seed:{s.seed}" for s in sources if s.is_seed}

    def entity_ref(self, ident: str) -> dict:
        entity = self.entities[ident]
        return {"id": ident, "name": entity.name, "href": self.urls.entity(ident), "kind": entity.kind,
                "summary": entity.summary}

    def event_row(self, event: Event) -> dict:
        return {
            "id": event.id, "title": event.title, "date": event.display_date, "datetime": _iso(event),
            "approximate": event.date.approximate or event.date.uncertain, "precision": event.date.precision,
            "year": event.date.year, "kind": event.kind or "", "body": self.md.block(event.body) if event.body else "",
            "href": self.urls.event(event.id), "entities": [self.entity_ref(i) for i in event.entities],
            "sources": [self.source_view(s) for s in event.sources],
        }

    def quote_row(self, quote_id: str) -> dict:
        quote = self.quotes[quote_id]
        anchor = self.linked.quote_anchor.get(quote_id)
        article = self.articles.get(anchor.article) if anchor else None
        return {"id": quote.id, "text": quote.text, "speaker": self.entity_ref(quote.speaker),
                "context": self.md.inline(quote.context) if quote.context else "",
                "date": article.published.display if article is not None and article.published else "",
                "href": self.urls.paragraph(anchor.article, anchor.paragraph) if anchor else "",
                "label": f"¶{anchor.paragraph}" if anchor else ""}

    def note_row(self, note_id: str) -> dict:
        note = self.notes[note_id]
        anchor = self.linked.note_anchor.get(note_id)
        return {"id": note.id, "excerpt": note.excerpt, "note": self.md.block(note.note),
                "sources": [self.source_view(s) for s in note.sources],
                "href": self.urls.paragraph(anchor.article, anchor.paragraph) if anchor else "",
                "label": f"¶{anchor.paragraph}" if anchor else "",
                "entities": [self.entity_ref(i) for i in self.linked.note_entities.get(note_id, ())]}

    # --- pages -------------------------------------------------------------------------------
    def article_page(self, article: Article) -> PagePlan:
        paragraphs = []
        deps = {f"seed:{article.slug}", "template:article.html", "site"}
        rendered = self.html[article.slug].paragraphs()  # with their links, by render.paragraph_html
        for paragraph in article.paragraphs:
            key = (article.slug, paragraph.index)
            mentions = self.linked.mentions.get(key, [])
            html = Markup(rendered[paragraph.index - 1])
            event_ids = self.linked.paragraph_events.get(key, [])
            note_ids = self.linked.paragraph_notes.get(key, [])
            quote_ids = self.linked.paragraph_quotes.get(key, [])
            paragraphs.append({
                "anchor": paragraph.anchor, "index": paragraph.index, "html": html,
                "events": [self.event_row(self.events[e]) for e in event_ids],
                "notes": [self.note_row(n) for n in note_ids],
                "quotes": [self.quote_row(q) for q in quote_ids],
            })
            deps |= {f"{m.kind}-card:{m.target}" for m in mentions if m.linked}
            deps |= {f"event:{e}" for e in event_ids} | {f"note:{n}" for n in note_ids}
            # the margin names each quote's speaker (a quote new here: pages_touched_by)
            deps |= {f"quote-placed:{q}" for q in quote_ids} | {f"entity-card:{self.quotes[q].speaker}" for q in quote_ids}
            deps |= self.cited_seeds(s for e in event_ids for s in self.events[e].sources)
            deps |= self.cited_seeds(s for n in note_ids for s in self.notes[n].sources)
        meta = {"author": article.author, "publication": article.publication, "url": article.url,
                "title_by": article.title_by,
                "published": _published_phrase(article.published) if article.published else None,
                "published_iso": _machine_date(article.published) if article.published else None}
        description = article.summary or self.lib.site.description or article.title
        url = self.urls.article(article.slug)
        jsonld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
                  "url": self.urls.absolute(url), "description": description,
                  "isAccessibleForFree": True,
                  "about": [{"@type": _schema_type(self.entities[i].kind), "name": self.entities[i].name,
                             "url": self.urls.absolute(self.urls.entity(i))} for i in self._top_entities(article)]}
        if article.author:
            jsonld["author"] = {"@type": "Person", "name": article.author}
        if article.publication:
            jsonld["publisher"] = {"@type": "Organization", "name": article.publication}
        if article.published and _machine_date(article.published):
            jsonld["datePublished"] = _machine_date(article.published)
        if article.url:
            jsonld["isBasedOn"] = article.url
        return planned(self.urls, url, "article.html",
                        "article", article.title, description,
                        {"article": article, "meta": meta, "paragraphs": paragraphs, "toc": self.toc(article),
                         "jsonld": jsonld, "og_type": "article"}, frozenset(deps))

    def _top_entities(self, article: Article, limit: int = 8) -> list[str]:
        counts: Counter = Counter(m.target for p in article.paragraphs
                                  for m in self.linked.mentions.get((article.slug, p.index), []) if m.kind == "entity")
        return [i for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    def toc(self, article: Article) -> list[dict]:
        """Headings of a markdown article; for an article without headings, its key passages."""
        headings = [p for p in article.paragraphs if p.text.startswith("#")]
        if headings:
            return [{"href": f"#{p.anchor}", "label": p.text.lstrip("#").strip()} for p in headings]
        rows = []
        for number, point in enumerate(self.lib.site.key_points):
            anchors = [self.linked.source_anchor[r] for r in point.sources
                       if r.is_seed and r.seed == article.slug and r in self.linked.source_anchor]
            if anchors:
                rows.append({"href": f"#p{anchors[0].paragraph}", "label": _plain(self.md.inline(point.text)),
                             "index": anchors[0].paragraph})
        return sorted(rows, key=lambda r: r["index"])

    def entity_page(self, entity: Entity) -> PagePlan:
        mentions = self.mention_groups(entity)
        related, more_related = self.related(entity)
        events = [self.event_row(self.events[i]) for i in self.linked.entity_events.get(entity.id, [])]
        context = {
            "entity": entity, "kind_label": KIND_LABELS[entity.kind][0],
            "description": self.md.block(entity.description) if entity.description else "",
            "mention_groups": mentions.groups, "more_mention_groups": mentions.more_groups,
            "unlisted_mention_articles": mentions.unlisted, "mentions_search_href": mentions.search_href,
            "mention_count": sum(map(len, self.linked.by_target.get(entity.id, {}).values())),
            "events": events, "quotes": [self.quote_row(q) for q in self.linked.entity_quotes.get(entity.id, [])],
            "facts": entity_facts(mentions, events),
            "notes": [self.note_row(n) for n in self.linked.entity_notes.get(entity.id, [])],
            "related": related, "more_related": more_related,
            "neighbourhood": self.neighbourhood_view(entity),
            "og_type": "profile" if entity.kind == "person" else "website",
            "jsonld": entity_jsonld(entity, self.urls.absolute(self.urls.entity(entity.id))),
        }
        return planned(self.urls, self.urls.entity(entity.id), "entity.html", "entity",
                       entity.name, entity.summary, context, self.entity_deps(entity, mentions, related))

    def mention_groups(self, entity: Entity) -> Mentions:
        """Where an entity is mentioned, the articles that name it most first (ties in site order):
        the first articles with a snippet per paragraph, then more as paragraph links with their
        counts; the rest are counted and sent to search, so the page of an entity named in
        thousands of articles stays readable and light."""
        by_article = self.linked.by_target.get(entity.id, {})  # slug → its mentions of the entity
        ordered = sorted(by_article, key=lambda slug: (-len(by_article[slug]), self.article_order[slug]))
        groups, more_groups = [], []
        for slug in ordered[:LISTED_ARTICLES]:
            href = self.urls.article(slug)
            paragraphs: dict[int, list] = {}
            for mention in by_article[slug]:
                paragraphs.setdefault(mention.paragraph, []).append(mention)
            if len(groups) < SNIPPET_ARTICLES:
                rows = [{"index": index, "href": self.urls.paragraph_in(href, index),
                         "snippet": snippet(self.linked.visible[(slug, index)], [(m.start, m.end) for m in mentions]),
                         "count": len(mentions)} for index, mentions in sorted(paragraphs.items())]
                groups.append({"article": self.articles[slug].title, "href": href, "rows": rows})
            else:  # (index, href) pairs: the template's loop over them is the page's longest
                more_groups.append({"article": self.articles[slug].title, "href": href,
                                    "count": len(by_article[slug]),
                                    "rows": [(index, self.urls.paragraph_in(href, index)) for index in sorted(paragraphs)]})
        first_slug = min(by_article, key=self.article_order.__getitem__, default=None)  # first in site order
        first = first_slug and (min(m.paragraph for m in by_article[first_slug]), first_slug)
        return Mentions(groups, more_groups, ordered,
                        first and {"index": first[0], "href": self.urls.paragraph_in(self.urls.article(first[1]), first[0])},
                        paragraphs=sum(len({m.paragraph for m in found}) for found in by_article.values()),
                        unlisted=len(ordered) - len(groups) - len(more_groups),
                        search_href=f"{self.urls.page('search/')}?q={quote(entity.name)}")

    def entity_deps(self, entity: Entity, mentions: Mentions, related: list[dict]) -> frozenset[str]:
        """What an entity page is built from: the articles shown with snippets depend on their
        text; the ones listed, on their titles; all, on where the entity is mentioned (which
        orders them and counts the paragraphs)."""
        ordered = mentions.order
        events = self.linked.entity_events.get(entity.id, [])
        quotes = self.linked.entity_quotes.get(entity.id, [])
        notes = self.linked.entity_notes.get(entity.id, [])
        deps = {f"entity:{entity.id}", "template:entity.html", "site"}
        deps |= {f"seed:{slug}" for slug in ordered[:SNIPPET_ARTICLES]}
        deps |= {f"seed-mentions:{slug}" for slug in ordered} | {f"seed-meta:{slug}" for slug in ordered[:LISTED_ARTICLES]}
        deps |= {f"event:{i}" for i in events} | {f"quote:{q}" for q in quotes} | {f"note:{n}" for n in notes}
        deps |= {f"entity-card:{r['id']}" for r in related} | {f"entity-related:{r['id']}" for r in related}
        deps |= self.cited_seeds(s for i in events for s in self.events[i].sources)
        deps |= {f"seed:{self.quotes[q].seed}" for q in quotes} | {f"seed:{self.notes[n].seed}" for n in notes}
        deps |= self.cited_seeds(s for n in notes for s in self.notes[n].sources)
        return frozenset(deps)

    def entities_page(self) -> PagePlan:
        groups = []
        for kind, (_one, many) in KIND_LABELS.items():
            members = sorted((e for e in self.lib.entities if e.kind == kind), key=lambda e: (e.sort_key, e.id))
            if members:
                groups.append({"kind": kind, "label": many, "entities": [
                    dict(self.entity_ref(e.id), mentions=self.linked.mention_counts[e.id])
                    for e in members]})
        deps = {"template:entities.html", "site", "ids"} | {f"entity-card:{e.id}" for e in self.lib.entities}
        deps |= {f"seed-mentions:{a.slug}" for a in self.lib.articles}  # mention counts
        return planned(self.urls, self.urls.page("entities/"), "entities.html", "entities",
                        "People, organisations and places", f"Everyone and everything named in {self.lib.site.title}.",
                        {"groups": groups}, frozenset(deps))

    def articles_page(self, number: int = 1) -> PagePlan:
        """The list of articles, newest first, ARTICLES_PER_PAGE to a page: /articles/, then
        /articles/page/2/ and on (a list of 20,000 would be a 2.5 MB page)."""
        deps = {"template:articles.html", "site", "ids"} | {f"seed-meta:{a.slug}" for a in self.lib.articles}
        count = article_list_pages(len(self.lib.articles))
        first = (number - 1) * ARTICLES_PER_PAGE
        shown = newest_first(self.lib.articles)[first:first + ARTICLES_PER_PAGE]
        pages = [{"number": n, "href": self.urls.article_list(n)} for n in range(1, count + 1)]
        title = "Articles" if count == 1 else f"Articles, page {number} of {count}"
        return planned(self.urls, self.urls.article_list(number), "articles.html", "articles", title,
                       f"Every article explained in {self.lib.site.title}.",
                       {"articles": [article_row(a, self.urls) for a in shown], "start": first + 1, "total": len(self.lib.articles),
                        "pager": {"number": number, "pages": pages} if count > 1 else None}, frozenset(deps))

    def home_page(self) -> PagePlan:
        points = []
        for point in self.lib.site.key_points:
            points.append({"html": self.md.inline(point.text),
                           "sources": _one_citation_per_paragraph([self.source_view(s) for s in point.sources])})
        counts = Counter({e.id: self.linked.mention_counts[e.id] for e in self.lib.entities})
        players = [dict(self.entity_ref(i), mentions=n) for i, n in counts.most_common(KEY_PLAYERS) if n]
        preview = [self.event_row(e) for e in self.lib.events[-TIMELINE_PREVIEW:]]
        articles = [article_row(a, self.urls) for a in newest_first(self.lib.articles)[:HOME_ARTICLES]]
        deps = {"template:home.html", "site", "ids"} | {f"entity-card:{p['id']}" for p in players}
        deps |= {f"seed-{part}:{a.slug}" for a in self.lib.articles for part in ("mentions", "meta")}
        deps |= {f"event:{e['id']}" for e in preview}
        return planned(self.urls, self.urls.page(""), "home.html", "home", self.lib.site.title,
                        self.lib.site.description or self.lib.site.title,
                        {"points": points, "players": players, "timeline": preview, "articles": articles,
                         "counts": {"entities": len(self.lib.entities), "events": len(self.lib.events),
                                    "terms": len(self.lib.terms), "articles": len(self.lib.articles)},
                         "jsonld": {"@context": "https://schema.org", "@type": "WebSite", "name": self.lib.site.title,
                                    "description": self.lib.site.description,
                                    "url": self.urls.absolute(self.urls.page(""))}},
                        frozenset(deps))


PageSpec = tuple[str, str]  # (page kind, subject id or slug): enough to build the page anywhere


def page_specs(lib: Library, urls: Urls) -> list[PageSpec]:
    """Every page of the site, in a stable order (`urls` knows the pages of a split glossary and timeline)."""
    specs: list[PageSpec] = [(kind, "") for kind in ("home", "articles", "entities", "timeline", "glossary", "map",
                                                     "search", "404")]
    specs += [("articles", str(n)) for n in range(2, article_list_pages(len(lib.articles)) + 1)]
    specs += [("glossary", s.key) for s in urls.sections.glossary] + [("timeline", s.key) for s in urls.sections.timeline]
    specs += [("article", a.slug) for a in lib.articles]
    specs += [("entity", e.id) for e in lib.entities]
    specs += [(kind, "") for kind in ("feed", "sitemap", "robots", "redirects", "data-index")]
    specs += [("data", name) for name in DATA_FILES]
    specs += [("redirect", old) for e in lib.entities for old in e.redirect_from]
    return specs


# where each page of one kind lives under the base URL
_SINGLE_PATHS = {"home": "", "articles": "articles/", "entities": "entities/", "timeline": "timeline/",
                 "glossary": "glossary/", "map": "map/", "search": "search/", "404": "404.html", "feed": "feed.xml",
                 "sitemap": "sitemap.xml", "robots": "robots.txt", "redirects": "_redirects", "data-index": "data/"}


def article_list_pages(articles: int) -> int:
    return max(1, -(-articles // ARTICLES_PER_PAGE))


def spec_url(urls: Urls, spec: PageSpec) -> str:
    """A page's URL from its spec alone, without planning it (the same URL its plan has)."""
    kind, subject = spec
    if kind == "articles" and subject:
        return urls.article_list(int(subject))
    if kind in ("glossary", "timeline") and subject:
        return urls.glossary(subject) if kind == "glossary" else urls.timeline(subject)
    if kind == "article":
        return urls.article(subject)
    if kind in ("entity", "redirect"):
        return urls.entity(subject)
    if kind == "data":
        return urls.page(f"data/{subject}")
    return urls.page(_SINGLE_PATHS[kind])


def spec_output(urls: Urls, spec: PageSpec) -> str:
    return urls.output(spec_url(urls, spec))


def plan_page(builder: PageBuilder, spec: PageSpec) -> PagePlan:
    """Build one page's plan (url, template, context, deps) from its spec.

    A builder keeps the plans of the pages named in its `keep_plans` (the preview server's pages
    in view): a template save re-renders them from the same builder without planning them again.
    """
    plan = builder.kept_plans.get(spec)
    if plan is None:
        plan = _plan(builder, spec)
        if spec in builder.keep_plans:
            builder.kept_plans[spec] = plan
    return plan


def _plan(builder: PageBuilder, spec: PageSpec) -> PagePlan:
    kind, subject = spec
    if kind == "article":
        return builder.article_page(builder.articles[subject])
    if kind == "entity":
        return builder.entity_page(builder.entities[subject])
    if kind == "redirect":
        return builder.redirect_stub(subject)
    if kind == "articles" and subject:
        return builder.articles_page(int(subject))
    if kind in ("glossary", "timeline") and subject:
        return builder.glossary_page(subject) if kind == "glossary" else builder.timeline_page(subject)
    if kind in ("data", "data-index"):
        from .data_export import data_index_plan, data_plan  # it builds on this module

        return data_plan(builder, subject) if kind == "data" else data_index_plan(builder)
    single = {"home": builder.home_page, "articles": builder.articles_page, "entities": builder.entities_page, "timeline": builder.timeline_page,
              "glossary": builder.glossary_page, "map": builder.map_page, "search": builder.search_page,
              "404": builder.not_found_page, "feed": builder.feed, "sitemap": builder.sitemap,
              "robots": builder.robots, "redirects": builder.redirects}
    return single[kind]()
