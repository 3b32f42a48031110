"""The engine: the one place the stages are composed, load → validate → link → pages → render → check.

`build`, `check` and the preview server (its first build and every rebuild) all call `run`. A
run with `reuse` (the preview session, or the CI build's on-disk cache) is the same composition:
the engine hands the stages' per-unit functions to the reuse layer, which runs them on what it
has no result for (validate, link), gives the last content when only templates changed, and
says which pages must be rendered again; the site-wide checks below run on every run either
way. Writing is the caller's (pipeline.build, the session).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from markdown_it import MarkdownIt

from .assets import collect_assets
from .check import check_scanned
from .errors import ContentError, Location, Problem, Problems
from .jobs import PARALLEL_MIN_PAGES, LinkedArticle, RenderedPage, link_and_render, link_articles, render_all
from .link import Linked, LinkTargets, build_matcher, editorial_warnings, link
from .linker import AliasMatcher
from .load import RawContent, Sources, load_content
from .markdown import MarkdownRenderer, make_markdown
from .model import Article, Library
from .pages import PageBuilder, PageSpec, ParagraphHtml, Urls, page_specs, spec_output
from .parallel import beside
from .render import Renderer, make_environment
from .search import build_index, page_fragment_path
from .sections import PageLimits, sections_of
from .validate import validate
from .write import FolderWriter


@dataclass(frozen=True)
class BuildOptions:
    """Everything a run needs to know, decided once by the CLI and passed down."""

    root: Path
    out: Path
    drafts: bool = False
    base_url: str | None = None  # overrides content/site.yaml (e.g. from the deploy context)
    strict: bool = False
    search: bool = True  # write the search index
    fingerprint: bool = True  # content-hashed asset names (off in the preview server)
    minify: bool = False  # minify HTML, CSS and JS (on for production deploys)
    noindex: bool = False  # ask search engines not to index (deploy previews)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # render processes
    theme: Path | None = None  # where templates/ and static/ live, if not in root (tests share the real ones)
    page_limits: PageLimits = PageLimits()  # past these, the glossary and the timeline are split into pages

    @property
    def templates(self) -> Path:
        return (self.theme or self.root) / "templates"

    @property
    def static(self) -> Path:
        return (self.theme or self.root) / "static"


@dataclass
class BuildResult:
    files: dict[str, bytes]  # what is left to write (pages rendered with a writer are written already)
    pages: list[RenderedPage]  # the pages this run rendered
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def outputs(self) -> set[str]:
        """Every file of the site, written or still to write."""
        return set(self.files) | {page.output for page in self.pages} | {
            page_fragment_path(n) for n, page in enumerate(self.pages) if page.search and page.search.fragment is None}


@dataclass(frozen=True)
class Prepared:
    """The content, loaded, validated and linked, each paragraph's HTML, and the page builder over them."""

    library: Library
    linked: Linked
    html: ParagraphHtml
    builder: PageBuilder
    urls: Urls


# Links and renders articles (the engine's article job, on worker processes when there are many):
# given the alias matcher and the articles, each article's links and paragraphs' HTML, in order.
LinkEach = Callable[[AliasMatcher, Sequence[Article]], Iterator[LinkedArticle]]


@dataclass
class Work:
    """What a run renders: every page of the site, and the ones to render now, in batches written
    in turn (the pages an author is looking at first; a batch may be found only once the one
    before it is handed on). The other pages stand as they were."""

    specs: list[PageSpec]
    batches: Iterable[list[PageSpec]]
    full: bool  # every page: the search records are made with the pages


@dataclass
class LinkTables:
    """The link check's view of the whole site: each page's ids and links, every output file, and
    the answers of the last checks (valid while the set of files stays the same)."""

    scans: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    resolved: dict = field(default_factory=dict)


class Reuse(Protocol):
    """What a run may reuse (reuse.session.Session: the preview's, kept on disk for CI by reuse.ci)."""

    file_cache: Sources  # the files as last parsed (reused while the watcher reports no change)

    def unchanged(self) -> Prepared | None:
        """The last run's content, when nothing of it changed (only templates or assets)."""

    def validate(self, raw: RawContent, problems: Problems, include_drafts: bool) -> Library | None:
        """validate.validate(raw, ...), reusing what it can."""

    def link(self, library: Library, urls: Urls, md: MarkdownIt, problems: Problems,
             link_each: LinkEach) -> tuple[Linked, ParagraphHtml]:
        """Link the content (`link_each` for the articles it cannot reuse), as link.link would;
        `urls` is where the links lead."""

    def fields(self, library: Library, urls: Urls, md: MarkdownIt) -> MarkdownRenderer:
        """The renderer of the content fields' markdown for what `link` just linked (one that
        holds what the last runs rendered, while links would come out the same)."""

    def plan(self, prepared: Prepared) -> Work | None:
        """The pages to render; None when the content must be prepared again from scratch first."""

    def renderer(self, prepared: Prepared, full: bool) -> Renderer:
        ...

    def tables(self, work: Work) -> LinkTables:
        ...


