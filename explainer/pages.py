"""Stage 4, pages: decide every page (url, template, context) and the source keys it is built from.

A page's `deps` name what it was built from ("entity:elon-musk", "seed:<slug>", "seed-meta:<slug>",
"template:entity.html", "site"), so a later rebuild can re-render only the pages a change touches.
"""
from __future__ import annotations

import datetime
import functools
import heapq
import html as html_lib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import quote

from markupsafe import Markup, escape

from .data_names import DATA_FILES
from .dates import FuzzyDate, parse_date
from .graph import EXPLICIT_WEIGHT, MAX_NEIGHBOURS, Edge, Node, network, neighbourhood, overview, strength_order, why
from .graph_svg import KINDS, SHAPE_NAMES, draw, legend_mark
from .link import Linked, LinkTargets
from .markdown import (
    LinkTarget,
    MarkdownRenderer,
)
from .model import Article, Entity, Event, Library, SourceRef, Term
from .urls import Urls

KIND_LABELS = {
    "person": ("Person", "People"), "organization": ("Organization", "Organizations"),
    "place": ("Place", "Places"), "program": ("Programme", "Programmes"), "product": ("Product", "Products"),
    "publication": ("Publication", "Publications"), "event": ("Event", "Events"), "concept": ("Concept", "Concepts"),
}
SNIPPET_RADIUS = 110  # characters of context on each side of a mention
SNIPPET_ARTICLES = 25  # an entity page quotes its mentions in this many articles, then lists the rest
MAX_CO_MENTIONED = 30  # co-mentioned entities listed on an entity page (explicit relations always are)
GLOSSARY_ARTICLES = 5  # a glossary term lists where it is used in this many articles, then links to search
GLOSSARY_USES = 12  # …and this many of its paragraphs in each
FEED_ENTRIES = 50  # the feed holds the newest articles and events (readers poll it; 5,000 entries were 2.4 MB)
HOME_ARTICLES = 10  # articles listed on the home page; all of them are on /articles/
KEY_PLAYERS = 8
TIMELINE_PREVIEW = 5


@dataclass(frozen=True)
class PagePlan:
    url: str  # site-relative, "/entities/elon-musk/"
    output: str  # file under the output folder, "entities/elon-musk/index.html"
    template: str  # "" for a data file: its text is context["body"]
    kind: str  # home | article | entity | entities | timeline | glossary | 404
    title: str
    description: str
    context: dict[str, Any] = field(hash=False, compare=False)
    deps: frozenset[str] = frozenset()


def planned(urls: Urls, url: str, *fields, **named) -> PagePlan:
    """A page's plan, with its output file found from its URL (by Urls.output, like every page's)."""
    return PagePlan(url, urls.output(url), *fields, **named)


