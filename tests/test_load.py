"""Loading keeps positions; seeds split into paragraphs; the real seed stays byte-identical."""
from __future__ import annotations


from hypothesis import given, settings, strategies as st

from explainer.errors import Problems
from explainer.load import parse_yaml, split_front_matter, split_paragraphs

from helpers import REPO

SHARED_SEED = REPO.parent / "shared" / "seeds" / "000_5f9e32d0296bbd23.txt"
PROJECT_SEED = REPO / "seeds" / "000_5f9e32d0296bbd23.txt"


def test_project_seed_body_is_byte_identical_to_the_shared_seed():
    text = PROJECT_SEED.read_bytes().decode("utf-8")
    _front, body, _line = split_front_matter(text)
    assert body.encode("utf-8") == SHARED_SEED.read_bytes()


def test_yaml_positions_are_one_based_lines_and_columns():
    problems = Problems()
    doc = parse_yaml("# comment\n- id: a\n  name: A\n  aliases: [x, yy]\n", "f.yaml", problems)
    assert not problems.items
    assert str(doc.where((0, "name"))) == "f.yaml:3:9"
    assert str(doc.where((0, "name"), key=True)) == "f.yaml:3:3"
    assert str(doc.where((0, "aliases", 1))) == "f.yaml:4:16"
    assert str(doc.where((0, "missing"))) == "f.yaml:2:3"  # falls back to the enclosing entry


def test_unquoted_dates_become_text():
    doc = parse_yaml("date: 2024-09-28\nyear: 2014\n", "f.yaml", Problems())
    assert doc.data == {"date": "2024-09-28", "year": 2014}


def test_front_matter_offsets_lines():
    front, body, line = split_front_matter("---\ntitle: T\nslug: t\n---\nFirst.\nSecond.")
    assert front == "title: T\nslug: t\n" and body == "First.\nSecond." and line == 5
    paragraphs = split_paragraphs(body, ".txt", line)
    assert [(p.index, p.line) for p in paragraphs] == [(1, 5), (2, 6)]


def test_markdown_seeds_split_on_blank_lines():
    paragraphs = split_paragraphs("# Head\n\nOne\ncontinued.\n\n\nTwo.", ".md", 1)
    assert [(p.text, p.line) for p in paragraphs] == [("# Head", 1), ("One\ncontinued.", 3), ("Two.", 7)]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_yaml_loader_never_raises(text):
    """Property: any text either parses or becomes a located problem."""
    problems = Problems()
    doc = parse_yaml(text, "fuzz.yaml", problems)
    assert (doc is None) == bool(problems.errors)
    for problem in problems.items:
        assert problem.where.path == "fuzz.yaml"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from([".txt", ".md"]))
def test_paragraph_split_keeps_every_nonblank_line(body, suffix):
    paragraphs = split_paragraphs(body, suffix, 1)
    kept = "\n".join(p.text for p in paragraphs)
    assert [l.rstrip("\r") for l in body.split("\n") if l.strip()] == [l for l in kept.split("\n") if l.strip()] or \
        suffix == ".md"
    assert all(p.text.strip() for p in paragraphs)
