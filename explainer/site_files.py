"""The plans of the site's files besides its pages of content: search, feed, sitemap, robots.txt,
Netlify's _redirects and the stub pages of old entity ids, the 404 page (PageBuilder has them)."""
from __future__ import annotations

import datetime

from .plans import PagePlan, planned
from .views import _plain

FEED_ENTRIES = 50  # the feed holds the newest articles and events (readers poll it; 5,000 entries were 2.4 MB)


class SiteFilePlans:
    """Plans of the site-wide files, for a PageBuilder (its `lib`, `urls` and markdown `md`)."""

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
        # a new date can give a split timeline a new page
        moved = {f"event:{e.id}" for e in self.lib.events} if self.urls.sections.timeline else set()
        urls += [self.urls.absolute(self.urls.glossary(s.key)) for s in self.urls.sections.glossary]
        urls += [self.urls.absolute(self.urls.timeline(s.key)) for s in self.urls.sections.timeline]
        urls += [self.urls.absolute(self.urls.article(a.slug)) for a in self.lib.articles]
        urls += [self.urls.absolute(self.urls.entity(e.id)) for e in self.lib.entities]
        return planned(self.urls, self.urls.page("sitemap.xml"), "sitemap.xml", "sitemap", "Sitemap", "",
                        {"locations": sorted(urls)}, frozenset({"template:sitemap.xml", "site", "ids"} | moved))

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
