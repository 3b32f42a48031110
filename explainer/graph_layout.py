"""Where the map's nodes and labels go: a force layout (python-igraph) and a label placement that
never lets a label cover another label or any node.

Label sizes are estimated from DejaVu Sans, the widest of the common sans-serif fonts (Segoe UI,
San Francisco, Roboto and Helvetica all set narrower), so a label drawn in whichever sans-serif
font the reader has fits inside the box reserved for it.
"""
from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass
from typing import Iterable, Iterator

# DejaVu Sans advance widths of ASCII 32..126, in thousandths of an em (rounded up).
_ASCII_WIDTHS = (
    318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637, 637,
    637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 531, 1000, 685, 687, 699, 771, 632, 576, 775,
    752, 295, 295, 656, 558, 863, 749, 788, 604, 788, 695, 635, 611, 732, 685, 989, 686, 611, 686, 391,
    337, 391, 838, 500, 500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612,
    635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838)
_OTHER_WIDTH = 1000  # any other character: as wide as an em (accented letters are narrower, CJK about this)
BOLD_FACTOR = 1.2  # DejaVu Sans Bold is at most about this much wider, letter for letter
LAYOUT_SEED = 20  # the layout's random starts come from a generator seeded with this
GAP = 3.0  # clear space kept around every label and node
MAX_SPREAD_STEPS = 60  # the layout is stretched at most this many times to make room for labels
SPREAD = 1.12  # …by this factor each time


@functools.lru_cache(maxsize=4096)  # the same names are measured on many entity pages
def text_width(text: str, size: float, bold: bool = False) -> float:
    """An upper bound of the width of `text` set at `size` px in a sans-serif font."""
    units = sum(_ASCII_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else _OTHER_WIDTH for c in text)
    return units / 1000 * size * (BOLD_FACTOR if bold else 1.0)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom

    def grown(self, by: float) -> Box:
        return Box(self.left - by, self.top - by, self.right + by, self.bottom + by)

    def crosses(self, x1: float, y1: float, x2: float, y2: float) -> bool:
        """Whether the segment (x1, y1)–(x2, y2) passes through the box (Liang–Barsky clipping)."""
        t0, t1, dx, dy = 0.0, 1.0, x2 - x1, y2 - y1
        for p, q in ((-dx, x1 - self.left), (dx, self.right - x1), (-dy, y1 - self.top), (dy, self.bottom - y1)):
            if p == 0:
                if q < 0:
                    return False
            else:
                t = q / p
                if p < 0:
                    t0 = max(t0, t)
                else:
                    t1 = min(t1, t)
                if t0 > t1:
                    return False
        return True


