"""The glossary and the timeline: one page each on a site of ordinary size; on a large site
(sections.py) an index page that lists every term or event and links it to its page, and a page
per letter or period. A PageBuilder's plans (its `lib`, `linked`, `urls`, `md`, `terms`, `articles`)."""
from __future__ import annotations

import heapq
from urllib.parse import quote

from .model import Event, Term
from .plans import PagePlan, planned
from .sections import OTHER, Section, letter_of
from .views import _plain

GLOSSARY_ARTICLES = 5  # a glossary term lists where it is used in this many articles, then links to search
GLOSSARY_USES = 12  # …and this many of its paragraphs in each


class SectionedPlans:
    """Plans of the glossary's and the timeline's pages, for a PageBuilder."""

    # --- glossary ------------------------------------------------------------------------------
    def glossary_deps(self) -> frozenset[str]:
        """Every page of the glossary is built from every term (a renamed term moves between
        pages) and from where the terms are used."""
        deps = {"template:glossary.html", "site", "ids"} | {f"term:{t.id}" for t in self.lib.terms}
        deps |= {f"term-card:{t.id}" for t in self.lib.terms}
        deps |= {f"seed-{part}:{a.slug}" for a in self.lib.articles for part in ("mentions", "meta")}  # uses
        return frozenset(deps)

    def glossary_page(self, section: str = "") -> PagePlan:
        sections = self.urls.sections.glossary
        if sections and not section:
            return self.glossary_index(sections)
        where = self.urls.sections.term_page
        terms = [t for t in self.lib.terms if where.get(t.id, "") == section]
        letters: list[dict] = []
        for term in terms:
            letter = letter_of(term)
            if not letters or letters[-1]["letter"] != letter:
                letters.append({"letter": letter, "terms": []})
            letters[-1]["terms"].append(self.term_row(term))
        if sections:
            jump = [{"label": s.label, "href": self.urls.glossary(s.key), "current": s.key == section}
                    for s in sections]
            title = f"Glossary: {'other initials' if section == OTHER else section.upper()}"
        else:
            jump = [{"label": l["letter"], "href": f"#letter-{l['letter'].lower()}", "current": False} for l in letters]
            title = "Glossary"
        url = self.urls.glossary(section)
        return planned(self.urls, url, "glossary.html", "glossary", title,
                       f"Plain-language definitions of the terms used in {self.lib.site.title}.",
                       {"letters": letters, "jump": jump, "split": bool(sections), "index_href": self.urls.glossary(),
                        "one_article": len(self.lib.articles) == 1, "jsonld": {
                            "@context": "https://schema.org", "@type": "DefinedTermSet", "name": title,
                            "url": self.urls.absolute(url),
                            "hasDefinedTerm": [{"@type": "DefinedTerm", "name": t.term, "termCode": t.id,
                                                "description": _plain(self.md.block(t.definition)),
                                                "url": self.urls.absolute(self.urls.term(t.id))}
                                               for t in terms]}},
                       self.glossary_deps())

    def glossary_index(self, sections: tuple[Section, ...]) -> PagePlan:
        """The first page of a split glossary: every term, A–Z, linked to its letter's page."""
        where = self.urls.sections.term_page
        groups = [{"label": s.label, "href": self.urls.glossary(s.key), "entries": []} for s in sections]
        place = {s.key: n for n, s in enumerate(sections)}
        for term in self.lib.terms:
            groups[place[where[term.id]]]["entries"].append(
                {"id": f"term-{term.id}", "label": term.term, "href": self.urls.term(term.id), "date": ""})
        return planned(self.urls, self.urls.glossary(), "sections.html", "glossary", "Glossary",
                       f"Plain-language definitions of the terms used in {self.lib.site.title}.",
                       {"groups": groups, "what": "term", "total": len(self.lib.terms), "by": "letter"},
                       self.glossary_deps())

    def term_row(self, term: Term) -> dict:
        return {"id": term.id, "term": term.term, "aliases": term.aliases, "definition": self.md.block(term.definition),
                "see_also": [{"id": i, "term": self.terms[i].term, "href": self.urls.term(i)} for i in term.see_also],
                "sources": [self.source_view(s) for s in term.sources], **self.term_uses(term)}

    def term_uses(self, term: Term) -> dict:
        """Where a term is used: the paragraphs of the articles that use it most (first in site
        order on a tie), a few of each; on a site of thousands of articles a common term is in
        hundreds, so the rest are counted and left to search."""
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

    # --- timeline ------------------------------------------------------------------------------
    def timeline_deps(self) -> frozenset[str]:
        """Every page of the timeline is built from every event (a new date moves an event
        between pages) and the names of the entities they involve."""
        events = self.lib.events
        deps = {"template:timeline.html", "site", "ids"} | {f"event:{e.id}" for e in events}
        deps |= self.cited_seeds(s for e in events for s in e.sources)
        deps |= {f"entity-card:{i}" for e in events for i in e.entities}
        return frozenset(deps)

    def timeline_page(self, section: str = "") -> PagePlan:
        sections = self.urls.sections.timeline
        if sections and not section:
            return self.timeline_index(sections)
        where = self.urls.sections.event_page
        events = [e for e in self.lib.events if where.get(e.id, "") == section]
        years: list[dict] = []
        for event in events:
            if not years or years[-1]["year"] != event.date.year:
                years.append({"year": event.date.year, "events": []})
            years[-1]["events"].append(self.event_row(event))
        kinds = sorted({e.kind for e in events if e.kind})
        involved = sorted({i for e in events for i in e.entities}, key=lambda i: self.entities[i].name.casefold())
        jump = [{"label": s.label, "href": self.urls.timeline(s.key), "current": s.key == section} for s in sections]
        return planned(self.urls, self.urls.timeline(section), "timeline.html", "timeline",
                       f"Timeline: {section}" if section else "Timeline",
                       f"What happened when, each event tied to its source: {self.lib.site.title}.",
                       {"years": years, "kinds": kinds, "filter_entities": [self.entity_ref(i) for i in involved],
                        "jump": jump, "section": section, "index_href": self.urls.timeline()},
                       self.timeline_deps())

    def timeline_index(self, sections: tuple[Section, ...]) -> PagePlan:
        """The first page of a split timeline: every event, in date order, linked to its period's page."""
        where = self.urls.sections.event_page
        groups = [{"label": s.label, "href": self.urls.timeline(s.key), "entries": []} for s in sections]
        place = {s.key: n for n, s in enumerate(sections)}
        for event in self.lib.events:
            groups[place[where[event.id]]]["entries"].append(self.event_entry(event))
        by = "decade" if sections[0].key.endswith("s") else "year"
        return planned(self.urls, self.urls.timeline(), "sections.html", "timeline", "Timeline",
                       f"What happened when, each event tied to its source: {self.lib.site.title}.",
                       {"groups": groups, "what": "event", "total": len(self.lib.events), "by": by},
                       self.timeline_deps())

    def event_entry(self, event: Event) -> dict:
        return {"id": f"event-{event.id}", "label": event.title, "href": self.urls.event(event.id),
                "date": event.display_date}
