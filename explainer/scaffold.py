"""`build.py new`: append a well-formed skeleton entry to the right YAML file.

The entry is appended as text, so every existing byte (comments, quoting, blank lines) stays as
it was; the result is parsed before it replaces the file, all at once (write.atomic_write), so a
failure can never leave a half-written file.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import ContentError, Location, Problem, Problems, shown
from .load import read_text
from .schema import ID_PATTERN
from .write import atomic_write
from .yamldoc import parse_yaml

FILES = {"entity": "entities", "event": "timeline", "term": "glossary"}
SKELETONS = {
    "entity": """- id: {id}
  name: "TODO: name as the article writes it"
  kind: person  # person | organization | place | program | product | publication | event | concept
  aliases: []
  summary: "TODO: one line: the role in this story."
  description: |
    TODO: a neutral description in markdown.
""",
    "event": """- id: {id}
  date: "TODO"  # 2014 | 2022-09 | 2024-09-28 | 2022~ | 2022-10/2022-12
  title: "TODO: what happened"
  entities: []
  sources:
    - seed: TODO
      excerpt: "TODO: verbatim words from one paragraph"
""",
    "term": """- id: {id}
  term: "TODO: the term"
  aliases: []
  definition: |
    TODO: one to three plain sentences.
""",
}


def add_entry(root: Path, kind: str, ident: str) -> str:
    """Append a skeleton `kind` with id `ident`; refuse an invalid or existing id. Returns the file."""
    if not re.fullmatch(ID_PATTERN, ident):
        suggestion = re.sub(r"[^a-z0-9]+", "-", ident.lower()).strip("-") or "my-id"
        raise ContentError([Problem(Location("(command line)"), f"{shown(ident)} is not a valid id",
                                    f"ids are lowercase words joined by hyphens, such as '{suggestion}'")])
    collection = FILES[kind]
    path = root / "content" / f"{collection}.yaml"
    problems = Problems()
    text = read_text(path, root, problems) if path.exists() else ""
    problems.raise_if_errors()
    rel = f"content/{collection}.yaml"
    existing = parse_yaml(text, rel, problems) if text.strip() else None
    problems.raise_if_errors()
    entries = existing.data if existing is not None and existing.data is not None else []
    if not isinstance(entries, list):
        raise ContentError([Problem(Location(rel, 1, 1), f"{rel} is not a list of entries; cannot append")])
    ids = [e.get("id") for e in entries if isinstance(e, dict)]
    if ident in ids:
        where = existing.where((ids.index(ident), "id"))
        raise ContentError([Problem(where, f"{kind} id '{ident}' already exists", "choose another id")])
    others = ids + [e.get("id") for e in _all_ids(root, collection)]
    if kind in ("entity", "term") and ident in others:
        raise ContentError([Problem(Location("(command line)"), f"id '{ident}' is already used by an entity or term")])
    if text and not text.endswith("\n"):
        text += "\n"
    if text.strip() and not entries and "[]" in text:
        raise ContentError([Problem(Location(rel, 1, 1), f"{rel} holds an empty flow list `[]`",
                                    "delete the `[]` and run the command again")])
    new_text = text + ("\n" if text.strip() else "") + SKELETONS[kind].format(id=ident)
    check = parse_yaml(new_text, rel, problems)
    if problems.errors or check is None or len(check.data or []) != len(entries) + 1:
        raise ContentError([Problem(Location(rel), f"cannot append safely to {rel}: its last entry is not in "
                                    "block style", "add the entry by hand")])
    atomic_write(path, _as_written(path, new_text[len(text):]).encode("utf-8"))
    return rel


def _as_written(path: Path, addition: str) -> str:
    """The file's own bytes (read_text normalised line ends and Unicode), with `addition` appended
    in the file's line-end style: every existing byte stays as it was."""
    original = path.read_bytes().decode("utf-8") if path.exists() else ""
    newline = "\r\n" if "\r\n" in original else "\r" if "\r" in original else "\n"
    if original and not original.endswith(("\n", "\r")):
        original += newline
    return original + addition.replace("\n", newline)


def _all_ids(root: Path, collection: str) -> list[dict]:
    """Entries of the other collection sharing the [[id]] namespace (entities vs glossary)."""
    other = {"entities": "glossary", "glossary": "entities"}.get(collection)
    if other is None:
        return []
    path = root / "content" / f"{other}.yaml"
    problems = Problems()
    text = read_text(path, root, problems) if path.exists() else ""
    doc = parse_yaml(text, f"content/{other}.yaml", problems) if text else None
    data = doc.data if doc is not None and isinstance(doc.data, list) else []
    return [e for e in data if isinstance(e, dict)]
