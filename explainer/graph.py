"""The relationship map: which entities and ties a reader sees, and where they are drawn.

The network: two entities are tied when a paragraph names both (a co-mention) or when one lists
the other as `related` (an explicit relation). The overview does not draw every tie: it keeps the
best-connected entities, every explicit relation between them and each one's strongest
co-mentions, so the groups show instead of a hairball. Positions come from a seeded force layout
(python-igraph) and a label placement that never lets a label cover another label or a node
(graph_layout); the same content always draws the same picture. An entity page draws its own
neighbourhood as a fan: the entity on the left, its strongest ties in a column, one per row.
"""
from __future__ import annotations

import functools
import heapq
import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, NamedTuple

from .graph_layout import LabelSpec, PlacedNode, Box, force_layout, spread_until_clear, text_width

EXPLICIT_WEIGHT = 2  # in ranking ties, each side that lists the other counts like two shared paragraphs
MAX_MAP_NODES = 60  # the overview shows the best-connected entities
TIES_PER_NODE = 2  # …with each one's strongest co-mentions (explicit relations are all kept)
MAX_NEIGHBOURS = 12
MAP_WIDTH = 1120  # drawn at this size (1:1 at 1280 px, scrolled sideways on a phone)
MAP_HEIGHT = 680  # to start with: grows when the labels need room
LABEL_SIZE = 13  # px, as rendered (the drawings are never scaled down)
LINE_HEIGHT = 16
FAN_WIDTH = 340  # an entity's neighbourhood fits a phone's column at 1:1
FAN_ROW = 30


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    href: str


class Edge(NamedTuple):
    """A tie between entities a < b: the paragraphs that name both, and how many of the two list
    the other as related (0, 1 or 2). A named tuple: the network of a large site has hundreds
    of thousands, made anew for the map and for graph.json (a frozen dataclass costs about
    three times as much to make)."""

    a: str
    b: str
    paragraphs: int
    listed: int = 0

    @property
    def weight(self) -> int:
        """How strong the tie ranks (never shown to readers: `why` says what it is made of)."""
        return self.paragraphs + EXPLICIT_WEIGHT * self.listed

    @property
    def explicit(self) -> bool:
        return self.listed > 0

    def other(self, me: str) -> str:
        return self.b if self.a == me else self.a


def why(edge: Edge) -> str:
    """What a tie is made of, in words: "named together in 7 paragraphs · listed as related"."""
    parts = []
    if edge.paragraphs:
        parts.append(f"named together in {edge.paragraphs} paragraph{'s' if edge.paragraphs != 1 else ''}")
    if edge.explicit:
        parts.append("listed as related")
    return " · ".join(parts)


def strength_order(weight: int, a: str, b: str) -> tuple[int, str, str]:
    """How edges rank wherever some are picked: heaviest first, then by their ends."""
    return (-weight, a, b)


def by_strength(edge: Edge) -> tuple[int, str, str]:
    return strength_order(edge.weight, edge.a, edge.b)


def network(co_mentions: dict[str, Counter], related: dict[str, tuple[str, ...]]) -> Iterator[Edge]:
    """Every tie, in no particular order. A generator, so the map of a large site (hundreds of
    thousands of pairs) never holds them all at once."""
    listed: Counter = Counter()
    for a, others in related.items():
        for b in others:
            if a != b:
                listed[(a, b) if a < b else (b, a)] += 1
    for a, counts in co_mentions.items():
        for b, count in counts.items():
            if a < b:
                yield Edge(a, b, count, listed.pop((a, b), 0))
    for (a, b), sides in listed.items():
        yield Edge(a, b, 0, sides)


@dataclass(frozen=True)
class Drawing:
    """A laid-out picture: nodes where they go (with their labels), and the ties between them."""

    width: int
    height: int
    nodes: tuple[tuple[Node, PlacedNode], ...]  # in reading (and tab) order
    edges: tuple[Edge, ...]
    title: str
    centre: str | None = None  # the entity whose neighbourhood this is
    lines: dict[str, tuple[str, ...]] | None = None  # labels wrapped onto several lines (others: one)


@dataclass(frozen=True)
class Overview:
    drawing: Drawing | None
    total_edges: int  # in the whole network


