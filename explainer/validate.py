"""Stage 2, validate: check raw content against the schemas and turn it into the typed Library.

Every problem is collected with its file:line:col; entries with errors are left out so that
later checks can still run and report what else is wrong, all at once.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Callable

import jsonschema

from . import schema
from .dates import DateError, date_hint, parse_date
from .errors import Location, Problems, did_you_mean, shown
from .load import RawContent, RawSeed, YamlDoc
from .model import (
    Article,
    Entity,
    Event,
    ExternalLink,
    KeyPoint,
    Library,
    LinkPolicy,
    Note,
    Quote,
    Site,
    SourceRef,
    Term,
)
from .urls import is_safe_url

MIN_ALIAS_LENGTH = 2
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


@dataclass
class _Context:
    problems: Problems
    include_drafts: bool
    memo: dict | None = None  # the preview server's: results of files that were not re-read


def _known_valid(item: Any, rules: str, ctx: _Context) -> bool:
    """True when this exact entry passed its schema before (the preview server re-parses a whole
    file for a one-entry edit; checking 500 unchanged entries again would dominate the rebuild)."""
    if ctx.memo is None:
        return False
    key = ("schema", rules, repr(item))
    if key in ctx.memo:
        return True
    if _validator(rules).is_valid(item):
        ctx.memo[key] = True
        return True
    return False


def _sources(doc: YamlDoc, items: list[dict], base: tuple, ctx: _Context) -> tuple[SourceRef, ...]:
    refs = []
    for index, item in enumerate(items or []):
        where = doc.where(base + (index,))
        has_seed = "seed" in item or "excerpt" in item
        has_web = "title" in item or "url" in item
        if has_seed and has_web:
            ctx.problems.error(where, "a source is either a seed excerpt or an external page, not both",
                               "split it into two sources")
            continue
        if has_seed and not ("seed" in item and "excerpt" in item):
            ctx.problems.error(where, "a seed source needs both 'seed' and 'excerpt'")
            continue
        if has_web and not ("title" in item and "url" in item):
            ctx.problems.error(where, "an external source needs both 'title' and 'url'")
            continue
        if not has_seed and not has_web:
            ctx.problems.error(where, "empty source", "give {seed, excerpt} or {title, url}")
            continue
        if has_web and not is_safe_url(item["url"], allow_relative=False):
            ctx.problems.error(doc.where(base + (index, "url")), f"unsupported URL '{item['url']}'",
                               "external sources need an http:// or https:// URL")
            continue
        refs.append(SourceRef(where, item.get("seed"), item.get("excerpt"), item.get("title"), item.get("url")))
    return tuple(refs)


def _links(doc: YamlDoc, items: list[dict], base: tuple, ctx: _Context) -> tuple[ExternalLink, ...]:
    links = []
    for index, item in enumerate(items or []):
        if not is_safe_url(item["url"], allow_relative=False):
            ctx.problems.error(doc.where(base + (index, "url")), f"unsupported URL '{item['url']}'",
                               "links need an http://, https:// or mailto: URL")
            continue
        links.append(ExternalLink(item["title"], item["url"]))
    return tuple(links)


def _date(doc: YamlDoc, value: Any, path: tuple, ctx: _Context):
    try:
        return parse_date(value)
    except DateError as exc:
        ctx.problems.error(doc.where(path), f"invalid date: {exc}", date_hint(str(value)))
        return None


def validate_site(doc: YamlDoc | None, ctx: _Context) -> Site | None:
    if doc is None:
        return None
    if doc.data is None:
        ctx.problems.error(Location(doc.path, 1, 1), "the site settings file is empty",
                           "it needs at least a title, e.g. `title: My explainer`")
        return None
    if not check_schema(doc, doc.data, (), "SITE", ctx.problems):
        return None
    data = doc.data
    if "base_url" in data and not is_safe_url(data["base_url"], allow_relative=False) and data["base_url"] != "/":
        ctx.problems.error(doc.where(("base_url",)), f"base_url must be an http(s) URL or '/', not '{data['base_url']}'")
    points = tuple(
        KeyPoint(p["text"], _sources(doc, p.get("sources", []), ("key_points", i, "sources"), ctx),
                 doc.where(("key_points", i)), doc.where(("key_points", i, "text"), key=True))
        for i, p in enumerate(data.get("key_points", []))
    )
    linking = data.get("linking", {})
    return Site(
        title=data["title"], src=doc.where(()), description=data.get("description", ""),
        base_url=_with_slash(data.get("base_url", "/")), language=data.get("language", "en"),
        publisher=data.get("publisher", ""), allow_html=data.get("allow_html", False),
        linking=LinkPolicy(**linking),
        key_points=points,
    )


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def validate_seed(seed: RawSeed, ctx: _Context) -> Article | None:
    front: dict = {}
    if seed.front is not None:
        if seed.front.data is None:
            front = {}
        elif not check_schema(seed.front, seed.front.data, (), "SEED_FRONT", ctx.problems):
            return None
        else:
            front = seed.front.data
    where = Location(seed.path, 1, 1)
    stem = seed.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = front.get("slug") or _suggest_id(stem)
    if not seed.paragraphs:
        ctx.problems.error(where, "seed has no text", "add the article's paragraphs after the front matter")
        return None
    published = None
    if "published" in front:
        published = _date(seed.front, front["published"], ("published",), ctx)
    if "url" in front and not is_safe_url(front["url"], allow_relative=False):
        ctx.problems.error(seed.front.where(("url",)), f"unsupported URL '{front['url']}'", "use an http(s) URL")
    title = front.get("title") or seed.paragraphs[0].text[:80]
    return Article(slug=slug, title=title, path=seed.path, format=seed.suffix.lstrip("."),
                   paragraphs=seed.paragraphs, src=where, author=front.get("author"),
                   publication=front.get("publication"), published=published, url=front.get("url"),
                   summary=front.get("summary"), draft=front.get("draft", False), title_by=front.get("title_by"))


def _item_positions(doc: YamlDoc, path: tuple, items: list) -> tuple[Location, ...]:
    return tuple(doc.where(path + (i,)) for i in range(len(items)))


def _entity(doc: YamlDoc, item: dict, base: tuple, ctx: _Context) -> Entity | None:
    aliases = item.get("aliases", [])
    return Entity(
        id=item["id"], name=item["name"], kind=item["kind"], summary=item["summary"], src=doc.where(base),
        aliases=tuple(aliases), description=item.get("description", ""),
        links=_links(doc, item.get("links", []), base + ("links",), ctx),
        related=tuple(item.get("related", [])), redirect_from=tuple(item.get("redirect_from", [])),
        draft=item.get("draft", False), text_src=doc.where(base + ("description",), key=True),
        sort_name=item.get("sort_name", ""),
        alias_src=tuple(doc.where(base + ("aliases", i)) for i in range(len(aliases))),
        related_src=tuple(doc.where(base + ("related", i)) for i in range(len(item.get("related", [])))),
        redirect_src=_item_positions(doc, base + ("redirect_from",), item.get("redirect_from", [])),
    )


def _event(doc: YamlDoc, item: dict, base: tuple, ctx: _Context) -> Event | None:
    date = _date(doc, item["date"], base + ("date",), ctx)
    sources = _sources(doc, item["sources"], base + ("sources",), ctx)
    if date is None:
        return None
    return Event(id=item["id"], date=date, title=item["title"], sources=sources, src=doc.where(base),
                 label=item.get("label"), kind=item.get("kind"), body=item.get("body", ""),
                 entities=tuple(item.get("entities", [])), draft=item.get("draft", False),
                 entities_src=_item_positions(doc, base + ("entities",), item.get("entities", [])),
                 text_src=doc.where(base + ("body",), key=True))


def _term(doc: YamlDoc, item: dict, base: tuple, ctx: _Context) -> Term | None:
    aliases = item.get("aliases", [])
    return Term(id=item["id"], term=item["term"], definition=item["definition"], src=doc.where(base),
                aliases=tuple(aliases), see_also=tuple(item.get("see_also", [])),
                see_also_src=_item_positions(doc, base + ("see_also",), item.get("see_also", [])),
                sources=_sources(doc, item.get("sources", []), base + ("sources",), ctx),
                case_sensitive=item.get("case_sensitive", False), draft=item.get("draft", False),
                text_src=doc.where(base + ("definition",), key=True),
                alias_src=tuple(doc.where(base + ("aliases", i)) for i in range(len(aliases))))


def _quote(doc: YamlDoc, item: dict, base: tuple, ctx: _Context, number: int) -> Quote | None:
    return Quote(id=item.get("id") or f"q{number}", speaker=item["speaker"], text=item["text"], seed=item["seed"],
                 src=doc.where(base), context=item.get("context", ""), draft=item.get("draft", False),
                 text_src=doc.where(base + ("context",), key=True))


def _note(doc: YamlDoc, item: dict, base: tuple, ctx: _Context, number: int) -> Note | None:
    return Note(id=item["id"], seed=item["seed"], excerpt=item["excerpt"], note=item["note"], src=doc.where(base),
                entities=tuple(item.get("entities", [])),
                entities_src=_item_positions(doc, base + ("entities",), item.get("entities", [])),
                sources=_sources(doc, item.get("sources", []), base + ("sources",), ctx),
                draft=item.get("draft", False), text_src=doc.where(base + ("note",), key=True))


_BUILDERS: dict[str, Callable] = {"entities": _entity, "timeline": _event, "glossary": _term}


def validate_collection(name: str, docs: list[YamlDoc], ctx: _Context) -> list:
    """Check each entry of a collection's files against its schema and build the typed objects."""
    built = []
    counter = 0
    for doc in docs:
        if doc.data is None:
            continue  # an empty file is an empty collection
        if not isinstance(doc.data, list):
            ctx.problems.error(doc.where(()), f"{doc.path} must be a list of entries, not {_type_of(doc.data)}",
                               "start each entry with '- id: ...'" if name != "quotes" else "start each entry with '- speaker: ...'")
            continue
        key = (name, doc.path, counter)  # by file (quote ids count on from earlier files)
        if ctx.memo is not None and key in ctx.memo and ctx.memo[key][0] is doc:
            built += ctx.memo[key][1]
            counter += len(doc.data)
            continue
        before, start = len(ctx.problems.items), len(built)
        for index, item in enumerate(doc.data):
            counter += 1
            # An entry the loader handed back unchanged (same object: same text, line and index in
            # this file) gives back the object built from it last time.
            entry_key = ("entry", name, doc.path, id(item), counter)
            if ctx.memo is not None and entry_key in ctx.memo and ctx.memo[entry_key][0] is item:
                built.append(ctx.memo[entry_key][1])
                continue
            item_problems = len(ctx.problems.items)
            if not _known_valid(item, schema.COLLECTION_ITEM[name], ctx) and \
                    not check_schema(doc, item, (index,), schema.COLLECTION_ITEM[name], ctx.problems):
                continue
            if name in _BUILDERS:
                obj = _BUILDERS[name](doc, item, (index,), ctx)
            elif name == "quotes":
                obj = _quote(doc, item, (index,), ctx, counter)
            else:
                obj = _note(doc, item, (index,), ctx, counter)
            if obj is not None:
                built.append(obj)
                if ctx.memo is not None and len(ctx.problems.items) == item_problems:
                    ctx.memo[entry_key] = (item, obj)
        if ctx.memo is not None and len(ctx.problems.items) == before:
            ctx.memo[key] = (doc, built[start:])
    return built


