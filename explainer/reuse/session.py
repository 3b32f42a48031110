"""The preview session: the reuse layer kept in memory between saves (what engine.run may reuse).

The session runs the same engine as `build` for its first build and for every rebuild. It keeps
the parsed files (files.py) and runs the stages' per-unit functions on what its caches have
no result for (validating.py, linking.py, cards.py: results by content key), keeps the last good site (pages, their content keys, the dependency index of which page depends
on which key) and, after a save, names the pages to render again: the dependants of every key
that changed (keys.py), the pages being looked at first. It writes the changed files itself.
"""
from __future__ import annotations

import gc
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Collection, Iterator

from ..assets import collect_assets
from ..engine import BuildOptions, LinkEach, LinkTables, Prepared, Work, run
from ..errors import Problems
from .files import FileCache
from ..jobs import RenderedPage
from ..markdown import make_markdown
from ..model import Library
from ..pages import PageBuilder, PageSpec, page_specs
from ..render import Renderer, make_environment
from ..search import SearchRecord
from ..write import FolderWriter, atomic_write, safe_relative, write_site
from .cache import StageCache
from .cards import CardReuse
from .fields import FieldReuse
from .keys import Keys, changed_keys, content_keys, pages_touched_by, update_keys
from .linking import LinkReuse
from .validating import ValidateReuse
from .search import SearchRefresh
from .site import Change, Report, Site, pages_affected, pages_in_view
from .templates import TemplateGraph

KEPT_PLANS = 8  # the pages in view keep their plans (contexts) while only templates change


