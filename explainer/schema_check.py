"""Checking one value against its JSON Schema (part of the validate stage), each error reported
at its own position, in words an author understands, with a did-you-mean where one helps."""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import jsonschema

from . import schema
from .errors import Problems, did_you_mean, shown
from .yamldoc import YamlDoc

_TYPE_NAMES = {"string": "text", "integer": "a whole number", "boolean": "true or false", "array": "a list",
               "object": "a mapping of keys to values", "null": "empty", "number": "a number"}


def _type_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


@functools.lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.Draft202012Validator:
    """Compile each schema once per process (compiling costs far more than checking one entry)."""
    return jsonschema.Draft202012Validator(getattr(schema, name))


def check_schema(doc: YamlDoc, data: Any, base: tuple, rules: str, problems: Problems) -> bool:
    """Validate one value against the named schema; report each error at its own position. True if clean."""
    validator = _validator(rules)
    if validator.is_valid(data):
        return True
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        _report_schema_error(doc, error, base + tuple(error.absolute_path), problems)
    return False


def _report_schema_error(doc: YamlDoc, error: jsonschema.ValidationError, path: tuple, problems: Problems) -> None:
    """Report one schema error at the value (or, for an unknown key, at the key) it is about."""
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for extra in sorted(set(error.instance) - set(allowed)):
            hint = did_you_mean(extra, allowed) or f"allowed keys: {', '.join(allowed)}"
            problems.error(doc.where(path + (extra,), key=True), f"unknown key {shown(extra)}", hint)
        return
    problems.error(doc.where(path), *_schema_message(error))


def _schema_message(error: jsonschema.ValidationError) -> tuple[str, str]:
    """The message and hint for one schema error, in the author's terms."""
    field = next((str(p) for p in reversed(error.absolute_path) if isinstance(p, str)), "")
    name = f"'{field}'" if field else "value"
    kind, wanted = error.validator, error.validator_value
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        key = missing.group(1) if missing else "?"
        return f"missing required key '{key}'", _required_hint(key)
    if kind == "type":
        expected = wanted if isinstance(wanted, list) else [wanted]
        hint = "a list is written as lines starting with '- ' or as [a, b]" if "array" in expected else ""
        types = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
        return f"{name} must be {types}, not {_type_of(error.instance)}", hint
    if kind == "pattern":
        return _pattern_message(name, error.instance, wanted)
    if kind == "enum":
        choices = [str(c) for c in wanted]
        return (f"unknown {field or 'value'} {shown(error.instance)}",
                did_you_mean(error.instance, choices) or f"choose one of: {', '.join(choices)}")
    if kind == "minLength":
        return f"{name} must not be empty", ""
    if kind == "maxLength":
        return f"{name} is too long ({len(error.instance):,} characters, at most {wanted:,})", ""
    if kind in ("maxItems", "minItems"):
        bound = "at most" if kind == "maxItems" else "at least"
        return f"{name} must have {bound} {wanted} items, found {len(error.instance)}", ""
    return f"{name}: {error.message}", ""


def _pattern_message(name: str, value: str, pattern: str) -> tuple[str, str]:
    """The message and hint for a value that does not have the form its field asks for."""
    if pattern == schema.ID_PATTERN:
        return (f"{shown(value)} is not a valid id",
                f"ids are lowercase words joined by hyphens, such as '{_suggest_id(value)}'")
    if pattern in schema.INVISIBLE_PATTERNS:
        return _invisible(name, value, pattern)
    return f"{name} has an unexpected form: {shown(value)}", ""


def _invisible(name: str, value: str, pattern: str) -> tuple[str, str]:
    """The message and hint for a character a field must not hold: which one, and where in the value."""
    at = next(i for i, char in enumerate(value) if not re.fullmatch(pattern, char))
    char = value[at]
    kind = "a control character" if unicodedata.category(char) == "Cc" else "an invisible character"
    label = f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")
    return (f"{name} holds {kind} ({label}) at character {at + 1}",
            "delete it: it cannot be seen in an editor, yet it changes how the text reads or matches")


def _required_hint(key: str) -> str:
    return {"id": "every entry needs a unique id such as 'elon-musk'",
            "sources": "cite a seed excerpt ({seed, excerpt}) or an external page ({title, url})"}.get(key, "")


def _suggest_id(value: Any) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    return text or "my-id"