def check_unique_ids(groups: list[tuple[str, list]], problems: Problems) -> None:
    """Ids are unique within a collection; entities and terms also share one namespace for [[id]] links."""
    for label, objs in groups:
        seen: dict[str, Location] = {}
        for obj in objs:
            if obj.id in seen:
                problems.error(obj.src, f"duplicate {label} id '{obj.id}'", f"first defined at {seen[obj.id]}")
            else:
                seen[obj.id] = obj.src


def raw_ids(docs: list[YamlDoc]) -> set[str] | None:
    """Ids written in a collection's files, even in entries that failed their schema; None when a
    file is not a list at all (its ids cannot be known, so references into it are not checked)."""
    if any(doc.data is not None and not isinstance(doc.data, list) for doc in docs):
        return None
    return {item["id"] for doc in docs if isinstance(doc.data, list)
            for item in doc.data if isinstance(item, dict) and isinstance(item.get("id"), str)}


def check_references(parts: dict, known: dict[str, set[str] | None], problems: Problems) -> None:
    """Every id an entry refers to must exist. `known[x]` is None when collection x could not be read:
    then references into it are not checked, rather than reported as a cascade of false errors."""
    entities = {e.id: e for e in parts["entities"]}
    terms = {t.id: t for t in parts["glossary"]}
    for term_id in set(entities) & set(terms):
        problems.error(terms[term_id].src, f"id '{term_id}' is used by both an entity and a glossary term",
                       f"[[{term_id}]] links must be unambiguous; rename one (entity at {entities[term_id].src})")

    def need(kind: str, collection: str, ident: str, where: Location) -> None:
        table = known[collection]
        if table is not None and ident not in table:
            hint = did_you_mean(ident, table) or f"no {kind} has this id"
            problems.error(where, f"unknown {kind} '{ident}'", hint)

    def need_sources(refs) -> None:
        for ref in refs:
            if ref.is_seed:
                need("seed", "seeds", ref.seed, ref.src)

    for entity in entities.values():
        for ident, where in zip(entity.related, entity.related_src):
            need("entity", "entities", ident, where)
            if ident == entity.id:
                problems.error(where, f"entity '{entity.id}' lists itself as related", "remove it from 'related'")
    check_redirects(parts["entities"], entities, problems)
    for event in parts["timeline"]:
        for ident, where in zip(event.entities, event.entities_src or [event.src] * len(event.entities)):
            need("entity", "entities", ident, where)
        need_sources(event.sources)
    for term in terms.values():
        for ident, where in zip(term.see_also, term.see_also_src or [term.src] * len(term.see_also)):
            need("glossary term", "glossary", ident, where)
            if ident == term.id:
                problems.error(where, f"term '{term.id}' lists itself in see_also", "remove it from 'see_also'")
        need_sources(term.sources)
    for quote in parts["quotes"]:
        need("entity", "entities", quote.speaker, quote.src)
        need("seed", "seeds", quote.seed, quote.src)
    for note in parts["notes"]:
        need("seed", "seeds", note.seed, note.src)
        for ident, where in zip(note.entities, note.entities_src or [note.src] * len(note.entities)):
            need("entity", "entities", ident, where)
        need_sources(note.sources)


