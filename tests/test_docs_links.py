"""The documentation's own links: every relative link and #anchor in the Markdown files resolves,
and every file of the repository the docs name in a code span (`explainer/engine.py`) exists.

Links are read with markdown-it-py (so reference links, code spans and fenced code are treated as
a renderer treats them), and anchors are made from headings by GitHub's rule: the heading's text
in lower case, every character that is not a letter, digit, `_`, `-` or space dropped, each space
turned into `-`, and `-1`, `-2`, … added to repeats.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".git", ".venv", "node_modules", "site", "test-artifacts", "_work", "fixtures"}
NOT_ANCHOR_TEXT = re.compile(r"[^\w\- ]")
# A file named by its path from the repository root, as the docs write it in a code span; the
# benchmarks' scratch folder is made by running them, so it is not in a fresh clone.
REPO_FILE = re.compile(r"\A(?:explainer|tests|benchmarks|static|templates|content|seeds|docs)/[\w./-]*\.\w+\Z")
SCRATCH = "benchmarks/_work/"


def markdown_files(root: Path) -> list[Path]:
    """The project's Markdown files, outside installed packages, build output and test fixtures."""
    return sorted(path for path in root.rglob("*.md")
                  if not SKIPPED.intersection(path.relative_to(root).parts[:-1]))


def github_anchor(text: str) -> str:
    return NOT_ANCHOR_TEXT.sub("", text.lower()).replace(" ", "-")


def heading_anchors(tokens) -> set[str]:
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type != "heading_open":
            continue
        text = "".join(child.content for child in inline.children or ()
                       if child.type in ("text", "code_inline"))
        anchor = github_anchor(text)
        repeat = seen.get(anchor, 0)
        seen[anchor] = repeat + 1
        anchors.add(f"{anchor}-{repeat}" if repeat else anchor)
    return anchors


def link_targets(tokens) -> list[tuple[int, str]]:
    """(line, URL) of every link and image, in the order they appear."""
    found = []
    for token in tokens:
        line = (token.map or (0, 0))[0] + 1
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            url = child.attrs.get("href") if child.type == "link_open" else (
                child.attrs.get("src") if child.type == "image" else None)
            if url is not None:
                found.append((line, str(url)))
    return found


def broken_links(root: Path) -> list[str]:
    """`file:line: link` for every relative link or #anchor that does not resolve inside root."""
    md = MarkdownIt("commonmark")
    parsed = {path: md.parse(path.read_text(encoding="utf-8")) for path in markdown_files(root)}
    anchors = {path: heading_anchors(tokens) for path, tokens in parsed.items()}
    broken = []
    for path, tokens in parsed.items():
        for line, url in link_targets(tokens):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith("/"):
                continue  # the web, or a path on the built site: not a file of the repository
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            where = f"{path.relative_to(root)}:{line}: {url}"
            if not target.is_relative_to(root) or not target.exists():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".md" and parts.fragment not in anchors.get(target, set()):
                broken.append(f"{where} (no such heading)")
    return broken


def missing_files(root: Path) -> list[str]:
    """`file:line: path` for every repository file named in a code span that does not exist."""
    md = MarkdownIt("commonmark")
    missing = []
    for path in markdown_files(root):
        for token in md.parse(path.read_text(encoding="utf-8")):
            for child in token.children or ():
                name = child.content.split(":")[0].strip() if child.type == "code_inline" else ""
                if REPO_FILE.match(name) and not name.startswith(SCRATCH) and not (root / name).is_file():
                    missing.append(f"{path.relative_to(root)}:{(token.map or (0, 0))[0] + 1}: {name}")
    return missing


@pytest.mark.parametrize("heading, anchor", [
    ("Deploy (Netlify)", "deploy-netlify"),
    ("Screenshot baselines (tests/browser/test_visual.py)", "screenshot-baselines-testsbrowsertest_visualpy"),
    ("Preview: save → page on disk", "preview-save--page-on-disk"),
    ("The relationship map and /data/ (issue 20)", "the-relationship-map-and-data-issue-20"),
    ("Where the time goes at N = 5,000", "where-the-time-goes-at-n--5000"),
    ("Ünïcode stays", "ünïcode-stays"),
])
def test_anchors_follow_githubs_rule(heading: str, anchor: str):
    assert github_anchor(heading) == anchor


def test_repeated_headings_get_numbered_anchors():
    tokens = MarkdownIt("commonmark").parse("# Tests\n\n## Tests\n\n### `Tests`\n")
    assert heading_anchors(tokens) == {"tests", "tests-1", "tests-2"}


def test_the_checker_finds_a_missing_file_and_a_missing_heading(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# Real heading\n\n[self](#real-heading) [gone](#nowhere)\n")
    (tmp_path / "README.md").write_text(
        "# Top\n\n[ok](docs/a.md#real-heading) [missing](docs/b.md) [anchor](docs/a.md#fake)\n"
        "[web](https://example.org/x.md#y) [out](../elsewhere.md) `[code](nowhere.md)`\n\n"
        "```\n[fenced](nowhere.md)\n```\n")
    assert broken_links(tmp_path) == [
        "README.md:3: docs/b.md (no such file)",
        "README.md:3: docs/a.md#fake (no such heading)",
        "README.md:4: ../elsewhere.md (no such file)",
        "docs/a.md:3: #nowhere (no such heading)",
    ]


def test_every_relative_link_and_anchor_in_the_docs_resolves():
    assert markdown_files(ROOT), "no Markdown files found"
    assert broken_links(ROOT) == []


def test_the_checker_finds_a_file_the_docs_name_that_is_gone(tmp_path: Path):
    (tmp_path / "explainer").mkdir()
    (tmp_path / "explainer" / "engine.py").write_text("")
    (tmp_path / "README.md").write_text(
        "# Top\n\n`explainer/engine.py` and `explainer/incremental.py:42`, not `site/index.html`,\n"
        "`benchmarks/_work/x.json` or `content/entities/`.\n")
    assert missing_files(tmp_path) == ["README.md:3: explainer/incremental.py"]


def test_every_repository_file_the_docs_name_exists():
    assert missing_files(ROOT) == []


def test_the_readme_shows_the_test_command_ci_runs():
    """CI (.ci/run and the GitHub workflow) runs the README's test command: keep them the same."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = {line.split("#", 1)[0].strip() for line in quick_start.splitlines()}
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1].strip()
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert ci_run in commands
    assert f"run: {ci_run}" in workflow
    assert "./setup.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
