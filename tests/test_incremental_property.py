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

from explainer.errors import ContentError, Problem
from explainer.reuse.keys import content_keys
from explainer.reuse.session import Session
from explainer.pipeline import BuildOptions, build
from helpers import own_theme, tree_hash

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
    # two entities may not lead from one old id: an error at the second claim, in build and serve alike
    "redirect": _replace("content/entities.yaml", "  summary: Capital city", "  redirect_from: [old-name]\n  summary: Capital city"),
    "clashing redirect": _replace("content/entities.yaml", "  summary: Designer",
                                  "  redirect_from: [old-name]\n  summary: Designer"),
    "drop redirect": _replace("content/entities.yaml", "  redirect_from: [old-name]\n", ""),
}

CHEAP = settings(max_examples=int(os.environ.get("INCREMENTAL_EXAMPLES", "12")), deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _outcome(run) -> tuple[str, list[str]]:
    """("ok", warnings) or ("error", problems), each problem as `file:line:col: severity: message (hint)`."""
    try:
        found = run()
    except ContentError as error:
        return "error", [p.format() for p in error.problems]
    return "ok", [p.format() for p in found]


@CHEAP
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5))
def test_any_edit_sequence_ends_like_a_clean_build(tmp_path_factory, names: list[str]):
    """Build and serve are one engine: after every save, the session (its rebuild, and a new
    session's first build) reports what a clean build reports, errors and warnings, and when the
    save is good, writes the same files."""
    root = tmp_path_factory.mktemp("live")
    project = root / "proj"
    shutil.copytree(MINI, project)
    own_theme(project)
    session = Session(BuildOptions(root=project, out=root / "site", fingerprint=False, search=False, jobs=1))
    session.build_all()
    options = BuildOptions(root=project, out=root / "fresh", fingerprint=False, search=False, jobs=1)
    for name in names:
        before = tree_hash(root / "site")
        saved = EDITS[name](project)
        shutil.rmtree(root / "fresh", ignore_errors=True)
        built = _outcome(lambda: build(options).warnings)
        served = _outcome(lambda: session.rebuild(saved).warnings)
        assert served == built, f"serve and build disagree after {names[:names.index(name) + 1]}"
        first = Session(BuildOptions(root=project, out=root / "first", fingerprint=False, search=False, jobs=1))
        assert _outcome(lambda: first.build_all().warnings) == built
        if built[0] == "error":
            assert tree_hash(root / "site") == before, f"a broken save ({name}) changed the site"
            continue
        # the keys kept up to date edit by edit are the keys of the library as it now is
        assert session.keys == content_keys(session.library, None, session.link_cache)
        assert tree_hash(root / "site") == tree_hash(root / "fresh") == tree_hash(root / "first"), \
            f"after {names[:names.index(name) + 1]}"