class PageBuilder:
    """Builds the context of each page from the linked library."""

    def __init__(self, linked: Linked, urls: Urls, md, previous: PageBuilder | None = None):
        """`previous` (the preview server's last builder) lends the lookups of every collection
        that is the very same object in this library, so a seed edit builds none of them again."""
        self.linked = linked
        self.lib = lib = linked.library
        self.parser = md
        self.urls = urls
        self.articles = linked.articles
        self.article_order = linked.article_order
        old = previous.lib if previous is not None and previous.urls.base == urls.base else None
        if old is not None and old.entities is lib.entities and old.terms is lib.terms:
            self.targets, self.entities, self.terms = previous.targets, previous.entities, previous.terms
            self.nodes, self.related_to = previous.nodes, previous.related_to
        else:
            self.targets = LinkTargets(lib, urls)
            self.entities = {e.id: e for e in lib.entities}
            self.terms = {t.id: t for t in lib.terms}
            self.nodes = {e.id: Node(e.id, e.name, e.kind, urls.entity(e.id)) for e in lib.entities}
            self.related_to: dict[str, set[str]] = {}  # reverse of each entity's `related` list
            for e in lib.entities:
                for other in e.related:
                    self.related_to.setdefault(other, set()).add(e.id)
        self.events = previous.events if old is not None and old.events is lib.events else {e.id: e for e in lib.events}
        self.quotes = previous.quotes if old is not None and old.quotes is lib.quotes else {q.id: q for q in lib.quotes}
        self.notes = previous.notes if old is not None and old.notes is lib.notes else {n.id: n for n in lib.notes}
        self.md = MarkdownRenderer(md, self.target)
        self.keep_plans: set = set()  # see plan_page
        self.kept_plans: dict = {}

    def network(self) -> Iterator[Edge]:
        """The whole network, tie by tie (only the map needs it; an entity page needs its own ties only)."""
        return network(self.linked.co_mentions, {e.id: e.related for e in self.lib.entities})

    def shared_paragraphs(self, a: str, b: str, limit: int) -> list[tuple[str, int]]:
        """The first `limit` paragraphs, in site order, that name both entities: a co-mention's evidence."""
        first, second = self.linked.by_target.get(a, {}), self.linked.by_target.get(b, {})
        found: list[tuple[str, int]] = []
        for slug in sorted(first.keys() & second.keys(), key=self.article_order.__getitem__):
            both = {m.paragraph for m in first[slug]} & {m.paragraph for m in second[slug]}
            found += [(slug, index) for index in sorted(both)]
            if len(found) >= limit:
                break
        return found[:limit]

    @functools.cached_property
    def sort_names(self) -> dict[str, str]:
        """Each entity's name as lists sort it (case-folded)."""
        return {ident: entity.name.casefold() for ident, entity in self.entities.items()}

    def edges_touching(self, entity: Entity, strongest: int) -> list[Edge]:
        """The `strongest` ties of one entity (heaviest first, then by their ends), exactly as in
        `network`, without building the rest."""
        me = entity.id
        shared = self.linked.co_mentions.get(me, {})
        listed: Counter = Counter(other for other in entity.related if other != me)
        listed.update(other for other in self.related_to.get(me, ()) if other != me)
        weights = Counter({o: count for o, count in shared.items() if o != me and count})
        for other, sides in listed.items():
            weights[other] += EXPLICIT_WEIGHT * sides
        # an entity of a large site shares paragraphs with hundreds: make Edges of those shown only
        chosen = heapq.nsmallest(strongest, weights.items(),
                                 key=lambda item: strength_order(item[1], min(me, item[0]), max(me, item[0])))
        return [Edge(min(me, o), max(me, o), shared.get(o, 0), listed[o]) for o, _ in chosen]

    def cards(self, memo: dict[str, str] | None = None) -> dict[str, dict]:
        """Preview-card data for every entity and term, keyed like the links' data-card attribute.

        `memo` keeps each definition's plain text between preview rebuilds, and the last cards; it
        is only valid while the ids and names its wikilinks resolve to stay the same (a full build
        clears it).
        """
        memo = {} if memo is None else memo
        # the last cards, while the terms and the entities' ids are the same: update the edited entities
        last = memo.get(("cards",))
        if last is not None and last[1] is self.lib.terms and last[2] == self.urls.base and (
                last[0] is self.lib.entities or len(last[0]) == len(self.lib.entities)
                and all(a is b or a.id == b.id for a, b in zip(last[0], self.lib.entities))):
            cards = last[3] if last[0] is self.lib.entities else dict(last[3])
            for old, entity in zip(last[0], self.lib.entities):
                if old is not entity:
                    cards[f"entity:{entity.id}"] = self._entity_card(entity)
            memo[("cards",)] = (self.lib.entities, self.lib.terms, self.urls.base, cards)
            return cards
        cards = {f"entity:{entity.id}": self._entity_card(entity) for entity in self.lib.entities}
        for term in self.lib.terms:
            if term.definition not in memo:
                memo[term.definition] = _plain(self.md.block(term.definition))
            definition = memo[term.definition]
            cards[f"term:{term.id}"] = {"name": term.term, "kind": "Term", "summary": definition,
                                        "href": self.urls.term(term.id)}
        memo[("cards",)] = (self.lib.entities, self.lib.terms, self.urls.base, cards)
        return cards

    def _entity_card(self, entity: Entity) -> dict:
        return {"name": entity.name, "kind": KIND_LABELS[entity.kind][0], "summary": entity.summary,
                "href": self.urls.entity(entity.id)}

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
        for paragraph in article.paragraphs:
            key = (article.slug, paragraph.index)
            mentions = self.linked.mentions.get(key, [])
            html = Markup(self.linked.html[key])  # rendered with its links while linking
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
        by_article = self.linked.by_target.get(entity.id, {})  # slug → its mentions of the entity
        mention_count = sum(map(len, by_article.values()))
        # every mention is listed; past the first articles, as paragraph links without snippets,
        # so the page of an entity named in thousands of articles stays readable and light
        groups, more_groups = [], []
        ordered = sorted(by_article, key=self.article_order.__getitem__)
        for number, slug in enumerate(ordered):
            href = self.urls.article(slug)
            if number < SNIPPET_ARTICLES:
                paragraphs: dict[int, list] = {}
                for mention in by_article[slug]:
                    paragraphs.setdefault(mention.paragraph, []).append(mention)
                rows = [{"index": index, "href": self.urls.paragraph_in(href, index),
                         "snippet": snippet(self.linked.visible[(slug, index)], [(m.start, m.end) for m in mentions]),
                         "count": len(mentions)} for index, mentions in sorted(paragraphs.items())]
                groups.append({"article": self.articles[slug].title, "href": href, "rows": rows})
            else:  # (index, href) pairs: the template's loop over them is the page's longest
                more_groups.append({"article": self.articles[slug].title, "href": href,
                                    "rows": [(index, self.urls.paragraph_in(href, index))
                                             for index in sorted({m.paragraph for m in by_article[slug]})]})
        related, more_related = self.related(entity)
        kind_label = KIND_LABELS[entity.kind][0]
        events = [self.event_row(self.events[i]) for i in self.linked.entity_events.get(entity.id, [])]
        quotes = [self.quote_row(q) for q in self.linked.entity_quotes.get(entity.id, [])]
        context = {
            "entity": entity, "kind_label": kind_label,
            "description": self.md.block(entity.description) if entity.description else "",
            "mention_groups": groups, "more_mention_groups": more_groups, "mention_count": mention_count,
            "events": events, "quotes": quotes,
            "facts": entity_facts(groups, more_groups, events),
            "notes": [self.note_row(n) for n in self.linked.entity_notes.get(entity.id, [])],
            "related": related, "more_related": more_related,
            "neighbourhood": self.neighbourhood_view(entity),
            "og_type": "profile" if entity.kind == "person" else "website",
            "jsonld": self.entity_jsonld(entity),
        }
        deps = {f"entity:{entity.id}", "template:entity.html", "site"}
        # the articles shown with snippets depend on their text; the others, on where the entity
        # is mentioned and on their titles only
        deps |= {f"seed:{slug}" for slug in ordered[:SNIPPET_ARTICLES]}
        deps |= {f"seed-mentions:{slug}" for slug in ordered} | {f"seed-meta:{slug}" for slug in ordered}
        deps |= {f"event:{i}" for i in self.linked.entity_events.get(entity.id, [])}
        deps |= {f"quote:{q}" for q in self.linked.entity_quotes.get(entity.id, [])}
        deps |= {f"note:{n}" for n in self.linked.entity_notes.get(entity.id, [])}
        deps |= {f"entity-card:{r['id']}" for r in related} | {f"entity-related:{r['id']}" for r in related}
        deps |= self.cited_seeds(s for i in self.linked.entity_events.get(entity.id, []) for s in self.events[i].sources)
        deps |= {f"seed:{self.quotes[q].seed}" for q in self.linked.entity_quotes.get(entity.id, [])}
        deps |= {f"seed:{self.notes[n].seed}" for n in self.linked.entity_notes.get(entity.id, [])}
        deps |= self.cited_seeds(s for n in self.linked.entity_notes.get(entity.id, []) for s in self.notes[n].sources)
        return planned(self.urls, self.urls.entity(entity.id), "entity.html", "entity",
                        entity.name, entity.summary, context, frozenset(deps))

    def entity_jsonld(self, entity: Entity) -> dict:
        data = {"@context": "https://schema.org", "@type": _schema_type(entity.kind), "name": entity.name,
                "description": entity.summary, "url": self.urls.absolute(self.urls.entity(entity.id))}
        if entity.aliases:
            data["alternateName"] = list(entity.aliases)
        if entity.links:
            data["sameAs"] = [link.url for link in entity.links]
        return data

    def related(self, entity: Entity) -> tuple[list[dict], int]:
        """Explicit relations (both directions) and the strongest co-mentions; and how many more
        entities share a paragraph with it (listed on the map, not here, so big sites stay light)."""
        explicit = (set(entity.related) | self.related_to.get(entity.id, set())) - {entity.id}
        counts: Counter = Counter(self.linked.co_mentions.get(entity.id, {}))
        others = [i for i in counts if i not in explicit and i != entity.id]
        shown = heapq.nsmallest(MAX_CO_MENTIONED, others, key=lambda i: (-counts[i], self.sort_names[i]))
        rows = [dict(self.entity_ref(i), count=counts.get(i, 0), explicit=i in explicit) for i in explicit | set(shown)]
        rows.sort(key=lambda r: (not r["explicit"], -r["count"], r["name"].casefold()))
        return rows, len(others) - len(shown)

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

    def timeline_page(self) -> PagePlan:
        years: list[dict] = []
        for event in self.lib.events:
            if not years or years[-1]["year"] != event.date.year:
                years.append({"year": event.date.year, "events": []})
            years[-1]["events"].append(self.event_row(event))
        kinds = sorted({e.kind for e in self.lib.events if e.kind})
        involved = sorted({i for e in self.lib.events for i in e.entities}, key=lambda i: self.entities[i].name.casefold())
        deps = {"template:timeline.html", "site", "ids"} | {f"event:{e.id}" for e in self.lib.events}
        deps |= self.cited_seeds(s for e in self.lib.events for s in e.sources)
        deps |= {f"entity-card:{i}" for i in involved}
        return planned(self.urls, self.urls.page("timeline/"), "timeline.html", "timeline", "Timeline",
                        f"What happened when, each event tied to its source: {self.lib.site.title}.",
                        {"years": years, "kinds": kinds, "filter_entities": [self.entity_ref(i) for i in involved]},
                        frozenset(deps))

    def glossary_page(self) -> PagePlan:
        letters: list[dict] = []
        for term in self.lib.terms:
            letter = term.term[:1].upper() if term.term[:1].isalpha() else "#"
            if not letters or letters[-1]["letter"] != letter:
                letters.append({"letter": letter, "terms": []})
            letters[-1]["terms"].append(self.term_row(term))
        deps = {"template:glossary.html", "site", "ids"} | {f"term:{t.id}" for t in self.lib.terms}
        deps |= {f"term-card:{t.id}" for t in self.lib.terms}
        deps |= {f"seed-{part}:{a.slug}" for a in self.lib.articles for part in ("mentions", "meta")}  # uses
        return planned(self.urls, self.urls.page("glossary/"), "glossary.html", "glossary", "Glossary",
                        f"Plain-language definitions of the terms used in {self.lib.site.title}.",
                        {"letters": letters, "one_article": len(self.lib.articles) == 1, "jsonld": {
                            "@context": "https://schema.org", "@type": "DefinedTermSet", "name": "Glossary",
                            "url": self.urls.absolute(self.urls.page("glossary/")),
                            "hasDefinedTerm": [{"@type": "DefinedTerm", "name": t.term, "termCode": t.id,
                                                "description": _plain(self.md.block(t.definition)),
                                                "url": self.urls.absolute(self.urls.term(t.id))}
                                               for t in self.lib.terms]}},
                        frozenset(deps))

    def term_row(self, term: Term) -> dict:
        return {"id": term.id, "term": term.term, "aliases": term.aliases, "definition": self.md.block(term.definition),
                "see_also": [{"id": i, "term": self.terms[i].term, "href": self.urls.term(i)} for i in term.see_also],
                "sources": [self.source_view(s) for s in term.sources], **self.term_uses(term)}

    def term_uses(self, term: Term) -> dict:
        """Where a term is used: the paragraphs of the articles that use it most (first in site
        order on a tie), a few of each; on a site of thousands of articles a common term is in
        hundreds, and the glossary is one page, so the rest are counted and left to search."""
        paragraphs: dict[str, set[int]] = {}
        for mention in self.linked.mentions_of(term.id):
            paragraphs.setdefault(mention.article, set()).add(mention.paragraph)
        order = self.linked.article_order
        shown = heapq.nsmallest(GLOSSARY_ARTICLES, paragraphs, key=lambda slug: (-len(paragraphs[slug]), order[slug]))
        groups = []
        for slug in sorted(shown, key=order.__getitem__):
            title = self.articles[slug].title
            indexes = sorted(paragraphs[slug])
            groups.append({"article": title, "href": self.urls.article(slug), "more": len(indexes) - GLOSSARY_USES,
                           "uses": [{"href": self.urls.paragraph(slug, index), "label": f"¶{index}", "article": title}
                                    for index in indexes[:GLOSSARY_USES]]})
        return {"use_groups": groups, "use_articles": len(paragraphs), "more_use_articles": len(paragraphs) - len(shown),
                "search_href": f"{self.urls.page('search/')}?q={quote(term.term)}"}

    def newest_articles(self) -> list[Article]:
        """Articles, newest first where dated (undated ones keep their file order, after the dated)."""
        order = {a.slug: n for n, a in enumerate(self.lib.articles)}
        return sorted(self.lib.articles, key=lambda a: (a.published is None,
                                                        -(a.published.earliest.toordinal() if a.published else 0),
                                                        order[a.slug]))

    def article_row(self, article: Article) -> dict:
        return {"title": article.title, "href": self.urls.article(article.slug), "summary": article.summary,
                "publication": article.publication,
                "published": article.published.display if article.published else None,
                "paragraphs": len(article.paragraphs)}

    def articles_page(self) -> PagePlan:
        deps = {"template:articles.html", "site", "ids"} | {f"seed-meta:{a.slug}" for a in self.lib.articles}
        return planned(self.urls, self.urls.page("articles/"), "articles.html", "articles", "Articles",
                        f"Every article explained in {self.lib.site.title}.",
                        {"articles": [self.article_row(a) for a in self.newest_articles()]}, frozenset(deps))

    def home_page(self) -> PagePlan:
        points = []
        for point in self.lib.site.key_points:
            points.append({"html": self.md.inline(point.text),
                           "sources": _one_citation_per_paragraph([self.source_view(s) for s in point.sources])})
        counts = Counter({e.id: self.linked.mention_counts[e.id] for e in self.lib.entities})
        players = [dict(self.entity_ref(i), mentions=n) for i, n in counts.most_common(KEY_PLAYERS) if n]
        preview = [self.event_row(e) for e in self.lib.events[-TIMELINE_PREVIEW:]]
        articles = [self.article_row(a) for a in self.newest_articles()[:HOME_ARTICLES]]
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

    def map_page(self) -> PagePlan:
        shown = overview(self.nodes, self.network)
        drawing = shown.drawing
        ties = [self.tie_row(edge) for edge in drawing.edges] if drawing else []
        deps = {"template:map.html", "site", "ids"}
        deps |= {f"entity-card:{e.id}" for e in self.lib.entities} | {f"entity-related:{e.id}" for e in self.lib.entities}
        deps |= {f"seed-mentions:{a.slug}" for a in self.lib.articles} | {f"seed-meta:{a.slug}" for a in self.lib.articles}
        return planned(self.urls, self.urls.page("map/"), "map.html", "map", "Relationship map",
                        f"How the people, organisations and places in {self.lib.site.title} connect.",
                        {"svg": draw(drawing) if drawing else "", "shown": len(drawing.nodes) if drawing else 0,
                         "total": len(self.nodes), "edge_count": len(ties),
                         "total_edges": shown.total_edges, "ties": ties, "legend": self.legend({n.kind for n in self.nodes.values()})},
                        frozenset(deps))

    def tie_row(self, edge: Edge, evidence: int = 8) -> dict:
        """One tie as the map lists it: its ends, what it is made of, and links to the first
        `evidence` paragraphs that name both."""
        several = len(self.articles) > 1
        links = [{"href": self.urls.paragraph(slug, index), "label": f"¶{index}",
                  "aria": f"paragraph {index}" + (f" of {self.articles[slug].title}" if several else "")}
                 for slug, index in self.shared_paragraphs(edge.a, edge.b, evidence)]
        return {"a": self.entity_ref(edge.a), "b": self.entity_ref(edge.b), "why": why(edge), "evidence": links,
                "more": max(0, edge.paragraphs - len(links))}

    @staticmethod
    def legend(kinds: set[str]) -> list[dict]:
        return [{"kind": kind, "label": KIND_LABELS[kind][1], "shape": SHAPE_NAMES[kind], "mark": legend_mark(kind)}
                for kind in KINDS if kind in kinds]

    def neighbourhood_view(self, entity: Entity) -> dict | None:
        """An entity's strongest ties drawn (see graph.neighbourhood), with the legend of the kinds in it."""
        drawing = neighbourhood(self.nodes[entity.id], self.nodes, self.edges_touching(entity, strongest=MAX_NEIGHBOURS))
        if drawing is None:
            return None
        return {"svg": draw(drawing), "legend": self.legend({node.kind for node, _ in drawing.nodes}),
                "name": entity.name, "count": len(drawing.edges)}

    def search_page(self) -> PagePlan:
        return planned(self.urls, self.urls.page("search/"), "search.html", "search", "Search",
                        f"Search the article, people, timeline and glossary of {self.lib.site.title}.", {},
                        frozenset({"template:search.html", "site"}))

    def feed(self) -> PagePlan:
        """An Atom feed of the newest articles and timeline events (FEED_ENTRIES of them), newest
        first, with stable dates; the lists and the sitemap hold them all."""
        entries = []
        for article in self.lib.articles:
            day = article.published.latest if article.published else None
            entries.append({"title": article.title, "href": self.urls.absolute(self.urls.article(article.slug)),
                            "updated": day, "summary": article.summary or self.lib.site.description})
        for event in self.lib.events:
            entries.append({"title": f"{event.display_date}: {event.title}",
                            "href": self.urls.absolute(self.urls.event(event.id)), "updated": event.date.latest,
                            "summary": _plain(self.md.block(event.body)) if event.body else event.title})
        dated = [e["updated"] for e in entries if e["updated"]]
        newest = max(dated) if dated else None
        for entry in entries:
            entry["updated"] = (entry["updated"] or newest)
        entries.sort(key=lambda e: (e["updated"] or datetime.date.min, e["href"]), reverse=True)
        del entries[FEED_ENTRIES:]
        return planned(self.urls, self.urls.page("feed.xml"), "feed.xml", "feed", self.lib.site.title,
                        self.lib.site.description, {"entries": entries, "updated": newest},
                        frozenset({"template:feed.xml", "site", "ids"} | {f"event:{e.id}" for e in self.lib.events}
                                  | {f"seed-meta:{a.slug}" for a in self.lib.articles}))

    def sitemap(self) -> PagePlan:
        paths = ["", "articles/", "entities/", "timeline/", "glossary/", "map/", "search/"]
        urls = [self.urls.absolute(self.urls.page(p)) for p in paths]
        urls += [self.urls.absolute(self.urls.article(a.slug)) for a in self.lib.articles]
        urls += [self.urls.absolute(self.urls.entity(e.id)) for e in self.lib.entities]
        return planned(self.urls, self.urls.page("sitemap.xml"), "sitemap.xml", "sitemap", "Sitemap", "",
                        {"locations": sorted(urls)}, frozenset({"template:sitemap.xml", "site", "ids"}))

    def redirects(self) -> PagePlan:
        """Netlify's _redirects: an entity's old ids (redirect_from) go to its page, permanently."""
        rules = [(self.urls.entity(old), self.urls.entity(e.id)) for e in self.lib.entities for old in e.redirect_from]
        return planned(self.urls, self.urls.page("_redirects"), "_redirects", "redirects", "_redirects", "",
                        {"rules": sorted(rules)},
                        frozenset({"template:_redirects", "ids"} | {f"entity-redirects:{e.id}" for e in self.lib.entities}))

    def redirect_stub(self, old: str) -> PagePlan:
        """A page at an old entity URL that points to the new one, for hosts without _redirects."""
        entity = next(e for e in self.lib.entities if old in e.redirect_from)
        return planned(self.urls, self.urls.entity(old), "redirect.html", "redirect",
                        f"{entity.name} has moved", entity.summary, {"target": self.urls.entity(entity.id)},
                        frozenset({"template:redirect.html", "ids", f"entity-card:{entity.id}",
                                   f"entity-redirects:{entity.id}"}))

    def robots(self) -> PagePlan:
        return planned(self.urls, self.urls.page("robots.txt"), "robots.txt", "robots", "robots.txt", "",
                        {"sitemap": self.urls.absolute(self.urls.page("sitemap.xml"))},
                        frozenset({"template:robots.txt", "site"}))

    def not_found_page(self) -> PagePlan:
        return planned(self.urls, self.urls.page("404.html"), "404.html", "404", "Page not found",
                        "This page does not exist.", {}, frozenset({"template:404.html", "site"}))


