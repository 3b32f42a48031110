"""The relationship map's page and each entity's ties: a PageBuilder's plans that read the
network of co-mentions and explicit relations (graph.py ranks and lays it out, graph_svg.py draws it)."""
from __future__ import annotations

import heapq
from collections import Counter
from typing import Iterator

from .graph import EXPLICIT_WEIGHT, MAX_NEIGHBOURS, Edge, network, neighbourhood, overview, strength_order, why
from .graph_svg import KINDS, SHAPE_NAMES, draw, legend_mark
from .model import Entity
from .plans import PagePlan, planned
from .views import KIND_LABELS

MAX_CO_MENTIONED = 30  # co-mentioned entities listed on an entity page (explicit relations always are)


class MapPlans:
    """The map and the ties of an entity, for a PageBuilder (its `lib`, `linked`, `urls`, `nodes`,
    `related_to`, `article_order` and `sort_names`)."""

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
        # (strength_order's ends are (min(me, o), max(me, o)): as `me` is one end of every tie,
        # they order the ties exactly as `o` alone does)
        chosen = heapq.nsmallest(strongest, weights.items(), key=lambda item: strength_order(item[1], item[0], ""))
        return [Edge(min(me, o), max(me, o), shared.get(o, 0), listed[o]) for o, _ in chosen]

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
