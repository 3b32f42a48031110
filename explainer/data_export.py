"""The explainer's data for reuse, published under /data/: the timeline in TimelineJS3's JSON
format (embeddable as-is), the entities, the glossary and the relationship network as JSON, the
entities and the timeline as CSV, and the JSON Schemas that describe them (explainer/schemas/).

Every file is a plain function of the content, serialised with a fixed key order, so the same
content always gives the same bytes. Links are absolute when the site's base_url has a host.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

from markupsafe import escape

from .data_names import DATA_FILES, SCHEMAS
from .graph import Edge
from .model import Event, SourceRef
from .pages import PageBuilder, PagePlan, _plain, planned

SCHEMA_FOLDER = Path(__file__).parent / "schemas"
_HREF = re.compile(r'href="(/[^"]*)"')
_CARD = re.compile(r' data-card="[^"]*"')  # the site's preview cards mean nothing elsewhere
GRAPH_TIES = 30  # graph.json keeps each entity's strongest ties (as many as its page lists), every explicit relation
GRAPH_EVIDENCE = 8  # …and the first paragraphs of each tie (as many as the map's list of ties links)


def schema_text(name: str) -> str:
    return (SCHEMA_FOLDER / f"{name}.schema.json").read_text(encoding="utf-8")


def dump(data: Any) -> str:
    """Compact JSON (without an indent, json uses its C encoder: graph.json is megabytes on a large site)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def data_plan(builder: PageBuilder, name: str) -> PagePlan:
    """The plan of one file of /data/: its text is made here, and its deps say what it shows."""
    lib = builder.lib
    deps = {"site", "ids"}
    if name.startswith("timeline"):
        deps |= {f"event:{e.id}" for e in lib.events} | builder.cited_seeds(s for e in lib.events for s in e.sources)
    elif name.startswith("entities"):
        deps |= {f"entity:{e.id}" for e in lib.entities} | {f"seed-mentions:{a.slug}" for a in lib.articles}
    elif name == "glossary.json":
        deps |= {f"term:{t.id}" for t in lib.terms} | builder.cited_seeds(s for t in lib.terms for s in t.sources)
    elif name == "graph.json":
        deps |= {f"entity-card:{e.id}" for e in lib.entities} | {f"entity-related:{e.id}" for e in lib.entities}
        deps |= {f"seed-{part}:{a.slug}" for a in lib.articles for part in ("mentions", "meta")}
    if name != "graph.json" and not name.startswith("schemas/"):  # the names its markdown links show
        deps |= {f"entity-card:{e.id}" for e in lib.entities} | {f"term-card:{t.id}" for t in lib.terms}
    text = DataFiles(builder).files()[name]()
    return planned(builder.urls, builder.urls.page(f"data/{name}"), "", "data", name, "", {"body": text},
                    frozenset(deps))


def data_index_plan(builder: PageBuilder) -> PagePlan:
    """/data/: what each file holds, and how to embed the timeline."""
    return planned(builder.urls, builder.urls.page("data/"), "data.html", "data-index", "The explainer’s data",
                    f"The timeline, entities, glossary and relationship network of {builder.lib.site.title}, "
                    "as JSON and CSV for reuse.",
                    {"timeline_url": builder.urls.absolute(builder.urls.page("data/timeline.json"))},
                    frozenset({"template:data.html", "site"}))


