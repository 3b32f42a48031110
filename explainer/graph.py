"""The relationship map: a weighted entity network drawn as static SVG at build time.

Edges come from co-mentions (paragraphs naming both) and explicit `related` lists. The layout is
a small deterministic force simulation (seeded positions, fixed iterations), so the same content
always draws the same picture. Every node is a link; the SVG needs no JavaScript.
"""
from __future__ import annotations

import functools
import heapq
import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from markupsafe import Markup, escape

EXPLICIT_WEIGHT = 2  # an explicit relation counts like two shared paragraphs
MAX_MAP_NODES = 60  # beyond this the full map shows the best-connected entities only
MAX_NEIGHBOURS = 12
KIND_COLOURS = {"person": "#1d4f91", "organization": "#7a3e9d", "place": "#2f7d4f", "program": "#a35a00",
                "product": "#a35a00", "publication": "#6b6b6b", "event": "#b3261e", "concept": "#00796b"}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    href: str


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    weight: int


def strength_order(weight: int, a: str, b: str) -> tuple[int, str, str]:
    """How edges rank wherever some are picked: heaviest first, then by their ends."""
    return (-weight, a, b)


def by_strength(edge: Edge) -> tuple[int, str, str]:
    return strength_order(edge.weight, edge.a, edge.b)


def edge_weights(co_mentions: dict[str, Counter], related: dict[str, tuple[str, ...]]) -> Iterator[tuple[str, str, int]]:
    """The network as (a, b, weight) with a < b, in no particular order: co-mention counts plus
    EXPLICIT_WEIGHT for each explicit relation (either way round). A generator, so the map of a
    large site (hundreds of thousands of pairs) never holds them all at once."""
    explicit: Counter = Counter()
    for a, others in related.items():
        for b in others:
            if a != b:
                explicit[(a, b) if a < b else (b, a)] += EXPLICIT_WEIGHT
    for a, counts in co_mentions.items():
        for b, count in counts.items():
            if a < b:
                yield a, b, count + explicit.pop((a, b), 0)
    for (a, b), weight in explicit.items():
        yield a, b, weight


def strongest_edges(weights: Iterable[tuple[str, str, int]], count: int) -> list[Edge]:
    """The `count` strongest edges, strongest first."""
    return [Edge(a, b, w) for w, a, b in heapq.nsmallest(count, ((w, a, b) for a, b, w in weights),
                                                         key=lambda t: strength_order(*t))]


