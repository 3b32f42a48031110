"""Suggestions as text: YAML in the content format (one document per content file, ready to paste
after review), or JSON with everything the rules found; and `--write`, which appends the new
entries the way `build.py new` does."""
from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

from ..errors import ContentError, Location, Problem, Problems
from ..load import parse_yaml, read_text
from ..write import atomic_write
from . import Suggestions

# Characters YAML does not allow raw in a double-quoted scalar, or reads as a line break (NEL, U+2028):
# escaped (json.dumps leaves them as they are).
_NOT_PRINTABLE = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\ufeff]")


def scalar(text: str) -> str:
    """A YAML double-quoted scalar that loads back as exactly `text`."""
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def entity_entries(s: Suggestions) -> list[str]:
    entries = []
    for e in s.entities:
        if e.covered_by:
            continue
        note = f"  # {e.count} mention(s), first in ¶{e.paragraph}"
        if e.ambiguous_with:
            note += f"; may also be {', '.join(e.ambiguous_with)}"
        entries.append(f"- id: {e.id}{note}\n  name: {scalar(e.name)}\n  kind: {e.kind}\n"
                       f"  aliases: {_flow(e.aliases)}\n  summary: \"TODO: one line: the role in this story.\"\n")
    return entries


def _seed_source(slug: str, excerpt: str) -> str:
    """A `sources:` list with one verbatim excerpt of the seed, as events and terms both cite it."""
    return f"  sources:\n    - seed: {slug}\n      excerpt: {scalar(excerpt)}\n"


def event_entries(s: Suggestions) -> list[str]:
    entries = []
    for e in s.events:
        label = f"  label: {scalar(e.label)}\n" if e.label else ""
        entries.append(f"- id: {e.id}  # {scalar(e.phrase)}, ¶{e.paragraph}\n  date: \"{e.date}\"\n{label}"
                       f"  title: {scalar(e.title)}\n  entities: [{', '.join(e.entities)}]\n"
                       + _seed_source(s.article.slug, e.excerpt))
    return entries


def term_entries(s: Suggestions) -> list[str]:
    entries = []
    for t in s.terms:
        if t.covered_by:
            continue
        source = _seed_source(s.article.slug, t.excerpt) if t.excerpt else ""
        entries.append(f"- id: {t.id}  # {t.reason}, {t.count} use(s), first in ¶{t.paragraph}\n"
                       f"  term: {scalar(t.term)}\n  aliases: {_flow(t.aliases)}\n"
                       f"  definition: \"TODO: one to three plain sentences.\"\n{source}")
    return entries


def quote_entries(s: Suggestions) -> list[str]:
    entries = []
    for q in s.quotes:
        if q.covered:
            continue
        speaker = q.speaker or "TODO"
        note = f"  # ¶{q.paragraph}" + (f"; said by {scalar(q.speaker_words)}" if q.speaker_words else
                                         "; no attribution found: name the speaker")
        entries.append(f"- speaker: {speaker}{note}\n  text: {scalar(q.text)}\n  seed: {s.article.slug}\n")
    return entries


def _undated_comment(u) -> str:
    if u.date is None:
        return (f"undated: {scalar(u.phrase)} in ¶{u.paragraph} (set `published` in the seed's front matter to "
                f"resolve it): {scalar(u.excerpt)}")
    return (f"needs a date: ¶{u.paragraph}, the text says only {u.phrase} ({u.date}); "
            f"entities: [{', '.join(u.entities)}]: {scalar(u.excerpt)}")


def to_yaml(s: Suggestions) -> str:
    parts = [f"# Suggestions for {s.article.path} (seed '{s.article.slug}'). Review every entry before pasting;\n"
             "# each document below goes at the end of the file it names. Nothing was written.\n"]

    def document(path: str, entries: list[str], comments: list[str] = (), after: list[str] = ()) -> None:
        parts.append(f"--- # {path}\n")
        parts.extend(f"# {c}\n" for c in comments)
        parts.append("\n".join(entries) if entries else "[]\n")
        parts.extend(f"# {c}\n" for c in after)  # ranked below the entries

    covered = [f"{e.covered_by} ({e.name}): add aliases {_flow(e.missing_aliases)}" for e in s.entities
               if e.covered_by and e.missing_aliases]
    covered += [f"{e.covered_by} ({e.name}): covered" for e in s.entities if e.covered_by and not e.missing_aliases]
    document("content/entities.yaml", entity_entries(s), ["already curated: " + c for c in covered])
    document("content/timeline.yaml", event_entries(s), after=[_undated_comment(u) for u in s.undated])
    document("content/glossary.yaml", term_entries(s),
             [f"already curated: {t.covered_by} ({t.term})" for t in s.terms if t.covered_by])
    document("content/quotes.yaml", quote_entries(s))
    if s.drift:
        parts.append("--- # drift: curated text that no longer matches the seed word for word\n")
        for d in s.drift:
            parts.append(f"- where: {scalar(str(d.where))}\n  what: {scalar(d.what)}\n  excerpt: {scalar(d.excerpt)}\n"
                         f"  hint: {scalar(d.hint)}\n")
            if d.nearest is not None:
                parts.append(f"  nearest: {{paragraph: {d.paragraph}, score: {d.score}, text: {scalar(d.nearest)}}}\n")
    return "".join(parts)


def to_json(s: Suggestions) -> str:
    data = {"seed": s.article.slug, "path": s.article.path}
    for name in ("entities", "events", "undated", "terms", "quotes"):
        data[name] = [asdict(item) for item in getattr(s, name)]
    data["drift"] = [{**asdict(d), "where": str(d.where)} for d in s.drift]
    return json.dumps(data, ensure_ascii=False, indent=2)


def write(root: Path, s: Suggestions) -> dict[str, int]:
    """Append the new entities, events, terms and quotes to their content files (every existing
    byte kept; each result parsed before it replaces its file); refuse ids that exist."""
    plans = {"entities": entity_entries(s), "timeline": event_entries(s), "glossary": term_entries(s),
             "quotes": quote_entries(s)}
    texts: dict[Path, str] = {}
    problems = Problems()
    for name, entries in plans.items():
        if not entries:
            continue
        rel, path = f"content/{name}.yaml", root / "content" / f"{name}.yaml"
        text = (read_text(path, root, problems) or "") if path.exists() else ""
        doc = parse_yaml(text, rel, problems) if text.strip() else None
        problems.raise_if_errors()
        existing = doc.data if doc is not None and doc.data is not None else []
        if not isinstance(existing, list):
            raise ContentError([Problem(Location(rel, 1, 1), f"{rel} is not a list of entries; cannot append")])
        ids = {e.get("id") for e in existing if isinstance(e, dict)}
        clash = [m.group(1) for m in (re.match(r"- id: (\S+)", entry) for entry in entries) if m and m.group(1) in ids]
        if clash:
            raise ContentError([Problem(Location(rel), f"id '{clash[0]}' already exists in {rel}",
                                        "run suggest again: it picks ids that are free")])
        if text and not text.endswith("\n"):
            text += "\n"
        new_text = text + ("\n" if text.strip() else "") + "\n".join(entries)
        check = parse_yaml(new_text, rel, problems)
        if problems.errors or check is None or len(check.data or []) != len(existing) + len(entries):
            raise ContentError([Problem(Location(rel), f"cannot append safely to {rel}: its last entry is not in "
                                        "block style", "paste the entries by hand")])
        texts[path] = new_text
    for path, new_text in texts.items():
        atomic_write(path, new_text.encode("utf-8"))
    return {name: len(entries) for name, entries in plans.items()}