def check_redirects(entities: list[Entity], ids: dict[str, Entity], problems: Problems) -> None:
    """Each old id in redirect_from gets a page of its own (entities/<old>/): it must not be an
    entity's id, nor claimed twice (reported at the second claim, with where the first is)."""
    claimed: dict[str, tuple[str, Location]] = {}
    for entity in entities:
        for old, where in zip(entity.redirect_from, entity.redirect_src or [entity.src] * len(entity.redirect_from)):
            if old in ids:
                problems.error(where, f"redirect_from '{old}' is the id of an existing entity",
                               "an old id must not be in use; remove it from 'redirect_from'")
            elif old in claimed:
                owner, first = claimed[old]
                same = owner == entity.id
                problems.error(where, f"redirect_from '{old}' is listed twice for '{owner}'" if same else
                               f"redirect_from '{old}' is already claimed by '{owner}'",
                               "remove the repeat" if same else
                               f"an old id can lead to one entity only (see {first})")
            else:
                claimed[old] = (entity.id, where)


def check_aliases(entities: list[Entity], terms: list[Term], problems: Problems) -> None:
    """Aliases must be usable: not empty, not a single letter, and claimed by one entry only.

    A case-insensitive term claims every spelling of its aliases, so it collides with an entity
    alias that differs from it only in case.
    """
    exact: dict[str, tuple[str, Location]] = {}  # case-sensitive aliases
    folded: dict[str, tuple[str, Location]] = {}  # case-insensitive aliases, lower-cased
    exact_folded: dict[str, tuple[str, Location]] = {}  # case-sensitive aliases, lower-cased
    entries = ([(e, True, [(e.name, e.src, True)] + [(a, w, False) for a, w in zip(e.aliases, e.alias_src)])
                for e in entities] +
               [(t, t.case_sensitive, [(t.term, t.src, True)] + [(a, w, False) for a, w in zip(t.aliases, t.alias_src)])
                for t in terms])
    for owner, case_sensitive, forms in entries:
        own: set[str] = set()
        for form, where, is_name in forms:
            stripped = form.strip()
            if not stripped:
                problems.error(where, f"empty alias in '{owner.id}'", "remove it")
                continue
            if stripped != form:
                problems.error(where, f"alias '{form}' has spaces at its start or end", f"write '{stripped}'")
                continue
            if len(stripped) < MIN_ALIAS_LENGTH and not is_name:
                problems.error(where, f"alias '{form}' of '{owner.id}' is too short to link safely",
                               "use a longer form; only an entry's own name may be one character")
                continue
            key = form if case_sensitive else form.lower()
            if key in own:
                if not is_name and key != (forms[0][0] if case_sensitive else forms[0][0].lower()):
                    problems.error(where, f"alias '{form}' is listed twice for '{owner.id}'", "remove the repeat")
                continue  # repeating the entry's own name as an alias is harmless
            own.add(key)
            lower = form.lower()
            if case_sensitive:
                clash = (exact.get(form) if exact.get(form, (owner.id,))[0] != owner.id else None) or \
                        (folded.get(lower) if folded.get(lower, (owner.id,))[0] != owner.id else None)
            else:
                clash = (folded.get(lower) if folded.get(lower, (owner.id,))[0] != owner.id else None) or \
                        (exact_folded.get(lower) if exact_folded.get(lower, (owner.id,))[0] != owner.id else None)
            if clash:
                other, first = clash
                problems.error(where, f"alias '{form}' of '{owner.id}' is already an alias of '{other}'",
                               f"an alias can link to one entry only (see {first})")
                continue
            if case_sensitive:
                exact.setdefault(form, (owner.id, where))
                exact_folded.setdefault(lower, (owner.id, where))
            else:
                folded.setdefault(lower, (owner.id, where))


