"""Stage 1, load: read content YAML and seed articles from disk, keeping every value's position.

Nothing here judges the content beyond "can it be read": schemas and references are the
validate stage's job. YAML is composed by libyaml (PyYAML's C parser) into nodes that keep their
line and column, and turned into plain data here: no Python object is ever constructed from YAML,
and the YAML 1.2 core schema applies (`no` stays text, dates stay text).
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Problems
from .files import Gate, RefusedFile
from .model import Paragraph

# Content files read from content/; each collection may also be split into content/<name>/*.yaml.
COLLECTIONS = ("entities", "timeline", "glossary", "quotes", "notes")
SEED_SUFFIXES = (".md", ".txt")

YamlPath = tuple  # keys and indexes from the document root to a value


@dataclass
class YamlDoc:
    """A parsed YAML document as plain Python data, with the position of every value and key."""

    path: str  # as shown to authors, relative to the project
    data: Any
    value_at: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_at: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    # a list parsed entry by entry keeps each entry's positions in its own part (merging them on
    # every save of a 500-entry file would cost more than parsing the one entry that changed)
    parts: list[YamlDoc] = field(default_factory=list)

    def positions(self) -> tuple[dict, dict]:
        """Every value's and every key's position, merged over the parts."""
        values, keys = dict(self.value_at), dict(self.key_at)
        for part in self.parts:
            values.update(part.value_at)
            keys.update(part.key_at)
        values.update(self.value_at)
        return values, keys

    def where(self, path: YamlPath = (), key: bool = False) -> Location:
        """Locate a value (or its key) by path, falling back to the nearest enclosing value."""
        probe = tuple(path)
        if self.parts and probe and isinstance(probe[0], int) and 0 <= probe[0] < len(self.parts):
            return self.parts[probe[0]].where(probe, key)  # its tables hold every path under (index,)
        table = self.key_at if key else self.value_at
        if key and probe not in table:
            table = self.value_at
        while probe and probe not in table:
            probe = probe[:-1]
        line, col = table.get(probe, (1, 1))
        return Location(self.path, line, col)


@dataclass
class RawSeed:
    path: str
    suffix: str
    front: YamlDoc | None
    body_line: int  # line of the body's first line in the file
    # the article's paragraphs as they will be (validation passes this very tuple on, so an
    # unchanged seed's article is recognised by it; the body itself is not kept: it would hold
    # every seed's text twice)
    paragraphs: tuple[Paragraph, ...]


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
# characters that libyaml counts as line breaks and editors do not: positions would drift past them
_YAML_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def find_control(text: str, pattern: re.Pattern = CONTROL_CHARACTERS) -> tuple[int, int, str] | None:
    """(line, column, character) of the first match of `pattern` in text, or None."""
    found = pattern.search(text)
    if found is None:
        return None
    line, col = _line_col(text, found.start())
    return line, col, found.group()


class _CoreSchemaLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's C parser with the YAML 1.2 core schema: `no`, `on` and dates stay text."""


_CoreSchemaLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _CoreSchemaLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


class _NodeProblem(Exception):
    def __init__(self, mark, message: str, hint: str = ""):
        self.line, self.col = mark.line + 1, mark.column + 1
        self.message, self.hint = message, hint


