"""Incremental rebuilds for the preview server: re-render only the pages a change affects.

All the dependency bookkeeping is here. Every page records the source keys it was built from
(`RenderedPage.deps`: "seed:<slug>", "entity:<id>", "entity-card:<id>", "event:<id>",
"template:<name>", "site", …). After a change the new library is diffed with the old one key by
key (content hashes that ignore source positions), and a page is re-rendered when

- one of its recorded keys changed (what it showed before may be stale), or
- it is a page the changed object now appears on (`pages_touched_by`: a new mention, a new
  speaker, an event's new entities), which its old deps could not know about.

A change to site settings, to the set of ids or to any alias changes links everywhere, so it
rebuilds everything. The test suite proves each kind of edit against a clean build, byte for byte.
"""
from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Mapping

import jinja2
from selectolax.lexbor import LexborHTMLParser

from .assets import collect_assets
from .check import check_scanned
from .errors import ContentError, Location, Problems
from .link import ArticleLinks, Linked, link
from .load import FileCache
from .markdown import make_markdown
from .model import Library
from .pages import PageBuilder, PageSpec, Urls, page_specs
from .pipeline import BuildOptions, load_library
from .render import RenderedPage, Renderer, make_environment, precompile, render_all
from .search import SearchRecord, build_index, search_record
from .write import safe_relative, write_site

Keys = dict[str, str]
# A rebuild renders in this process unless it has at least this many pages. Forking a process
# that holds a large site costs tens of milliseconds, and afterwards every memory page it shared
# with its workers faults on its next write. At 5,000 articles a 332-page rebuild (an entity's
# summary: article pages) was no faster forked (1.0-1.2 s either way), and the next save's page
# then took 8-15 ms longer to appear; a 500-page one (a template: entity pages) took 4 s forked
# and 6.5 s in-process.
REBUILD_FORK_MIN_PAGES = 400
KEPT_PLANS = 8  # the pages in view keep their plans (contexts) while only templates change
REINDEX_AFTER_SECONDS = 3.0  # search index refresh waits for a pause in saving


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
                whole, card, related = self._memoised(item, lambda e: (
                    _digest(e), _digest((e.name, e.kind, e.summary, e.sort_name)), _digest(e.related)))
                keys.update({f"entity:{item.id}": whole, f"entity-card:{item.id}": card,
                             f"entity-related:{item.id}": related})
            elif kind == "term":
                whole, card = self._memoised(item, lambda t: (_digest(t), _digest((t.term, t.definition))))
                keys.update({f"term:{item.id}": whole, f"term-card:{item.id}": card})
            elif kind == "quote":  # the article's margin shows who speaks where, not the context
                whole, placed = self._memoised(item, lambda q: (_digest(q), _digest((q.speaker, q.text, q.seed))))
                keys.update({f"quote:{item.id}": whole, f"quote-placed:{item.id}": placed})
            else:
                keys[f"{kind}:{item.id}"] = self._memoised(item, _digest)
        return keys


def _collections(library: Library) -> tuple[tuple[str, tuple], ...]:
    return (("entity", library.entities), ("term", library.terms), ("event", library.events),
            ("quote", library.quotes), ("note", library.notes))


