"""Collection files parsed entry by entry, reusing the entries whose text did not change: saving
one entity of a 500-entity file parses that entry, and the others keep their very objects (the
reuse layer's caches then find their results at once). Used by the preview's file cache (files.py).
"""
from __future__ import annotations

import re

from ..errors import Problems
from ..yamldoc import YamlDoc, parse_yaml, source_digest


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
    doc = YamlDoc(rel, [], source=source_digest(text))
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
