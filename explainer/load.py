"""Stage 1, load: read content YAML and seed articles from disk, keeping every value's position.

Nothing here judges the content beyond "can it be read": schemas and references are the
validate stage's job. Files are read through the gate of their project folder (files.py) as
clean text; YAML becomes plain data with positions in yamldoc.py. The stage reads through
`Sources`: straight from disk (`DiskSources`) in a build, or through the reuse layer's cache of
parsed files (reuse/files.py) in the preview, which answers for files that have not changed.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, TypeVar

from .errors import Location, Problems
from .files import Gate, RefusedFile, list_files
from .model import Paragraph
from .yamldoc import YamlDoc, find_control, parse_yaml, source_digest

Parsed = TypeVar("Parsed")
YamlParser = Callable[[str, str, Problems], "YamlDoc | None"]  # (text, path as shown, problems)

# Content files read from content/; each collection may also be split into content/<name>/*.yaml.
COLLECTIONS = ("entities", "timeline", "glossary", "quotes", "notes")
COLLECTION_SUFFIXES = (".yaml", ".yml")  # of the files in content/<name>/
SEED_SUFFIXES = (".md", ".txt")
TOP_FILES = frozenset({"site.yaml", *(f"{name}.yaml" for name in COLLECTIONS)})  # the files read from content/ itself


def reads(relative: Path) -> bool:
    """Whether the loader reads the file (or lists the folder) at `relative`, a path under the
    project root. The preview rebuilds for nothing else under content/ and seeds/: not for the
    temporary copy an editor, or `sed -i`, writes beside a file before renaming it into place."""
    parts = relative.parts
    if not parts or parts[0] not in ("content", "seeds") or any(part.startswith(".") for part in parts):
        return False
    if parts[0] == "seeds":
        return len(parts) == 1 or len(parts) == 2 and relative.suffix in SEED_SUFFIXES
    if len(parts) <= 1:
        return True
    if len(parts) == 2:
        return parts[1] in COLLECTIONS or parts[1] in TOP_FILES
    return len(parts) == 3 and parts[1] in COLLECTIONS and relative.suffix in COLLECTION_SUFFIXES


@dataclass
class RawSeed:
    path: str
    suffix: str
    front: YamlDoc | None
    body_line: int  # line of the body's first line in the file
    # the article's paragraphs as they will be (the body itself is not kept: it would hold every
    # seed's text twice)
    paragraphs: tuple[Paragraph, ...]
    source: str = ""  # a hash of the file's text: the same text, the same seed


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


Gates = dict  # one Gate per top folder of the project (content/, seeds/) for one load


def _gate_for(path: Path, root: Path, gates: Gates | None) -> Gate:
    """The gate of the project folder a file belongs to: its symlinks must stay inside it."""
    rel = relative(path, root)
    home = root / rel.split("/", 1)[0] if "/" in rel and not rel.startswith("/") else path.parent
    if gates is None:
        return Gate(home, root)
    gate = gates.get(home)
    if gate is None:
        gate = gates[home] = Gate(home, root)
    return gate


def read_text(path: Path, root: Path, problems: Problems, gates: Gates | None = None) -> str | None:
    """Read a UTF-8 file through the gate, as clean text; a file that cannot be read is a problem.

    Clean text has `\n` line ends only (CRLF and CR are turned into them, so lines count as an
    editor counts them), no byte-order mark, and Unicode in composed form (NFC), so a name typed
    on one system matches the same name pasted from another."""
    rel = relative(path, root)
    try:
        raw = _gate_for(path, root, gates).read(path)
    except RefusedFile as refused:
        problems.error(Location(rel), refused.reason, refused.hint)
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1  # characters, as editors count
        problems.error(Location(rel, line, col), f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                       "save the file as UTF-8")
        return None
    return clean_text(text)


def clean_text(text: str) -> str:
    """`\n` line ends, no byte-order mark (editors on Windows add it), composed Unicode (NFC)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# C0 and C1 control characters other than tab and newline: invisible, and invalid in XML (the feed)
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class UnclosedFrontMatter(ValueError):
    """A seed opens front matter with --- and never closes it."""


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from a seed: (front matter or None, body, line where the body starts)."""
    if not text.startswith("---\n"):
        return None, text, 1
    end = re.search(r"^---[ \t]*\n?", text[4:], flags=re.MULTILINE)
    if end is None:
        raise UnclosedFrontMatter()
    front = text[4:4 + end.start()]
    body = text[4 + end.end():]
    return front, body, front.count("\n") + 3


def split_paragraphs(body: str, suffix: str, first_line: int) -> tuple[Paragraph, ...]:
    """Cut a seed body into paragraphs: one per line for .txt, one per blank-line block for .md."""
    paragraphs: list[Paragraph] = []
    lines = body.split("\n")
    if suffix == ".txt":
        for offset, line in enumerate(lines):
            if line.strip():
                paragraphs.append(Paragraph(len(paragraphs) + 1, line, first_line + offset))
        return tuple(paragraphs)
    block: list[str] = []
    block_line = first_line
    for offset, line in enumerate(lines + [""]):
        if line.strip():
            if not block:
                block_line = first_line + offset
            block.append(line)
        elif block:
            paragraphs.append(Paragraph(len(paragraphs) + 1, "\n".join(block), block_line))
            block = []
    return tuple(paragraphs)


def load_seed(path: Path, root: Path, problems: Problems, gates: Gates | None = None) -> RawSeed | None:
    rel = relative(path, root)
    text = read_text(path, root, problems, gates)
    if text is None:
        return None
    control = find_control(text, CONTROL_CHARACTERS)
    if control is not None:
        line, col, char = control
        problems.error(Location(rel, line, col), f"control character U+{ord(char):04X} in the seed",
                       "remove it (it is invisible in most editors, and not allowed in the feed)")
        return None
    try:
        front_text, body, body_line = split_front_matter(text)
    except UnclosedFrontMatter:
        problems.error(Location(rel, 1, 1), "front matter opened with --- on line 1 is never closed",
                       "end the front matter with a line holding only ---")
        return None
    front = None
    if front_text is not None:
        front = parse_yaml(front_text, rel, problems, line_offset=1)
        if front is None:
            return None
    return RawSeed(rel, path.suffix, front, body_line, split_paragraphs(body, path.suffix, body_line),
                   source_digest(text))


def load_yaml_file(path: Path, root: Path, problems: Problems, parse: YamlParser = parse_yaml) -> YamlDoc | None:
    text = read_text(path, root, problems)
    if text is None:
        return None
    return parse(text, relative(path, root), problems)


class Sources(Protocol):
    """How the load stage reaches the project's files. Each method is given the plain way to do
    its job, and may answer from what it knows instead when that gives the same result."""

    def files(self, folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
        """The files in `folder` (and below) with one of `suffixes`, in a stable order."""

    def parsed(self, path: Path, parse: Callable[[], Parsed | None]) -> Parsed | None:
        """`parse()`: the file at `path`, parsed (None: it could not be read)."""

    def parsed_all(self, paths: list[Path], parse: Callable[[Path], Parsed | None]) -> list[Parsed | None]:
        """`[parse(path) for path in paths]`."""

    def yaml_parser(self, path: Path) -> YamlParser:
        """How to parse the collection file at `path` (yamldoc.parse_yaml, or one that reuses entries)."""


class DiskSources:
    """Every file read and parsed afresh (a build)."""

    def files(self, folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
        return list_files(folder, suffixes)

    def parsed(self, path: Path, parse: Callable[[], Parsed | None]) -> Parsed | None:
        return parse()

    def parsed_all(self, paths: list[Path], parse: Callable[[Path], Parsed | None]) -> list[Parsed | None]:
        return [parse(path) for path in paths]

    def yaml_parser(self, path: Path) -> YamlParser:
        return parse_yaml


def load_content(root: Path, problems: Problems, sources: Sources | None = None) -> RawContent:
    """Read content/ and seeds/ under the project root; every unreadable file becomes a problem."""
    sources = sources or DiskSources()
    content = root / "content"
    for folder in (content, root / "seeds"):
        try:
            Gate(folder, root).real_home()
        except RefusedFile as refused:
            problems.error(Location(f"{folder.name}/"), refused.reason, refused.hint)
            return RawContent(None, {name: [] for name in COLLECTIONS}, [], set(COLLECTIONS) | {"seeds"})
    site_path = content / "site.yaml"
    site = None
    if site_path.exists() or site_path.is_symlink():
        site = sources.parsed(site_path, lambda: load_yaml_file(site_path, root, problems))
    else:
        problems.error(Location(relative(site_path, root)), "missing site settings file",
                       "create content/site.yaml with at least a title")
    collections: dict[str, list[YamlDoc]] = {}
    unreadable: set[str] = set()
    for name in COLLECTIONS:
        paths = [p for p in [content / f"{name}.yaml"] if p.exists() or p.is_symlink()]
        paths += sources.files(content / name, COLLECTION_SUFFIXES)
        docs = [sources.parsed(p, lambda p=p: load_yaml_file(p, root, problems, sources.yaml_parser(p)))
                for p in paths]
        collections[name] = [d for d in docs if d is not None]
        if len(collections[name]) < len(docs):
            unreadable.add(name)
    seed_paths = sources.files(root / "seeds", SEED_SUFFIXES)
    gates: Gates = {}  # for this load only: a folder may become a symlink between rebuilds
    seeds = sources.parsed_all(seed_paths, lambda path: load_seed(path, root, problems, gates))
    present = [s for s in seeds if s is not None]
    if len(present) < len(seeds):
        unreadable.add("seeds")
    return RawContent(site, collections, present, unreadable)