def _ids_key(keys: Keys, library: Library) -> str:
    """One hash over every id and alias: when it changes, links change everywhere."""
    ids = sorted(k for k in keys if ":" in k and "-card:" not in k and "-related:" not in k
                 and not k.startswith(("seed-meta:", "seed-mentions:")))
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
    keys = dict(old_keys)
    touched: set[str] = set()
    if library.site is not old_library.site:
        keys["site"] = _digest(library.site)
        touched.add("site")
    for old, new in zip(old_library.articles, library.articles):
        if old is new:
            continue
        for key in (f"seed:{old.slug}", f"seed-meta:{old.slug}", f"seed-mentions:{old.slug}"):
            keys.pop(key, None)
            touched.add(key)
        fresh = hasher.article(new)
        keys.update(fresh)
        touched |= fresh.keys()
    ids_may_change = any(old.slug != new.slug for old, new in zip(old_library.articles, library.articles)
                         if old is not new)
    for (kind, old_items), (_, items) in zip(_collections(old_library), _collections(library)):
        if old_items is items:
            continue
        if len(old_items) == len(items):
            pairs = [(a, b) for a, b in zip(old_items, items) if a is not b]
            if not pairs:
                continue
            if all(a.id == b.id for a, b in pairs):  # edited in place: hash just those entries
                for old, new in pairs:
                    for key in hasher.collection(kind, [old]):
                        keys.pop(key, None)
                        touched.add(key)
                    fresh = hasher.collection(kind, [new])
                    keys.update(fresh)
                    touched |= fresh.keys()
                    ids_may_change = ids_may_change or kind in ("entity", "term") and \
                        _names(kind, [old]) != _names(kind, [new])
                continue
        for key in hasher.collection(kind, old_items):
            keys.pop(key, None)
            touched.add(key)
        fresh = hasher.collection(kind, items)
        keys.update(fresh)
        touched |= fresh.keys()
        ids_may_change = ids_may_change or [i.id for i in old_items] != [i.id for i in items] or \
            kind in ("entity", "term") and _names(kind, old_items) != _names(kind, items)
    if ids_may_change:
        keys["ids"] = _ids_key(keys, library)
        touched.add("ids")
    return keys, {key for key in touched if old_keys.get(key) != keys.get(key)}


def changed_keys(old: Keys, new: Keys) -> set[str]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def pages_touched_by(changed: set[str], linked: Linked) -> set[PageSpec]:
    """Pages where a changed object appears now (their old deps cannot know about new appearances)."""
    specs: set[PageSpec] = set()
    library = linked.library
    events = {e.id: e for e in library.events}
    quotes = {q.id: q for q in library.quotes}
    for key in changed:
        kind, _, ident = key.partition(":")
        if kind == "seed":
            specs.add(("article", ident))
        elif kind == "seed-mentions":  # the entities it mentions now (those it no longer does have it in their deps)
            article = linked.articles.get(ident)
            specs |= {("entity", m.target) for p in (article.paragraphs if article is not None else ())
                      for m in linked.mentions.get((ident, p.index), []) if m.kind == "entity"}
        elif kind == "entity":
            specs.add(("entity", ident))
        elif kind == "entity-related":
            specs |= {("entity", r) for e in library.entities if e.id == ident for r in e.related}
        elif kind == "event" and ident in events:
            specs |= {("entity", e) for e in events[ident].entities}
            specs |= {("article", a.article) for r in events[ident].sources
                      if (a := linked.source_anchor.get(r)) is not None}
        elif kind == "quote" and ident in quotes:
            specs.add(("entity", quotes[ident].speaker))
        elif kind == "quote-placed" and ident in linked.quote_anchor:  # its speaker, beside its paragraph
            specs.add(("article", linked.quote_anchor[ident].article))
        elif kind == "note" and ident in linked.note_anchor:
            specs.add(("article", linked.note_anchor[ident].article))
            specs |= {("entity", e) for e in linked.note_entities.get(ident, ())}
    return specs


_TEMPLATE_TAG = re.compile(r"\{%[-+]?\s*(?:extends|include|import|from)\s(.*?)[-+]?%\}", re.S)
_STRING = re.compile(r"""(["'])(.*?)\1""")


def referenced_templates(source: str) -> set[str]:
    """The templates a template extends, includes or imports by name (what Jinja's
    `meta.find_referenced_templates` finds, without parsing the whole template: a scan of its
    tags for string literals; names computed at run time are ignored, as Jinja's function does)."""
    names = set()
    for tag in _TEMPLATE_TAG.finditer(source):
        expression = tag.group(1).split(" import ", 1)[0]
        names |= {match.group(2) for match in _STRING.finditer(expression)}
    return names


def template_keys(env, names: set[str], memo: dict[str, tuple[str, set[str]]] | None = None) -> set[str]:
    """`template:<name>` for changed templates and every template that extends, includes or imports them.

    `memo` keeps each template's references by its source, so only edited templates are scanned.
    """
    memo = {} if memo is None else memo
    graph: dict[str, set[str]] = {}
    for name in env.list_templates():
        try:
            source = env.loader.get_source(env, name)[0]
        except jinja2.TemplateNotFound:  # refused by the file gate: reported when a page uses it
            continue
        if name not in memo or memo[name][0] != source:
            memo[name] = (source, referenced_templates(source))
        graph[name] = memo[name][1]
    affected = set(names)
    grew = True
    while grew:
        grew = False
        for name, refs in graph.items():
            if name not in affected and refs & affected:
                affected.add(name)
                grew = True
    return {f"template:{name}" for name in affected}