def entity_facts(groups: list[dict], more_groups: list[dict], events: list[dict]) -> dict:
    """The figures an entity page's "at a glance" box states: in how many paragraphs (and articles)
    it is named, where first, and the years its timeline events span."""
    paragraphs = sum(len(g["rows"]) for g in groups + more_groups)
    first = groups[0]["rows"][0] if groups and groups[0]["rows"] else None
    years = sorted({e["year"] for e in events})
    span = "" if not years else str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
    return {"paragraphs": paragraphs, "articles": len(groups) + len(more_groups),
            "first": first, "event_span": span}


def snippet(text: str, spans: list[tuple[int, int]], radius: int = SNIPPET_RADIUS) -> Markup:
    """Cut a window of text around the first span, marking every span inside the window."""
    first = spans[0][0]
    start = max(0, first - radius)
    end = min(len(text), spans[0][1] + radius)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space > spans[0][1] else end
    out = ["…" if start > 0 else ""]
    cursor = start
    for a, b in sorted(spans):
        if a < start or b > end:
            continue
        out.append(str(escape(text[cursor:a])))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        cursor = b
    out.append(str(escape(text[cursor:end])))
    out.append("…" if end < len(text) else "")
    return Markup("".join(out))


_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote|tr)>|<br\s*/?>")
_TAGS = re.compile(r"<[^>]+>")


