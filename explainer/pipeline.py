"""The stages run in order: load → validate → link → pages → render → (check) → write.

`build`, `check` and `serve` are three ways of running these same stages.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .assets import collect_assets
from .check import check_scanned
from .errors import ContentError, Problem, Problems
from .link import Linked, editorial_warnings, link
from .load import FileCache, load_content
from .markdown import make_markdown
from .model import Library
from .pages import PageBuilder, PageSpec, Urls, page_specs
from .render import RenderedPage, Renderer, make_environment, render_all
from .search import build_index
from .validate import validate
from .write import write_site


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
    files: dict[str, bytes]
    pages: list[RenderedPage]
    warnings: list[Problem]
    linked: Linked
    timings: dict[str, float] = field(default_factory=dict)


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


def render_site(options: BuildOptions) -> BuildResult:
    """Run every stage but the write; the result holds the finished files in memory."""
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
                        noindex=options.noindex, minify=options.minify)
    pages = render_all(builder, renderer, page_specs(library), options.jobs)
    timings["pages+render"] = time.perf_counter() - clock

    clock = time.perf_counter()
    written_by: dict[str, PageSpec] = {}
    for page in pages:
        if page.output in written_by:
            raise ContentError([Problem(library.site.src, f"two pages would be written to '{page.output}'",
                                        f"{written_by[page.output]} and {page.spec}")])
        written_by[page.output] = page.spec
        files[page.output] = page.data
    broken = check_scanned({p.output: p.scan for p in pages if p.scan is not None}, files, urls.prefix)
    if broken:
        raise ContentError(broken)
    if options.search:
        files.update(build_index(page.search for page in pages if page.search is not None))
    timings["check"] = time.perf_counter() - clock
    return BuildResult(files, pages, problems.warnings, linked, timings)


def build(options: BuildOptions) -> BuildResult:
    """Render the whole site and swap it into the output folder; on any error nothing is written."""
    result = render_site(options)
    clock = time.perf_counter()
    write_site(options.out, result.files)
    result.timings["write"] = time.perf_counter() - clock
    return result