def parse_yaml(text: str, rel: str, problems: Problems, line_offset: int = 0) -> YamlDoc | None:
    """Parse one YAML document into plain data plus positions; report syntax errors with their place.

    libyaml (through PyYAML) composes the node tree in C, and every node keeps its start mark,
    so positions cost nothing extra; nodes become plain data here, never arbitrary objects.
    """
    separator = find_control(text, _YAML_LINE_BREAKS)
    if separator is not None:
        line, col, char = separator
        problems.error(Location(rel, line + line_offset, col), f"line separator U+{ord(char):04X} is not allowed",
                       "replace it with a newline or a space (YAML counts it as a line break, editors do not)")
        return None
    loader = None
    try:
        loader = _CoreSchemaLoader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        message = (exc.problem or exc.context or "invalid YAML").strip()
        hint = _yaml_hint(message, text, mark)
        opened = exc.context_mark
        if "another document" in message:
            problems.error(Location(rel, line, col), "a second YAML document (---) in one file",
                           "a content file holds one document: remove this --- and merge or move what follows")
            return None
        if not hint and opened is not None and mark is not None and exc.context and \
                (opened.line, opened.column) != (mark.line, mark.column):
            what = exc.context.replace("while parsing a ", "").replace("while scanning a ", "")
            hint = f"the {what} opened at line {opened.line + 1 + line_offset}, column {opened.column + 1} is never closed"
        problems.error(Location(rel, line, col), f"YAML syntax error: {message}", hint)
        return None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        problems.error(Location(rel, line + line_offset, col), f"control character U+{code:04X} is not allowed in YAML",
                       "remove the control character (it is invisible in most editors)")
        return None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        problems.error(Location(rel), f"YAML error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
        return None
    finally:
        if loader is not None:
            loader.dispose()
    doc = YamlDoc(rel, None)
    if node is None:
        return doc
    try:
        doc.data = _to_plain(node, (), doc, line_offset, set())
    except _NodeProblem as problem:
        problems.error(Location(rel, problem.line + line_offset, problem.col), problem.message, problem.hint)
        return None
    except RecursionError:
        problems.error(Location(rel), "YAML nested too deeply")
        return None
    return doc


def _line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column (in characters) of an index into text."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _yaml_hint(message: str, text: str, mark) -> str:
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
        return "YAML does not allow tabs for indentation; use spaces"
    if "mapping values are not allowed" in message:
        return "a value containing ': ' must be quoted"
    return ""


_SCALARS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:bool": lambda v: v.lower() == "true",
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:int": lambda v: int(v, 8) if v.startswith("0o") else int(v, 16) if v.startswith("0x") else int(v),
    "tag:yaml.org,2002:float": lambda v: float(v.lower().replace(".inf", "inf").replace(".nan", "nan")),
}


_COLLECTION_TAGS = {yaml.SequenceNode: "tag:yaml.org,2002:seq", yaml.MappingNode: "tag:yaml.org,2002:map"}


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _to_plain(node: yaml.Node, path: YamlPath, doc: YamlDoc, line_offset: int, seen: set[int]) -> Any:
    """Turn libyaml's nodes into plain dict/list/str data, recording positions as we go.

    A node met twice is an alias (&a / *a): refusing it keeps a "billion laughs" document from
    expanding into gigabytes when later stages walk it. Duplicate keys are errors.
    """
    mark = node.start_mark
    if path == ():
        doc.value_at[()] = (mark.line + 1 + line_offset, mark.column + 1)
    if id(node) in seen:  # libyaml hands back the anchored node itself for every *alias
        raise _NodeProblem(mark, "YAML anchors and aliases (&name / *name) are not supported", "write the value out in full")
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        convert = _SCALARS.get(node.tag)
        if convert is None:
            raise _NodeProblem(mark, f"unsupported YAML tag '{_cut(node.tag)}'", "remove the !tag and write a plain value")
        try:
            return convert(node.value)
        except ValueError:  # Python refuses to turn more than 4,300 digits into an int
            raise _NodeProblem(mark, f"number too long ({len(node.value):,} characters)",
                               "quote it if it is meant as text") from None
    if node.tag != _COLLECTION_TAGS[type(node)]:  # !!python/object, !!set, !!omap … on a list or mapping
        raise _NodeProblem(mark, f"unsupported YAML tag '{_cut(node.tag)}'", "remove the !tag and write a plain value")
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            at = path + (index,)
            doc.value_at[at] = (child.start_mark.line + 1 + line_offset, child.start_mark.column + 1)
            items.append(_to_plain(child, at, doc, line_offset, seen))
        return items
    plain: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _NodeProblem(key_node.start_mark, "a key must be plain text", "write `key: value`")
        key = str(key_node.value)
        at = path + (key,)
        if key in plain:
            first = doc.key_at[at]
            raise _NodeProblem(key_node.start_mark, f"duplicate key '{key}'",
                               f"each key may appear once per entry; first at line {first[0]}")
        doc.key_at[at] = (key_node.start_mark.line + 1 + line_offset, key_node.start_mark.column + 1)
        doc.value_at[at] = (value_node.start_mark.line + 1 + line_offset, value_node.start_mark.column + 1)
        plain[key] = _to_plain(value_node, at, doc, line_offset, seen)
    return plain


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
    control = find_control(text)
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
    return RawSeed(rel, path.suffix, front, body_line, split_paragraphs(body, path.suffix, body_line))