def overview(nodes: dict[str, Node], edges: Callable[[], Iterable[Edge]]) -> Overview:
    """The best-connected entities, every explicit relation between them and each one's
    TIES_PER_NODE strongest co-mentions, laid out. `edges` gives the whole network each call."""
    strength: Counter = Counter()
    total = 0
    for edge in edges():
        strength[edge.a] += edge.weight
        strength[edge.b] += edge.weight
        total += 1
    ranked = sorted((i for i in nodes if strength[i]), key=lambda i: (-strength[i], i))
    shown = ranked[:MAX_MAP_NODES]
    keep = set(shown)
    inside = [e for e in edges() if e.a in keep and e.b in keep]
    chosen = {(e.a, e.b): e for e in inside if e.explicit}
    touching: dict[str, list[Edge]] = {}
    for edge in inside:
        touching.setdefault(edge.a, []).append(edge)
        touching.setdefault(edge.b, []).append(edge)
    for node_edges in touching.values():
        for edge in heapq.nsmallest(TIES_PER_NODE, node_edges, key=by_strength):
            chosen[(edge.a, edge.b)] = edge
    kept = sorted(chosen.values(), key=by_strength)
    top = strength[shown[0]] if shown else 1
    radius = {i: round(5 + 8 * math.sqrt(strength[i] / top), 1) for i in shown}
    drawing = _lay_out(tuple(nodes[i] for i in shown), tuple(kept), tuple(radius[i] for i in shown)) if shown else None
    return Overview(drawing, total)


def _label(node: Node, r: float) -> LabelSpec:
    return LabelSpec(node.id, r, math.ceil(text_width(node.label, LABEL_SIZE)), LINE_HEIGHT, LABEL_SIZE)


@functools.lru_cache(maxsize=8)
def _lay_out(nodes: tuple[Node, ...], edges: tuple[Edge, ...], radius: tuple[float, ...]) -> Drawing:
    """The overview laid out: a pure function of its inputs, memoised because the preview server
    redraws the map after most edits although the network is unchanged."""
    index = {n.id: i for i, n in enumerate(nodes)}
    pairs = [(index[e.a], index[e.b]) for e in edges]
    points = force_layout([n.id for n in nodes], [(a, b, 1 + math.log(e.weight)) for (a, b), e in zip(pairs, edges)])
    specs = [_label(n, r) for n, r in zip(nodes, radius)]
    placed, _ = spread_until_clear(specs, points, pairs, MAP_WIDTH, MAP_HEIGHT, margin=24)
    height = math.ceil(max(max(p.label_box.bottom, p.y + p.r) for p in placed) + 8)
    return Drawing(MAP_WIDTH, max(height, 1), tuple(zip(nodes, placed)), edges, "Relationship map")


def neighbourhood(centre: Node, nodes: dict[str, Node], touching: list[Edge]) -> Drawing | None:
    """An entity and its strongest ties, drawn as a fan: the entity on the left with its name
    before it, one tie per row (strongest first) on the right, each name on a line or two of its
    own, so no label can meet another or a node. None if the entity has no ties."""
    touching = sorted(touching, key=by_strength)[:MAX_NEIGHBOURS]
    if not touching:
        return None
    node_r, centre_r, pad = 6.0, 9.0, 8.0
    centre_lines = _wrap(centre.label, 96, bold=True)
    centre_width = max(text_width(line, LABEL_SIZE, True) for line in centre_lines)
    cx = pad + centre_width + 6 + centre_r
    column = cx + 64  # where the neighbours sit: room for the ties to fan out
    label_left = column + node_r + 6
    drawn: list[tuple[Node, PlacedNode]] = []
    lines: dict[str, tuple[str, ...]] = {}
    y = pad
    for edge in touching:
        node = nodes[edge.other(centre.id)]
        row = _wrap(node.label, FAN_WIDTH - label_left - pad)
        height = max(FAN_ROW, len(row) * LINE_HEIGHT + 10)
        middle, top = y + height / 2, y + height / 2 - len(row) * LINE_HEIGHT / 2
        width = max(text_width(line, LABEL_SIZE) for line in row)
        drawn.append((node, PlacedNode(node.id, round(column, 1), round(middle, 1), node_r, round(label_left, 1),
                                       round(top + LABEL_SIZE - 1, 1), "start",
                                       Box(label_left, top, label_left + width, top + len(row) * LINE_HEIGHT))))
        lines[node.id] = tuple(row)
        y += height
    height = max(y + pad, len(centre_lines) * LINE_HEIGHT + 2 * pad)
    cy = height / 2
    top = cy - len(centre_lines) * LINE_HEIGHT / 2
    label_right = cx - centre_r - 6
    drawn.insert(0, (centre, PlacedNode(centre.id, round(cx, 1), round(cy, 1), centre_r, round(label_right, 1),
                                        round(top + LABEL_SIZE - 1, 1), "end",
                                        Box(label_right - centre_width, top, label_right,
                                            top + len(centre_lines) * LINE_HEIGHT))))
    lines[centre.id] = tuple(centre_lines)
    width = max(FAN_WIDTH, math.ceil(max(p.label_box.right for _, p in drawn) + pad))
    return Drawing(width, math.ceil(height), tuple(drawn), tuple(touching),
                   f"{centre.label} and the entities most often linked to it", centre.id, lines)


def _wrap(label: str, room: float, bold: bool = False) -> list[str]:
    """A label broken at spaces into lines no wider than `room` (a single long word keeps its line)."""
    lines: list[str] = []
    for word in label.split():
        if lines and text_width(f"{lines[-1]} {word}", LABEL_SIZE, bold) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [label]