def load_library(options: BuildOptions, problems: Problems, reuse: Reuse | None = None) -> Library:
    """Load and validate all content; raise ContentError with every problem found."""
    raw = load_content(options.root, problems, reuse.file_cache if reuse is not None else None)
    if reuse is not None:
        library = reuse.validate(raw, problems, options.drafts)
    else:
        library = validate(raw, problems, include_drafts=options.drafts)
    problems.raise_if_errors()
    assert library is not None
    if options.base_url:
        library = replace(library, site=replace(library.site, base_url=options.base_url.rstrip("/") + "/"))
    return library


def prepare(options: BuildOptions, problems: Problems, reuse: Reuse | None = None) -> Prepared:
    """Stages 1-3, each paragraph's HTML, and the page builder (stage 4 plans each page on demand)."""
    library = load_library(options, problems, reuse)
    md = make_markdown(allow_html=library.site.allow_html)
    urls = Urls(library.site.base_url, sections_of(library, options.page_limits))

    def link_each(matcher: AliasMatcher, articles: Sequence[Article]) -> Iterator[LinkedArticle]:
        job = link_and_render(md, matcher, library.site.linking, LinkTargets(library, urls))
        return link_articles(job, articles, options.jobs)

    if reuse is not None:
        linked, html = reuse.link(library, urls, md, problems, link_each)
    else:
        linked, html = link_content(library, md, problems, link_each)
    if options.strict:
        editorial_warnings(linked, problems)
    problems.raise_if_errors()
    fields = reuse.fields(library, urls, md) if reuse is not None else None
    return Prepared(library, linked, html, PageBuilder(linked, html, urls, md, fields), urls)


def link_content(library: Library, md: MarkdownIt, problems: Problems,
                 link_each: LinkEach) -> tuple[Linked, ParagraphHtml]:
    """Link every article (each indexed as it comes back, while the workers go on) and keep its
    paragraphs' HTML apart, for the pages."""
    matcher = build_matcher(library)
    html: ParagraphHtml = {}

    def links_alone() -> Iterator:
        for article, (links, rendered) in zip(library.articles, link_each(matcher, library.articles)):
            html[article.slug] = rendered
            yield links

    return link(library, matcher, links_alone(), md, problems), html


def spec_source(spec: PageSpec, library: Library) -> Location:
    """The source line a page is made from (where an error about the page is reported)."""
    kind, subject = spec
    if kind == "article":
        return next((a.src for a in library.articles if a.slug == subject), library.site.src)
    if kind == "entity":
        return next((e.src for e in library.entities if e.id == subject), library.site.src)
    if kind == "redirect":
        return next((where for e in library.entities
                     for old, where in zip(e.redirect_from, e.redirect_src or [e.src] * len(e.redirect_from))
                     if old == subject), library.site.src)
    return library.site.src


def output_problems(specs: list[PageSpec], prepared: Prepared) -> list[Problem]:
    """Every page must have an output file of its own: two pages for one file are reported at the
    second page's source (validate catches the known ways content can cause this; this is the net)."""
    first: dict[str, PageSpec] = {}
    problems = []
    for spec in specs:
        output = spec_output(prepared.urls, spec)
        if output in first:
            where = spec_source(first[output], prepared.library)
            problems.append(Problem(spec_source(spec, prepared.library),
                                    f"two pages would be written to '{output}'", f"the other is made from {where}"))
        else:
            first[output] = spec
    return problems


