"""Stage 5, render: turn page plans into HTML with Jinja (autoescape on, undefined names fail loudly)."""
from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from markdown_it import MarkdownIt
from markupsafe import Markup

from .errors import ContentError, Location, Problem
from .files import Gate, RefusedFile
from .link import ArticleLinks, LinkTargets
from .load import clean_text
from .markdown import PlannedLink, render_markdown_block, render_plain_paragraph
from .model import Article, Site
from .pages import KIND_LABELS, PagePlan, Urls


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


def precompile(env: jinja2.Environment, name: str, source: str, filename: str,
               tree: jinja2.nodes.Template | None = None) -> None:
    """Compile a template's source (already parsed into `tree`, if given) into the environment's
    code cache, not its template cache: whether the template is up to date is still decided when
    it is next used, and this code is used only if the file then holds the same source."""
    cache = env.bytecode_cache
    if cache is None:
        return
    bucket = cache.get_bucket(env, name, filename, source)
    if bucket.code is None:
        try:
            bucket.code = env.compile(tree if tree is not None else source, name, filename)
        except Exception:  # a broken template is reported when a page is rendered with it
            return
        cache.set_bucket(bucket)


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


class CardData:
    """The preview cards of a site, each serialised once when first asked for (a popular entity's
    card goes into thousands of pages)."""

    def __init__(self, cards: dict[str, dict]) -> None:
        self.cards = cards
        self._members: dict[str, str] = {}

    def member(self, key: str) -> str | None:
        """'"key":{…}', escaped as json_ld escapes it, or None for a card the site does not have."""
        member = self._members.get(key)
        if member is None and key in self.cards:
            member = self._members[key] = json_ld({key: self.cards[key]})[1:-1]
        return member


def card_block(html: str, cards: CardData) -> str:
    """The preview-card data of the cards a page links to, as an inert JSON block ("" for none).

    Scanning the finished HTML catches every cross-reference, whether a template or the markdown
    renderer made it; the page then needs no fetch to show a card. The block is the same as
    serialising the chosen cards in one go.
    """
    used = sorted(set(CARD_LINK.findall(html)))
    if not used or "</body>" not in html:
        return ""
    members = [member for member in map(cards.member, used) if member is not None]
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
        self.cards = CardData(cards or {})
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
            cards = card_block(html, self.cards)
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
class ArticleHtml:
    """An article's paragraphs as HTML, kept compressed until its page is rendered.

    Only the article's own page reads them, but the main process holds every article's from
    linking until the render workers fork, and each worker starts with a copy: at 20,000
    articles the plain strings were 209 MiB of it. Compressed (zlib's fastest level, about a
    fifth of the size) they are made in the link workers and sent back in that form, and opened
    once per article page, which costs microseconds."""

    lengths: tuple[int, ...]  # each paragraph's length in characters
    packed: bytes  # the paragraphs, joined, as compressed UTF-8

    @classmethod
    def of(cls, paragraphs: list[str]) -> ArticleHtml:
        return cls(tuple(len(p) for p in paragraphs), zlib.compress("".join(paragraphs).encode(), 1))

    def paragraphs(self) -> list[str]:
        text = zlib.decompress(self.packed).decode()
        parts, start = [], 0
        for length in self.lengths:
            parts.append(text[start:start + length])
            start += length
        return parts


def paragraph_html(md: MarkdownIt, article: Article, links: ArticleLinks, tokens: list | None,
                   targets: LinkTargets) -> ArticleHtml:
    """Each paragraph of an article as HTML, with the links the link stage planned (its linked
    mentions). `tokens` are a markdown article's paragraphs as the link stage parsed them: a
    paragraph is parsed once, for its mentions and its HTML."""
    env = {"resolve": targets}
    rendered = []
    for number, (paragraph, mentions) in enumerate(zip(article.paragraphs, links.mentions)):
        planned = [PlannedLink(m.start, m.end, targets(m.target), auto=True) for m in mentions if m.linked]
        if article.format == "txt":
            rendered.append("<p>" + str(render_plain_paragraph(paragraph.text, planned)) + "</p>")
        else:
            rendered.append(str(render_markdown_block(md, paragraph.text, planned, env,
                                                      tokens[number] if tokens is not None else None)))
    return ArticleHtml.of(rendered)