class _Grid:
    """Boxes filed by the CELL × CELL squares they touch, so a new box is tested only against
    its neighbours (placing 60 labels against every other box was most of the map's time)."""

    CELL = 64.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(box.left / self.CELL), math.floor(box.right / self.CELL) + 1):
            for j in range(math.floor(box.top / self.CELL), math.floor(box.bottom / self.CELL) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def hits(self, box: Box) -> bool:
        return any(box.overlaps(other) for key in self._keys(box) for other in self.cells.get(key, ()))


@dataclass(frozen=True)
class PlacedNode:
    """A node where it is drawn: its centre and radius, and its label's anchor point and box."""

    id: str
    x: float
    y: float
    r: float
    label_x: float
    label_y: float  # the text's baseline
    anchor: str  # start | middle | end (SVG text-anchor)
    label_box: Box


@dataclass(frozen=True)
class LabelSpec:
    id: str
    r: float
    width: float
    height: float  # the line's height (the box reserved above and below the text)
    size: float  # font size; the baseline sits size*0.3 below the box's middle


def force_layout(ids: list[str], edges: Iterable[tuple[int, int, float]]) -> list[tuple[float, float]]:
    """Fruchterman–Reingold positions (python-igraph) for nodes 0..n-1, the same for the same input.

    igraph draws its random numbers from one generator for the whole process: it is given a fresh
    seeded one for this call and the default one back after.
    """
    import igraph

    count = len(ids)
    if count == 0:
        return []
    if count == 1:
        return [(0.0, 0.0)]
    pairs, weights = [], []
    for a, b, w in edges:
        pairs.append((a, b))
        weights.append(w)
    graph = igraph.Graph(n=count, edges=pairs)
    start = [[math.cos(2 * math.pi * i / count), math.sin(2 * math.pi * i / count)] for i in range(count)]
    igraph.set_random_number_generator(random.Random(LAYOUT_SEED))
    try:
        layout = graph.layout_fruchterman_reingold(weights=weights or None, seed=start, niter=1500, grid=False)
    finally:
        igraph.set_random_number_generator(random)
    return [(round(x, 6), round(y, 6)) for x, y in layout.coords]


def fit(points: list[tuple[float, float]], width: float, height: float) -> list[tuple[float, float]]:
    """Scale points into a width × height box (keeping the aspect of neither: the box decides)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return [((x - min(xs)) / span_x * width, (y - min(ys)) / span_y * height) for x, y in points]


def _candidates(x: float, y: float, spec: LabelSpec) -> Iterator[list[tuple[float, float, str, Box]]]:
    """Label positions around a node in rings, nearest ring first; in each, the most natural
    first: right, left, above, below, then the corners."""
    half = spec.height / 2
    for ring in (0.0, 6.0, 14.0):
        out = []
        gap = spec.r + GAP + 1 + ring
        rows = ((y, "right"), (y, "left"), (y - gap - half, "above"), (y + gap + half, "below"),
                (y - spec.r - half, "right"), (y + spec.r + half, "right"),
                (y - spec.r - half, "left"), (y + spec.r + half, "left"))
        for middle, side in rows:
            if side == "right":
                left = x + gap
            elif side == "left":
                left = x - gap - spec.width
            else:
                left = x - spec.width / 2
            box = Box(left, middle - half, left + spec.width, middle + half)
            anchor, label_x = {"right": ("start", left), "left": ("end", left + spec.width)}.get(side, ("middle", x))
            out.append((label_x, middle + spec.size * 0.35, anchor, box))
        yield out


def place_labels(specs: list[LabelSpec], centres: list[tuple[float, float]], width: float,
                 incident: list[list[tuple[float, float, float, float]]]) -> list[PlacedNode] | None:
    """Put every label beside its node, clear of every other label and node (GAP apart) and inside
    0..width and below 0: in the nearest ring of spots that has a clear one, the first that crosses
    none of the node's own edges, or else the first clear one. Nodes go
    in the order given (most important first: they get the best spots). None if a label finds no
    spot (the caller then spreads the layout and tries again)."""
    taken = _Grid()  # every node, and the labels placed so far
    for s, (x, y) in zip(specs, centres):
        mark = Box(x - s.r, y - s.r, x + s.r, y + s.r)
        if taken.hits(mark.grown(GAP)):  # nodes must not touch each other either
            return None
        taken.add(mark)
    placed: list[PlacedNode] = []
    for index, (spec, (x, y)) in enumerate(zip(specs, centres)):
        chosen = fallback = None
        for ring in _candidates(x, y, spec):  # the nearest ring with a clear spot wins
            for label_x, baseline, anchor, box in ring:
                if box.left < 0 or box.right > width or box.top < 0:
                    continue
                if taken.hits(box.grown(GAP)):
                    continue
                if fallback is None:
                    fallback = (label_x, baseline, anchor, box)
                if not any(box.crosses(*segment) for segment in incident[index]):
                    chosen = (label_x, baseline, anchor, box)
                    break
            if chosen or fallback:
                break
        chosen = chosen or fallback
        if chosen is None:
            return None
        label_x, baseline, anchor, box = chosen
        taken.add(box)
        placed.append(PlacedNode(spec.id, round(x, 1), round(y, 1), spec.r, round(label_x, 1), round(baseline, 1),
                                 anchor, box))
    return placed


def spread_until_clear(specs: list[LabelSpec], points: list[tuple[float, float]], edges: list[tuple[int, int]],
                       width: float, height: float, margin: float) -> tuple[list[PlacedNode], float]:
    """Fit the layout into width × height (inside `margin`) and place the labels; while some label
    has no clear spot, stretch the layout vertically and try again. Returns the placed nodes and
    the height used. Stretching only ever moves nodes further apart, so it ends; the width stays,
    so the drawing never gets wider than asked."""
    inner_height = height - 2 * margin
    if len(points) > 1 and len({y for _, y in points}) == 1:
        # a layout on one level line cannot be stretched apart: lay its nodes on a diagonal in
        # the same order from left to right, so that stretching gives each a level of its own
        order = sorted(range(len(points)), key=lambda i: points[i][0])
        rank = {node: step for step, node in enumerate(order)}
        points = [(x, float(rank[i])) for i, (x, _) in enumerate(points)]
    for _ in range(MAX_SPREAD_STEPS):
        centres = [(x + margin, y + margin) for x, y in fit(points, width - 2 * margin, inner_height)]
        incident: list[list[tuple[float, float, float, float]]] = [[] for _ in specs]
        for a, b in edges:
            segment = (*centres[a], *centres[b])
            incident[a].append(segment)
            incident[b].append(segment)
        placed = place_labels(specs, centres, width, incident)
        if placed is not None:
            return placed, inner_height + 2 * margin
        inner_height *= SPREAD
    raise RuntimeError("the map's labels found no clear place")  # unreachable: positions differ in height
