"""Validation of the markdown fields of content entries (descriptions, bodies, definitions,
contexts, notes, key points): every [[id]] names an entity or term, and no link is relative (a
field shows on several pages). It needs the site's markdown parser, so it runs with the link stage."""
from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from .errors import Location, Problems, did_you_mean
from .markdown import wikilink_ids
from .model import Library


def check_wikilinks(md: MarkdownIt, text: str, where: Location, known: set[str], problems: Problems,
                    block_scalar: bool = True) -> None:
    """Every [[id]] in a markdown field must name an entity or term."""
    for ident, line in wikilink_ids(md, text):
        if ident not in known:
            # `where` is the field's key; a `|` block starts on the next line, indented two more
            block = block_scalar and text.endswith("\n")
            lines = text.split("\n")
            column = lines[line].find("[[" + ident) if line < len(lines) else 0
            spot = (Location(where.path, where.line + line + 1, where.col + 2 + max(column, 0)) if block
                    else Location(where.path, where.line, where.col))
            problems.error(spot, f"unknown link target [[{ident}]]",
                           did_you_mean(ident, known) or "use the id of an entity or glossary term")


def check_field_links(md: MarkdownIt, text: str, where: Location, problems: Problems) -> None:
    """Links in content fields must not be relative: a field shows on several pages, so a relative
    link would point somewhere different on each. Root-relative paths are checked with the pages."""
    block = text.endswith("\n")
    for token in md.parse(text):
        for child in token.children or []:
            if child.type != "link_open":
                continue
            href = str(child.attrGet("href") or "")
            if urlsplit(href).scheme or href.startswith("/"):
                continue
            line = (token.map[0] if token.map else 0)
            lines = text.split("\n")
            column = lines[line].find(href) if line < len(lines) else -1
            spot = (Location(where.path, where.line + line + 1, where.col + 2 + max(column, 0)) if block
                    else Location(where.path, where.line, where.col))
            problems.error(spot, f"relative link '{href}' in a field that appears on several pages",
                           "link entities and terms with [[id]], site pages with a path from the root "
                           "(/timeline/), other sites with a full https:// URL")


def check_field(md: MarkdownIt, text: str, where: Location, known: set[str], problems: Problems) -> None:
    """The [[id]] links and the URLs of one markdown field of a collection entry."""
    if "[[" in text:
        check_wikilinks(md, text, where, known, problems)
    if "](" in text or "]:" in text or "<a" in text:
        check_field_links(md, text, where, problems)


def check_fields(md: MarkdownIt, library: Library, problems: Problems) -> None:
    """Check the markdown fields of every entry and key point."""
    known = {e.id for e in library.entities} | {t.id for t in library.terms}
    fields = ([(e.description, e.text_src or e.src) for e in library.entities] +
              [(e.body, e.text_src or e.src) for e in library.events] +
              [(t.definition, t.text_src or t.src) for t in library.terms] +
              [(q.context, q.text_src or q.src) for q in library.quotes] +
              [(n.note, n.text_src or n.src) for n in library.notes] +
              [(p.text, p.text_src or p.src) for p in library.site.key_points])
    for text, where in fields:
        check_field(md, text, where, known, problems)
