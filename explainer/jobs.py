"""The per-unit jobs the engine hands to worker processes: what is done with one article, one page.

Each job composes the per-unit functions of several stages, so that what one of them makes is
used by the next while it is at hand and then dropped: an article is linked (link.link_article)
and its paragraphs rendered (render.paragraph_html) from the same parse; a page is planned
(pages), rendered (render), parsed once for its links (check.scan_tree) and its search record
(search.search_record), and written (write) by the process that made it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterator, Sequence

from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser

from .check import _PageScan, scan_tree
from .link import ArticleLinks, LinkTargets, link_article
from .linker import AliasMatcher
from .model import Article, LinkPolicy
from .pages import PageBuilder, PageSpec, plan_page
from .parallel import fork_imap, fork_map
from .render import CARD_DATA_ID, CARD_LINK, ArticleHtml, Renderer, before_body_end, paragraph_html
from .search import Postings, SearchRecord, invert, merge_postings, packed, page_fragment_path, search_record
from .write import FolderWriter

PARALLEL_MIN_ARTICLES = 200  # below this, forking workers costs more than it saves
PARALLEL_MIN_PAGES = 300  # (pages)
CHUNKS_PER_JOB = 16  # pages go to the workers in this many chunks per process, to even out the load
LIGHT_KINDS = ("article", "redirect")  # the many quick pages of a large site; the others go first

LinkedArticle = tuple[ArticleLinks, ArticleHtml]  # an article's links, and its paragraphs' HTML


def link_and_render(md: MarkdownIt, matcher: AliasMatcher, policy: LinkPolicy,
                    targets: LinkTargets) -> Callable[[Article], LinkedArticle]:
    """The job for one article: its links, and each paragraph's HTML made from the same tokens."""
    def job(article: Article) -> LinkedArticle:
        links, tokens = link_article(md, matcher, article, policy, targets.rank)
        return links, paragraph_html(md, article, links, tokens, targets)
    return job


def link_articles(job: Callable[[Article], LinkedArticle], articles: Sequence[Article],
                  jobs: int) -> Iterator[LinkedArticle]:
    """Run the article job on every article, on `jobs` forked processes when there are enough
    articles to pay for it; the results come in order, each as soon as it is ready."""
    forked = fork_imap(job, articles, jobs, PARALLEL_MIN_ARTICLES)
    return forked if forked is not None else map(job, articles)


@dataclass(frozen=True)
class RenderedPage:
    """One finished page: where it goes, what it was built from, its bytes and its links.

    `data` is None when the page went straight into the output folder (a full build's workers
    write their pages themselves); so is its search record's fragment.
    """

    spec: PageSpec
    url: str
    output: str
    deps: frozenset[str]
    data: bytes | None
    scan: _PageScan | None
    search: SearchRecord | None = None


def render_spec(builder: PageBuilder, renderer: Renderer, spec: PageSpec, number: int = 0,
                writer: FolderWriter | None = None) -> RenderedPage:
    """Plan and render one page (the `number`th of the site); its deps gain the preview cards
    embedded in it. With a `writer`, the page and its search passages are written right away."""
    plan = plan_page(builder, spec)
    text, cards = renderer.render_parts(plan)
    deps = plan.deps | {key.replace(":", "-card:", 1) for key in CARD_LINK.findall(text)} if renderer.deps else ()
    scan = search = None
    if plan.output.endswith(".html"):
        tree = LexborHTMLParser(text)  # parsed once for the link check and the search index
        scan = scan_tree(tree)
        if cards:  # the card block holds one id and, being script data, no links
            scan.add_id(CARD_DATA_ID)
        search = search_record(tree, plan.url) if renderer.search else None
    data = before_body_end(text, cards).encode("utf-8")
    if writer is not None:
        writer.write(plan.output, data)
        data = None
        if search is not None:
            writer.write(page_fragment_path(number), search.fragment)
            search = replace(search, fragment=None)
    return RenderedPage(spec, plan.url, plan.output, frozenset(deps), data, scan, search)


def render_all(builder: PageBuilder, renderer: Renderer, specs: list[PageSpec], jobs: int,
               writer: FolderWriter | None = None, postings: Postings | None = None,
               on_fork: Callable[[], None] | None = None) -> list[RenderedPage]:
    """Render pages, on `jobs` forked processes when there are enough of them to pay for it (and
    write them with `writer`, if given, from whichever process rendered them). `on_fork` is called
    once the workers exist (not at all when the pages are rendered in this process).

    With `postings`, the pages' search words are inverted by the process that rendered them and
    merged into it, instead of travelling back page by page (their records then carry no terms).
    """
    def render_chunk(numbers: range) -> tuple[list[RenderedPage], Postings | None]:
        pages = [render_spec(builder, renderer, specs[number], number, writer) for number in numbers]
        if postings is None:
            return pages, None
        inverted = packed(invert((number, page.search) for number, page in zip(numbers, pages) if page.search))
        return [replace(page, search=replace(page.search, terms=None)) if page.search else page
                for page in pages], inverted

    total = len(specs)
    size = max(1, -(-total // (max(jobs, 1) * CHUNKS_PER_JOB)))
    chunks = [range(start, min(start + size, total)) for start in range(0, total, size)]
    results = None
    if total >= PARALLEL_MIN_PAGES:
        # Hand out the chunks with the most heavy pages first (entity pages, the lists, the map take
        # several times an article's time): left for the end, one of them keeps a worker busy alone.
        dispatch = sorted(range(len(chunks)), key=lambda i: -sum(specs[n][0] not in LIGHT_KINDS for n in chunks[i]))
        done = fork_map(render_chunk, [chunks[i] for i in dispatch], jobs, 1, chunks_per_job=CHUNKS_PER_JOB,
                        on_fork=on_fork)
        if done is not None:
            results = [result for _, result in sorted(zip(dispatch, done), key=lambda pair: pair[0])]
    if results is None:
        results = [render_chunk(range(total))]
    pages = []
    for chunk_pages, inverted in results:  # in page order
        pages += chunk_pages
        if inverted:
            merge_postings(postings, inverted)
    return pages
