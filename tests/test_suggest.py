"""`build.py suggest`: the output is the content format, every excerpt and quote passes the build's
own verbatim check, ids follow `new`'s rules and are free, and --write appends without touching a
byte that was there."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from explainer.errors import Location, Problems
from explainer.link import locate_excerpt
from explainer.schema import ID_PATTERN
from explainer.suggest import load_inputs, slug_id, suggest
from explainer.suggest.output import to_yaml
from helpers import REPO, Cli, tree_hash

SEED = REPO / "seeds" / "000_5f9e32d0296bbd23.txt"


def assert_verbatim(article, documents: list) -> int:
    """Run the build's verbatim check over every excerpt and quote of suggest's YAML output."""
    problems = Problems()
    articles = {article.slug: article}
    checked = 0
    entities, timeline, glossary, quotes = documents[:4]
    for entry in (timeline or []) + (glossary or []):
        for source in entry.get("sources", []):
            locate_excerpt(articles, source["seed"], source["excerpt"], Location("out"), "excerpt", problems)
            checked += 1
    for quote in quotes or []:
        locate_excerpt(articles, quote["seed"], quote["text"], Location("out"), "quote", problems)
        checked += 1
    assert not problems.errors, problems.errors
    return checked


def test_suggest_on_the_seed_is_the_content_format_and_verbatim():
    result = Cli(REPO)("suggest", str(SEED))
    assert result.exit_code == 0, result.output
    documents = list(yaml.safe_load_all(result.stdout))
    assert len(documents) == 4  # entities, timeline, glossary, quotes (no drift on the curated seed)
    article, library = load_inputs(REPO, SEED)
    assert assert_verbatim(article, documents) > 10
    taken = {e.id for e in library.entities} | {t.id for t in library.terms} | {e.id for e in library.events}
    for collection in documents[:3]:
        for entry in collection or []:
            assert re.match(ID_PATTERN, entry["id"]) and entry["id"] not in taken


def test_json_format_holds_every_group():
    result = Cli(REPO)("suggest", str(SEED), "--format", "json", "--min-count", "2")
    data = json.loads(result.stdout)
    assert {"entities", "events", "undated", "terms", "quotes", "drift"} <= set(data)
    assert all(e["count"] >= 2 for e in data["entities"])
    musk = next(e for e in data["entities"] if e["name"] == "Elon Musk")
    assert musk["covered_by"] == "elon-musk" and "Musk" in musk["aliases"]


def test_ids_follow_new_rules():
    assert slug_id("Ana Kovač") == "ana-kovac"
    assert slug_id("U.S. Government") == "u-s-government"
    assert slug_id("!!!") == "entry"
    assert re.match(ID_PATTERN, slug_id("Zoë’s “café” — 2024"))


def test_write_appends_and_keeps_every_byte(tmp_path: Path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", project)
    seed = project / "seeds" / "engines.txt"
    before = {p.name: p.read_bytes() for p in (project / "content").glob("*.yaml")}
    cli = Cli(project)
    dry = cli("suggest", str(seed))
    assert dry.exit_code == 0, dry.output
    assert {p.name: p.read_bytes() for p in (project / "content").glob("*.yaml")} == before
    wrote = cli("suggest", str(seed), "--write")
    assert wrote.exit_code == 0, wrote.output
    for name, old in before.items():
        assert (project / "content" / name).read_bytes().startswith(old), name
    again = cli("suggest", str(seed))  # what was written now counts as curated
    assert again.exit_code == 0
    assert yaml.safe_load_all(again.stdout)


def test_a_seed_outside_the_project_is_a_usage_error(tmp_path: Path):
    outside = tmp_path / "x.txt"
    outside.write_text("Some text.\n", encoding="utf-8")
    result = Cli(REPO)("suggest", str(outside))
    assert result.exit_code == 2 and "inside the project" in result.output


def test_content_errors_are_located(tmp_path: Path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", project)
    (project / "content" / "entities.yaml").write_text("- id: Bad Id\n", encoding="utf-8")
    result = Cli(project)("suggest", str(project / "seeds" / "engines.txt"))
    assert result.exit_code == 1
    assert re.search(r"content/entities.yaml:\d+:\d+: error:", result.stderr)
    assert "Traceback" not in result.output