def _plain(html: str) -> str:
    """Text of a rendered fragment, for meta descriptions, cards and feeds."""
    text = _TAGS.sub("", _BLOCK_END.sub(" ", str(html)))
    return " ".join(html_lib.unescape(text).split())


def _schema_type(kind: str) -> str:
    return {"person": "Person", "organization": "Organization", "place": "Place", "publication": "Organization",
            "event": "Event", "product": "Product", "program": "Thing", "concept": "Thing"}.get(kind, "Thing")


def _one_citation_per_paragraph(views: list[dict]) -> list[dict]:
    """Key-point citations with each paragraph once ("¶4 ¶12", not "¶4 ¶4 ¶12"); the excerpts of a
    paragraph cited twice are joined for the link's tooltip."""
    merged: list[dict] = []
    by_href: dict[str, dict] = {}
    for view in views:
        first = by_href.get(view["href"]) if view["kind"] == "seed" else None
        if first is None:
            merged.append(dict(view))
            if view["kind"] == "seed":
                by_href[view["href"]] = merged[-1]
        else:
            first["excerpt"] = f"{first['excerpt']} … {view['excerpt']}"
    return merged


def _published_phrase(date: FuzzyDate) -> str:
    """How a publication date reads after "Source: Vox, ": a range says that the day is not known."""
    if "/" in date.text:
        first, last = (parse_date(part) for part in date.text.split("/"))
        start = first.display
        if first.year == last.year and first.precision != "year":
            start = start.removesuffix(f" {first.year}")  # "between 25 October and 4 November 2024"
        return f"published between {start} and {last.display}"
    return f"published {date.display}"


