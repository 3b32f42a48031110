"""Stage 2, validate: check raw content against the schemas and turn it into the typed Library.

Every problem is collected with its file:line:col; entries with errors are left out so that
later checks can still run and report what else is wrong, all at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from .crosscheck import check_aliases, check_references, check_unique_ids, drop_drafts, raw_ids
from . import schema
from .dates import DateError, date_hint, parse_date
from .errors import Location, Problems
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
from .schema_check import _suggest_id, _type_of, check_schema
from .urls import is_safe_url

__all__ = ["check_schema", "validate"]


@dataclass
class _Context:
    problems: Problems


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


def validate_site(doc: YamlDoc | None, problems: Problems) -> Site | None:
    ctx = _Context(problems)
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


def validate_seed(seed: RawSeed, problems: Problems) -> Article | None:
    ctx = _Context(problems)
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


class Entry(NamedTuple):
    """One entry of a collection file: the file, its index there, and its number in the collection
    (quotes without an id are numbered on from earlier files)."""

    doc: YamlDoc
    index: int
    number: int


def collection_entries(name: str, docs: list[YamlDoc], problems: Problems) -> list[Entry]:
    """The entries of a collection's files, in order; a file that is not a list is a problem."""
    entries = []
    for doc in docs:
        if doc.data is None:
            continue  # an empty file is an empty collection
        if not isinstance(doc.data, list):
            problems.error(doc.where(()), f"{doc.path} must be a list of entries, not {_type_of(doc.data)}",
                           "start each entry with '- id: ...'" if name != "quotes" else "start each entry with '- speaker: ...'")
            continue
        entries += [Entry(doc, index, len(entries) + index + 1) for index in range(len(doc.data))]
    return entries


def validate_entry(name: str, entry: Entry, problems: Problems):
    """Check one collection entry against its schema and build its typed object (None if it has errors)."""
    doc, index, item, ctx = entry.doc, entry.index, entry.doc.data[entry.index], _Context(problems)
    if not check_schema(doc, item, (index,), schema.COLLECTION_ITEM[name], problems):
        return None
    if name in _BUILDERS:
        return _BUILDERS[name](doc, item, (index,), ctx)
    if name == "quotes":
        return _quote(doc, item, (index,), ctx, entry.number)
    return _note(doc, item, (index,), ctx, entry.number)


def validate_seed_list(articles: list[Article], problems: Problems) -> tuple[frozenset[str], list[Article]]:
    """The seeds' slugs (a problem per duplicate), and the published articles."""
    slugs = frozenset(a.slug for a in articles)
    if len(slugs) < len(articles):
        first: dict[str, str] = {}
        for article in articles:
            if article.slug in first:
                problems.error(article.src, f"duplicate seed slug '{article.slug}'", f"also used by {first[article.slug]}")
            first.setdefault(article.slug, article.path)
    published = articles if not any(a.draft for a in articles) else [a for a in articles if not a.draft]
    return slugs, published


def _entity_checked(entity: Entity) -> tuple:
    """What the checks across collections, and draft pruning, read of an entity."""
    return (entity.id, entity.src, entity.name, entity.aliases, entity.alias_src, entity.related, entity.related_src,
            entity.redirect_from, entity.redirect_src, entity.draft)


def _term_checked(term: Term) -> tuple:
    return (term.id, term.src, term.term, term.aliases, term.alias_src, term.case_sensitive, term.see_also,
            term.see_also_src, term.sources, term.draft)


@dataclass(frozen=True)
class Validated:
    """Each part of the content validated on its own: the site settings, the seeds' articles and
    each collection's objects (entries with errors left out)."""

    site: Site | None
    articles: list[Article]
    parts: dict[str, list]  # by collection name: entities, timeline, glossary, quotes, notes

    def cross_signature(self, raw: RawContent, slugs: frozenset[str]) -> tuple:
        """All that the checks across collections read (`slugs`: the articles'): while it is the
        same, so are their problems."""
        complete = "seeds" not in raw.unreadable and len(self.articles) == len(raw.seeds)
        return (tuple(map(_entity_checked, self.parts["entities"])), tuple(map(_term_checked, self.parts["glossary"])),
                tuple(obj for name in ("timeline", "quotes", "notes") for obj in self.parts[name]),
                slugs if complete else None, frozenset(raw.unreadable))


def cross_check(raw: RawContent, validated: Validated, problems: Problems) -> None:
    """The checks across collections: unique ids, references (a collection that could not be read
    is not checked against, so one mistake does not cascade), aliases."""
    parts, slugs = validated.parts, frozenset(a.slug for a in validated.articles)
    seeds_complete = "seeds" not in raw.unreadable and len(validated.articles) == len(raw.seeds)
    check_unique_ids([("entity", parts["entities"]), ("event", parts["timeline"]), ("glossary term", parts["glossary"]),
                      ("quote", parts["quotes"]), ("note", parts["notes"])], problems)
    known: dict[str, set[str] | None] = {
        name: None if name in raw.unreadable else raw_ids(raw.collections[name]) for name in ("entities", "glossary")}
    known["seeds"] = set(slugs) if seeds_complete else None
    check_references(parts, known, problems)
    check_aliases(parts["entities"], parts["glossary"], problems)


def library_of(validated: Validated, published: list[Article], include_drafts: bool) -> Library:
    """The Library of content without errors: drafts left out (unless included), events by date,
    terms A-Z."""
    parts, articles = validated.parts, validated.articles
    kept = drop_drafts({**parts, "articles": articles}) if not include_drafts else {**parts}
    return Library(site=validated.site, articles=tuple(articles if include_drafts else published),
                   entities=tuple(kept["entities"]),
                   events=tuple(sorted(kept["timeline"], key=lambda e: (e.date.earliest, e.date.latest, e.id))),
                   terms=tuple(sorted(kept["glossary"], key=lambda t: (t.term.casefold(), t.id))),
                   quotes=tuple(kept["quotes"]), notes=tuple(kept["notes"]))


def validate_parts(raw: RawContent, problems: Problems) -> Validated:
    """Validate each file and entry on its own (the per-unit step)."""
    site = validate_site(raw.site, problems)
    articles = [a for a in (validate_seed(seed, problems) for seed in raw.seeds) if a is not None]
    parts = {name: [obj for entry in collection_entries(name, docs, problems)
                    if (obj := validate_entry(name, entry, problems)) is not None]
             for name, docs in raw.collections.items()}
    return Validated(site, articles, parts)


def validate(raw: RawContent, problems: Problems, include_drafts: bool = False) -> Library | None:
    """Turn raw content into a Library, or return None when there were errors (all in `problems`)."""
    validated = validate_parts(raw, problems)
    _slugs, published = validate_seed_list(validated.articles, problems)
    cross_check(raw, validated, problems)
    return library_of(validated, published, include_drafts) if not problems.errors else None
