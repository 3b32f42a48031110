"""Stage 5, render: turn page plans into HTML with Jinja (autoescape on, undefined names fail loudly)."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from types import CodeType
from typing import Any, Callable

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup
from selectolax.lexbor import LexborHTMLParser

from .check import _PageScan, scan_tree
from .errors import ContentError, Location, Problem
from .files import Gate, RefusedFile
from .load import clean_text
from .model import Site
from .pages import KIND_LABELS, PageBuilder, PagePlan, PageSpec, Urls, plan_page
from .parallel import fork_map
from .search import (
    Postings,
    SearchRecord,
    invert,
    merge_postings,
    packed,
    page_fragment_path,
    search_record,
)
from .write import FolderWriter

PARALLEL_MIN_PAGES = 300  # below this, starting worker processes costs more than it saves
CHUNKS_PER_JOB = 16  # pages go to the workers in this many chunks per process, to even out the load
LIGHT_KINDS = ("article", "redirect")  # the many quick pages of a large site; the others go first


class ViewEnvironment(jinja2.Environment):
    """Jinja with a fast path for the view dicts pages are built from.

    `row.href` on a dict makes Jinja try a Python attribute first and fail; looking the key up
    first makes the page templates about three times faster. Templates never call dict methods.
    """

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class LatestCodeCache(jinja2.BytecodeCache):
    """In memory, the compiled code of the latest source of each template (Jinja looks it up by
    the source's checksum, so code compiled from any other version of the file is never used).

    The preview server fills it ahead of time (`precompile`) while the file watcher is still
    waiting for a save to settle, so a template save does not wait for Jinja's compiler.
    """

    def __init__(self) -> None:
        self._codes: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self._codes.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self._codes[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self._codes.clear()


def precompile(env: jinja2.Environment, name: str) -> None:
    """Compile a template's current source into the environment's code cache (not its template
    cache: whether the template is up to date is still decided when it is next used)."""
    cache = env.bytecode_cache
    if cache is None:
        return
    try:
        source, filename, _ = env.loader.get_source(env, name)
        bucket = cache.get_bucket(env, name, filename, source)
        if bucket.code is None:
            bucket.code = env.compile(source, name, filename)
            cache.set_bucket(bucket)
    except Exception:  # a missing or broken template is reported when a page is rendered with it
        pass


class RefusedTemplate(jinja2.TemplateNotFound):
    """A template file the file gate would not read (a symlink leaving templates/, a FIFO…)."""

    def __init__(self, name: str, refused: RefusedFile) -> None:
        super().__init__(name, refused.reason)
        self.hint = refused.hint


class GatedLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, reading through the file gate: a template is a regular file that
    stays inside templates/ (Jinja's own loader follows a symlink anywhere)."""

    def __init__(self, templates: Path) -> None:
        super().__init__(str(templates))
        self.gate = Gate(templates, templates.parent)

    def get_source(self, environment, template):
        filename = os.path.join(self.searchpath[0], *split_template_path(template))
        if not os.path.lexists(filename):
            raise jinja2.TemplateNotFound(template)
        try:
            source = clean_text(self.gate.read(filename).decode("utf-8"))
            mtime = os.path.getmtime(filename)
        except RefusedFile as refused:
            raise RefusedTemplate(template, refused) from None
        except UnicodeDecodeError:
            raise RefusedTemplate(template, RefusedFile("file is not valid UTF-8", "save the file as UTF-8")) from None

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return source, os.path.normpath(filename), uptodate


def make_environment(templates: Path, auto_reload: bool = False) -> jinja2.Environment:
    """One Jinja environment per process: templates compile once and are reused for every page.

    The preview server turns `auto_reload` on: a saved template is then recompiled on its next
    use, alone, instead of every template with a fresh environment (or taken from the code that
    `precompile` made of the same source).
    """
    env = ViewEnvironment(
        loader=GatedLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=auto_reload,
        bytecode_cache=LatestCodeCache() if auto_reload else None,
    )
    env.filters["json_ld"] = json_ld
    return env


def json_ld(data: Any) -> Markup:
    """Serialise JSON-LD so that it can never close its <script> element early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


CARD_LINK = re.compile(r'data-card="((?:entity|term):[a-z0-9-]+)"')
CARD_DATA_ID = "card-data"  # the id of a page's preview-card block (static/site.js reads it)


def card_block(html: str, cards: dict[str, dict], memo: dict[str, tuple[dict, str]] | None = None) -> str:
    """The preview-card data of the cards a page links to, as an inert JSON block ("" for none).

    Scanning the finished HTML catches every cross-reference, whether a template or the markdown
    renderer made it; the page then needs no fetch to show a card. `memo` keeps each card's
    serialised JSON (a popular entity's card goes into thousands of pages); the block is the
    same as serialising the chosen cards in one go.
    """
    used = sorted(set(CARD_LINK.findall(html)))
    if not used or "</body>" not in html:
        return ""
    memo = {} if memo is None else memo
    members = []
    for key in used:
        card = cards.get(key)
        if card is None:
            continue
        entry = memo.get(key)
        if entry is None or entry[0] is not card:
            entry = memo[key] = (card, json_ld({key: card})[1:-1])  # '"key":{…}', escaped as json_ld does
        members.append(entry[1])
    return f'<script type="application/json" id="{CARD_DATA_ID}">{{{",".join(members)}}}</script>\n'


def before_body_end(html: str, block: str) -> str:
    if not block:
        return html
    at = html.rindex("</body>")
    return html[:at] + block + html[at:]


def minify_page(html: str) -> str:
    """Minify a page but keep it valid HTML (closing tags, quoted attributes, the doctype)."""
    import minify_html

    return minify_html.minify(html, keep_closing_tags=True, keep_html_and_head_opening_tags=True,
                              minify_css=True, minify_js=False)


class Renderer:
    def __init__(self, env: jinja2.Environment, site: Site, urls: Urls, assets: dict[str, str],
                 cards: dict[str, dict] | None = None, noindex: bool = False, minify: bool = False,
                 search: bool = True, deps: bool = True):
        self.env = env
        self.search = search  # make each page's search record
        self.deps = deps  # record what each page is built from (only the preview server asks)
        self.cards = cards or {}
        self.card_json: dict[str, tuple[dict, str]] = {}  # see card_block
        self.minify = minify
        self.common = {"site": site, "urls": urls, "asset": lambda name: urls.page(assets.get(name, name)),
                       "kind_labels": KIND_LABELS, "noindex": noindex}

    def render(self, plan: PagePlan) -> str:
        """The finished page, as it is written."""
        html, cards = self.render_parts(plan)
        return before_body_end(html, cards)

    def render_parts(self, plan: PagePlan) -> tuple[str, str]:
        """The page without its preview-card block, and that block ("" if none) to go before </body>.

        Kept apart so the build's HTML parse (for the link check and search) can skip the card
        data, a third of an article page and nothing but JSON in a script element. A minified
        page comes whole, the block inside it, as the minifier must see the finished page.
        """
        if not plan.template:  # a data file: the plan holds its text
            return plan.context["body"], ""
        try:
            template = self.env.get_template(plan.template)
            html = template.render(**self.common, page=plan, **plan.context)
            if not plan.output.endswith(".html"):
                return html, ""
            cards = card_block(html, self.cards, self.card_json)
            return (minify_page(before_body_end(html, cards)), "") if self.minify else (html, cards)
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError([Problem(Location(f"templates/{exc.name or plan.template}", exc.lineno or 0, 1),
                                        f"template syntax error: {exc.message}")]) from None
        except jinja2.UndefinedError as exc:
            raise ContentError([Problem(Location(f"templates/{plan.template}"),
                                        f"template uses an undefined value: {exc.message}",
                                        f"while rendering {plan.url}")]) from None
        except RefusedTemplate as exc:
            raise ContentError([Problem(Location(f"templates/{exc.name}"), exc.message, exc.hint)]) from None
        except jinja2.TemplateNotFound as exc:
            raise ContentError([Problem(Location(f"templates/{exc.name}"), "template not found")]) from None


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