def list_files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Entries of a folder with the given suffixes, sorted so the build is deterministic: every
    one but folders, so that the file gate reports a FIFO, a socket or a broken link."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:  # scandir knows file types without a stat per file
        names = sorted(e.name for e in entries
                       if e.name.endswith(suffixes) and not e.name.startswith(".") and not _is_folder(e))
    return [folder / name for name in names]


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop: not a folder, and the gate says what it is
        return False


def load_yaml_file(path: Path, root: Path, problems: Problems, entries: dict | None = None) -> YamlDoc | None:
    text = read_text(path, root, problems)
    if text is None:
        return None
    if entries is not None:
        doc = parse_yaml_entries(text, relative(path, root), entries)
        if doc is not None:
            return doc
    return parse_yaml(text, relative(path, root), problems)


# Both look only just after a newline (the text is scanned with one prepended), which keeps the
# scan of a long file cheap enough for every save.
_ENTRY_START = re.compile(r"\n-(?= |\n|\Z)")
_OTHER_TOP_LEVEL = re.compile(r"\n(?!- |-(?:\n|\Z)|[ #\n]|\Z)")  # a line at column 0 that no entry can own


def _entry_spans(text: str) -> list[tuple[int, str]] | None:
    """(first line, text) of each top-level `- ` entry of a block list, or None when the file is
    anything else (a mapping, flow style, document markers, text at column 0 inside an entry).

    Regular expressions rather than a loop over lines: a 500-entity file is scanned on every save.
    """
    scanned = "\n" + text
    starts = [match.start() for match in _ENTRY_START.finditer(scanned)]  # = offsets in text
    if not starts or _OTHER_TOP_LEVEL.search(scanned):
        return None
    if any(line.strip() and not line.lstrip().startswith("#") for line in text[:starts[0]].split("\n")):
        return None  # something indented before the first entry
    spans = []
    line = text.count("\n", 0, starts[0]) + 1
    for start, end in zip(starts, starts[1:] + [len(text) + 1]):
        spans.append((line, text[start:end - 1]))
        line += text.count("\n", start, end)
    return spans


def parse_yaml_entries(text: str, rel: str, entries: dict) -> YamlDoc | None:
    """A collection file parsed entry by entry, reusing the entries whose text, line and index are
    unchanged (`entries`, kept by the preview server per file): saving one entity of a
    500-entity file parses one entry, and the others keep their very objects, so later stages
    recognise them as unchanged. None when the file is not a plain block list or any entry has
    a problem: then the whole file is parsed as usual, and problems are reported as usual.
    """
    spans = _entry_spans(text)
    if spans is None:
        return None
    doc = YamlDoc(rel, [])
    fresh: dict = {}
    for index, (line, entry_text) in enumerate(spans):
        key = (index, line, entry_text)
        part = entries.get(key)
        if part is None:
            part = parse_yaml(entry_text, rel, Problems(), line_offset=line - 1)
            if part is None or not isinstance(part.data, list) or len(part.data) != 1:
                return None
            if index:  # an entry parsed alone is item 0: renumber its paths
                part.value_at = {(index,) + at[1:] if at else at: where for at, where in part.value_at.items()}
                part.key_at = {(index,) + at[1:]: where for at, where in part.key_at.items()}
        fresh[key] = part
        doc.data.append(part.data[0])
        doc.parts.append(part)
    doc.value_at[()] = (spans[0][0], 1)
    entries.clear()
    entries.update(fresh)
    return doc


