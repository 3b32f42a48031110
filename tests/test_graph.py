"""The relationship map's rules, without a browser: which ties the overview keeps, that labels
never overlap each other or any node (hypothesis, on random networks), and that the same network
always draws the same bytes. tests/browser/test_graph_browser.py measures the real rendering."""
from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.graph import MAX_MAP_NODES, TIES_PER_NODE, Edge, Node, by_strength, neighbourhood, network, overview, why
from explainer.graph_layout import GAP, Box, text_width
from explainer.graph_svg import KINDS, SHAPE_NAMES, draw, shape
from helpers import REPO

NAMES = st.text(alphabet="abcdefghij ABCDEFGH-’é", min_size=1, max_size=40).map(str.strip).filter(bool)


def make_nodes(labels: list[str]) -> dict[str, Node]:
    return {f"n{i}": Node(f"n{i}", label, KINDS[i % len(KINDS)], f"/entities/n{i}/") for i, label in enumerate(labels)}


@st.composite
def networks(draw_, max_nodes: int = 30):
    labels = draw_(st.lists(NAMES, min_size=2, max_size=max_nodes))
    nodes = make_nodes(labels)
    ids = sorted(nodes)
    pairs = draw_(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.integers(0, 12), st.integers(0, 2)),
                           min_size=1, max_size=80))
    edges = {}
    for a, b, count, listed in pairs:
        if a != b and (count or listed):
            a, b = min(a, b), max(a, b)
            edges[(a, b)] = Edge(a, b, count, listed)
    return nodes, list(edges.values())


def assert_clear(drawing) -> None:
    """No label meets another label or any node; every node and label lies inside the drawing."""
    boxes = [placed.label_box for _, placed in drawing.nodes]
    marks = [Box(p.x - p.r, p.y - p.r, p.x + p.r, p.y + p.r) for _, p in drawing.nodes]
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        assert not a.overlaps(b), (drawing.nodes[i][0].label, drawing.nodes[j][0].label)
    for i, label in enumerate(boxes):
        for j, mark in enumerate(marks):
            assert not label.overlaps(mark), (drawing.nodes[i][0].label, drawing.nodes[j][0].label)
        assert label.left >= 0 and label.right <= drawing.width and label.top >= 0 and label.bottom <= drawing.height
    for a, b in itertools.combinations(marks, 2):
        assert not a.overlaps(b)


@settings(max_examples=25, deadline=None)
@given(networks())
def test_overview_labels_never_overlap_and_it_draws_the_same_twice(net):
    nodes, edges = net
    first = overview(nodes, lambda: iter(edges))
    if first.drawing is None:
        assert not edges
        return
    assert_clear(first.drawing)
    assert draw(first.drawing) == draw(overview(nodes, lambda: iter(reversed(edges))).drawing)


@settings(max_examples=40, deadline=None)
@given(networks(max_nodes=20))
def test_neighbourhood_labels_never_overlap(net):
    nodes, edges = net
    for centre in nodes.values():
        touching = [e for e in edges if centre.id in (e.a, e.b)]
        drawing = neighbourhood(centre, nodes, touching)
        if drawing is None:
            assert not touching
            continue
        assert_clear(drawing)
        if all(text_width(w, 13, bold=True) <= 90 for n in nodes.values() for w in n.label.split()):
            assert drawing.width <= 340  # fits a phone's column unless a single word is too long to