def _pruned(obj, **fields):
    """The object with some reference lists filtered, or the same object when nothing was dropped
    (the preview server recognises unchanged objects by identity)."""
    changes = {name: value for name, value in fields.items() if value != getattr(obj, name)}
    return replace(obj, **changes) if changes else obj


def drop_drafts(parts: dict) -> dict:
    """Leave out entries marked `draft: true`, and every reference to them."""
    kept = {name: [o for o in objs if not o.draft] for name, objs in parts.items()}
    entity_ids = {e.id for e in kept["entities"]}
    term_ids = {t.id for t in kept["glossary"]}
    slugs = {a.slug for a in kept["articles"]}

    def sources(refs):
        return tuple(r for r in refs if not r.is_seed or r.seed in slugs)

    kept["entities"] = [_pruned(e, related=tuple(r for r in e.related if r in entity_ids)) for e in kept["entities"]]
    kept["timeline"] = [_pruned(e, entities=tuple(i for i in e.entities if i in entity_ids), sources=sources(e.sources))
                        for e in kept["timeline"]]
    kept["glossary"] = [_pruned(t, see_also=tuple(i for i in t.see_also if i in term_ids), sources=sources(t.sources))
                        for t in kept["glossary"]]
    kept["quotes"] = [q for q in kept["quotes"] if q.speaker in entity_ids and q.seed in slugs]
    kept["notes"] = [_pruned(n, entities=tuple(i for i in n.entities if i in entity_ids))
                     for n in kept["notes"] if n.seed in slugs]
    return kept


