"""What the preview session keeps of the last good build, and what one run of it finds out."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection

from ..engine import LinkTables, Prepared
from ..errors import Problem
from ..pages import PageSpec
from ..jobs import RenderedPage
from .keys import Keys


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
    warnings: tuple[Problem, ...] = ()


@dataclass
class Site:
    """The last good build: its content, pages and link-check tables, and which page needs which key."""

    prepared: Prepared | None = None
    pages: dict[PageSpec, RenderedPage] = field(default_factory=dict)
    keys: Keys = field(default_factory=dict)
    specs: list[PageSpec] = field(default_factory=list)  # every page, in order
    spec_index: dict[PageSpec, int] = field(default_factory=dict)
    specs_order: dict[str, int] | None = None  # the article order `specs` were made from
    tables: LinkTables = field(default_factory=LinkTables)
    # per source key, the pages that depend on it (entries go stale when a page's deps change:
    # a lookup checks the page's current deps; the index is made afresh by the next full build)
    dependants: dict[str, list[PageSpec]] = field(default_factory=dict)
    dependants_added: int = 0
    by_output: dict[str, PageSpec] = field(default_factory=dict)  # the page of each file (stale entries filtered)

    def index_dependants(self) -> None:
        self.dependants, self.dependants_added = {}, 0
        self.by_output = {page.output: spec for spec, page in self.pages.items()}
        for spec, page in self.pages.items():
            for key in page.deps:
                self.dependants.setdefault(key, []).append(spec)

    def add_dependants(self, fresh: dict[PageSpec, RenderedPage]) -> None:
        """Add the keys that re-rendered pages newly depend on (dropped ones are filtered on lookup)."""
        self.by_output.update((page.output, spec) for spec, page in fresh.items())
        for spec, page in fresh.items():
            old = self.pages.get(spec)
            if old is not None and old.deps is page.deps:
                continue
            for key in page.deps - old.deps if old is not None else page.deps:
                self.dependants.setdefault(key, []).append(spec)
                self.dependants_added += 1

    def pages_of(self, outputs: Collection[str]) -> set[PageSpec]:
        """The pages written to these files (files of no page are left out)."""
        specs = {self.by_output.get(output) for output in outputs}
        return {spec for spec in specs if spec is not None and (page := self.pages.get(spec)) is not None
                and page.output in outputs}

    def dependants_of(self, changed: set[str]) -> set[PageSpec]:
        """The pages whose content depends on one of the changed keys."""
        pages = self.pages
        return {spec for key in changed for spec in self.dependants.get(key, ())
                if (page := pages.get(spec)) is not None and key in page.deps}


@dataclass
class Change:
    """One run of the session: the saved paths and what the planning found out about them."""

    full: bool
    template_names: set[str] = field(default_factory=set)
    static_names: list[str] = field(default_factory=list)
    content_changed: bool = True
    viewing: Collection[str] = ()
    prepared: Prepared | None = None
    keys: Keys = field(default_factory=dict)
    specs: list[PageSpec] = field(default_factory=list)
    spec_index: dict[PageSpec, int] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    in_view_first: bool = False  # the first batch is the pages in view; the rest follow it
    tables: LinkTables | None = None

    def in_order(self, specs: set[PageSpec]) -> list[PageSpec]:
        """The pages in site order."""
        return sorted(specs, key=self.spec_index.__getitem__)


def pages_affected(site: Site, change: Change, changed: set[str], touched: set[PageSpec]) -> set[PageSpec]:
    """Every page a change affects: those that depend on a changed key, those a changed object
    now appears on (`touched`: keys.pages_touched_by), and the pages new to the site."""
    affected = site.dependants_of(changed) | touched
    if change.specs is not site.specs:  # pages that are new to the site (a redirect stub, an article)
        affected |= {spec for spec in change.specs if spec not in site.pages}
    return {spec for spec in affected if spec in change.spec_index}


def pages_in_view(site: Site, change: Change, changed: set[str], touched: set[PageSpec]) -> set[PageSpec]:
    """The affected pages of the edited articles and entities, and those open in the browser
    (found without finding every affected page)."""
    specs = {("article" if kind == "seed" else kind, ident) for kind, _, ident in (key.partition(":") for key in changed)}
    specs |= site.pages_of(set(change.viewing))
    return {spec for spec in specs if _affects(site, change, spec, changed, touched)}


def _affects(site: Site, change: Change, spec: PageSpec, changed: set[str], touched: set[PageSpec]) -> bool:
    """Whether one page is among `pages_affected`."""
    if spec not in change.spec_index:
        return False
    page = site.pages.get(spec)
    if page is None:
        return spec in touched or change.specs is not site.specs
    return spec in touched or not changed.isdisjoint(page.deps)