def test_overview_keeps_explicit_relations_and_each_nodes_strongest_ties():
    labels = [f"Entity {i}" for i in range(MAX_MAP_NODES + 10)]
    nodes = make_nodes(labels)
    ids = sorted(nodes)
    edges = []
    for i, a in enumerate(ids):  # a ring of weak ties, a strong tie to the next but one, some explicit
        b, c = ids[(i + 1) % len(ids)], ids[(i + 2) % len(ids)]
        edges.append(Edge(min(a, b), max(a, b), 1))
        edges.append(Edge(min(a, c), max(a, c), 5 + i % 4, listed=1 if i % 7 == 0 else 0))
    edges = list({(e.a, e.b): e for e in edges}.values())
    shown = overview(nodes, lambda: iter(edges))
    drawing = shown.drawing
    kept = {(e.a, e.b) for e in drawing.edges}
    on_map = {node.id for node, _ in drawing.nodes}
    assert len(on_map) == MAX_MAP_NODES and shown.total_edges == len(edges)
    inside = [e for e in edges if e.a in on_map and e.b in on_map]
    assert {(e.a, e.b) for e in inside if e.explicit} <= kept
    for node in on_map:
        strongest = sorted((e for e in inside if node in (e.a, e.b)), key=by_strength)[:TIES_PER_NODE]
        assert {(e.a, e.b) for e in strongest} <= kept
    assert len(kept) < len(inside)  # the weak ring is pruned


def test_network_counts_shared_paragraphs_and_relations_once_each():
    co = {"a": Counter({"b": 3, "c": 1}), "b": Counter({"a": 3}), "c": Counter({"a": 1})}
    related = {"a": ("b", "d"), "b": ("a",), "d": ()}
    edges = {(e.a, e.b): e for e in network(co, related)}
    assert edges == {("a", "b"): Edge("a", "b", 3, 2), ("a", "c"): Edge("a", "c", 1, 0), ("a", "d"): Edge("a", "d", 0, 1)}
    assert why(edges[("a", "b")]) == "named together in 3 paragraphs · listed as related"
    assert why(edges[("a", "c")]) == "named together in 1 paragraph"
    assert why(edges[("a", "d")]) == "listed as related"


def test_every_kind_has_its_own_shape_colour_class_and_legend_entry():
    marks = {kind: shape(kind, 10, 10, 8) for kind in KINDS}
    assert len(set(marks.values())) == len(KINDS) == len(SHAPE_NAMES) == len(set(SHAPE_NAMES.values()))
    css = (REPO / "static" / "style.css").read_text()
    light, dark = css.split("@media (prefers-color-scheme: dark)")[-2:]
    for kind in KINDS:
        assert f"--kind-{kind}:" in light.rsplit(":root", 1)[1] and f"--kind-{kind}:" in dark
        assert f".kind-{kind} {{ fill: var(--kind-{kind});" in css
        svg = str(draw(neighbourhood(Node("x", "X", kind, "/x/"), {"y": Node("y", "Y", kind, "/y/")}, [Edge("x", "y", 1)])))
        assert f'class="node kind-{kind}"' in svg and marks[kind].split(" ")[0] in svg


def test_labels_are_escaped():
    nodes = {"a": Node("a", "<b>&", "person", "/a/?x=1&y=2"), "b": Node("b", "B", "place", "/b/")}
    svg = str(draw(neighbourhood(nodes["b"], nodes, [Edge("a", "b", 2)])))
    assert "<b>&" not in svg and "&lt;b&gt;&amp;" in svg and 'href="/a/?x=1&amp;y=2"' in svg


def test_a_layout_on_one_level_line_is_spread_until_its_labels_are_clear():
    """Found by the property test above: a path laid out on one horizontal line (every y equal)
    could not be stretched apart, and a long label at its end found no place."""
    from explainer.graph_layout import LabelSpec, spread_until_clear
    specs = [LabelSpec(id=f"n{i}", r=11.5, width=150 if i == 1 else 9, height=16, size=13) for i in range(6)]
    points = [(-1.95, 0.0), (2.99, 0.0), (-2.9, 0.0), (0.64, 0.0), (-0.68, 0.0), (1.9, 0.0)]
    placed, _height = spread_until_clear(specs, points, [(2, 0), (0, 4), (4, 3), (3, 5), (5, 1)], 320, 200, margin=24)
    boxes = [node.label_box for node in placed]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    assert [node.id for node in sorted(placed, key=lambda node: node.x)] == ["n2", "n0", "n4", "n3", "n5", "n1"]
