"""Stage 1, load: read content YAML and seed articles from disk, keeping every value's position.

Nothing here judges the content beyond "can it be read": schemas and references are the
validate stage's job. Files are read through the gate of their project folder (files.py) as
clean text; YAML becomes plain data with positions in yamldoc.py; the preview server's cache of
parsed files is filecache.py.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Location, Problems
from .filecache import FileCache
from .files import Gate, RefusedFile, list_files
from .model import Paragraph
from .yamldoc import YamlDoc, find_control, parse_yaml, parse_yaml_entries, source_digest

# Content files read from content/; each collection may also be split into content/<name>/*.yaml.
COLLECTIONS = ("entities", "timeline", "glossary", "quotes", "notes")
SEED_SUFFIXES = (".md", ".txt")


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


def load_yaml_file(path: Path, root: Path, problems: Problems, entries: dict | None = None) -> YamlDoc | None:
    text = read_text(path, root, problems)
    if text is None:
        return None
    if entries is not None:
        doc = parse_yaml_entries(text, relative(path, root), entries)
        if doc is not None:
            return doc
    return parse_yaml(text, relative(path, root), problems)


def load_content(root: Path, problems: Problems, cache: FileCache | None = None) -> RawContent:
    """Read content/ and seeds/ under the project root; every unreadable file becomes a problem."""
    def cached(path: Path, load):
        if cache is None:
            return load(path, root, problems)
        return cache.get(path, lambda: load(path, root, problems))

    def listed(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
        return cache.list_files(folder, suffixes) if cache is not None else list_files(folder, suffixes)

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
        site = cached(site_path, load_yaml_file)
    else:
        problems.error(Location(relative(site_path, root)), "missing site settings file",
                       "create content/site.yaml with at least a title")
    collections: dict[str, list[YamlDoc]] = {}
    unreadable: set[str] = set()
    for name in COLLECTIONS:
        paths = [p for p in [content / f"{name}.yaml"] if p.exists() or p.is_symlink()]
        paths += listed(content / name, (".yaml", ".yml"))
        if cache is None:
            docs = [load_yaml_file(p, root, problems) for p in paths]
        else:
            docs = [cache.get(p, lambda p=p: load_yaml_file(p, root, problems, cache.entries.setdefault(p, {})))
                    for p in paths]
        collections[name] = [d for d in docs if d is not None]
        if len(collections[name]) < len(docs):
            unreadable.add(name)
    seed_paths = listed(root / "seeds", SEED_SUFFIXES)
    gates: Gates = {}  # for this load only: a folder may become a symlink between rebuilds
    if cache is None:
        seeds = [load_seed(p, root, problems, gates) for p in seed_paths]
    else:
        seeds = cache.get_many(seed_paths, lambda path: load_seed(path, root, problems, gates))
    present = [s for s in seeds if s is not None]
    if len(present) < len(seeds):
        unreadable.add("seeds")
    return RawContent(site, collections, present, unreadable)
