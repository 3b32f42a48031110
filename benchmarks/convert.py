#!/usr/bin/env python3
"""Convert the shared synthetic corpus (`plain/`: articles/*.md + entities.json) into an explainer project.

Usage: python benchmarks/convert.py CORPUS/plain OUT_PROJECT

Writes OUT_PROJECT/seeds/*.md (front matter + body; article links rewritten to this site's
URLs), content/site.yaml, content/entities.yaml (each entity's name as its alias), and, per
~10 articles, one timeline event and one glossary term whose sources are verbatim excerpts, so
the build does everything the real site does: linking, backlinks, cards, timeline, glossary, search.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

KINDS = {"person": "person", "place": "place", "organisation": "organization", "organization": "organization",
         "concept": "concept"}
LINK = re.compile(r"\]\((article-\d+)\.md\)")


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def front_matter(text: str) -> tuple[dict[str, str], str]:
    _, front, body = text.split("---\n", 2)
    meta = {}
    for line in front.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return meta, body


def convert(plain: Path, out: Path) -> None:
    (out / "seeds").mkdir(parents=True, exist_ok=True)
    (out / "content").mkdir(parents=True, exist_ok=True)
    entities = json.loads((plain / "entities.json").read_text(encoding="utf-8"))
    lines = []
    for e in entities:
        lines += [f"- id: {e['slug']}", f"  name: {quote(e['name'])}", f"  kind: {KINDS.get(e['kind'], 'concept')}",
                  f"  summary: {quote(e['description'][:200])}", f"  description: {quote(e['description'])}"]
    (out / "content/entities.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    events, terms = [], []
    seen_terms = {e["name"].lower() for e in entities}  # a term may not read as an entity's name
    for number, path in enumerate(sorted((plain / "articles").glob("*.md"))):
        meta, body = front_matter(path.read_text(encoding="utf-8"))
        body = LINK.sub(r"](../\1/)", body)
        slug = path.stem
        (out / "seeds" / f"{slug}.md").write_text(
            f"---\ntitle: {quote(meta.get('title', slug))}\nslug: {slug}\npublished: {quote(meta.get('date', '2020'))}\n"
            f"summary: {quote(meta.get('summary', ''))}\n---\n{body}", encoding="utf-8")
        if number % 10 == 0:
            paragraph = next(p for p in body.split("\n\n") if p.strip() and not p.startswith(("#", "-")))
            words = re.findall(r"[A-Za-z]+", paragraph.split("[")[0])
            excerpt = " ".join(paragraph.split()[:6])
            events.append([f"- id: event-{slug}", f"  date: {quote(meta.get('date', '2020')[:7])}",
                           f"  title: {quote('Event from ' + meta.get('title', slug))}", "  kind: synthetic",
                           "  sources:", f"    - seed: {slug}", f"      excerpt: {quote(excerpt)}"])
            lower_words = [w for w in words if w.islower()]
            term = " ".join(lower_words[3:5])
            if len(term) > 6 and term not in seen_terms and len(lower_words) > 5:
                seen_terms.add(term)
                terms.append([f"- id: term-{slug}", f"  term: {quote(term)}",
                              f"  definition: {quote('A synthetic term from ' + meta.get('title', slug) + '.')}"])
    (out / "content/timeline.yaml").write_text("\n".join("\n".join(e) for e in events) + "\n", encoding="utf-8")
    (out / "content/glossary.yaml").write_text("\n".join("\n".join(t) for t in terms) + "\n", encoding="utf-8")
    (out / "content/site.yaml").write_text(
        "title: Synthetic explainer hub\ndescription: Benchmark corpus.\nbase_url: https://bench.example.org/\n",
        encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
