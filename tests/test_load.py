"""Loading keeps positions; seeds split into paragraphs; the real seed stays byte-identical."""
from __future__ import annotations

import hashlib

from hypothesis import given, settings, strategies as st

from explainer.errors import Problems
from explainer.load import clean_text, split_front_matter, split_paragraphs
from explainer.yamldoc import parse_yaml

from helpers import REPO

PROJECT_SEED = REPO / "seeds" / "000_5f9e32d0296bbd23.txt"
# The article as the desk received it (14,533 bytes): its body must never be edited, only the front
# matter above it. The reference is a hash, so the test needs nothing outside the repository.
SOURCE_BODY_SHA256 = "b5e3d6c1bbcffa39f0c5c1dcc08e8f184fd3fdc96035f73bf7b7dd69c93780d5"


def test_project_seed_body_is_byte_identical_to_the_article_as_received():
    text = PROJECT_SEED.read_bytes().decode("utf-8")
    _front, body, _line = split_front_matter(text)
    assert hashlib.sha256(body.encode("utf-8")).hexdigest() == SOURCE_BODY_SHA256


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
    body = clean_text(body)  # as the loader hands it over: \n line ends only
    paragraphs = split_paragraphs(body, suffix, 1)
    kept = "\n".join(p.text for p in paragraphs)
    assert [l for l in body.split("\n") if l.strip()] == [l for l in kept.split("\n") if l.strip()] or \
        suffix == ".md"
    assert all(p.text.strip() for p in paragraphs)


# --- collection files parsed entry by entry (the preview server's path) ------------------------
_scalar = st.one_of(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12),
                    st.integers(-5, 5), st.booleans(), st.none())
_entry = st.dictionaries(st.sampled_from(["id", "name", "summary", "aliases", "kind"]),
                         st.one_of(_scalar, st.lists(_scalar, max_size=3)), min_size=1, max_size=4)
_comment = st.sampled_from(["", "# a comment", "", "  # indented comment"])


def _yaml_list(entries: list[dict], comments: list[str], flow: bool) -> str:
    import yaml

    chunks = []
    for entry, comment in zip(entries, comments):
        text = yaml.safe_dump([entry], allow_unicode=True, default_flow_style=flow, sort_keys=False, width=40)
        chunks.append((comment + "\n" if comment else "") + text)
    return "".join(chunks)


@settings(max_examples=150, deadline=None)
@given(st.lists(_entry, min_size=1, max_size=6), st.lists(_comment, min_size=6, max_size=6),
       st.data())
def test_entry_by_entry_parse_equals_whole_file_parse(entries, comments, data):
    """Whatever the entries (quoted, multi-line, flow lists, comments between them), parsing entry by
    entry gives the same data and the same positions as parsing the file whole, before and after
    one entry is edited with the cache warm; a file it cannot split is left to the whole parse."""
    from explainer.reuse.entries import parse_yaml_entries

    text = _yaml_list(entries, comments, flow=False)
    memo: dict = {}
    for version in range(2):
        whole = parse_yaml(text, "content/entities.yaml", Problems())
        split = parse_yaml_entries(text, "content/entities.yaml", memo)
        if split is not None:
            assert whole is not None
            assert split.data == whole.data
            assert split.positions() == whole.positions()
        edited = data.draw(st.integers(0, len(entries) - 1))
        entries = entries[:edited] + [data.draw(_entry)] + entries[edited + 1:]
        text = _yaml_list(entries, comments, flow=False)


def test_entry_by_entry_parse_reuses_unchanged_entries():
    from explainer.reuse.entries import parse_yaml_entries

    text = "# people\n- id: a\n  name: A\n- id: b\n  name: B\n"
    memo: dict = {}
    first = parse_yaml_entries(text, "x.yaml", memo)
    second = parse_yaml_entries(text.replace("name: B", "name: Bee"), "x.yaml", memo)
    assert first.data[0] is second.data[0]  # untouched entry: the very same object
    assert second.data[1] == {"id": "b", "name": "Bee"}
    # not a plain block list, or a second document: left to the whole-file parse and its messages
    for odd in ("a: 1\n", "- [1, 2]\n---\n- 3\n", "[1, 2]\n", "  - a\n  - b\n", "- a\n*x\n"):
        assert parse_yaml_entries(odd, "x.yaml", {}) is None, odd
    # an alias across entries fails alone, so the whole file is parsed and reports it properly
    assert parse_yaml_entries("- &a x\n- *a\n", "x.yaml", {}) is None
