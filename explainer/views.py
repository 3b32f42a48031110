"""Small view helpers of the page plans: snippets, plain text of rendered HTML, dates for
machines and for readers, citations, an entity's at-a-glance figures."""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from .dates import FuzzyDate, parse_date
from .model import Article, Entity, Event

KIND_LABELS = {
    "person": ("Person", "People"), "organization": ("Organization", "Organizations"),
    "place": ("Place", "Places"), "program": ("Programme", "Programmes"), "product": ("Product", "Products"),
    "publication": ("Publication", "Publications"), "event": ("Event", "Events"), "concept": ("Concept", "Concepts"),
}
SNIPPET_RADIUS = 110  # characters of context on each side of a mention


@dataclass(frozen=True)
class Mentions:
    """Where an entity is named, as its page lists it (PageBuilder.mention_groups)."""

    groups: list[dict]  # the articles quoted with a snippet per paragraph
    more_groups: list[dict]  # then more, as paragraph links with their counts
    order: list[str]  # every article that names it, most mentions first (ties in site order)
    first: dict | None  # its first mention in site order: {"index", "href"}
    paragraphs: int  # paragraphs that name it, in all articles
    unlisted: int  # articles that name it but are not listed (the page sends readers to search)
    search_href: str


def entity_facts(mentions: Mentions, events: list[dict]) -> dict:
    """The figures an entity page's "at a glance" box states: in how many paragraphs (and articles)
    it is named, where first, and the years its timeline events span."""
    years = sorted({e["year"] for e in events})
    span = "" if not years else str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
    return {"paragraphs": mentions.paragraphs, "articles": len(mentions.order),
            "first": mentions.first, "event_span": span}


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


def entity_jsonld(entity: Entity, url: str) -> dict:
    """An entity page's schema.org description (`url`: the page's absolute URL)."""
    data = {"@context": "https://schema.org", "@type": _schema_type(entity.kind), "name": entity.name,
            "description": entity.summary, "url": url}
    if entity.aliases:
        data["alternateName"] = list(entity.aliases)
    if entity.links:
        data["sameAs"] = [link.url for link in entity.links]
    return data


def newest_first(articles: tuple[Article, ...]) -> list[Article]:
    """Articles, newest first where dated (undated ones keep their file order, after the dated)."""
    order = {a.slug: n for n, a in enumerate(articles)}
    return sorted(articles, key=lambda a: (a.published is None,
                                           -(a.published.earliest.toordinal() if a.published else 0), order[a.slug]))


def article_row(article: Article, urls) -> dict:
    return {"title": article.title, "href": urls.article(article.slug), "summary": article.summary,
            "publication": article.publication, "published": article.published.display if article.published else None,
            "paragraphs": len(article.paragraphs)}