class DataFiles:
    """Builds each file of /data/ from a PageBuilder's lookups."""

    def __init__(self, builder: PageBuilder):
        self.b = builder
        self.urls = builder.urls

    def files(self) -> dict[str, Callable[[], str]]:
        """Each file's name under /data/ and the function that writes it."""
        made: dict[str, Callable[[], str]] = {
            "timeline.json": lambda: dump(self.timeline()), "timeline.csv": self.timeline_csv,
            "entities.json": lambda: dump(self.entities()), "entities.csv": self.entities_csv,
            "glossary.json": lambda: dump(self.glossary()), "graph.json": lambda: dump(self.graph()),
        }
        for name in SCHEMAS:
            made[f"schemas/{name}.schema.json"] = lambda name=name: schema_text(name)
        assert tuple(made) == DATA_FILES
        return made

    def url(self, path: str) -> str:
        return self.urls.absolute(path)

    def html(self, markup: str) -> str:
        """Rendered markdown with its site links made absolute (a reused fragment lives elsewhere)."""
        text = _CARD.sub("", str(markup))
        return _HREF.sub(lambda m: f'href="{self.url(m.group(1))}"', text) if self.urls.origin else text

    def source(self, ref: SourceRef) -> dict:
        view = self.b.source_view(ref)
        if view["kind"] == "seed":
            return {"excerpt": ref.excerpt, "article": ref.seed, "url": self.url(view["href"])}
        return {"title": ref.title, "url": ref.url}

    # --- timeline ------------------------------------------------------------------------
    def timeline(self) -> dict:
        """TimelineJS3's JSON format (https://timeline.knightlab.com/docs/json-format.html); each
        event also keeps its EDTF date and precision, which TimelineJS ignores."""
        site = self.b.lib.site
        return {"title": {"text": {"headline": site.title, "text": site.description}},
                "events": [self.timeline_event(e) for e in self.b.lib.events]}

    def timeline_event(self, event: Event) -> dict:
        start, end = _date_parts(event.date.text)
        body = self.html(self.b.md.block(event.body)) if event.body else ""
        sources = "".join(f'<li><a href="{escape(s["url"])}">{escape(s.get("title") or s["excerpt"])}</a></li>'
                          for s in map(self.source, event.sources))
        data: dict[str, Any] = {"unique_id": event.id, "start_date": start}
        if end:
            data["end_date"] = end
        data["display_date"] = event.display_date
        data["text"] = {"headline": event.title, "text": body + (f"<ul>{sources}</ul>" if sources else "")}
        if event.kind:
            data["group"] = event.kind
        data.update({"edtf": event.date.text, "precision": event.date.precision,
                     "approximate": event.date.approximate, "uncertain": event.date.uncertain,
                     "entities": list(event.entities), "url": self.url(self.urls.event(event.id))})
        return data

    def timeline_csv(self) -> str:
        rows = [["id", "edtf", "precision", "display_date", "earliest", "latest", "approximate", "uncertain",
                 "title", "kind", "entities", "text", "sources", "url"]]
        for e in self.b.lib.events:
            rows.append([e.id, e.date.text, e.date.precision, e.display_date, e.date.earliest.isoformat(),
                         e.date.latest.isoformat(), _flag(e.date.approximate), _flag(e.date.uncertain), e.title,
                         e.kind or "", " ".join(e.entities), _plain(self.b.md.block(e.body)) if e.body else "",
                         " ".join(s["url"] for s in map(self.source, e.sources)), self.url(self.urls.event(e.id))])
        return _csv(rows)

    # --- entities and glossary -------------------------------------------------------------
    def entities(self) -> dict:
        related_to = self.b.related_to
        counts = self.b.linked.mention_counts
        return {"entities": [{
            "id": e.id, "name": e.name, "kind": e.kind, "summary": e.summary,
            "description": self.html(self.b.md.block(e.description)) if e.description else "",
            "aliases": list(e.aliases), "related": sorted(set(e.related) | related_to.get(e.id, set()) - {e.id}),
            "links": [{"title": link.title, "url": link.url} for link in e.links],
            "mentions": counts.get(e.id, 0), "url": self.url(self.urls.entity(e.id)),
        } for e in self.b.lib.entities]}

    def entities_csv(self) -> str:
        rows = [["id", "name", "kind", "summary", "aliases", "related", "mentions", "url"]]
        for e in self.entities()["entities"]:
            rows.append([e["id"], e["name"], e["kind"], e["summary"], "; ".join(e["aliases"]), " ".join(e["related"]),
                         str(e["mentions"]), e["url"]])
        return _csv(rows)

    def glossary(self) -> dict:
        return {"terms": [{
            "id": t.id, "term": t.term, "aliases": list(t.aliases),
            "definition": self.html(self.b.md.block(t.definition)), "see_also": list(t.see_also),
            "sources": [self.source(s) for s in t.sources], "url": self.url(self.urls.term(t.id)),
        } for t in self.b.lib.terms]}

    # --- the network ---------------------------------------------------------------------
    def graph(self) -> dict:
        """Each entity's GRAPH_TIES strongest ties and every explicit relation: how many paragraphs
        name both, the first GRAPH_EVIDENCE of them (as positions in the `paragraphs` table, so
        each paragraph is written once) and whether one lists the other as related. A large site's
        entities share paragraphs with hundreds of others, and every pair made 24 MB at 20,000
        articles; each node says how many ties it has in all."""
        entities = self.b.lib.entities
        kept: dict[tuple[str, str], Edge] = {}
        for entity in entities:
            for edge in self.b.edges_touching(entity, strongest=GRAPH_TIES):
                kept[(edge.a, edge.b)] = edge
        for a, b, listed in self.explicit_pairs():
            pair = (a, b) if a < b else (b, a)
            if pair not in kept:
                kept[pair] = Edge(*pair, self.b.linked.co_mentions.get(pair[0], {}).get(pair[1], 0), listed)
        table, evidence = self.evidence(kept)
        edges = [{"source": a, "target": b, "paragraphs": edge.paragraphs, "related": edge.listed > 0,
                  "evidence": evidence.get((a, b), [])} for (a, b), edge in sorted(kept.items())]
        shown = dict.fromkeys(slug for slug, _ in table)
        return {"articles": {slug: {"title": self.b.articles[slug].title, "url": self.url(self.urls.article(slug))}
                             for slug in shown},
                "paragraphs": [list(key) for key in table],
                "nodes": [{"id": e.id, "name": e.name, "kind": e.kind, "ties": self.tie_count(e),
                           "url": self.url(self.urls.entity(e.id))} for e in entities],
                "edges": edges}

    def explicit_pairs(self) -> list[tuple[str, str, int]]:
        """Every explicit relation once: its two ends and how many of them list the other."""
        listed: dict[tuple[str, str], int] = {}
        for entity in self.b.lib.entities:
            for other in entity.related:
                if other != entity.id:
                    pair = (entity.id, other) if entity.id < other else (other, entity.id)
                    listed[pair] = listed.get(pair, 0) + 1
        return [(a, b, n) for (a, b), n in listed.items()]

    def tie_count(self, entity) -> int:
        """How many entities this one is tied to: named in a paragraph with it, or related either way."""
        others = set(self.b.linked.co_mentions.get(entity.id, {})) | set(entity.related)
        return len((others | self.b.related_to.get(entity.id, set())) - {entity.id})

    def evidence(self, kept: dict) -> tuple[list[tuple[str, int]], dict[tuple[str, str], list[int]]]:
        """The first GRAPH_EVIDENCE paragraphs, in site order, that name both ends of each kept
        tie (as positions in a table of the paragraphs used, in site order)."""
        table: list[tuple[str, int]] = []
        found: dict[tuple[str, str], list[int]] = defaultdict(list)
        mentions, order = self.b.linked.mentions, self.b.article_order
        for key in sorted(mentions, key=lambda k: (order[k[0]], k[1])):
            present = sorted({m.target for m in mentions[key] if m.kind == "entity"})
            place = len(table)
            for i, a in enumerate(present):
                for b in present[i + 1:]:
                    if (a, b) in kept and len(found[(a, b)]) < GRAPH_EVIDENCE:
                        found[(a, b)].append(place)
                        if len(table) == place:
                            table.append(key)
        return table, found


def _date_parts(text: str) -> tuple[dict, dict | None]:
    """TimelineJS date objects for an EDTF date: a range gives a start and an end; qualifiers
    (~ ? %) are dropped here, as TimelineJS has no place for them (the event's edtf keeps them)."""
    parts = [p.rstrip("?~%") for p in text.split("/")]
    objects = []
    for part in parts:
        fields = part.split("-")
        date = {"year": int(fields[0])}
        if len(fields) > 1:
            date["month"] = int(fields[1])
        if len(fields) > 2:
            date["day"] = int(fields[2])
        objects.append(date)
    return objects[0], objects[1] if len(objects) > 1 else None


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)  # RFC 4180
    return out.getvalue()
