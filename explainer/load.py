"""Stage 1, load: read content YAML and seed articles from disk, keeping every value's position.

Nothing here judges the content beyond "can it be read": schemas and references are the
validate stage's job. YAML is parsed with ruamel.yaml because it reports line and column for
every key and value (PyYAML's safe loader forgets them), and its round-trip loader never
constructs arbitrary Python objects.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Location, Problems

# Content files read from content/; each collection may also be split into content/<name>/*.yaml.
COLLECTIONS = ("entities", "timeline", "glossary", "quotes", "notes")
SEED_SUFFIXES = (".md", ".txt")
MAX_FILE_BYTES = 5_000_000  # far above any real explainer; stops a runaway file early

YamlPath = tuple  # keys and indexes from the document root to a value


@dataclass
class YamlDoc:
    """A parsed YAML document as plain Python data, with the position of every value and key."""

    path: str  # as shown to authors, relative to the project
    data: Any
    value_at: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_at: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: YamlPath = (), key: bool = False) -> Location:
        """Locate a value (or its key) by path, falling back to the nearest enclosing value."""
        table = self.key_at if key else self.value_at
        probe = tuple(path)
        if key and probe not in table:
            table = self.value_at
        while probe and probe not in table:
            probe = probe[:-1]
        line, col = table.get(probe, (1, 1))
        return Location(self.path, line, col)


@dataclass
class SeedParagraph:
    index: int  # 1-based, the anchor is #p<index>
    text: str
    line: int  # 1-based line in the seed file


@dataclass
class RawSeed:
    path: str
    suffix: str
    front: YamlDoc | None
    body: str
    body_line: int  # line of the body's first line in the file
    paragraphs: list[SeedParagraph]


@dataclass
class RawContent:
    """Everything read from disk, not yet validated."""

    site: YamlDoc | None
    collections: dict[str, list[YamlDoc]]
    seeds: list[RawSeed]
    unreadable: set[str] = field(default_factory=set)  # collections with a file that could not be parsed


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, root: Path, problems: Problems) -> str | None:
    """Read a UTF-8 file, reporting a missing, oversized or undecodable file as a problem."""
    rel = relative(path, root)
    try:
        resolved = path.resolve(strict=True)
    except OSError as exc:
        problems.error(Location(rel), f"cannot read file: {exc.strerror or exc}")
        return None
    if not resolved.is_relative_to(root.resolve()):
        problems.error(Location(rel), "symlink points outside the project",
                       "copy the file into the project instead of linking to it")
        return None
    try:
        raw = resolved.read_bytes()
    except OSError as exc:
        problems.error(Location(rel), f"cannot read file: {exc.strerror or exc}")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.error(Location(rel), f"file is {len(raw):,} bytes, more than the {MAX_FILE_BYTES:,} allowed",
                       "split it into several files")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(Location(rel, line, col), f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                       "save the file as UTF-8")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark is harmless: editors on Windows add it
    return text


def parse_yaml(text: str, rel: str, problems: Problems, line_offset: int = 0) -> YamlDoc | None:
    """Parse one YAML document into plain data plus positions; report syntax errors with their place."""
    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        message = (exc.problem or exc.context or "invalid YAML").strip()
        hint = _yaml_hint(message, text, mark)
        opened = exc.context_mark
        if not hint and opened is not None and mark is not None and opened.line != mark.line and exc.context:
            what = exc.context.replace("while parsing a ", "")
            hint = f"the {what} opened at line {opened.line + 1 + line_offset}, column {opened.column + 1} is never closed"
        problems.error(Location(rel, line, col), f"YAML syntax error: {message}", hint)
        return None
    except (YAMLError, RecursionError, ValueError) as exc:
        problems.error(Location(rel), f"YAML error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
        return None
    doc = YamlDoc(rel, None)
    try:
        doc.data = _to_plain(node, (), doc, line_offset, set())
    except _AliasRefused as refused:
        problems.error(Location(rel, refused.line + line_offset, refused.col),
                       "YAML anchors and aliases (&name / *name) are not supported",
                       "write the value out in full")
        return None
    return doc


def _yaml_hint(message: str, text: str, mark) -> str:
    if "duplicate key" in message:
        return "each key may appear once per entry"
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
        return "YAML does not allow tabs for indentation; use spaces"
    if "mapping values are not allowed" in message:
        return "a value containing ': ' must be quoted"
    return ""


class _AliasRefused(Exception):
    def __init__(self, line: int, col: int):
        self.line, self.col = line, col


def _to_plain(node: Any, path: YamlPath, doc: YamlDoc, line_offset: int, seen: set[int]) -> Any:
    """Copy ruamel's nodes into plain dict/list/str data, recording positions as we go.

    A container met twice is an alias: refusing it keeps a "billion laughs" document from
    expanding into gigabytes when later stages walk it.
    """
    if isinstance(node, (dict, list)):
        if id(node) in seen:
            line, col = (node.lc.line + 1, node.lc.col + 1) if hasattr(node, "lc") else (0, 0)
            raise _AliasRefused(line, col)
        seen.add(id(node))
    if isinstance(node, dict):
        plain: dict[str, Any] = {}
        for key, value in node.items():
            key_text = str(key) if not isinstance(key, str) else str(key)
            child = path + (key_text,)
            kline, kcol, vline, vcol = node.lc.key(key) + node.lc.value(key)
            doc.key_at[child] = (kline + 1 + line_offset, kcol + 1)
            doc.value_at[child] = (vline + 1 + line_offset, vcol + 1)
            plain[key_text] = _to_plain(value, child, doc, line_offset, seen)
        if path == ():
            doc.value_at[()] = (node.lc.line + 1 + line_offset, node.lc.col + 1)
        return plain
    if isinstance(node, list):
        items = []
        for index, value in enumerate(node):
            child = path + (index,)
            line, col = node.lc.item(index)
            doc.value_at[child] = (line + 1 + line_offset, col + 1)
            items.append(_to_plain(value, child, doc, line_offset, seen))
        if path == ():
            doc.value_at[()] = (node.lc.line + 1 + line_offset, node.lc.col + 1)
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (_dt.date, _dt.datetime)):
        # An unquoted 2024-09-28 arrives as a date; dates are handled as text from here on.
        return node.isoformat()[:10] if not isinstance(node, _dt.datetime) else node.isoformat()
    return str(node)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from a seed: (front matter or None, body, line where the body starts)."""
    if not text.startswith("---\n"):
        return None, text, 1
    end = re.search(r"^---[ \t]*\n?", text[4:], flags=re.MULTILINE)
    if end is None:
        return None, text, 1
    front = text[4:4 + end.start()]
    body = text[4 + end.end():]
    return front, body, front.count("\n") + 3