@functools.lru_cache(maxsize=8)
def _layout(ids: tuple[str, ...], edges: tuple[Edge, ...], width: float, height: float,
            iterations: int = 120) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold from a circle: deterministic, good enough for tens of nodes.

    A pure function of its inputs, memoised: the preview server redraws the map after most edits
    although the network is unchanged.
    """
    count = len(ids)
    if count == 0:
        return {}
    if count == 1:
        return {ids[0]: (width / 2, height / 2)}
    radius = min(width, height) * 0.4
    pos = {n: [width / 2 + radius * math.cos(2 * math.pi * i / count),
               height / 2 + radius * math.sin(2 * math.pi * i / count)] for i, n in enumerate(ids)}
    k = math.sqrt(width * height / count) * 1.1
    temperature = width / 8
    index = {n: i for i, n in enumerate(ids)}
    links = [(e.a, e.b, min(e.weight, 6)) for e in edges if e.a in index and e.b in index]
    for step in range(iterations):
        shift = {n: [0.0, 0.0] for n in ids}
        for i, a in enumerate(ids):
            ax, ay = pos[a]
            for b in ids[i + 1:]:
                dx, dy = ax - pos[b][0], ay - pos[b][1]
                dist = math.hypot(dx, dy) or 0.01
                force = k * k / dist
                fx, fy = dx / dist * force, dy / dist * force
                shift[a][0] += fx; shift[a][1] += fy
                shift[b][0] -= fx; shift[b][1] -= fy
        for a, b, w in links:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = math.hypot(dx, dy) or 0.01
            force = dist * dist / k * (0.3 + w / 6)
            fx, fy = dx / dist * force, dy / dist * force
            shift[a][0] -= fx; shift[a][1] -= fy
            shift[b][0] += fx; shift[b][1] += fy
        for n in ids:
            dx, dy = shift[n]
            length = math.hypot(dx, dy) or 0.01
            step_size = min(length, temperature)
            pos[n][0] += dx / length * step_size
            pos[n][1] += dy / length * step_size
        temperature *= 0.97
    return _fit(pos, width, height)


def _fit(pos: dict[str, list[float]], width: float, height: float, margin_x: float = 110,
         margin_y: float = 24) -> dict[str, tuple[float, float]]:
    """Stretch the layout to fill the drawing, leaving room for labels at the sides."""
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {n: (round(margin_x + (x - min(xs)) / span_x * (width - 2 * margin_x), 1),
                round(margin_y + (y - min(ys)) / span_y * (height - 2 * margin_y), 1)) for n, (x, y) in pos.items()}


def _radial(centre: str, others: list[str], width: float, height: float) -> dict[str, tuple[float, float]]:
    pos = {centre: (width / 2, height / 2)}
    radius_x, radius_y = width / 2 - 90, height / 2 - 30
    for i, n in enumerate(others):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(others), 1)
        pos[n] = (round(width / 2 + radius_x * math.cos(angle), 1), round(height / 2 + radius_y * math.sin(angle), 1))
    return pos


def draw_svg(nodes: list[Node], edges: list[Edge], pos: dict[str, tuple[float, float]], width: int, height: int,
             title: str, highlight: str | None = None) -> Markup:
    """Draw nodes (as links) and weighted edges; the title names the figure for screen readers."""
    by_id = {n.id: n for n in nodes}
    out = [f'<svg class="graph" viewBox="0 0 {width} {height}" aria-label="{escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg">']
    out.append('<g class="edges" aria-hidden="true">')
    for e in edges:
        if e.a in pos and e.b in pos:
            (x1, y1), (x2, y2) = pos[e.a], pos[e.b]
            out.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke-width="{min(1 + e.weight * 0.6, 6):.1f}"/>')
    out.append("</g>")
    out.append('<g class="nodes">')
    for node_id in sorted(pos, key=lambda n: (n != highlight, by_id[n].label.casefold())):
        node = by_id[node_id]
        x, y = pos[node_id]
        colour = KIND_COLOURS.get(node.kind, "#555")
        radius = 9 if node_id == highlight else 6
        anchor = "start" if x < width * 0.75 else "end"
        dx = radius + 4 if anchor == "start" else -(radius + 4)
        cls = "node node-focus" if node_id == highlight else "node"
        out.append(f'<a href="{escape(node.href)}" class="{cls}">'
                   f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{colour}"/>'
                   f'<text x="{round(x + dx, 1)}" y="{round(y + 4, 1)}" text-anchor="{anchor}">{escape(node.label)}</text></a>')
    out.append("</g></svg>")
    return Markup("".join(out))


def full_map(nodes: list[Node], weights: Callable[[], Iterable[tuple[str, str, int]]], width: int = 900,
             height: int = 640) -> tuple[Markup, int, int]:
    """The whole network (best-connected nodes if large); `weights` gives its edges as (a, b,
    weight) each time it is called (see edge_weights). Returns (svg, nodes shown, edges shown)."""
    degree: Counter = Counter()
    for a, b, weight in weights():
        degree[a] += weight
        degree[b] += weight
    shown = sorted((n.id for n in nodes if degree[n.id]), key=lambda i: (-degree[i], i))[:MAX_MAP_NODES]
    shown.sort()
    keep = set(shown)
    kept_edges = [Edge(a, b, w) for a, b, w in sorted(e for e in weights() if e[0] in keep and e[1] in keep)]
    pos = _layout(tuple(shown), tuple(kept_edges), width, height)
    svg = draw_svg([n for n in nodes if n.id in keep], kept_edges, pos, width, height, "Relationship map")
    return svg, len(shown), len(kept_edges)


def neighbourhood(centre: Node, nodes: dict[str, Node], touching: list[Edge], width: int = 640,
                  height: int = 360) -> Markup | None:
    """An entity and its strongest neighbours (from the edges touching it), drawn around it; None if it has none."""
    touching = sorted(touching, key=by_strength)
    others = [e.b if e.a == centre.id else e.a for e in touching][:MAX_NEIGHBOURS]
    if not others:
        return None
    pos = _radial(centre.id, others, width, height)
    shown = [e for e in touching if (e.b if e.a == centre.id else e.a) in pos]
    return draw_svg([centre] + [nodes[o] for o in others], shown, pos, width, height,
                    f"{centre.label} and the entities most often linked to it", highlight=centre.id)
