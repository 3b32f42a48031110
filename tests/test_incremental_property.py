"""Property: any sequence of edits, applied one save at a time to a live session, ends exactly
where a clean build of the same sources does (every file, byte for byte), and a broken save
leaves the served site untouched. Edits cover seeds (text, mentions, titles, new and deleted
files), entities, quotes and templates, so the watcher-trusting loader, the in-place link
indexes and the narrower article keys are all exercised together."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.errors import ContentError
from explainer.incremental import Session, content_keys
from explainer.pipeline import BuildOptions, build
from helpers import REPO, tree_hash

MINI = Path(__file__).parent / "fixtures" / "mini"
SECOND_SEED = ("---\ntitle: A second piece\nslug: second\npublication: Test Weekly\npublished: 2024-10\n---\n"
               "Babbage drew plans in London.\n\nThe Countess read them.\n")


def _replace(path: str, old: str, new: str):
    def apply(root: Path) -> set[Path]:
        target = root / path
        if target.exists() and old in (text := target.read_text(encoding="utf-8")):
            target.write_text(text.replace(old, new, 1), encoding="utf-8")
        return {target}
    return apply


def _write_second(root: Path) -> set[Path]:
    (root / "seeds/second.txt").write_text(SECOND_SEED, encoding="utf-8")
    return {root / "seeds/second.txt"}


def _delete_second(root: Path) -> set[Path]:
    (root / "seeds/second.txt").unlink(missing_ok=True)
    return {root / "seeds/second.txt"}


EDITS = {
    "reword": _replace("seeds/engines.txt", "outlived", "survived"),
    "reword back": _replace("seeds/engines.txt", "survived", "outlived"),
    "new mention": _replace("seeds/engines.txt", "agreed.", "agreed, in London."),
    "drop mention": _replace("seeds/engines.txt", "program in London.", "program."),
    "new paragraph": _replace("seeds/engines.txt", "Babbage agreed.\n", "Babbage agreed.\n\nLondon waited.\n"),
    "retitle": _replace("seeds/engines.txt", "title: Engines of London", "title: The Engines"),
    "add seed": _write_second,
    "delete seed": _delete_second,
    "edit second": _replace("seeds/second.txt", "drew plans", "drew more plans"),
    "summary": _replace("content/entities.yaml", "summary: Capital city", "summary: The capital city"),
    "relation": _replace("content/entities.yaml", "  summary: Capital city",
                         "  related: [analytical-engine]\n  summary: Capital city"),
    "quote context": _replace("content/quotes.yaml", "context: Writing in 1843.", "context: In her notes."),
    "broken quote": _replace("content/quotes.yaml", "weaves algebraic", "weaves the algebraic"),
    "fix quote": _replace("content/quotes.yaml", "weaves the algebraic", "weaves algebraic"),
    "template": _replace("templates/entity.html", '<article class="entity">', '<article class="entity"><!--x-->'),
    "new alias": _replace("content/entities.yaml", 'aliases: ["Babbage"]', 'aliases: ["Babbage", "Mr Babbage"]'),
    "draft second": _replace("seeds/second.txt", "slug: second\n", "slug: second\ndraft: true\n"),
    "publish second": _replace("seeds/second.txt", "draft: true\n", ""),
    "draft london": _replace("content/entities.yaml", "- id: london\n", "- id: london\n  draft: true\n"),
    "publish london": _replace("content/entities.yaml", "  draft: true\n", ""),
}

CHEAP = settings(max_examples=int(os.environ.get("INCREMENTAL_EXAMPLES", "12")), deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@CHEAP
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5))
def test_any_edit_sequence_ends_like_a_clean_build(tmp_path_factory, names: list[str]):
    root = tmp_path_factory.mktemp("live")
    project = root / "proj"
    shutil.copytree(MINI, project)
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "static", project / "static")
    session = Session(BuildOptions(root=project, out=root / "site", fingerprint=False, search=False, jobs=1))
    session.build_all()
    for name in names:
        before = tree_hash(root / "site")
        try:
            session.rebuild(EDITS[name](project))
        except ContentError:
            assert tree_hash(root / "site") == before, f"a broken save ({name}) changed the site"
            continue
        # the keys kept up to date edit by edit are the keys of the library as it now is
        assert session.keys == content_keys(session.library, None, session.link_cache)
        fresh = root / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        build(BuildOptions(root=project, out=fresh, fingerprint=False, search=False, jobs=1))
        assert tree_hash(root / "site") == tree_hash(fresh), f"after {names[:names.index(name) + 1]}"