def _seed_article(seed: RawSeed, ctx: _Context, memo: dict | None) -> Article | None:
    key = seed.path  # by file: a new version of the file replaces the old entry
    if memo is not None and key in memo and memo[key][0] is seed:
        return memo[key][1]
    before = len(ctx.problems.items)
    article = validate_seed(seed, ctx)
    if memo is not None and article is not None and len(ctx.problems.items) == before:
        memo[key] = (seed, article)
    return article


def _site(doc: YamlDoc | None, ctx: _Context, memo: dict | None) -> Site | None:
    """The site settings; the preview server reuses them while site.yaml was not re-read."""
    reused = memo.get(("site",)) if memo is not None else None
    if reused is not None and reused[0] is doc:
        return reused[1]
    before = len(ctx.problems.items)
    site = validate_site(doc, ctx)
    if memo is not None and site is not None and len(ctx.problems.items) == before:
        memo[("site",)] = (doc, site)
    return site


def _seed_articles(seeds: list[RawSeed], ctx: _Context,
                   memo: dict | None) -> tuple[list[Article], frozenset[str], list[Article]]:
    """The valid seeds' articles, their slugs (with a problem per duplicate), and the published ones.

    The preview server's `memo` keeps the last clean result: when it holds the same number of
    seeds, only the seeds that are not the very same objects are validated again, and the slug
    sets are reused while their slugs and draft flags stay the same (5,000 seeds, one edited).
    """
    last = memo.get(("seeds",)) if memo is not None else None
    if last is None or len(last[0]) != len(seeds):
        return _seed_articles_anew(seeds, ctx, memo)
    old_seeds, old_articles, old_slugs, old_published = last
    before = len(ctx.problems.items)
    articles = list(old_articles)
    same_sets = True
    for index in [i for i, (old, new) in enumerate(zip(old_seeds, seeds)) if old is not new]:
        article = _seed_article(seeds[index], ctx, memo)
        if article is None:  # a seed with an error: the full pass reports it (once)
            del ctx.problems.items[before:]
            return _seed_articles_anew(seeds, ctx, memo)
        old = articles[index]
        same_sets = same_sets and article.slug == old.slug and article.draft == old.draft
        articles[index] = article
    if not same_sets:
        del ctx.problems.items[before:]
        return _seed_articles_anew(seeds, ctx, memo)
    published = articles if old_published is old_articles else [a for a in articles if not a.draft]
    memo[("seeds",)] = (list(seeds), articles, old_slugs, published)
    return articles, old_slugs, published


