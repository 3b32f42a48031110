"""The validate stage's reuse: each seed's article, each collection entry's object and the site
settings by a content key of what they are made of (the hash of the file or entry text and its
first line, which the loader records), and the answer of the checks across collections while
what they read is the same.

Only results made without a problem are kept, so a broken entry is checked, and reported, every
time. A result taken from the cache is the very object made last time, so the next stages and
the content keys (keys.py) see at once what did not change; for the same reason the library
keeps the last one's collection tuples while they hold the same objects.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Hashable

from ..errors import Problem, Problems
from ..load import RawContent, RawSeed
from ..model import Article, Library
from ..validate import (
    Entry,
    Validated,
    collection_entries,
    cross_check,
    library_of,
    validate_entry,
    validate_seed,
    validate_seed_list,
    validate_site,
)
from ..yamldoc import YamlDoc
from .cache import StageCache

STAGE = "validate"
COLLECTIONS = ("articles", "entities", "events", "terms", "quotes", "notes")


@dataclass
class _Clean:
    """The last run without a problem (but the cross-check's warnings): what it read and made."""

    raw: RawContent
    articles: list[Article]  # one per seed, in order
    slugs: frozenset[str]
    drafts: bool  # whether any article is a draft
    parts: dict[str, list]
    library: Library
    include_drafts: bool


class ValidateReuse:
    def __init__(self, cache: StageCache) -> None:
        self.cache = cache
        self.checks: tuple[tuple, list[Problem]] | None = None  # the last clean cross-check: what it read, its warnings
        self.last: Library | None = None
        self.clean: _Clean | None = None

    def validate(self, raw: RawContent, problems: Problems, include_drafts: bool) -> Library | None:
        """validate.validate's result, reusing what it can: the results of files and entries by
        their content keys and, after a clean run, that run's seed list, collections and checks
        while the files they were made of are the very ones the loader hands over again."""
        start = len(problems.items)
        clean = self.clean if self.clean is not None and self.clean.include_drafts == include_drafts else None
        self.clean = None
        if clean is not None:
            library = self._update(raw, clean, problems, start)
            if library is not None:
                return library
            del problems.items[start:]  # (reported again below, once)
        return self._validate(raw, problems, include_drafts, start)

    def _validate(self, raw: RawContent, problems: Problems, include_drafts: bool, start: int) -> Library | None:
        site = None
        if raw.site is not None:
            site = self._made(_site_key(raw.site), problems, lambda: validate_site(raw.site, problems))
        articles = [a for a in (self._article(seed, problems) for seed in raw.seeds) if a is not None]
        parts = {name: self._collection(name, docs, problems) for name, docs in raw.collections.items()}
        validated = Validated(site, articles, parts)
        slugs, published = validate_seed_list(articles, problems)
        unit_problems = len(problems.items) - start
        self._cross_check(raw, validated, validated.cross_signature(raw, slugs), problems)
        library = None
        if not problems.errors:
            library = self.last = self._same_tuples(library_of(validated, published, include_drafts))
            if not unit_problems and len(articles) == len(raw.seeds):
                self.clean = _Clean(raw, articles, slugs, len(published) < len(articles), parts, library,
                                    include_drafts)
        if self.cache.size(STAGE) > 2 * (len(raw.seeds) + sum(map(len, parts.values()))) + 100:
            self.cache.keep(STAGE, self._keys(raw))  # the results of replaced files and entries go
        return library

    def _update(self, raw: RawContent, clean: _Clean, problems: Problems, start: int) -> Library | None:
        """The library after a clean run, from what changed since (None: validate afresh)."""
        if raw.site is not clean.raw.site or len(raw.seeds) != len(clean.raw.seeds) or raw.unreadable:
            return None
        articles = self._updated_articles(raw, clean, problems)
        if articles is None:
            return None
        parts = {name: clean.parts[name] if _same_objects(docs, clean.raw.collections[name])
                 else self._collection(name, docs, problems) for name, docs in raw.collections.items()}
        if len(problems.items) > start:
            return None
        published = articles if not clean.drafts else [a for a in articles if not a.draft]
        validated = Validated(clean.library.site, articles, parts)
        if all(parts[name] is clean.parts[name] for name in parts):
            problems.items.extend(self.checks[1] if self.checks is not None else ())
            library = replace(clean.library, articles=tuple(published))
        else:
            self._cross_check(raw, validated, validated.cross_signature(raw, clean.slugs), problems)
            if problems.errors:
                return None
            library = self._same_tuples(library_of(validated, published, clean.include_drafts))
        self.last = library
        self.clean = _Clean(raw, articles, clean.slugs, clean.drafts, parts, library, clean.include_drafts)
        return library

    def _updated_articles(self, raw: RawContent, clean: _Clean, problems: Problems) -> list[Article] | None:
        """The clean run's articles with those of the seeds that changed since; None when one has a
        problem or another slug or draft flag (the seed list must be checked again)."""
        articles = list(clean.articles)
        for index in [n for n, (old, new) in enumerate(zip(clean.raw.seeds, raw.seeds)) if old is not new]:
            article = self._article(raw.seeds[index], problems)
            if article is None or article.slug != articles[index].slug or article.draft != articles[index].draft:
                return None
            articles[index] = article
        return articles

    def _collection(self, name: str, docs: list[YamlDoc], problems: Problems) -> list:
        return [obj for entry in collection_entries(name, docs, problems)
                if (obj := self._entry(name, entry, problems)) is not None]

    def _keys(self, raw: RawContent) -> set[Hashable]:
        """The cache keys of this content's files and entries."""
        keys = {_seed_key(seed) for seed in raw.seeds}
        if raw.site is not None:
            keys.add(_site_key(raw.site))
        for name, docs in raw.collections.items():
            keys |= {_entry_key(name, entry) for entry in collection_entries(name, docs, Problems())}
        return keys

    def _made(self, key: Hashable, problems: Problems, make: Callable[[], object]):
        """The cached result of `key`, or `make()`'s (kept if it raised no problem)."""
        found = self.cache.get(STAGE, key)
        if found is not None:
            return found
        before = len(problems.items)
        made = make()
        if made is not None and len(problems.items) == before:
            self.cache.put(STAGE, key, made)
        return made

    def _article(self, seed: RawSeed, problems: Problems) -> Article | None:
        return self._made(_seed_key(seed), problems, lambda: validate_seed(seed, problems))

    def _entry(self, name: str, entry: Entry, problems: Problems):
        return self._made(_entry_key(name, entry), problems, lambda: validate_entry(name, entry, problems))

    def _cross_check(self, raw: RawContent, validated: Validated, signature: tuple, problems: Problems) -> None:
        if self.checks is not None and self.checks[0] == signature:
            problems.items.extend(self.checks[1])
            return
        before = len(problems.items)
        cross_check(raw, validated, problems)
        if not problems.errors:  # (the ids it knows count entries that failed their schema)
            self.checks = (signature, problems.items[before:])

    def _same_tuples(self, library: Library) -> Library:
        """The library, with the last one's tuple for each collection that holds the same objects."""
        last = self.last
        if last is None:
            return library
        same = {name: getattr(last, name) for name in COLLECTIONS
                if _same_objects(getattr(last, name), getattr(library, name))}
        return replace(library, **same) if same else library


def _site_key(doc: YamlDoc) -> Hashable:
    return ("site", doc.path, doc.source)


def _seed_key(seed: RawSeed) -> Hashable:
    return ("seed", seed.path, seed.source)


def _entry_key(name: str, entry: Entry) -> Hashable:
    doc = entry.doc
    # an entry the loader parsed on its own has a source of its own; else the whole file's
    source = doc.parts[entry.index].source if doc.parts else doc.source
    return ("entry", name, doc.path, entry.index, entry.number, source)


def _same_objects(old: tuple, new: tuple) -> bool:
    return old is new or len(old) == len(new) and all(a is b for a, b in zip(old, new))
