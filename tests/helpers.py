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