def _seed_articles_anew(seeds: list[RawSeed], ctx: _Context,
                        memo: dict | None) -> tuple[list[Article], frozenset[str], list[Article]]:
    articles = []
    for seed in seeds:  # the memo lookup inline: 5,000 seeds, most of them unchanged
        hit = memo.get(seed.path) if memo is not None else None
        article = hit[1] if hit is not None and hit[0] is seed else _seed_article(seed, ctx, memo)
        if article is not None:
            articles.append(article)
    slugs = frozenset(a.slug for a in articles)
    if len(slugs) < len(articles):
        first: dict[str, str] = {}
        for article in articles:
            if article.slug in first:
                ctx.problems.error(article.src, f"duplicate seed slug '{article.slug}'",
                                   f"also used by {first[article.slug]}")
            first.setdefault(article.slug, article.path)
    published = articles if not any(a.draft for a in articles) else [a for a in articles if not a.draft]
    if memo is not None and len(articles) == len(seeds) and len(slugs) == len(articles):
        memo[("seeds",)] = (list(seeds), articles, slugs, published)
    return articles, slugs, published


def _entity_checked(entity: Entity) -> tuple:
    """What the checks across collections, and draft pruning, read of an entity."""
    return (entity.id, entity.src, entity.name, entity.aliases, entity.alias_src, entity.related, entity.related_src,
            entity.redirect_from, entity.redirect_src, entity.draft)


def _term_checked(term: Term) -> tuple:
    return (term.id, term.src, term.term, term.aliases, term.alias_src, term.case_sensitive, term.see_also,
            term.see_also_src, term.sources, term.draft)


_OUTPUTS = {"entities": "entities", "timeline": "events", "glossary": "terms", "quotes": "quotes", "notes": "notes"}