def _machine_date(date: FuzzyDate) -> str:
    """An ISO 8601 date for <time datetime> and JSON-LD: a range gives only the year or month its two ends
    share ("" when they share none), so no machine reads a day the evidence does not give."""
    parts = [part.rstrip("?~%").split("-") for part in date.text.split("/")]
    shared = []
    for fields in zip(*parts):
        if len(set(fields)) > 1:
            break
        shared.append(fields[0])
    return "-".join(shared)


def _iso(event: Event) -> str:
    """A machine-readable <time datetime> value at the event's precision: for a range, what its two ends
    share ("8 or 9 September 2023" is 2023-09), or the first year when they share nothing."""
    return _machine_date(event.date) or str(event.date.year)


PageSpec = tuple[str, str]  # (page kind, subject id or slug): enough to build the page anywhere


def page_specs(lib: Library) -> list[PageSpec]:
    """Every page of the site, in a stable order."""
    specs: list[PageSpec] = [(kind, "") for kind in ("home", "articles", "entities", "timeline", "glossary", "map",
                                                     "search", "404")]
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


def spec_url(urls: Urls, spec: PageSpec) -> str:
    """A page's URL from its spec alone, without planning it (the same URL its plan has)."""
    kind, subject = spec
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
    if kind in ("data", "data-index"):
        from .data_export import data_index_plan, data_plan  # it builds on this module

        return data_plan(builder, subject) if kind == "data" else data_index_plan(builder)
    single = {"home": builder.home_page, "articles": builder.articles_page, "entities": builder.entities_page, "timeline": builder.timeline_page,
              "glossary": builder.glossary_page, "map": builder.map_page, "search": builder.search_page,
              "404": builder.not_found_page, "feed": builder.feed, "sitemap": builder.sitemap,
              "robots": builder.robots, "redirects": builder.redirects}
    return single[kind]()