def split_paragraphs(body: str, suffix: str, first_line: int) -> list[SeedParagraph]:
    """Cut a seed body into paragraphs: one per line for .txt, one per blank-line block for .md."""
    paragraphs: list[SeedParagraph] = []
    lines = body.split("\n")
    if suffix == ".txt":
        for offset, line in enumerate(lines):
            if line.strip():
                paragraphs.append(SeedParagraph(len(paragraphs) + 1, line.rstrip("\r"), first_line + offset))
        return paragraphs
    block: list[str] = []
    block_line = first_line
    for offset, line in enumerate(lines + [""]):
        if line.strip():
            if not block:
                block_line = first_line + offset
            block.append(line.rstrip("\r"))
        elif block:
            paragraphs.append(SeedParagraph(len(paragraphs) + 1, "\n".join(block), block_line))
            block = []
    return paragraphs


def load_seed(path: Path, root: Path, problems: Problems) -> RawSeed | None:
    rel = relative(path, root)
    text = read_text(path, root, problems)
    if text is None:
        return None
    front_text, body, body_line = split_front_matter(text)
    front = None
    if front_text is not None:
        front = parse_yaml(front_text, rel, problems, line_offset=1)
        if front is None:
            return None
    return RawSeed(rel, path.suffix, front, body, body_line, split_paragraphs(body, path.suffix, body_line))


def list_files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Files of a folder with the given suffixes, sorted so the build is deterministic."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in suffixes and p.is_file() and not p.name.startswith("."))


def load_yaml_file(path: Path, root: Path, problems: Problems) -> YamlDoc | None:
    text = read_text(path, root, problems)
    if text is None:
        return None
    return parse_yaml(text, relative(path, root), problems)


def load_content(root: Path, problems: Problems) -> RawContent:
    """Read content/ and seeds/ under the project root; every unreadable file becomes a problem."""
    content = root / "content"
    site_path = content / "site.yaml"
    site = None
    if site_path.exists() or site_path.is_symlink():
        site = load_yaml_file(site_path, root, problems)
    else:
        problems.error(Location(relative(site_path, root)), "missing site settings file",
                       "create content/site.yaml with at least a title")
    collections: dict[str, list[YamlDoc]] = {}
    unreadable: set[str] = set()
    for name in COLLECTIONS:
        paths = [p for p in [content / f"{name}.yaml"] if p.exists() or p.is_symlink()]
        paths += list_files(content / name, (".yaml", ".yml"))
        docs = [load_yaml_file(p, root, problems) for p in paths]
        collections[name] = [d for d in docs if d is not None]
        if len(collections[name]) < len(docs):
            unreadable.add(name)
    seeds = [load_seed(p, root, problems) for p in list_files(root / "seeds", SEED_SUFFIXES)]
    if len([s for s in seeds if s is not None]) < len(seeds):
        unreadable.add("seeds")
    return RawContent(site, collections, [s for s in seeds if s is not None], unreadable)