def _collections(parts: dict, articles: list[Article], include_drafts: bool, reused: tuple | None) -> dict[str, tuple]:
    """The library's collections: drafts left out (unless included), events by date, terms A-Z.

    `reused` (the last result, whose checks still hold) lends the tuple of each collection whose
    entries are all the same objects as then.
    """
    def same(a, b) -> bool:
        return a is b or len(a) == len(b) and all(x is y for x, y in zip(a, b))

    if reused is not None and all(same(parts[name], reused[2][name]) for name in _OUTPUTS if name != "entities"):
        last = reused[3]
        if same(parts["entities"], reused[2]["entities"]):
            return last
        # only entities changed, and not in anything the checks read: no reference is pruned differently
        entities = tuple(drop_drafts({**parts, "articles": articles})["entities"]) if not include_drafts \
            else tuple(parts["entities"])
        return {**last, "entities": entities}
    kept = drop_drafts({**parts, "articles": articles}) if not include_drafts else {**parts}
    fresh = {"entities": tuple(kept["entities"]),
             "events": tuple(sorted(kept["timeline"], key=lambda e: (e.date.earliest, e.date.latest, e.id))),
             "terms": tuple(sorted(kept["glossary"], key=lambda t: (t.term.casefold(), t.id))),
             "quotes": tuple(kept["quotes"]), "notes": tuple(kept["notes"])}
    if reused is not None:
        fresh = {name: last if same(value, last) else value for (name, value), last in
                 zip(fresh.items(), (reused[3][name] for name in fresh))}
    return fresh


def validate(raw: RawContent, problems: Problems, include_drafts: bool = False,
             memo: dict | None = None) -> Library | None:
    """Turn raw content into a Library, or return None when there were errors (all in `problems`).

    `memo` (kept by the preview server) reuses the Article of a seed file that was not re-read.
    """
    ctx = _Context(problems, include_drafts, memo)
    site = _site(raw.site, ctx, memo)
    articles, slugs, published = _seed_articles(raw.seeds, ctx, memo)
    parts = {name: validate_collection(name, docs, ctx) for name, docs in raw.collections.items()}
    seeds_complete = "seeds" not in raw.unreadable and len(articles) == len(raw.seeds)
    # The checks across collections read only ids, names, aliases, references and their positions:
    # their answer is the same while those are (an entity's summary was edited), and the preview
    # server then reuses it; collections whose entries are all the same objects as last time keep
    # their very tuples, so later stages see at once that they did not change.
    signature = (tuple(map(_entity_checked, parts["entities"])), tuple(map(_term_checked, parts["glossary"])),
                 tuple(id(obj) for name in ("timeline", "quotes", "notes") for obj in parts[name]),
                 slugs if seeds_complete else None, frozenset(raw.unreadable), include_drafts,
                 None if include_drafts else slugs if published is articles else frozenset(a.slug for a in published))
    reused = memo.get(("checks",)) if memo is not None else None
    if reused is not None and reused[0] == signature:
        problems.items.extend(reused[1])
        found = reused[1]
    else:
        reused = None
        before = len(problems.items)
        check_unique_ids([("entity", parts["entities"]), ("event", parts["timeline"]),
                          ("glossary term", parts["glossary"]), ("quote", parts["quotes"]), ("note", parts["notes"])],
                         problems)
        known: dict[str, set[str] | None] = {
            name: None if name in raw.unreadable else raw_ids(raw.collections[name]) for name in ("entities", "glossary")}
        known["seeds"] = set(slugs) if seeds_complete else None
        check_references(parts, known, problems)
        check_aliases(parts["entities"], parts["glossary"], problems)
        found = problems.items[before:]
    collections = None
    if not any(p.severity == "error" for p in found):
        collections = _collections(parts, articles, include_drafts, reused)
        if memo is not None and not problems.errors:  # (known ids above count entries that failed their schema)
            memo[("checks",)] = (signature, list(found), parts, collections)
    if problems.errors or site is None or collections is None:
        return None
    return Library(site=site, articles=tuple(articles if include_drafts else published), **collections)
