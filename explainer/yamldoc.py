"""YAML text to plain data that remembers where every value came from, and located syntax errors.

YAML is composed by libyaml (PyYAML's C parser) into nodes that keep their line and column, and
turned into plain data here: no Python object is ever constructed from YAML, and the YAML 1.2
core schema applies (`no` stays text, dates stay text).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Location, Problems

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
    # a hash of what it was parsed from (its text and first line): the same source, the same document
    source: str = ""

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


def source_digest(text: str, first_line: int = 0) -> str:
    """A hash of a source text and where it starts (positions are part of what is made of it)."""
    return hashlib.blake2b(f"{first_line}\n{text}".encode(), digest_size=16).hexdigest()


# characters that libyaml counts as line breaks and editors do not: positions would drift past them
_YAML_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def find_control(text: str, pattern: re.Pattern) -> tuple[int, int, str] | None:
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
    doc = YamlDoc(rel, None, source=source_digest(text, line_offset))
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
