"""/data/graph.json on a large site (issue 22: every pair of entities with all its paragraphs made
24 MB at 20,000 articles): each entity's strongest ties and every explicit relation, the first
paragraphs of each, and how many ties each entity has in all. Small limits passed in here; the
full network is read from the built entity pages, which list every paragraph on a small site."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
from helpers import MINI, REPO, parse

import explainer.data_export as data_export
from explainer.engine import BuildOptions
from explainer.pipeline import build

# (article, paragraphs), each paragraph naming some of the mini project's entities
SEEDS = {
    "mill": ["Babbage toured a mill in London.", "London had many mills; Babbage counted them.",
             "The Engine was shown in London.", "Babbage and the Countess talked about the Engine."],
    "loom": ["A loom in London inspired Babbage.", "Lovelace never saw the loom."],
}
TIES, EVIDENCE = 1, 2


def _network(site: Path) -> dict[tuple[str, str], list[list]]:
    """Every pair of entities named in one paragraph, with those paragraphs in site order."""
    named: dict[tuple[str, int], set[str]] = {}
    for page in (site / "entities").glob("*/index.html"):
        for ref in parse(page).css("ul.mentions a.para-ref"):
            slug, _, anchor = ref.attributes["href"].split("/articles/", 1)[1].partition("/#p")
            named.setdefault((slug, int(anchor)), set()).add(page.parent.name)
    order = ["engines", *SEEDS]  # the seeds in file order: engines.txt, then ours (named to sort after it)
    pairs: dict[tuple[str, str], list[list]] = {}
    for (slug, index), ids in sorted(named.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        for a in ids:
            for b in ids:
                if a < b:
                    pairs.setdefault((a, b), []).append([slug, index])
    return pairs


def test_graph_keeps_the_strongest_ties_and_their_first_paragraphs(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(data_export, "GRAPH_TIES", TIES)
    monkeypatch.setattr(data_export, "GRAPH_EVIDENCE", EVIDENCE)
    project = tmp_path / "proj"
    shutil.copytree(MINI, project)
    for number, (slug, paragraphs) in enumerate(SEEDS.items()):
        (project / "seeds" / f"f{number}-{slug}.txt").write_text(
            f"---\ntitle: {slug.title()}\nslug: {slug}\n---\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
    out = tmp_path / "site"
    build(BuildOptions(root=project, out=out, jobs=1, search=False, theme=REPO))
    graph = json.loads((out / "data" / "graph.json").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "explainer" / "schemas" / "graph.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(graph)

    full = _network(out)
    related = {("ada-lovelace", "charles-babbage")}  # the mini project's one explicit relation
    weight = {pair: len(full.get(pair, [])) + 2 * (pair in related) for pair in set(full) | related}
    strongest = set()
    for node in {x for pair in weight for x in pair}:
        mine = [pair for pair in weight if node in pair]
        strongest |= set(sorted(mine, key=lambda p: (-weight[p], p))[:TIES])
    edges = {(e["source"], e["target"]): e for e in graph["edges"]}
    assert set(edges) == strongest | related
    assert len(edges) < len(weight)  # the limit left some ties out
    table = graph["paragraphs"]
    for pair, edge in edges.items():
        assert edge["paragraphs"] == len(full.get(pair, []))
        assert [table[i] for i in edge["evidence"]] == full.get(pair, [])[:EVIDENCE], pair
        assert edge["related"] == (pair in related)
    # the table holds exactly the paragraphs used, in site order, and the articles they are in
    assert sorted({i for e in edges.values() for i in e["evidence"]}) == list(range(len(table)))
    assert set(graph["articles"]) == {slug for slug, _ in table}
    ties = {n["id"]: n["ties"] for n in graph["nodes"]}
    for node, count in ties.items():
        assert count == sum(node in pair for pair in weight), node
