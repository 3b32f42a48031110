"""/data/: the explainer's data for reuse, checked against its JSON Schemas (explainer/schemas/) and
against the content and the built pages it describes."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from helpers import REPO, parse

SCHEMAS = REPO / "explainer" / "schemas"
BASE = "https://explainer.example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("data") / "site"
    subprocess.run([sys.executable, "build.py", "build", "--out", str(out), "--base-url", BASE], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    return out


def content(name: str):
    return YAML(typ="safe").load((REPO / "content" / name).read_text(encoding="utf-8"))


def load(site: Path, name: str) -> dict:
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["timeline", "entities", "glossary", "graph"])
def test_every_file_matches_its_schema(site: Path, name: str):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(load(site, f"{name}.json"))
    assert (site / "data" / "schemas" / f"{name}.schema.json").read_bytes() == (SCHEMAS / f"{name}.schema.json").read_bytes()


def test_the_schemas_reject_what_they_should():
    schema = json.loads((SCHEMAS / "timeline.schema.json").read_text(encoding="utf-8"))
    event = {"unique_id": "x", "start_date": {"year": 2022, "day": 3}, "display_date": "2022", "text": {"headline": "X"},
             "edtf": "2022", "precision": "year", "approximate": False, "uncertain": False, "entities": [], "url": "/"}
    with pytest.raises(jsonschema.ValidationError):  # a day without its month
        jsonschema.validate({"title": {"text": {"headline": "T"}}, "events": [event]}, schema)
    with pytest.raises(jsonschema.ValidationError):  # not an EDTF date
        jsonschema.validate({"title": {"text": {"headline": "T"}}, "events": [
            {**event, "start_date": {"year": 2022}, "edtf": "Sept. 2022"}]}, schema)


def test_the_timeline_keeps_every_event_at_its_precision(site: Path):
    events = content("timeline.yaml")
    data = load(site, "timeline.json")
    assert data["title"]["text"]["headline"] == content("site.yaml")["title"]
    by_id = {e["unique_id"]: e for e in data["events"]}
    assert set(by_id) == {e["id"] for e in events}
    for event in events:
        got = by_id[event["id"]]
        written = str(event["date"])
        assert got["edtf"] == written and got["text"]["headline"] == event["title"]
        start = written.split("/")[0].rstrip("?~%").split("-")
        precision = ("year", "month", "day")[len(start) - 1]
        assert got["precision"] == precision
        assert [got["start_date"].get(k) for k in ("year", "month", "day")][:len(start)] == [int(p) for p in start]
        assert len(got["start_date"]) == len(start)
        assert got["approximate"] == ("~" in written or "%" in written)
        assert got["url"] == f"{BASE}timeline/#event-{event['id']}"
    rows = list(csv.DictReader(io.StringIO((site / "data" / "timeline.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [e["unique_id"] for e in data["events"]]
    assert all(r["edtf"] == by_id[r["id"]]["edtf"] and r["precision"] == by_id[r["id"]]["precision"] for r in rows)


def test_entities_and_glossary_match_the_content(site: Path):
    entities = {e["id"]: e for e in content("entities.yaml") if not e.get("draft")}
    data = load(site, "entities.json")["entities"]
    assert {e["id"] for e in data} == set(entities)
    for e in data:
        assert e["name"] == entities[e["id"]]["name"] and e["kind"] == entities[e["id"]]["kind"]
        assert set(entities[e["id"]].get("related", [])) <= set(e["related"])
        assert 'data-card' not in e["description"] and 'href="/' not in e["description"]  # absolute links only
    rows = list(csv.DictReader(io.StringIO((site / "data" / "entities.csv").read_text(encoding="utf-8"))))
    assert [(r["id"], r["name"]) for r in rows] == [(e["id"], e["name"]) for e in data]
    terms = {t["id"] for t in content("glossary.yaml") if not t.get("draft")}
    assert {t["id"] for t in load(site, "glossary.json")["terms"]} == terms


def test_graph_evidence_is_the_paragraphs_that_link_both(site: Path):
    """Each tie's evidence is exactly the paragraphs that name both ends (read from the built
    entity pages' mention lists with an HTML parser), and its count says as much."""
    graph = load(site, "graph.json")
    named: dict[tuple[str, int], set[str]] = {}
    for slug, article in graph["articles"].items():
        assert article["url"] == f"{BASE}articles/{slug}/"
    # where each entity is named: its page lists every paragraph (the article links only some
    # mentions, the link policy's choice)
    for page in (site / "entities").glob("*/index.html"):
        for ref in parse(page).css("ul.mentions a.para-ref"):
            slug, _, anchor = ref.attributes["href"].split("/articles/", 1)[1].partition("/#p")
            named.setdefault((slug, int(anchor)), set()).add(page.parent.name)
    expected: dict[tuple[str, str], list] = {}
    for (slug, index), ids in sorted(named.items(), key=lambda kv: kv[0][1]):
        for a in ids:
            for b in ids:
                if a < b:
                    expected.setdefault((a, b), []).append([slug, index])
    edges = {(e["source"], e["target"]): e for e in graph["edges"]}
    table = graph["paragraphs"]
    for pair, evidence in expected.items():
        assert [table[i] for i in edges[pair]["evidence"]] == evidence and edges[pair]["paragraphs"] == len(evidence), pair
    for pair, edge in edges.items():
        assert edge["evidence"] or edge["related"], pair
        assert pair in expected or not edge["evidence"]
    assert {n["id"] for n in graph["nodes"]} >= {x for pair in edges for x in pair}


def test_the_pages_link_the_data(site: Path):
    home = parse(site / "index.html")
    assert home.css_first("footer a[href='/data/']") is not None
    index = parse(site / "data" / "index.html")
    hrefs = {a.attributes["href"] for a in index.css("main a")}
    for name in ("timeline.json", "timeline.csv", "entities.json", "entities.csv", "glossary.json", "graph.json"):
        assert f"/data/{name}" in hrefs
