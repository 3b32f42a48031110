"""Drawing a laid-out map as inline SVG: every node a link, its kind told by colour and shape.

Colours come from the stylesheet (`.kind-<kind>`), one per kind and per colour scheme, so the
SVG carries no style attributes (the site's Content-Security-Policy allows none). Each tie carries
its ends and what it is made of (`data-a`, `data-b`, `data-why`) for static/map.js, which
highlights a node's ties on hover and focus; without the script every node is still a link.
"""
from __future__ import annotations

import functools
import math

from markupsafe import Markup, escape

from .graph import LINE_HEIGHT, Drawing, Edge, why

KINDS = ("person", "organization", "place", "program", "product", "publication", "event", "concept")
SHAPE_NAMES = {"person": "circle", "organization": "square", "place": "triangle", "program": "diamond",
               "product": "hexagon", "publication": "inverted triangle", "event": "star", "concept": "ring"}


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{round(x, 1)},{round(y, 1)}" for x, y in points)


def _polygon(x: float, y: float, r: float, corners: int, turn: float = -90.0, inner: float | None = None) -> str:
    """A regular polygon (or a star, with `inner`) around (x, y), its corners within r."""
    points = []
    steps = corners * 2 if inner else corners
    for i in range(steps):
        angle = math.radians(turn + 360 * i / steps)
        reach = r if not inner or i % 2 == 0 else r * inner
        points.append((x + reach * math.cos(angle), y + reach * math.sin(angle)))
    return f'<polygon class="shape" points="{_points(points)}"/>'


def shape(kind: str, x: float, y: float, r: float) -> str:
    """The node's mark: a shape per kind, all inside the r × r box around (x, y)."""
    if kind == "organization":
        side = round(r * 1.64, 1)
        return f'<rect class="shape" x="{round(x - side / 2, 1)}" y="{round(y - side / 2, 1)}" width="{side}" height="{side}"/>'
    if kind == "place":
        return f'<polygon class="shape" points="{_points([(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)])}"/>'
    if kind == "publication":
        return f'<polygon class="shape" points="{_points([(x, y + r), (x + r, y - r * 0.8), (x - r, y - r * 0.8)])}"/>'
    if kind == "program":
        return _polygon(x, y, r, 4)
    if kind == "product":
        return _polygon(x, y, r, 6, turn=0.0)
    if kind == "event":
        return _polygon(x, y, r, 5, inner=0.5)
    if kind == "concept":
        return f'<circle class="shape ring" cx="{x}" cy="{y}" r="{round(r - 1.5, 1)}"/>'
    return f'<circle class="shape" cx="{x}" cy="{y}" r="{r}"/>'


@functools.cache
def legend_mark(kind: str, size: int = 14) -> Markup:
    """A small SVG of a kind's mark, for the legend (decorative: the legend's text names the kind)."""
    half = size / 2
    return Markup(f'<svg class="mark kind-{kind}" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
                  f'aria-hidden="true" focusable="false">{shape(kind, half, half, half - 1.5)}</svg>')


def _edge(edge: Edge, ends: dict[str, tuple[float, float]]) -> str:
    (x1, y1), (x2, y2) = ends[edge.a], ends[edge.b]
    width = min(1.0 + math.log2(1 + edge.paragraphs), 5.0) if edge.paragraphs else 1.5
    cls = "edge" if edge.paragraphs else "edge edge-listed"  # related, never named together: dashed
    return (f'<line class="{cls}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke-width="{width:.1f}" '
            f'data-a="{escape(edge.a)}" data-b="{escape(edge.b)}" data-why="{escape(why(edge))}"/>')


def _label(x: float, y: float, anchor: str, lines: tuple[str, ...]) -> str:
    if len(lines) == 1:
        return f'<text x="{x}" y="{y}" text-anchor="{anchor}">{escape(lines[0])}</text>'
    spans = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}">{spans}</text>'


def draw(drawing: Drawing) -> Markup:
    """The drawing as an SVG element, sized 1:1 (never scaled: its labels stay LABEL_SIZE px)."""
    ends = {node.id: (placed.x, placed.y) for node, placed in drawing.nodes}
    lines = drawing.lines or {}
    cls = "graph graph-fan" if drawing.centre else "graph"
    out = [f'<svg class="{cls}" viewBox="0 0 {drawing.width} {drawing.height}" width="{drawing.width}" '
           f'height="{drawing.height}" aria-label="{escape(drawing.title)}" '
           'xmlns="http://www.w3.org/2000/svg">',
           '<g class="edges" aria-hidden="true">']
    out += [_edge(edge, ends) for edge in drawing.edges]
    out.append('</g><g class="nodes">')
    for node, placed in drawing.nodes:
        mark = shape(node.kind, placed.x, placed.y, placed.r)
        text = _label(placed.label_x, placed.label_y, placed.anchor, lines.get(node.id, (node.label,)))
        if node.id == drawing.centre:
            out.append(f'<g class="node node-centre kind-{node.kind}" data-node="{escape(node.id)}">{mark}{text}</g>')
        else:
            out.append(f'<a href="{escape(node.href)}" class="node kind-{node.kind}" data-node="{escape(node.id)}">'
                       f'{mark}{text}</a>')
    out.append("</g></svg>")
    return Markup("".join(out))
