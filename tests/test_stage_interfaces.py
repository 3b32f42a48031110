"""The stages are plain functions of their inputs: no memo, cache or previous-result parameter,
no identity tests, nothing imported from the reuse layer; all reuse lives in explainer/reuse/,
in per-stage caches keyed by content (tested here: a hit on the same content, a miss on changed
content or on another version of the code)."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from helpers import REPO
from explainer import link as link_stage
from explainer import load, pages, placement, render, validate, yamldoc
from explainer.engine import BuildOptions, link_content, load_library
from explainer.errors import Problems
from explainer.jobs import link_and_render
from explainer.link import LinkTargets
from explainer.markdown import make_markdown
from explainer.reuse.cache import StageCache, content_key
from explainer.reuse.linking import LinkReuse
from explainer.urls import Urls

STAGES = REPO / "explainer"
REUSE_WORDS = {"memo", "memos", "cache", "previous", "anchors", "reuse", "lend", "last"}
# the stage functions and classes the engine calls, which must take only their inputs
PURE = [load.load_content, load.load_yaml_file, load.load_seed, yamldoc.parse_yaml, validate.validate, validate.validate_site, validate.validate_seed, validate.collection_entries,
        validate.validate_entry, validate.validate_seed_list, validate.cross_check, validate.library_of,
        link_stage.link, link_stage.link_article, link_stage.index_article, placement.place, placement.place_again,
        placement.locate_excerpt, pages.PageBuilder, render.Renderer, render.paragraph_html, render.card_block]
# stage modules in which reuse no longer recognises unchanged content by object identity
NO_IDENTITY = ["load.py", "yamldoc.py", "validate.py", "crosscheck.py", "link.py", "placement.py", "linker.py", "linkpolicy.py", "pages.py",
               "render.py", "jobs.py"]


AROUND = {"serve.py"}  # the preview server, which runs a Session (the reuse layer) through the engine


def _stage_modules() -> list[Path]:
    return [p for p in sorted(STAGES.rglob("*.py"))
            if "reuse" not in p.relative_to(STAGES).parts and p.name not in AROUND]


@pytest.mark.parametrize("path", _stage_modules(), ids=lambda p: p.relative_to(STAGES).as_posix())
def test_a_stage_imports_nothing_from_the_reuse_layer(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module or ''}.{a.name}" for a in node.names]
            imported += names if node.level else [n for n in names if n.startswith("explainer")]
        elif isinstance(node, ast.Import):
            imported += [a.name for a in node.names]
    offending = [name for name in imported if "reuse" in name.replace("explainer.", "").split(".")]
    assert not offending, f"{path.name} imports the reuse layer: {offending}"


@pytest.mark.parametrize("stage", PURE, ids=lambda f: f.__qualname__)
def test_a_stage_takes_no_memo_cache_or_previous_result(stage):
    parameters = set(inspect.signature(stage).parameters)
    assert not parameters & REUSE_WORDS, f"{stage.__qualname__}{inspect.signature(stage)}"


def _identity_tests(path: Path) -> list[int]:
    """Lines of `a is b` / `a is not b` where neither side is None nor a type (object identity as
    a test of whether content changed)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:]):
                none = any(isinstance(x, ast.Constant) and x.value is None for x in (left, right))
                a_type = isinstance(left, ast.Call) and getattr(left.func, "id", "") == "type"  # type(x) is dict
                if isinstance(op, (ast.Is, ast.IsNot)) and not none and not a_type:
                    lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("name", NO_IDENTITY)
def test_a_stage_tells_no_change_by_object_identity(name: str):
    assert not _identity_tests(STAGES / name), f"{name}: identity tests on lines {_identity_tests(STAGES / name)}"


# --- the per-stage caches ---------------------------------------------------------------------

def test_stage_cache_hits_on_the_same_content_and_misses_on_other_content_or_code():
    cache = StageCache("v1")
    key = content_key("seed text", ("alias", "id"))
    cache.put("link", key, "result")
    assert cache.get("link", content_key("seed text", ("alias", "id"))) == "result"  # same content, new objects
    assert cache.get("link", content_key("seed text!", ("alias", "id"))) is None
    assert cache.get("link", content_key("seed text", ("alias", "other"))) is None
    assert cache.get("validate", key) is None  # each stage its own
    cache.renew("v1")
    assert cache.get("link", key) == "result"
    cache.renew("v2")  # adopted by other code: nothing it made is used
    assert cache.get("link", key) is None


def _second_seed(project: Path, text: str) -> None:
    (project / "seeds" / "second.txt").write_text(f"---\ntitle: Second\n---\n{text}\n", encoding="utf-8")