@dataclass
class Report:
    """What one rebuild did, for the one-line log and the tests."""

    rendered: int
    removed: int
    outputs: tuple[str, ...]  # the files re-rendered
    total: int
    milliseconds: float
    full: bool
    first_milliseconds: float = 0.0  # until the first batch (the pages being looked at) was on disk
    first_outputs: tuple[str, ...] = ()


class Session:
    """A live build: the last good library and pages in memory, updated on each change."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.pages: dict[PageSpec, RenderedPage] = {}
        self.keys: Keys = {}
        self.assets: dict[str, bytes] = {}
        self.asset_names: dict[str, str] = {}
        self.scans: dict = {}  # the link check's view of the last good site: each page's ids and links
        self.outputs: dict = {}  # every output file of the last good site
        self.resolved_links: dict = {}  # the link check's answers, valid while the output files are the same
        self.env = None
        self.link_cache: dict = {}  # per-article linking, valid while aliases and policy stay the same
        self.linked: Linked | None = None  # the last loaded library's indexes (the next rebuild updates them)
        self.file_cache = FileCache()  # parsed files, by modification time
        self.seed_memo: dict = {}  # validated articles and collection files, by parsed file
        self.digest_memo: dict = {}  # article hashes, by article
        self.card_memo: dict = {}  # preview-card text of glossary definitions, by definition
        self.anchor_memo: dict = {}  # where each excerpt sits, by article object and excerpt
        self._unapplied: set[Path] = set()  # paths of failed rebuilds, applied with the next one
        self.library: Library | None = None  # the last good build's library (`keys` are its keys)
        self.builder: PageBuilder | None = None  # its page builder, while its link indexes are intact
        self.template_refs: dict = {}  # which templates each template extends, includes or imports
        self.specs: list[PageSpec] = []  # every page of the last good build, in order
        self.spec_index: dict[PageSpec, int] = {}
        self.specs_order: dict[str, int] | None = None  # the article order `specs` were made from
        # per source key, the pages that depend on it (entries go stale when a page's deps change:
        # a lookup checks the page's current deps; the index is rebuilt by the next full build)
        self.dependants: dict[str, list[PageSpec]] = {}
        self._dependants_added = 0
        self.search_files: dict[str, bytes] = {}  # the search index as last written
        self.search_records: dict[PageSpec, tuple[bytes, SearchRecord | None]] = {}  # per page: made from these bytes
        self._state_lock = threading.RLock()  # held while a build changes the pages; the re-indexer reads them
        # clear while a build runs: the re-indexer then waits at its next checkpoint, so it never
        # holds the interpreter while a save is being turned into a page
        self._idle = threading.Event()
        self._idle.set()
        self._rebuild_expected_until = 0.0  # a save was seen: the rebuild is about to start
        self._search_lock = threading.Lock()
        self._reindex_timer: threading.Timer | None = None

    # --- the stages, kept in memory -----------------------------------------------------------
    def _prepare(self, incremental: bool):
        previous_builder, self.builder = self.builder, None  # its link indexes are about to be taken over
        problems = Problems()
        library = load_library(self.options, problems, self.file_cache, self.seed_memo)
        md = make_markdown(allow_html=library.site.allow_html)
        previous, self.linked = self.linked, None  # link() takes over its indexes
        linked = link(library, md, problems, jobs=self.options.jobs, cache=self.link_cache,
                      previous=previous if incremental else None, anchors=self.anchor_memo)
        # kept even if the content has errors: its indexes match the library just loaded, which
        # is what the next rebuild compares with
        self.linked = linked
        problems.raise_if_errors()
        urls = Urls(library.site.base_url)
        builder = PageBuilder(linked, urls, md, previous=previous_builder if incremental else None)
        return library, linked, builder, urls

    def _environment(self):
        if self.env is None:
            self.env = make_environment(self.options.templates, auto_reload=True)
        return self.env

    def _renderer(self, library: Library, urls: Urls, builder: PageBuilder, search: bool = False) -> Renderer:
        """A renderer for this build's pages; with `search`, each page gets its search record too
        (rebuilds leave that to the re-indexer, off the save-to-page path)."""
        return Renderer(self._environment(), library.site, urls, self.asset_names, builder.cards(self.card_memo),
                        search=search)

    def _check(self, scans: dict, outputs: dict, urls: Urls, only: set[str] | None = None) -> None:
        broken = check_scanned(scans, outputs, urls.prefix, only=only, resolved=self.resolved_links)
        if broken:
            raise ContentError(broken)

    def _link_tables(self, pages: dict[PageSpec, RenderedPage]) -> tuple[dict, dict]:
        """What the link check looks pages up in: each page's scan, and every output file."""
        outputs = {p.output: b"" for p in pages.values()} | {name: b"" for name in self.assets}
        return {p.output: p.scan for p in pages.values() if p.scan is not None}, outputs

    def files(self) -> dict[str, bytes]:
        return {**self.assets, **{p.output: p.data for p in self.pages.values()}}

    def precompile(self, paths: Collection[Path]) -> None:
        """Compile saved templates ahead of the rebuild (called from the file watcher's thread the
        moment a save is seen, while the rebuild still waits for the saves to settle)."""
        self._rebuild_expected_until = time.monotonic() + 0.5  # the re-indexer stands still meanwhile
        templates = self.options.templates.resolve()
        for path in paths:
            try:
                name = Path(path).resolve().relative_to(templates).as_posix()
            except ValueError:
                continue
            precompile(self._environment(), name)

    # --- full and incremental builds -------------------------------------------------------------
    def build_all(self) -> Report:
        """Build everything into the output folder (atomically) and remember it."""
        self._idle.clear()
        try:
            with self._state_lock:
                return self._build_all()
        finally:
            self._idle.set()

    def _build_all(self) -> Report:
        started = time.perf_counter()
        gc.unfreeze()  # let the collector see the previous build's objects again
        gc.enable()  # a rebuild that turned into a full build collects as it goes
        self.link_cache.clear()  # aliases or the link policy may have changed
        self.card_memo.clear()
        self.file_cache.distrust()  # a full build checks every file, not just the reported ones
        self.assets, self.asset_names = collect_assets(self.options.static, fingerprint=self.options.fingerprint)
        library, linked, builder, urls = self._prepare(incremental=False)
        renderer = self._renderer(library, urls, builder, search=self.options.search)
        specs = page_specs(library)
        pages = dict(zip(specs, render_all(builder, renderer, specs, self.options.jobs)))
        scans, outputs = self._link_tables(pages)
        self.resolved_links = {}
        self._check(scans, outputs, urls)
        self.pages, self.keys, self.linked = pages, content_keys(library, self.digest_memo, self.link_cache), linked
        self.scans, self.outputs = scans, outputs
        self.library, self.builder = library, builder
        self._set_specs(specs)
        self._index_dependants()
        # A large site keeps millions of objects in memory; without this, an occasional full
        # collection walks all of them in the middle of a rebuild (0.4-1 s at 5,000 articles).
        # Frozen objects are still freed when no longer referenced; only cycles wait for the next
        # full build's unfreeze.
        gc.collect()
        gc.freeze()
        self.search_files = self._search_index() if self.options.search else {}
        write_site(self.options.out, {**self.files(), **self.search_files})
        total_ms = (time.perf_counter() - started) * 1000
        outputs = tuple(sorted(p.output for p in pages.values()))
        return Report(len(pages), 0, outputs, len(pages), total_ms, True, total_ms, outputs)

    def rebuild(self, changed_paths: set[Path], viewing: Collection[str] = (),
                on_first_write: Callable[[tuple[str, ...]], None] | None = None) -> Report:
        """Apply a batch of file changes; on a content error, keep the last good site and raise.

        `viewing` names output files open in the author's browser: when a change affects them
        they are rendered and written first, with the edited article or entity page, and
        `on_first_write(outputs)` is called as soon as they are on disk (so the browser can reload
        before the pages that merely mention the change are rewritten).

        Paths of a rebuild that failed are carried over to the next one: a template saved while
        the content had an error must still re-render its pages once the error is fixed.
        """
        paths = set(changed_paths) | self._unapplied
        self._unapplied = paths
        # No cyclic garbage collection until the page being looked at is on disk: a collection
        # walks every object made since the last full build and used to land in the middle of
        # a rebuild now and then (+35 ms at 5,000 articles). It runs again right after.
        gc.disable()
        self._idle.clear()
        try:
            with self._state_lock:
                report = self._rebuild(paths, viewing, on_first_write)
        except BaseException:
            self.resolved_links.clear()  # it may have seen output files of the failed build
            raise
        finally:
            self._idle.set()
            gc.enable()
        self._unapplied = set()
        return report

    def _rebuild(self, changed_paths: set[Path], viewing: Collection[str],
                 on_first_write: Callable[[tuple[str, ...]], None] | None) -> Report:
        started = time.perf_counter()
        names = {self._relative(p) for p in changed_paths}
        if not self.pages or any(n.startswith("static/") for n in names) and self.options.fingerprint:
            return self._build_all()
        changed: set[str] = set()
        template_names = {n.split("/", 1)[1] for n in names if n.startswith("templates/")}
        if template_names:
            changed |= template_keys(self._environment(), template_names, self.template_refs)
        static_names = [n for n in names if n.startswith("static/")]
        if static_names:
            self.assets, self.asset_names = collect_assets(self.options.static, fingerprint=False)
        content_changed = any(not n.startswith(("templates/", "static/")) for n in names)
        if not content_changed and self.builder is not None:
            # only templates or assets changed: the library, its links and the page contexts stand
            builder = self.builder
            library, linked, urls = builder.lib, builder.linked, builder.urls
            keys = self.keys
        else:
            self.file_cache.trust_changes(self.options.root / n if not Path(n).is_absolute() else Path(n)
                                          for n in names)
            library, linked, builder, urls = self._prepare(incremental=self.linked is not None)
            if self.library is not None:
                keys, changed_now = update_keys(self.library, self.keys, library, self.digest_memo,
                                                self.link_cache)
            else:
                keys = content_keys(library, self.digest_memo, self.link_cache)
                changed_now = changed_keys(self.keys, keys)
            self._prune_memos(library)
            changed |= changed_now
            if {"site", "ids"} & changed:
                return self._build_all()
        if content_changed and not (linked.article_order is self.specs_order and self._same_entity_pages(library)):
            specs = page_specs(library)
            spec_index = {spec: n for n, spec in enumerate(specs)}
        else:  # the same articles and entities: the same pages
            specs, spec_index = self.specs, self.spec_index
        affected = self._dependants_of(changed) | pages_touched_by(changed, linked)
        affected = {spec for spec in affected if spec in spec_index}
        renderer = self._renderer(library, urls, builder)
        # The pages an author is looking at (the edited article or entity, the pages open in the
        # browser) are rendered and written first; the pages that merely mention them follow.
        primary = {spec for spec in affected if f"{'seed' if spec[0] == 'article' else spec[0]}:{spec[1]}" in changed}
        if viewing:
            viewed = set(viewing)
            primary |= {spec for spec in affected if spec in self.pages and self.pages[spec].output in viewed}
        if not primary and template_names:
            primary = affected
        order = sorted(affected, key=spec_index.__getitem__)
        if len(primary) <= KEPT_PLANS:  # a template save next would re-render these from the same builder
            builder.keep_plans = primary
        fresh: dict[PageSpec, RenderedPage] = {}
        pages = dict(self.pages)
        removed = [] if specs is self.specs else \
            [page.output for spec, page in self.pages.items() if spec not in spec_index]
        first_ms, first_outputs = 0.0, ()
        if removed or static_names:
            self.resolved_links.clear()
            scans, outputs = self._link_tables({s: p for s, p in self.pages.items() if s in spec_index})
        else:
            scans, outputs = dict(self.scans), dict(self.outputs)
        for batch in ([s for s in order if s in primary], [s for s in order if s not in primary]):
            if not batch:
                continue
            jobs = self.options.jobs if len(batch) >= REBUILD_FORK_MIN_PAGES else 1
            for spec, page in zip(batch, render_all(builder, renderer, batch, jobs)):
                fresh[spec] = pages[spec] = page
            for spec in batch:
                page = fresh[spec]
                if page.output not in outputs:  # a new file: links that were broken may resolve now
                    self.resolved_links.clear()
                outputs[page.output] = b""
                if page.scan is not None:
                    scans[page.output] = page.scan
                else:
                    scans.pop(page.output, None)
            self._check(scans, outputs, urls, only={fresh[s].output for s in batch})
            self._write_changed([fresh[s] for s in batch], [], static_names)
            static_names = []
            if not first_outputs:
                first_ms = (time.perf_counter() - started) * 1000
                first_outputs = tuple(sorted(fresh[s].output for s in batch))
                gc.enable()
                if on_first_write is not None and len(batch) < len(order):
                    on_first_write(first_outputs)
        if static_names:
            self._write_changed([], [], static_names)
        self._write_changed([], removed, [])
        self._update_dependants(fresh)
        self.pages = pages if specs is self.specs else {spec: pages[spec] for spec in specs if spec in pages}
        self.keys, self.linked, self.scans, self.outputs = keys, linked, scans, outputs
        self._set_specs(specs, spec_index)
        self.library, self.builder = library, builder
        if self.options.search and fresh:
            self._schedule_reindex()
        total_ms = (time.perf_counter() - started) * 1000
        return Report(len(fresh), len(removed), tuple(sorted(p.output for p in fresh.values())), len(pages),
                      total_ms, False, first_ms or total_ms, first_outputs)

    def _set_specs(self, specs: list[PageSpec], index: dict[PageSpec, int] | None = None) -> None:
        # link() hands the article order on to the next build while the slugs stay the same, so
        # the same object means the same articles as these pages were made for
        self.specs, self.specs_order = specs, self.linked.article_order
        self.spec_index = index if index is not None else {spec: n for n, spec in enumerate(specs)}

    def _same_entity_pages(self, library: Library) -> bool:
        """Whether the library has the entities (and redirects) the last good build had pages for."""
        old = self.library.entities if self.library is not None else None
        return old is library.entities or old is not None and \
            [(e.id, e.redirect_from) for e in old] == [(e.id, e.redirect_from) for e in library.entities]

    def _index_dependants(self) -> None:
        self.dependants, self._dependants_added = {}, 0
        for spec, page in self.pages.items():
            for key in page.deps:
                self.dependants.setdefault(key, []).append(spec)

    def _update_dependants(self, fresh: dict[PageSpec, RenderedPage]) -> None:
        """Add the keys that re-rendered pages newly depend on (dropped ones are filtered on lookup)."""
        for spec, page in fresh.items():
            old = self.pages.get(spec)
            if old is not None and old.deps is page.deps:
                continue
            for key in page.deps - old.deps if old is not None else page.deps:
                self.dependants.setdefault(key, []).append(spec)
                self._dependants_added += 1
        if self._dependants_added > 100_000:  # stale entries piling up after many edits: start afresh
            self._index_dependants()

    def _dependants_of(self, changed: set[str]) -> set[PageSpec]:
        """The pages of the last good build whose content depends on one of the changed keys."""
        pages = self.pages
        return {spec for key in changed for spec in self.dependants.get(key, ())
                if (page := pages.get(spec)) is not None and key in page.deps}

    def _prune_memos(self, library: Library) -> None:
        """Now and then, forget the memo entries of objects that were replaced (clearing the memos
        instead would re-hash 5,000 articles on the next save)."""
        parts = (library.articles, library.entities, library.events, library.terms, library.quotes, library.notes)
        size = sum(len(x) for x in parts) + len(self.link_cache)
        if max(len(self.digest_memo), len(self.seed_memo), len(self.anchor_memo)) <= 2 * size + 100:
            return
        alive = {id(obj) for objects in parts for obj in objects} | {id(done) for done in self.link_cache.values()}
        self.digest_memo = {key: entry for key, entry in self.digest_memo.items() if key in alive}
        self.anchor_memo = {key: entry for key, entry in self.anchor_memo.items() if id(entry[0]) in alive}

        def current(key, entry) -> bool:
            if isinstance(key, str) or key[0] == "entry":  # a seed file's article, a collection entry's object
                return id(entry[1]) in alive
            if key[0] in ("schema", "checks", "seeds", "site"):  # entries that passed their schema; the last
                # cross-checks, seed list and site settings (each replaced by the next one)
                return True
            return all(id(obj) in alive for obj in entry[1])  # a collection file's objects

        self.seed_memo = {key: entry for key, entry in self.seed_memo.items() if current(key, entry)}

    def _relative(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.options.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def _write_changed(self, pages: list[RenderedPage], removed: list[str], static_names: list[str]) -> None:
        """Replace just the changed files, each atomically (write a temporary file, then rename)."""
        updates = {p.output: p.data for p in pages}
        for name in static_names:
            rel = name.split("/", 1)[1]
            if rel in self.asset_names:
                updates[self.asset_names[rel]] = self.assets[self.asset_names[rel]]
        self._write_files(updates, removed)

    def _write_files(self, updates: dict[str, bytes], removed: Collection[str],
                     pause: Callable[[], None] | None = None) -> None:
        out = self.options.out
        for name, data in updates.items():
            if pause is not None:
                pause()
            target = out.joinpath(*safe_relative(name).parts)
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        for name in removed:
            target = out.joinpath(*safe_relative(name).parts)
            if target.is_file():
                target.unlink()

    def _schedule_reindex(self) -> None:
        """Re-index search once the author pauses (a few seconds after the last rebuild)."""
        if self._reindex_timer is not None:
            self._reindex_timer.cancel()
        self._reindex_timer = threading.Timer(REINDEX_AFTER_SECONDS, self._reindex)
        self._reindex_timer.daemon = True
        self._reindex_timer.start()

    def _search_index(self, pause: Callable[[], None] | None = None) -> dict[str, bytes]:
        """The search index of the current pages (`pause`: the re-indexer's checkpoint)."""
        with self._state_lock:  # a consistent set of pages; the index itself is built outside
            pages = [(spec, self.pages.get(spec)) for spec in self.specs]
        records = []
        for number, (spec, page) in enumerate(pages):
            if pause is not None:
                pause()
            if page is None or page.data is None or not page.output.endswith(".html"):
                continue
            known = self.search_records.get(spec)
            if known is None or known[0] is not page.data:  # re-rendered since it was last indexed
                record = page.search or search_record(LexborHTMLParser(page.data.decode("utf-8")), page.url)
                known = self.search_records[spec] = (page.data, record)
            if known[1] is not None:
                records.append((number, known[1]))
        for gone in self.search_records.keys() - {spec for spec, _ in pages}:
            del self.search_records[gone]
        return build_index(records, pause=pause)

    def _give_way(self) -> None:
        """A re-indexer's checkpoint: wait while a build runs, or is about to (a template save was
        just seen and is being compiled ahead: that must not share the interpreter either)."""
        while True:
            self._idle.wait()
            if time.monotonic() >= self._rebuild_expected_until:
                return
            time.sleep(0.002)

    def _reindex(self) -> None:
        """Refresh the search index after the pages are on disk (off the save-to-page path): only
        the index files that changed are rewritten, each atomically.

        It runs in a thread of the server, so it stops at a checkpoint every few hundred
        microseconds of work while a rebuild runs, and asks the interpreter to switch threads
        often (every 0.5 ms instead of 5 ms): otherwise each file the rebuild writes could cost it
        a 5 ms wait to get the interpreter back (at 5,000 articles a template save took 200-300 ms
        instead of 15 when it met a re-index).
        """
        with self._search_lock:
            interval = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, 0.0005))
            # no cyclic collection meanwhile: one would walk every object made since the last
            # full build without a checkpoint (a rebuild re-enables it when it ends anyway)
            gc.disable()
            try:
                files = self._search_index(pause=self._give_way)
                stale = [name for name in self.search_files if name not in files]
                changed = {name: data for name, data in files.items() if self.search_files.get(name) != data}
                self._write_files(changed, stale, pause=self._give_way)
                self.search_files = files
            except Exception:  # search is a convenience in preview; the next full build reports it
                pass
            finally:
                sys.setswitchinterval(interval)
                if self._idle.is_set():
                    gc.enable()
