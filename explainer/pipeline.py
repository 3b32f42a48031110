"""The stages run in order: load → validate → link → pages → render → (check) → write.

`build`, `check` and `serve` are three ways of running these same stages.
"""
from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .assets import collect_assets
from .check import check_scanned
from .errors import ContentError, Problem, Problems
from .link import editorial_warnings, link
from .load import FileCache, load_content
from .markdown import make_markdown
from .model import Library
from .output import claim_output
from .pages import PageBuilder, PageSpec, Urls, page_specs
from .parallel import beside
from .render import (
    PARALLEL_MIN_PAGES,
    RenderedPage,
    Renderer,
    make_environment,
    render_all,
)
from .search import build_index, page_fragment_path
from .validate import validate
from .write import FolderWriter, staging_folder, swap_in


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

    @property
    def templates(self) -> Path:
        return (self.theme or self.root) / "templates"

    @property
    def static(self) -> Path:
        return (self.theme or self.root) / "static"


@dataclass
class BuildResult:
    files: dict[str, bytes]  # what is left to write (pages rendered with a writer are written already)
    pages: list[RenderedPage]
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def outputs(self) -> set[str]:
        """Every file of the site, written or still to write."""
        return set(self.files) | {page.output for page in self.pages} | {
            page_fragment_path(n) for n, page in enumerate(self.pages) if page.search and page.search.fragment is None}


def load_library(options: BuildOptions, problems: Problems, files: FileCache | None = None,
                 memo: dict | None = None) -> Library:
    """Load and validate all content; raise ContentError with every problem found.

    `files` and `memo` let the preview server skip re-reading and re-validating unchanged seeds.
    """
    raw = load_content(options.root, problems, files)
    library = validate(raw, problems, include_drafts=options.drafts, memo=memo)
    problems.raise_if_errors()
    assert library is not None
    if options.base_url:
        library = replace(library, site=replace(library.site, base_url=options.base_url.rstrip("/") + "/"))
    return library


def render_site(options: BuildOptions, write_to: Path | None = None) -> BuildResult:
    """Run every stage but the write; the result holds the finished files in memory, except the
    pages and search passages that the render workers wrote into `write_to`, if given."""
    collecting = gc.isenabled()
    gc.disable()  # the build makes millions of objects and frees few: full collections would walk
    try:  # them all again and again (0.7 s of loading alone at 5,000 articles)
        return _render_site(options, write_to)
    finally:
        if collecting:
            gc.enable()


def _render_site(options: BuildOptions, write_to: Path | None) -> BuildResult:
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    problems = Problems()
    library = load_library(options, problems)
    timings["load+validate"] = time.perf_counter() - clock

    clock = time.perf_counter()
    md = make_markdown(allow_html=library.site.allow_html)
    linked = link(library, md, problems, jobs=options.jobs)
    if options.strict:
        editorial_warnings(linked, problems)
    problems.raise_if_errors()
    timings["link"] = time.perf_counter() - clock

    clock = time.perf_counter()
    urls = Urls(library.site.base_url)
    builder = PageBuilder(linked, urls, md)
    files, asset_names = collect_assets(options.static, fingerprint=options.fingerprint, minify=options.minify)
    renderer = Renderer(make_environment(options.templates), library.site, urls, asset_names, builder.cards(),
                        noindex=options.noindex, minify=options.minify, search=options.search,
                        deps=False)
    postings = {} if options.search else None
    # once the render workers run, this process needs no paragraph of the linked library again
    pages = render_all(builder, renderer, page_specs(library), options.jobs,
                       FolderWriter(write_to) if write_to is not None else None, postings,
                       on_fork=linked.release_paragraphs)
    timings["pages+render"] = time.perf_counter() - clock

    clock = time.perf_counter()
    written_by: dict[str, PageSpec] = {}
    for page in pages:
        if page.output in written_by:
            raise ContentError([Problem(library.site.src, f"two pages would be written to '{page.output}'",
                                        f"{written_by[page.output]} and {page.spec}")])
        written_by[page.output] = page.spec
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
                               set(files) | set(written_by), urls.prefix)
        if broken:
            raise ContentError(broken)
        files.update(finish_index())
    timings["check"] = time.perf_counter() - clock
    return BuildResult(files, pages, problems.warnings, timings)


def build(options: BuildOptions) -> BuildResult:
    """Render the whole site and swap it into the output folder; on any error the output folder is
    left as it was (the pages written so far go with the staging folder). An output folder the
    build may not replace is refused (OutputRefused) before anything is read or written."""
    with claim_output(options.out, options.root, options.theme) as out, staging_folder(out) as staging:
        result = render_site(options, write_to=staging)
        clock = time.perf_counter()
        FolderWriter(staging).write_all(result.files)
        swap_in(staging, out)
    result.timings["write"] = time.perf_counter() - clock
    return result
