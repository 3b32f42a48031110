"""Stage 2, validate: check raw content against the schemas and turn it into the typed Library.

Every problem is collected with its file:line:col; entries with errors are left out so that
later checks can still run and report what else is wrong, all at once.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

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
from .schema_check import _suggest_id, _type_of, _validator, check_schema
from .urls import is_safe_url

__all__ = ["check_schema", "validate"]


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
