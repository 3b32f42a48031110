"""Shared test helpers: paths, the CLI runner, an HTML parser, tree hashing and file edits."""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser as HTMLParser

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
sys.path.insert(0, str(REPO))

import build as build_cli  # noqa: E402  (the click entry point)
from explainer.sections import PageLimits  # noqa: E402


class Cli:
    def __init__(self, root: Path):
        self.root = root

    def __call__(self, *args: str):
        runner = CliRunner()
        return runner.invoke(build_cli.cli, ["--root", str(self.root), *args], catch_exceptions=False)


def parse(path: Path) -> HTMLParser:
    return HTMLParser(path.read_text(encoding="utf-8"))


def tree_hash(folder: Path) -> str:
    """One hash over every file name and byte under a folder (to prove it was not touched)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def own_theme(project: Path) -> None:
    """Give the project its own templates/ and static/ (copies of the repo's), so that its
    static and template files are the ones the build reads."""
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "static", project / "static")


SPLIT_LIMITS = PageLimits(glossary_terms=3, timeline_events=3)
# term id, term, first letter's page (the mini project has "algorithm")
SPLIT_TERMS = [("abacus", "abacus", "a"), ("bobbin", "Bobbin", "b"), ("cam", "cam", "c"),
               ("three-d", "3D model", "other"), ("weave", "weave", "w")]
SPLIT_YEARS = [1801, 1805, 1822, 1834, 1842]  # and the mini project's 1837 and 1843


def split_project(root: Path) -> Path:
    """The mini project with more terms and events, for a glossary and timeline split into pages
    with SPLIT_LIMITS (tests/test_split_sections.py)."""
    project = root / "proj"
    shutil.copytree(MINI, project)
    own_theme(project)
    glossary = project / "content" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    for ident, term, _ in SPLIT_TERMS:
        see = "\n  see_also: [algorithm]" if ident == "cam" else ""
        text += f"- id: {ident}\n  term: {term}\n  definition: A word about {term}, unlike [[algorithm]].{see}\n"
    glossary.write_text(text, encoding="utf-8")
    timeline = project / "content" / "timeline.yaml"
    text = timeline.read_text(encoding="utf-8")
    for year in SPLIT_YEARS:
        text += (f"- id: loom-{year}\n  date: \"{year}\"\n  title: Looms of {year}\n  kind: industry\n"
                 f"  entities: [ada-lovelace]\n  sources:\n    - seed: engines\n      excerpt: \"Babbage agreed\"\n")
    timeline.write_text(text, encoding="utf-8")
    seed = project / "seeds" / "engines.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "The abacus and the cam came before the weave of a 3D model.\n",
                    encoding="utf-8")
    return project


def build_split_site(root: Path) -> Path:
    """The split project built with SPLIT_LIMITS into root/site (the browser tests and
    tests/test_split_sections.py read the same build)."""
    from explainer.engine import BuildOptions
    from explainer.pipeline import build

    out = root / "site"
    build(BuildOptions(root=split_project(root), out=out, jobs=1, page_limits=SPLIT_LIMITS))
    return out
