"""Content keys: a hash of every source object a page may depend on, and what an edit changed.

Every page records the source keys it was built from (`RenderedPage.deps`: "seed:<slug>",
"entity:<id>", "entity-card:<id>", "event:<id>", "template:<name>", "site", …). After a change
the new library is diffed with the old one key by key (content hashes that ignore source
positions), and a page is re-rendered when

- one of its recorded keys changed (what it showed before may be stale), or
- it is a page the changed object now appears on (`pages_touched_by`: a new mention, a new
  speaker, an event's new entities), which its old deps could not know about.

A change to site settings, to the set of ids or to any alias changes links everywhere, so it
rebuilds everything.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..errors import Location
from ..link import ArticleLinks, Linked
from ..model import Article, Library
from ..pages import PageSpec

Keys = dict[str, str]


@functools.cache
def _compared_fields(cls: type) -> tuple[str, ...] | None:
    """The fields of a content dataclass that count as its content (source positions do not)."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.endswith("src"))


def _fingerprint(value) -> object:
    """A value's content without source positions (moving an entry must not look like editing it)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is tuple or kind is list:
        return tuple(_fingerprint(v) for v in value)
    if isinstance(value, Location):
        return None
    names = _compared_fields(kind)
    if names is None:
        return value
    return tuple((name, _fingerprint(getattr(value, name))) for name in names)


def _digest(value) -> str:
    return hashlib.blake2b(repr(_fingerprint(value)).encode(), digest_size=12).hexdigest()


class _Hasher:
    """Hashes of content objects, memoised by identity (unchanged objects are the same objects
    between rebuilds, and hashing every article's paragraphs is the costly part on a large site)."""

    def __init__(self, memo: dict[int, tuple[object, object]] | None, links: Mapping[str, ArticleLinks] | None):
        self.memo = {} if memo is None else memo
        self.links = links

    def _memoised(self, obj, compute):
        entry = self.memo.get(id(obj))
        if entry is not None and entry[0] is obj:
            return entry[1]
        value = compute(obj)
        self.memo[id(obj)] = (obj, value)
        return value

    def article(self, article) -> Keys:
        whole, meta = self._memoised(article, lambda a: (_digest(a), _digest((
            a.title, a.title_by, a.summary, a.publication, a.author, a.url, a.published, len(a.paragraphs)))))
        keys = {f"seed:{article.slug}": whole, f"seed-meta:{article.slug}": meta}
        if self.links is not None and article.slug in self.links:
            keys[f"seed-mentions:{article.slug}"] = self._memoised(self.links[article.slug], lambda done: _digest(
                [(m.paragraph, m.target, m.kind, m.linked) for paragraph in done.mentions for m in paragraph]))
        return keys

    def collection(self, kind: str, items) -> Keys:
        keys: Keys = {}
        for item in items:
            if kind == "entity":
                whole, card, related, redirects = self._memoised(item, lambda e: (
                    _digest(e), _digest((e.name, e.kind, e.summary, e.sort_name)), _digest(e.related),
                    _digest(e.redirect_from)))
                keys.update({f"entity:{item.id}": whole, f"entity-card:{item.id}": card,
                             f"entity-related:{item.id}": related, f"entity-redirects:{item.id}": redirects})
            elif kind == "term":
                whole, card = self._memoised(item, lambda t: (_digest(t), _digest((t.term, t.definition))))
                keys.update({f"term:{item.id}": whole, f"term-card:{item.id}": card})
            elif kind == "quote":  # the article's margin shows who speaks where, not the context
                whole, placed = self._memoised(item, lambda q: (_digest(q), _digest((q.speaker, q.text, q.seed))))
                keys.update({f"quote:{item.id}": whole, f"quote-placed:{item.id}": placed})
            else:
                keys[f"{kind}:{item.id}"] = self._memoised(item, _digest)
        return keys


def article_digest(article: Article, memo: dict[int, tuple[object, object]]) -> str:
    """An article's content hash (its "seed:<slug>" key), memoised as content_keys memoises it."""
    return _Hasher(memo, None).article(article)[f"seed:{article.slug}"]


def _collections(library: Library) -> tuple[tuple[str, tuple], ...]:
    return (("entity", library.entities), ("term", library.terms), ("event", library.events),
            ("quote", library.quotes), ("note", library.notes))


def _ids_key(keys: Keys, library: Library) -> str:
    """One hash over every id and alias: when it changes, links change everywhere."""
    ids = sorted(k for k in keys if ":" in k and "-card:" not in k and "-related:" not in k
                 and "-redirects:" not in k and not k.startswith(("seed-meta:", "seed-mentions:")))
    aliases = [(e.id, e.name, e.aliases) for e in library.entities]
    aliases += [(t.id, t.term, t.aliases, t.case_sensitive) for t in library.terms]
    # plain strings and tuples only, so repr() is already position-free (no _fingerprint walk)
    return hashlib.blake2b(repr((ids, sorted(aliases))).encode(), digest_size=12).hexdigest()


def _names(kind: str, items) -> list[tuple]:
    """What the "ids" key hashes of an entity or a term besides its id: the words that link to it."""
    if kind == "entity":
        return [(e.name, e.aliases) for e in items]
    return [(t.term, t.aliases, t.case_sensitive) for t in items]


def content_keys(library: Library, memo: dict[int, tuple[object, object]] | None = None,
                 links: Mapping[str, ArticleLinks] | None = None) -> Keys:
    """Hash every source key of a library: what each page may depend on.

    Besides its whole text ("seed:<slug>"), an article has two narrower keys for the pages that
    list or count articles: "seed-meta:<slug>" (title, date, summary, length) and, from its
    linking result in `links`, "seed-mentions:<slug>" (which entity or term each paragraph
    mentions). Rewording a sentence changes neither, so it does not re-render the glossary, the
    map or the lists of a 5,000-article site. `memo` reuses the hashes of objects seen before.
    """
    hasher = _Hasher(memo, links)
    keys: Keys = {"site": _digest(library.site)}
    for article in library.articles:
        keys.update(hasher.article(article))
    for kind, items in _collections(library):
        keys.update(hasher.collection(kind, items))
    keys["ids"] = _ids_key(keys, library)
    return keys


@dataclass
class _Update:
    """Keys being brought up to date, and every key that was replaced or added on the way."""

    keys: Keys
    touched: set[str]

    def swap(self, stale: Iterable[str], fresh: Keys) -> None:
        for key in stale:
            self.keys.pop(key, None)
            self.touched.add(key)
        self.keys.update(fresh)
        self.touched |= fresh.keys()


def update_keys(old_library: Library, old_keys: Keys, library: Library,
                memo: dict[int, tuple[object, object]] | None = None,
                links: Mapping[str, ArticleLinks] | None = None) -> tuple[Keys, set[str]]:
    """`content_keys(library)` and the keys that changed, from the previous library's keys: only
    what is not the very same object as before is looked at again (a one-paragraph edit on a
    5,000-article site touches three keys instead of walking twenty thousand)."""
    if len(old_library.articles) != len(library.articles):
        keys = content_keys(library, memo, links)
        return keys, changed_keys(old_keys, keys)
    hasher = _Hasher(memo, links)
    update = _Update(dict(old_keys), set())
    if library.site is not old_library.site:
        update.swap((), {"site": _digest(library.site)})
    ids_may_change = False
    for old, new in zip(old_library.articles, library.articles):
        if old is not new:
            update.swap((f"seed:{old.slug}", f"seed-meta:{old.slug}", f"seed-mentions:{old.slug}"), hasher.article(new))
            ids_may_change = ids_may_change or old.slug != new.slug
    for (kind, old_items), (_, items) in zip(_collections(old_library), _collections(library)):
        if old_items is not items:
            ids_may_change = _update_collection(update, hasher, kind, old_items, items) or ids_may_change
    if ids_may_change:
        update.swap((), {"ids": _ids_key(update.keys, library)})
    return update.keys, {key for key in update.touched if old_keys.get(key) != update.keys.get(key)}


def _update_collection(update: _Update, hasher: _Hasher, kind: str, old_items: tuple, items: tuple) -> bool:
    """Update the keys of one collection's entries; returns whether its ids or names may have changed."""
    if len(old_items) == len(items):
        pairs = [(a, b) for a, b in zip(old_items, items) if a is not b]
        if not pairs:
            return False
        if all(a.id == b.id for a, b in pairs):  # edited in place: hash just those entries
            for old, new in pairs:
                update.swap(hasher.collection(kind, [old]), hasher.collection(kind, [new]))
            return kind in ("entity", "term") and any(_names(kind, [a]) != _names(kind, [b]) for a, b in pairs)
    update.swap(hasher.collection(kind, old_items), hasher.collection(kind, items))
    return [i.id for i in old_items] != [i.id for i in items] or \
        kind in ("entity", "term") and _names(kind, old_items) != _names(kind, items)


def changed_keys(old: Keys, new: Keys) -> set[str]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def pages_touched_by(changed: set[str], linked: Linked) -> set[PageSpec]:
    """Pages where a changed object appears now (their old deps cannot know about new appearances)."""
    appearances = _Appearances(linked)
    specs: set[PageSpec] = set()
    for key in changed:
        kind, _, ident = key.partition(":")
        find = appearances.by_kind.get(kind)
        if find is not None:
            specs |= find(ident)
    return specs


class _Appearances:
    """The pages each kind of changed object appears on now, by the kind of its key."""

    def __init__(self, linked: Linked) -> None:
        self.linked = linked
        self.events = {e.id: e for e in linked.library.events}
        self.quotes = {q.id: q for q in linked.library.quotes}
        self.by_kind = {"seed": lambda slug: {("article", slug)}, "seed-mentions": self.mentioned,
                        "entity": lambda ident: {("entity", ident)}, "entity-related": self.related,
                        "event": self.event, "quote": self.speaker, "quote-placed": self.quoted_beside,
                        "note": self.note}

    def mentioned(self, slug: str) -> set[PageSpec]:
        """The entities an article mentions now (those it no longer does have it in their deps)."""
        article = self.linked.articles.get(slug)
        return {("entity", m.target) for p in (article.paragraphs if article is not None else ())
                for m in self.linked.mentions.get((slug, p.index), []) if m.kind == "entity"}

    def related(self, ident: str) -> set[PageSpec]:
        return {("entity", r) for e in self.linked.library.entities if e.id == ident for r in e.related}

    def event(self, ident: str) -> set[PageSpec]:
        event = self.events.get(ident)
        if event is None:
            return set()
        return {("entity", e) for e in event.entities} | {
            ("article", a.article) for r in event.sources if (a := self.linked.source_anchor.get(r)) is not None}

    def speaker(self, ident: str) -> set[PageSpec]:
        return {("entity", self.quotes[ident].speaker)} if ident in self.quotes else set()

    def quoted_beside(self, ident: str) -> set[PageSpec]:
        """Its speaker is named beside its paragraph."""
        anchor = self.linked.quote_anchor.get(ident)
        return {("article", anchor.article)} if anchor is not None else set()

    def note(self, ident: str) -> set[PageSpec]:
        anchor = self.linked.note_anchor.get(ident)
        if anchor is None:
            return set()
        return {("article", anchor.article)} | {("entity", e) for e in self.linked.note_entities.get(ident, ())}
