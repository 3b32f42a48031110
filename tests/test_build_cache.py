"""`build --cache DIR`: a build that reuses the last build's session from disk ends byte-identical
to a clean build, ignores (with a one-line warning) a cache of another version or a damaged one,
and writes nothing outside its folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.errors import ContentError
from explainer.pipeline import BuildOptions, build
from explainer.reuse import disk
from explainer.reuse.ci import cached_build
from helpers import MINI, edit, own_theme, tree_hash
from test_incremental_property import CHEAP, EDITS

FEWER = CHEAP.__class__(CHEAP, max_examples=max(1, CHEAP.max_examples // 2))  # each step is two whole builds


def _project(root: Path) -> Path:
    project = root / "proj"
    shutil.copytree(MINI, project)
    own_theme(project)
    return project


def _options(project: Path, out: Path) -> BuildOptions:
    return BuildOptions(root=project, out=out, jobs=1)  # fingerprinted assets and search, as on Netlify


def _clean(project: Path, out: Path) -> tuple[str, list[str]]:
    shutil.rmtree(out, ignore_errors=True)
    try:
        return "ok", [p.format() for p in build(_options(project, out)).warnings]
    except ContentError as error:
        return "error", [p.format() for p in error.problems]


def _cached(project: Path, out: Path, cache: Path, warnings: list[str]) -> tuple[str, list[str]]:
    try:
        return "ok", [p.format() for p in cached_build(_options(project, out), cache, warnings.append).warnings]
    except ContentError as error:
        return "error", [p.format() for p in error.problems]


@FEWER
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=4))
def test_a_cached_build_is_a_clean_build(tmp_path_factory, names: list[str]):
    """Edit, build with the cache of the build before, compare with a clean build of the same tree."""
    root = tmp_path_factory.mktemp("cached")
    project, cache, warnings = _project(root), root / "cache", []
    assert _cached(project, root / "site", cache, warnings)[0] == "ok"
    for name in names:
        EDITS[name](project)
        clean = _clean(project, root / "fresh")
        assert _cached(project, root / "site", cache, warnings) == clean, f"after {names[:names.index(name) + 1]}"
        if clean[0] == "ok":
            assert tree_hash(root / "site") == tree_hash(root / "fresh"), f"after {names[:names.index(name) + 1]}"
    assert not [w for w in warnings if "templates" not in w]  # (a template edit makes it start afresh)


@pytest.fixture
def warm(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A project built once with a cache: (project, output folder, cache folder)."""
    project = _project(tmp_path)
    warnings: list[str] = []
    _cached(project, tmp_path / "site", tmp_path / "cache", warnings)
    assert not warnings and (tmp_path / "cache" / disk.STATE).is_file()
    return project, tmp_path / "site", tmp_path / "cache"


def _rebuilt_like_clean(project: Path, out: Path, cache: Path, words=("outlived", "survived")) -> list[str]:
    """Build with the cache after a one-word seed edit; the site must be a clean build's. Returns the warnings."""
    edit(project / "seeds/engines.txt", *words)
    warnings: list[str] = []
    assert _cached(project, out, cache, warnings)[0] == "ok"
    _clean(project, out.parent / "fresh")
    assert tree_hash(out) == tree_hash(out.parent / "fresh")
    return warnings


def _damage_payload(state: Path) -> None:
    data = bytearray(state.read_bytes())
    data[-100] ^= 0xFF
    state.write_bytes(bytes(data))


@pytest.mark.parametrize("damage, said", [
    (lambda state: state.write_bytes(state.read_bytes()[: len(state.read_bytes()) // 2]), "cannot be read"),
    (_damage_payload, "cannot be read"),
    (lambda state: state.write_bytes(b"not a cache\n"), "cannot be read"),
    (lambda state: state.write_bytes(state.read_bytes().replace(b'"version": "', b'"version": "0', 1)), "another version"),
])
def test_a_damaged_or_foreign_cache_is_ignored_with_a_warning(warm, damage, said):
    project, out, cache = warm
    damage(cache / disk.STATE)
    warnings = _rebuilt_like_clean(project, out, cache)
    assert len(warnings) == 1 and said in warnings[0] and "\n" not in warnings[0]
    assert _rebuilt_like_clean(project, out, cache, ("survived", "outlived")) == []  # it wrote a good cache again


def test_a_template_edit_makes_the_cache_another_version(warm):
    project, out, cache = warm
    edit(project / "templates/entity.html", '<article class="entity">', '<article class="entity"><!--x-->')
    warnings = _rebuilt_like_clean(project, out, cache)
    assert len(warnings) == 1 and "another version of the code or templates" in warnings[0]


def test_other_options_do_not_use_the_cache(warm):
    project, out, cache = warm
    warnings: list[str] = []
    cached_build(BuildOptions(root=project, out=out, jobs=1, drafts=True), cache, warnings.append)
    assert len(warnings) == 1 and "other options" in warnings[0]


def test_an_output_file_edited_in_place_spoils_the_cache(warm):
    """The cache's copy of the output shares its files (hard links): an in-place edit shows."""
    project, out, cache = warm
    with open(out / "index.html", "ab") as page:
        page.write(b"<!-- edited -->")
    warnings = _rebuilt_like_clean(project, out, cache)
    assert len(warnings) == 1 and "changed" in warnings[0]


def test_the_cache_writes_only_inside_its_folder(tmp_path: Path):
    project = _project(tmp_path)
    before = {p for p in tmp_path.rglob("*")}
    _cached(project, tmp_path / "site", tmp_path / "cache", [])
    _rebuilt_like_clean(project, tmp_path / "site", tmp_path / "cache")
    new = {p.relative_to(tmp_path).parts[0] for p in set(tmp_path.rglob("*")) - before}
    assert new <= {"site", "fresh", "cache", ".site.lock", ".fresh.lock"}
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [disk.MIRROR, disk.STATE]


@pytest.mark.parametrize("place", ["proj/seeds/cache", "proj/content", "site/cache", "proj/templates/c", ".",
                                   "proj/.git/cache", "a-file"])
def test_the_cache_folder_is_apart_from_sources_and_output(tmp_path: Path, place: str):
    project = _project(tmp_path)
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(disk.CacheRefused):
        cached_build(_options(project, tmp_path / "site"), tmp_path / place, print)
    assert not (tmp_path / "site").exists()


def test_the_cli_builds_with_a_cache(cli, project: Path, tmp_path: Path):
    own_theme(project)
    for _ in range(2):
        result = cli("build", "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--jobs", "1")
        assert result.exit_code == 0, result.output
    (tmp_path / "cache" / disk.STATE).write_bytes(b"garbage")
    result = cli("build", "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--jobs", "1")
    assert result.exit_code == 0 and "warning: ignoring the build cache" in result.output
    result = cli("build", "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "out" / "c"))
    assert result.exit_code == 2 and "--cache" in result.output


def test_a_cache_restored_by_copying_is_still_used(warm):
    """Netlify restores the cache folder as copies (new files, new times): matched by content."""
    project, out, cache = warm
    copied = cache.parent / "copied"
    shutil.copytree(cache, copied, copy_function=shutil.copyfile)
    shutil.rmtree(cache)
    copied.rename(cache)
    assert _rebuilt_like_clean(project, out, cache) == []