def run(options: BuildOptions, reuse: Reuse | None = None, write_to: Path | None = None,
        on_batch: Callable[[list[RenderedPage]], None] | None = None) -> BuildResult:
    """Run every stage but the write. Without `reuse`, everything is made afresh and the result
    holds the finished files (except the pages and search passages that the render workers wrote
    into `write_to`, if given); with it, only the pages the reuse layer names are rendered, and
    each batch is handed to `on_batch` once it has passed the checks."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    problems = Problems()
    prepared = reuse.unchanged() if reuse is not None else None
    work = None
    while work is None:
        if prepared is None:
            prepared = prepare(options, problems, reuse)
        work = reuse.plan(prepared) if reuse is not None else Work(page_specs(prepared.library, prepared.urls), [], True)
        if work is None:  # the reuse layer could not use what it lent: prepare afresh
            prepared, problems = None, Problems()
    timings["load+link"] = time.perf_counter() - clock
    broken = output_problems(work.specs, prepared) if work.full or reuse is None else []
    if broken:
        raise ContentError(broken)
    if reuse is None:
        return _run_clean(options, prepared, work.specs, problems, write_to, timings)
    _run_batches(options, prepared, work, reuse, on_batch)
    return BuildResult({}, [], problems.warnings, timings)


def _run_batches(options: BuildOptions, prepared: Prepared, work: Work, reuse: Reuse,
                 on_batch: Callable[[list[RenderedPage]], None] | None) -> None:
    """Render the batches in turn; each is link-checked (against the whole site) before it is handed on."""
    renderer = reuse.renderer(prepared, work.full)
    tables = reuse.tables(work)
    for batch in work.batches:
        if not batch:
            continue
        jobs = options.jobs if work.full or len(batch) >= REBUILD_FORK_MIN_PAGES else 1
        pages = render_all(prepared.builder, renderer, batch, jobs)
        for page in pages:
            if page.output not in tables.outputs:  # a new file: links that were broken may resolve now
                tables.resolved.clear()
            tables.outputs[page.output] = b""
            if page.scan is not None:
                tables.scans[page.output] = page.scan
            else:
                tables.scans.pop(page.output, None)
        broken = check_scanned(tables.scans, tables.outputs, prepared.urls.prefix,
                               only=None if work.full else {p.output for p in pages}, resolved=tables.resolved)
        if broken:
            raise ContentError(broken)
        if on_batch is not None:
            on_batch(pages)


# A rebuild renders in this process unless it has at least this many pages. Forking a process
# that holds a large site costs tens of milliseconds, and afterwards every memory page it shared
# with its workers faults on its next write. At 5,000 articles a 332-page rebuild (an entity's
# summary: article pages) was no faster forked, and the next save's page then took longer to
# appear; a 500-page one (a template: entity pages) was faster in-process.
REBUILD_FORK_MIN_PAGES = 400


def _run_clean(options: BuildOptions, prepared: Prepared, specs: list[PageSpec], problems: Problems,
               write_to: Path | None, timings: dict[str, float]) -> BuildResult:
    """Render every page (the workers write them into `write_to`), check the links, index for search."""
    clock = time.perf_counter()
    library, linked, builder, urls = prepared.library, prepared.linked, prepared.builder, prepared.urls

    def release_paragraphs() -> None:  # the render workers have their own copy
        linked.release_paragraphs()
        prepared.html.clear()

    files, asset_names = collect_assets(options.static, fingerprint=options.fingerprint, minify=options.minify)
    renderer = Renderer(make_environment(options.templates), library.site, urls, asset_names, builder.cards(),
                        noindex=options.noindex, minify=options.minify, search=options.search, deps=False)
    postings = {} if options.search else None
    # once the render workers run, this process needs no paragraph of the linked library again
    pages = render_all(builder, renderer, specs, options.jobs,
                       FolderWriter(write_to) if write_to is not None else None, postings,
                       on_fork=release_paragraphs)
    timings["pages+render"] = time.perf_counter() - clock

    clock = time.perf_counter()
    for page in pages:
        if page.data is not None:
            files[page.output] = page.data
    records = [(n, page.search) for n, page in enumerate(pages) if page.search is not None] if options.search else []
    # a large site's search index is written by a forked process while this one checks the links
    apart = write_to is not None and options.jobs > 1 and len(records) >= PARALLEL_MIN_PAGES

    def make_index() -> dict[str, bytes]:
        if not options.search:
            return {}
        index = build_index(records, postings)
        if not apart:
            return index
        FolderWriter(write_to).write_all(index)
        return {}

    with beside(make_index, apart) as finish_index:
        broken = check_scanned({p.output: p.scan for p in pages if p.scan is not None},
                               set(files) | {p.output for p in pages}, urls.prefix)
        if broken:
            raise ContentError(broken)
        files.update(finish_index())
    timings["check"] = time.perf_counter() - clock
    return BuildResult(files, pages, problems.warnings, timings)