class Session:
    """A live build: the last good site in memory, brought up to date on each change."""

    def __init__(self, options: BuildOptions, out: Path | None = None, eager_search: bool = False):
        self.options = options
        self.out = out or options.out  # where the files are written
        self.staged = out is not None  # `out` is a fresh staging folder (a CI build's), written into directly
        self.prefilled: set[str] = set()  # files the staging folder holds already (links to the last build's)
        self.written: set[str] = set()  # files written and removed by write_files, for the CI cache's mirror
        self.deleted: set[str] = set()
        self.eager_search = eager_search  # index for search within each run, not after a pause
        self.file_cache = FileCache()
        cache = StageCache()  # each stage's results by content
        self.validating, self.linking, self.cards = ValidateReuse(cache), LinkReuse(cache), CardReuse(cache)
        self.field_markdown = FieldReuse()
        self.digest_memo: dict = {}  # article hashes, by article
        self.templates = TemplateGraph()
        self.env = None
        self._compiling = threading.Lock()  # held while saved templates are compiled ahead (precompile)
        self.assets: dict[str, bytes] = {}
        self.asset_names: dict[str, str] = {}
        self.site = Site()
        self.change = Change(full=True)
        self._unapplied: set[Path] = set()  # paths of failed rebuilds, applied with the next one
        # clear while a build runs: the search refresh then waits at its next checkpoint, so it
        # never holds the interpreter while a save is being turned into a page
        self._idle = threading.Event()
        self._idle.set()
        self._rebuild_expected_until = 0.0  # a save was seen: the rebuild is about to start
        self._state_lock = threading.RLock()  # held while a build changes the pages; the refresh reads them
        self.search = SearchRefresh(self)

    # --- what the tests and the server read ----------------------------------------------------
    @property
    def pages(self) -> dict[PageSpec, RenderedPage]:
        return self.site.pages

    @property
    def keys(self) -> Keys:
        return self.site.keys

    @property
    def library(self) -> Library | None:
        return self.site.prepared.library if self.site.prepared is not None else None

    @property
    def builder(self):
        return self.site.prepared.builder if self.site.prepared is not None else None

    @property
    def link_cache(self) -> dict:
        return self.linking.by_slug

    @property
    def search_files(self) -> dict[str, bytes]:
        return self.search.files

    def files(self) -> dict[str, bytes]:
        return {**self.assets, **{p.output: p.data for p in self.site.pages.values()}}

    def outputs(self) -> set[str]:
        """The name of every file of the site."""
        return set(self.assets) | {p.output for p in self.site.pages.values()} | set(self.search.digests)

    # --- the engine's questions (engine.Reuse) ---------------------------------------------------
    def unchanged(self) -> Prepared | None:
        change = self.change
        return self.site.prepared if not change.full and not change.content_changed and self._intact() else None

    def _intact(self) -> bool:
        """Whether the last good content is what was last linked (a failed rebuild took its indexes over)."""
        return self.site.prepared is not None and self.linking.last is self.site.prepared.linked

    def validate(self, raw, problems: Problems, include_drafts: bool) -> Library | None:
        return self.validating.validate(raw, problems, include_drafts)

    def link(self, library: Library, urls, md, problems: Problems, link_each: LinkEach):
        # what it links is kept even if the content has errors: its indexes match the library just
        # loaded, which is what the next rebuild compares with
        return self.linking.link(library, urls, md, problems, link_each, self.digest_memo)

    def fields(self, library: Library, urls, md):
        return self.field_markdown.renderer_for(self.linking.context, library, urls, md)

    def plan(self, prepared: Prepared) -> Work | None:
        change, site = self.change, self.site
        change.prepared = prepared
        if change.full:
            specs = page_specs(prepared.library, prepared.urls)
            change.specs, change.spec_index = specs, {spec: n for n, spec in enumerate(specs)}
            return Work(specs, [specs], True)
        changed: set[str] = set()
        if change.template_names:
            with self._compiling:
                changed |= self.templates.affected(self._environment(), change.template_names)
        change.keys = site.keys
        if change.content_changed:
            change.keys, changed_now = self._keys_after(prepared.library)
            self._prune_memos(prepared.library)
            changed |= changed_now
            if {"site", "ids"} & changed:  # links change everywhere: build everything from scratch
                self._start_full()
                return None
        self._plan_specs(prepared)
        touched = pages_touched_by(changed, prepared.linked)
        # The pages an author is looking at (the edited article or entity, the pages open in the
        # browser) are rendered and written first; the pages that merely mention them are found
        # and rendered after that.
        primary = pages_in_view(site, change, changed, touched)
        if not primary and change.template_names:  # no page of it in view: all of them at once
            return Work(change.specs, [change.in_order(pages_affected(site, change, changed, touched))], False)
        if len(primary) <= KEPT_PLANS:  # a template save next would re-render these from the same builder
            prepared.builder.keep_plans = primary
        change.in_view_first = bool(primary)
        return Work(change.specs, self._batches(primary, changed, touched), False)

    def _batches(self, primary: set[PageSpec], changed: set[str], touched: set[PageSpec]) -> Iterator[list[PageSpec]]:
        """The pages in view, then (found once those are on disk) every other affected page."""
        change = self.change
        yield change.in_order(primary)
        yield change.in_order(pages_affected(self.site, change, changed, touched) - primary)

    def renderer(self, prepared: Prepared, full: bool) -> Renderer:
        """A renderer for this run's pages; a full build makes each page's search record too
        (rebuilds leave that to the search refresh, off the save-to-page path)."""
        return Renderer(self._environment(), prepared.library.site, prepared.urls, self.asset_names,
                        self.cards.cards(prepared.builder, self.linking.context), noindex=self.options.noindex,
                        minify=self.options.minify, search=(full or self.eager_search) and self.options.search)

    def tables(self, work: Work) -> LinkTables:
        change, site = self.change, self.site
        if work.full:
            change.tables = LinkTables(outputs={name: b"" for name in self.assets})
        elif change.removed or change.static_names:
            kept = [page for spec, page in site.pages.items() if spec in change.spec_index]
            change.tables = LinkTables({p.output: p.scan for p in kept if p.scan is not None},
                                       {p.output: b"" for p in kept} | {name: b"" for name in self.assets})
        else:
            change.tables = LinkTables(dict(site.tables.scans), dict(site.tables.outputs), site.tables.resolved)
        return change.tables

    def _keys_after(self, library: Library) -> tuple[Keys, set[str]]:
        site = self.site
        if site.prepared is not None:
            return update_keys(site.prepared.library, site.keys, library, self.digest_memo, self.linking.by_slug)
        keys = content_keys(library, self.digest_memo, self.linking.by_slug)
        return keys, changed_keys(site.keys, keys)

    def _prune_memos(self, library: Library) -> None:
        """Now and then, forget the hashes of objects that were replaced (clearing them instead
        would hash 5,000 articles again on the next save)."""
        links = self.linking.by_slug
        parts = (library.articles, library.entities, library.events, library.terms, library.quotes, library.notes)
        size = sum(len(x) for x in parts) + len(links)
        if len(self.digest_memo) <= 2 * size + 100:
            return
        alive = {id(obj) for objects in parts for obj in objects} | {id(done) for done in links.values()}
        self.digest_memo = {key: entry for key, entry in self.digest_memo.items() if key in alive}

    def _plan_specs(self, prepared: Prepared) -> None:
        """The pages of the site: the last build's, while its articles, entities and the split of
        the glossary and timeline stand."""
        change, site = self.change, self.site
        same_entities = site.prepared is not None and _same_entity_pages(site.prepared.library, prepared.library)
        same_sections = site.prepared is not None and site.prepared.urls.sections == prepared.urls.sections
        if change.content_changed and not (prepared.linked.article_order is site.specs_order and same_entities
                                           and same_sections):
            change.specs = page_specs(prepared.library, prepared.urls)
            change.spec_index = {spec: n for n, spec in enumerate(change.specs)}
            change.removed = [page.output for spec, page in site.pages.items() if spec not in change.spec_index]
        else:
            change.specs, change.spec_index = site.specs, site.spec_index

    # --- full and incremental builds -------------------------------------------------------------
    def build_all(self) -> Report:
        """Build everything into the output folder (atomically) and remember it."""
        self._idle.clear()
        try:
            with self._state_lock:
                return self._run(Change(full=True), None)
        finally:
            self._idle.set()

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
        # a rebuild now and then. It runs again right after.
        gc.disable()
        self._idle.clear()
        try:
            with self._state_lock:
                report = self._run(self._change_for(paths, viewing), on_first_write)
        except BaseException:
            self.site.tables.resolved.clear()  # it may have seen output files of the failed build
            raise
        finally:
            self._idle.set()
            gc.enable()
        self._unapplied = set()
        return report

    def _change_for(self, paths: set[Path], viewing: Collection[str]) -> Change:
        names = {self._relative(p) for p in paths}
        static_names = [n for n in names if n.startswith("static/")]
        if not self.site.pages or static_names and self.options.fingerprint:
            return Change(full=True)
        content_changed = any(not n.startswith(("templates/", "static/")) for n in names)
        if content_changed:
            self.file_cache.trust_changes(self.options.root / n if not Path(n).is_absolute() else Path(n)
                                           for n in names)
        if static_names:
            self.assets, self.asset_names = collect_assets(self.options.static, fingerprint=False,
                                                           minify=self.options.minify)
        return Change(False, {n.split("/", 1)[1] for n in names if n.startswith("templates/")}, static_names,
                      content_changed or self.site.prepared is None, viewing)

    def _start_full(self) -> None:
        """Forget what a full build must not reuse (links and cards made under other aliases or
        settings), and check every file again."""
        gc.unfreeze()  # let the collector see the previous build's objects again
        gc.enable()  # a full build collects as it goes
        self.change.full = True
        self.linking.forget()
        self.cards.forget()
        self.field_markdown.forget()
        self.file_cache.distrust()
        self.assets, self.asset_names = collect_assets(self.options.static, fingerprint=self.options.fingerprint,
                                                       minify=self.options.minify)

    def _run(self, change: Change, on_first_write: Callable[[tuple[str, ...]], None] | None) -> Report:
        started = time.perf_counter()
        self.change = change
        if change.full:
            self._start_full()
        fresh: dict[PageSpec, RenderedPage] = {}
        first: list = []  # (milliseconds, outputs) once the first batch is on disk

        def on_batch(pages: list[RenderedPage]) -> None:
            for page in pages:
                fresh[page.spec] = page
            if self.change.full:
                return  # written all at once, with the search index, below
            self._write_changed(pages, [], self.change.static_names)
            self.change.static_names = []
            if not first:
                first.append(((time.perf_counter() - started) * 1000, tuple(sorted(p.output for p in pages))))
                gc.enable()
                if on_first_write is not None and self.change.in_view_first:
                    on_first_write(first[0][1])

        result = run(self.options, self, on_batch=on_batch)
        change = self.change  # (a rebuild may have turned into a full build)
        if change.full:
            self._commit_full(fresh)
        else:
            self._commit(fresh)
        total_ms = (time.perf_counter() - started) * 1000
        outputs = tuple(sorted(p.output for p in fresh.values()))
        first_ms, first_outputs = first[0] if first else (total_ms, outputs)
        return Report(len(fresh), len(change.removed), outputs, len(self.site.pages), total_ms, change.full,
                      first_ms, first_outputs, tuple(result.warnings))

    def _commit_full(self, fresh: dict[PageSpec, RenderedPage]) -> None:
        change = self.change
        prepared = change.prepared
        self.site = Site(prepared, fresh, content_keys(prepared.library, self.digest_memo, self.linking.by_slug),
                         change.specs, change.spec_index, prepared.linked.article_order, change.tables)
        self.site.index_dependants()
        if not self.staged:  # the preview: a template's first save then parses that template alone
            with self._compiling:
                self.templates.affected(self._environment(), set())
        # A large site keeps millions of objects in memory; without this, an occasional full
        # collection walks all of them in the middle of a rebuild. Frozen objects are still freed
        # when no longer referenced; only cycles wait for the next full build's unfreeze.
        gc.collect()
        gc.freeze()
        self.search.made(self.search.index() if self.options.search else {})
        files = {**self.files(), **self.search.files}
        if self.prefilled:  # each file replaced (not written through its link), the rest removed
            self.write_files(files, self.prefilled - files.keys())
        elif self.staged:
            FolderWriter(self.out).write_all(files)
        else:
            write_site(self.out, files)

    def _commit(self, fresh: dict[PageSpec, RenderedPage]) -> None:
        change, site = self.change, self.site
        if change.static_names:
            self._write_changed([], [], change.static_names)
        self._write_changed([], change.removed, [])
        site.add_dependants(fresh)
        pages = {**site.pages, **fresh}
        if change.specs is not site.specs:
            pages = {spec: pages[spec] for spec in change.specs if spec in pages}
        site.pages, site.keys, site.tables = pages, change.keys, change.tables
        if site.dependants_added > 100_000:  # stale entries piling up after many edits: start afresh
            site.index_dependants()  # (from the pages just made: their deps are the current ones)
        site.specs, site.spec_index = change.specs, change.spec_index
        # link() hands the article order on to the next build while the slugs stay the same, so
        # the same object means the same articles as these pages were made for
        site.specs_order = change.prepared.linked.article_order
        site.prepared = change.prepared
        if self.options.search and fresh:
            if self.eager_search:
                self.search.refresh(background=False)
            else:
                self.search.schedule()

    # --- kept on disk between CI builds (reuse/disk.py) ------------------------------------------
    def state(self) -> dict:
        """What the next CI build may reuse, without the page bytes (the output folder has them),
        the page builder (its markdown parser holds functions: made again from the content), and
        the hashes memoised by object identity (which no other process can use)."""
        self.digest_memo.clear()
        prepared = self.site.prepared
        stripped: dict[int, SearchRecord] = {}

        def without_passages(record: SearchRecord | None) -> SearchRecord | None:
            """The record without its passages (their files stand), the same object wherever it is kept."""
            if record is not None and id(record) not in stripped:
                stripped[id(record)] = replace(record, fragment=None)
            return stripped[id(record)] if record is not None else None

        pages = {spec: replace(page, data=None, search=without_passages(page.search))
                 for spec, page in self.site.pages.items()}
        return {"file_cache": self.file_cache, "validating": self.validating, "linking": self.linking, "cards": self.cards,
                "templates": self.templates,
                "assets": (self.assets, self.asset_names), "search": self.search.state(without_passages),
                "content": (prepared.library, prepared.linked, prepared.html, prepared.urls)
                if prepared is not None else None,
                "site": replace(self.site, pages=pages, prepared=None)}

    def adopt(self, state: dict) -> None:
        """Continue from a state that `state()` gave (page bytes are read from the output when needed)."""
        self.file_cache, self.templates = state["file_cache"], state["templates"]
        self.validating, self.linking, self.cards = state["validating"], state["linking"], state["cards"]
        self.linking.cache.renew()  # (one cache, shared by the three)
        self.assets, self.asset_names = state["assets"]
        self.search.adopt(state["search"])
        self.site = state["site"]
        if state["content"] is not None:
            library, linked, html, urls = state["content"]
            md = make_markdown(allow_html=library.site.allow_html)
            self.site.prepared = Prepared(library, linked, html, PageBuilder(linked, html, urls, md), urls)
        self.file_cache.distrust()

    # --- templates, files -------------------------------------------------------------------------
    def _environment(self):
        if self.env is None:
            self.env = make_environment(self.options.templates, auto_reload=True)
        return self.env

    def precompile(self, paths: Collection[Path]) -> None:
        """Compile saved templates ahead of the rebuild, and find what they reference (called from
        the file watcher's thread the moment a save is seen, while the rebuild still waits for the
        saves to settle; whichever of this and the rebuild comes second finds the code made)."""
        self._rebuild_expected_until = time.monotonic() + 0.5  # the search refresh stands still meanwhile
        templates = self.options.templates.resolve()
        names = set()
        for path in paths:
            try:
                names.add(Path(path).resolve().relative_to(templates).as_posix())
            except ValueError:
                continue
        with self._compiling:
            for name in sorted(names):
                self.templates.read(self._environment(), name, compile_ahead=True)

    def _relative(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.options.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def _write_changed(self, pages: list[RenderedPage], removed: list[str], static_names: list[str]) -> None:
        """Replace just the changed files, each atomically."""
        updates = {p.output: p.data for p in pages}
        for name in static_names:
            rel = name.split("/", 1)[1]
            if rel in self.asset_names:
                updates[self.asset_names[rel]] = self.assets[self.asset_names[rel]]
        self.write_files(updates, removed)

    def write_files(self, updates: dict[str, bytes], removed: Collection[str],
                    pause: Callable[[], None] | None = None) -> None:
        out = self.out
        for name, data in updates.items():
            if pause is not None:
                pause()
            target = out.joinpath(*safe_relative(name).parts)
            if target.is_file() and target.read_bytes() == data:
                continue
            atomic_write(target, data, durable=False)  # (a CI build's staging: replaces the link)
            self.written.add(name)
        for name in removed:
            target = out.joinpath(*safe_relative(name).parts)
            if target.is_file():
                target.unlink()
                self.deleted.add(name)
                _remove_empty_folders(target.parent, out)


def _remove_empty_folders(folder: Path, out: Path) -> None:
    """Remove the folders a removed page leaves empty, up to the output folder (a clean build
    would not make them: a page's folder goes with its page)."""
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (or not ours to remove): stop here
            return
        folder = folder.parent


def _same_entity_pages(old: Library, new: Library) -> bool:
    """Whether the library has the entities (and redirects) the last good build had pages for."""
    return old.entities is new.entities or \
        [(e.id, e.redirect_from) for e in old.entities] == [(e.id, e.redirect_from) for e in new.entities]
