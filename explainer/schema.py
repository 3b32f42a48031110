"""Declarative schemas, one per content kind (JSON Schema, checked with the jsonschema library).

Shapes and types live here; cross-references, dates and verbatim checks are in validate.py,
because they need the whole library at once.
"""
from __future__ import annotations

# Every pattern is anchored with \A and \Z: `$` also matches before a final newline, which let
# an id such as "old\n" through (jsonschema applies patterns with re.search). Ids are ASCII.
ID_PATTERN = r"\A[a-z0-9]+(-[a-z0-9]+)*\Z"
# A name, title or other one-line field: no control, line-separator, bidi or zero-width character
# (invisible, they make two names that look the same differ, or reorder what a reader sees).
LINE_PATTERN = "\\A[^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*\\Z"
# Longer text (descriptions, notes, excerpts): no control characters but tab and newline.
TEXT_PATTERN = "\\A[^\x00-\x08\x0b-\x1f\x7f-\x9f]*\\Z"
INVISIBLE_PATTERNS = (LINE_PATTERN, TEXT_PATTERN)
ENTITY_KINDS = ("person", "organization", "place", "program", "product", "publication", "event", "concept")
LINK_SCOPES = ("paragraph", "article", "all")

_id = {"type": "string", "pattern": ID_PATTERN, "maxLength": 80}
_text = {"type": "string", "minLength": 1, "maxLength": 20_000, "pattern": TEXT_PATTERN}
_line = {"type": "string", "minLength": 1, "maxLength": 400, "pattern": LINE_PATTERN}
_alias = {"type": "string", "maxLength": 200, "pattern": LINE_PATTERN}
_ids = {"type": "array", "items": _id, "maxItems": 500}
_url = {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": LINE_PATTERN}
_date = {"type": ["string", "integer"]}

_external_link = {
    "type": "object",
    "properties": {"title": _line, "url": _url},
    "required": ["title", "url"],
    "additionalProperties": False,
}

# A source is either a verbatim excerpt of a seed, or an external page.
_source = {
    "type": "object",
    "properties": {"seed": _id, "excerpt": _text, "title": _line, "url": _url},
    "additionalProperties": False,
}

SITE = {
    "type": "object",
    "properties": {
        "title": _line,
        "description": _text,
        "base_url": _url,
        "language": {"type": "string", "pattern": r"\A[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*\Z"},
        "publisher": _line,
        "allow_html": {"type": "boolean"},
        "linking": {
            "type": "object",
            "properties": {
                "entities": {"enum": list(LINK_SCOPES)},
                "terms": {"enum": list(LINK_SCOPES)},
                "max_per_paragraph": {"type": "integer", "minimum": 0, "maximum": 1000},
                "words_per_link": {"type": "integer", "minimum": 0, "maximum": 100000},
            },
            "additionalProperties": False,
        },
        "key_points": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "properties": {"text": _text, "sources": {"type": "array", "items": _source, "maxItems": 50}},
                "required": ["text"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["title"],
    "additionalProperties": False,
}

ENTITY = {
    "type": "object",
    "properties": {
        "id": _id,
        "name": _line,
        "sort_name": _line,
        "kind": {"enum": list(ENTITY_KINDS)},
        "aliases": {"type": "array", "items": _alias, "maxItems": 200},
        "summary": _line,
        "description": _text,
        "links": {"type": "array", "items": _external_link, "maxItems": 50},
        "related": _ids,
        "redirect_from": _ids,
        "draft": {"type": "boolean"},
    },
    "required": ["id", "name", "kind", "summary"],
    "additionalProperties": False,
}

EVENT = {
    "type": "object",
    "properties": {
        "id": _id,
        "date": _date,
        "label": _line,
        "title": _line,
        "kind": _id,
        "body": _text,
        "entities": _ids,
        "sources": {"type": "array", "items": _source, "minItems": 1, "maxItems": 50},
        "draft": {"type": "boolean"},
    },
    "required": ["id", "date", "title", "sources"],
    "additionalProperties": False,
}

TERM = {
    "type": "object",
    "properties": {
        "id": _id,
        "term": _line,
        "aliases": {"type": "array", "items": _alias, "maxItems": 200},
        "definition": _text,
        "see_also": _ids,
        "sources": {"type": "array", "items": _source, "maxItems": 50},
        "case_sensitive": {"type": "boolean"},
        "draft": {"type": "boolean"},
    },
    "required": ["id", "term", "definition"],
    "additionalProperties": False,
}

QUOTE = {
    "type": "object",
    "properties": {"id": _id, "speaker": _id, "text": _text, "seed": _id, "context": _text,
                   "draft": {"type": "boolean"}},
    "required": ["speaker", "text", "seed"],
    "additionalProperties": False,
}

NOTE = {
    "type": "object",
    "properties": {
        "id": _id,
        "seed": _id,
        "excerpt": _text,
        "note": _text,
        "entities": _ids,
        "sources": {"type": "array", "items": _source, "maxItems": 50},
        "draft": {"type": "boolean"},
    },
    "required": ["id", "seed", "excerpt", "note"],
    "additionalProperties": False,
}

SEED_FRONT = {
    "type": "object",
    "properties": {
        "title": _line,
        "title_by": _line,
        "slug": _id,
        "author": _line,
        "publication": _line,
        "published": _date,
        "url": _url,
        "summary": _text,
        "draft": {"type": "boolean"},
    },
    "additionalProperties": False,
}

COLLECTION_ITEM = {"entities": "ENTITY", "timeline": "EVENT", "glossary": "TERM", "quotes": "QUOTE", "notes": "NOTE"}