def test_link_reuse_links_only_articles_with_new_content_and_matches_a_clean_link(project: Path):
    _second_seed(project, "Babbage built engines. Lovelace wrote notes.")
    options = BuildOptions(root=project, out=project / "site", jobs=1, theme=REPO)
    md = make_markdown()
    linked_now: list[list[str]] = []

    def link_each(matcher, articles):
        linked_now.append(sorted(a.slug for a in articles))
        library = load_library(options, Problems())
        return map(link_and_render(md, matcher, library.site.linking,
                                   LinkTargets(library, Urls(library.site.base_url))), articles)

    def clean(library):
        linked, html = link_content(library, md, Problems(), link_each)
        return linked.mentions, linked.source_anchor, linked.quote_anchor, dict(linked.co_mentions), html

    reuse = LinkReuse(StageCache("v1"))
    first = load_library(options, Problems())
    reuse.link(first, Urls(first.site.base_url), md, Problems(), link_each, {})
    assert linked_now == [["engines", "second"]]

    again = load_library(options, Problems())  # the same content, all new objects
    linked, html = reuse.link(again, Urls(again.site.base_url), md, Problems(), link_each, {})
    assert len(linked_now) == 1  # nothing linked again
    assert (linked.mentions, linked.source_anchor, linked.quote_anchor, dict(linked.co_mentions), html) == clean(again)

    _second_seed(project, "Lovelace wrote notes. Babbage built engines in London.")
    edited = load_library(options, Problems())
    linked, html = reuse.link(edited, Urls(edited.site.base_url), md, Problems(), link_each, {})
    assert linked_now[-1] == ["second"]
    assert (linked.mentions, linked.source_anchor, linked.quote_anchor, dict(linked.co_mentions), html) == clean(edited)

    reuse.cache.renew("v2")  # another version of the code: nothing is reused
    reuse.forget()
    fresh = load_library(options, Problems())
    reuse.link(fresh, Urls(fresh.site.base_url), md, Problems(), link_each, {})
    assert linked_now[-1] == ["engines", "second"]


def test_validate_reuse_validates_only_new_files_and_entries_and_matches_a_clean_validate(project: Path, monkeypatch):
    from explainer import load
    from explainer.reuse import validating

    made: list[str] = []
    for name in ("validate_seed", "validate_entry"):
        original = getattr(validating, name)
        monkeypatch.setattr(validating, name, lambda *args, _original=original, _name=name: (
            made.append(_name), _original(*args))[1])
    _second_seed(project, "Babbage built engines.")
    reuse = validating.ValidateReuse(StageCache("v1"))

    def both() -> tuple:
        raw = load.load_content(project, Problems())  # all new objects, every time
        library = reuse.validate(raw, Problems(), False)
        assert library == validate.validate(load.load_content(project, Problems()), Problems())
        return library

    first = both()
    entries = made.count("validate_entry")
    assert made.count("validate_seed") == 2 and entries > 5
    made.clear()
    assert both().entities is first.entities and made == []  # same content: the very same objects
    _second_seed(project, "Babbage built engines in London.")
    entities = project / "content" / "entities.yaml"
    entities.write_text(entities.read_text(encoding="utf-8").replace(
        "summary: Designer of the Analytical Engine.", "summary: Designer of engines."), encoding="utf-8")
    again = both()
    assert made.count("validate_seed") == 1 and 1 <= made.count("validate_entry") < entries
    assert again.entities != first.entities and again.events is first.events
    reuse.cache.renew("v2")  # other code: everything validated again
    made.clear()
    both()
    assert made.count("validate_seed") == 2 and made.count("validate_entry") == entries



def test_the_file_cache_reads_what_the_disk_reads(project: Path):
    """The load stage through the preview's file cache (reuse/files.py) gives the content it gives
    straight from disk (the cache parses a collection file entry by entry, so the YAML documents
    differ in their parts, and the validated library is compared), before and after an entry of a collection file and a seed are edited."""
    from explainer.reuse.files import FileCache

    cache = FileCache()
    entities = project / "content" / "entities.yaml"
    for step in range(3):
        if step == 1:
            entities.write_text(entities.read_text(encoding="utf-8").replace(
                "summary: Designer of the Analytical Engine.", "summary: Designer of engines."), encoding="utf-8")
        if step == 2:
            _second_seed(project, "Babbage built engines in London.")
        cache.forget(list((project / "content").iterdir()) + list((project / "seeds").iterdir()))
        through_cache, from_disk = load.load_content(project, Problems(), cache), load.load_content(project, Problems())
        assert [s.paragraphs for s in through_cache.seeds] == [s.paragraphs for s in from_disk.seeds]
        assert validate.validate(through_cache, Problems()) == validate.validate(from_disk, Problems())
    assert cache.entries[entities]  # the collection file was parsed entry by entry


def test_field_renderer_is_kept_for_the_same_link_context_only(project: Path):
    from explainer.reuse.fields import FieldReuse
    options = BuildOptions(root=project, out=project / "site", jobs=1, theme=REPO)
    library, md = load_library(options, Problems()), make_markdown()
    urls = Urls(library.site.base_url)
    reuse = FieldReuse()
    first = reuse.renderer_for("context-a", library, urls, md)
    assert "Ada Lovelace" in first.block("[[ada-lovelace]] wrote notes.")
    assert reuse.renderer_for("context-a", library, urls, md) is first
    assert reuse.renderer_for("context-b", library, urls, md) is not first
    reuse.forget()
    assert reuse.renderer_for("context-b", library, urls, md) is not first