class FileCache:
    """Parsed files by path, reused while size and modification time are unchanged (preview server).

    Only files that parsed cleanly are kept, so a broken file is read, and reported, every time.

    After `trust_changes(paths)` (the file watcher's report of what changed) the cache believes
    the watcher: unchanged files are reused without a stat and folder listings are reused unless
    a reported path was added, removed or is a folder. On a site of thousands of seeds the stats and the
    listing cost more than the whole rest of a one-paragraph rebuild. `distrust()` goes back to
    checking every file (a full build).
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], object]] = {}
        self._listings: dict[tuple[Path, tuple[str, ...]], tuple[list[Path], set[Path]]] = {}
        self._links: set[Path] = set()  # symlinked files: their target's saves are reported elsewhere
        self.entries: dict[Path, dict] = {}  # per collection file: its entries parsed one by one
        self._trusted = False
        # get_many's last answer: (the listing asked about, results, index of each path, paths that failed)
        self._many: tuple[list[Path], list, dict[Path, int], set[Path]] | None = None
        self._reported: set[Path] = set()  # paths reported since get_many last answered

    def forget(self, paths) -> None:
        """Drop paths the watcher reported (a same-size save within the clock's tick keeps its mtime)."""
        for path in paths:
            self._entries.pop(Path(path), None)

    def trust_changes(self, paths) -> None:
        """Rely on `paths` (spelled as the loader spells them: root / relative) being all that changed."""
        paths = [Path(p) for p in paths]
        self.forget(paths)
        self.forget(self._links)
        self._reported |= set(paths) | self._links
        for path in paths:
            for key, (_, members) in list(self._listings.items()):
                folder = key[0]
                if (path == folder or folder in path.parents) and (path not in members or not path.is_file()):
                    del self._listings[key]  # a file came or went: list the folder again
        self._trusted = True

    def distrust(self) -> None:
        self._listings.clear()
        self._trusted = False
        self._many = None

    def list_files(self, folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
        key = (folder, suffixes)
        if not self._trusted or key not in self._listings:
            listing = list_files(folder, suffixes)
            self._listings[key] = (listing, set(listing))
        return self._listings[key][0]

    def get_many(self, paths: list[Path], load) -> list:
        """`[get(path, lambda: load(path)) ...]`, without a call per file for the trusted, cached ones.

        Trusting the watcher, and asked again about the very same listing (nothing came or went),
        it copies its last answer and loads just the reported paths and those that failed (so
        their problems are reported again): thousands of seeds, one saved.
        """
        if self._trusted and self._many is not None and self._many[0] is paths:
            _, last, index, failed = self._many
            results = list(last)
            again = {path for path in self._reported if path in index} | failed
            for path in again:
                results[index[path]] = self.get(path, lambda path=path: load(path))
            failed = {path for path in again if results[index[path]] is None}
        else:
            entries = self._entries
            if self._trusted:
                results = [entry[1] if (entry := entries.get(path)) is not None
                           else self.get(path, lambda path=path: load(path)) for path in paths]
            else:
                results = [self.get(path, lambda path=path: load(path)) for path in paths]
            index = {path: n for n, path in enumerate(paths)}
            failed = {path for path, result in zip(paths, results) if result is None}
        self._many = (paths, results, index, failed)
        self._reported = set()
        return results

    def get(self, path: Path, load) -> object:
        entry = self._entries.get(path)
        if self._trusted and entry is not None:
            return entry[1]
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp is not None and entry is not None and entry[0] == stamp:
            return entry[1]
        result = load()
        if result is not None and stamp is not None:
            self._entries[path] = (stamp, result)
            if path.is_symlink():
                self._links.add(path)
        else:
            self._entries.pop(path, None)
        return result


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
