"""One markdown factory (markdown-it-py) with small plugins: safe links, [[wikilinks]], auto-links.

Raw HTML is off unless the site turns it on; link URLs are limited to http, https, mailto and
relative ones. Rendered HTML is cached by text, so each distinct text is parsed once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup, escape

from .urls import is_safe_url


@dataclass(frozen=True)
class LinkTarget:
    """Where an entity or term link points, and what a preview card needs to find it."""

    href: str
    kind: str  # "entity" | "term"
    id: str
    title: str


Resolver = Callable[[str], "LinkTarget | None"]


# [[id]] or [[id|label]] on one line, without another [ inside. The match stops at the first
# `[`, newline or `]]`, so trying it at every `[` of a text costs time linear in the text (a
# search for the closing `]]` from each `[` would be quadratic).
_WIKILINK = re.compile(r"\[\[((?:[^\[\]\n]|\](?!\]))+)\]\]")


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """Parse [[id]] and [[id|label]] into a `wikilink` token."""
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    found = _WIKILINK.match(src, pos)
    if found is None:
        return False
    ident, _, label = found.group(1).partition("|")
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"id": ident.strip(), "label": label.strip() or None}
    state.pos = found.end()
    return True


# Every branch starts with one fixed character, so the regex engine can skip to the next of
# those four instead of trying each branch at every position (a "`+" branch would stop that).
_BRACKET_TOKENS = re.compile(r"\\.|``*|\[|\]", re.S)


def unclosed_brackets(text: str) -> frozenset[int]:
    """Positions of the `[` in text that no later `]` closes, outside code spans and escapes.

    One pass over the brackets, backticks and backslashes: linear in the text. (Brackets inside
    an autolink or raw HTML count like any other: a `]` there can close a `[` before it, which
    only leaves that `[` to markdown-it as before.)
    """
    tokens = [(m.start(), m.group()) for m in _BRACKET_TOKENS.finditer(text)]
    closer: dict[int, int] = {}  # index of a backtick run → index of the run that closes its code span
    last_of_length: dict[int, int] = {}
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index][1]
        if token[0] == "`":
            if len(token) in last_of_length:
                closer[index] = last_of_length[len(token)]
            last_of_length[len(token)] = index
    open_brackets: list[int] = []
    index = 0
    while index < len(tokens):
        start, token = tokens[index]
        if token == "[":
            open_brackets.append(start)
        elif token == "]" and open_brackets:
            open_brackets.pop()
        elif token[0] == "`" and index in closer:
            index = closer[index]  # a code span: its brackets are code
        index += 1
    return frozenset(open_brackets)


def _unclosed_bracket_rule(state: StateInline, silent: bool) -> bool:
    """Take a run of `[` that no `]` closes as text, before the link rules try them.

    markdown-it tries a link at every `[` and searches the rest of the paragraph for its `]`,
    so n unclosed `[` cost n² steps. Such a `[` can never start a link,
    so taking it as text changes nothing a reader sees; the positions are found once per text
    (linear), and every other `[` is matched by its own `]`, where the search stops.
    """
    src, pos = state.src, state.pos
    if src[pos] != "[":
        return False
    unclosed = getattr(state, "explainer_unclosed", None)
    if unclosed is None:
        unclosed = state.explainer_unclosed = unclosed_brackets(src)
    if pos not in unclosed:
        return False
    end = pos + 1
    while end in unclosed:
        end += 1
    if not silent:
        state.pending += src[pos:end]
    state.pos = end
    return True


@lru_cache(maxsize=1 << 12)  # a few hundred targets make every link of a site
def link_attrs(target: LinkTarget, auto: bool = False) -> str:
    """The attributes every cross-reference carries (used by preview cards and tests); an
    automatic link (a name found in the text, not an author's [[link]]) is drawn more quietly."""
    return (f'href="{escape(target.href)}" class="xref xref-{target.kind}{" xref-auto" if auto else ""}" '
            f'data-card="{target.kind}:{escape(target.id)}"')


def _render_wikilink(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    resolve: Resolver = env.get("resolve") if env else None
    target = resolve(meta["id"]) if resolve else None
    label = meta["label"]
    if target is None:
        return str(escape(label or meta["id"]))
    return f'<a {link_attrs(target)}>{escape(label or target.title)}</a>'


def safe_links_plugin(md: MarkdownIt) -> None:
    """Links to http, https, mailto and relative URLs only, and no images from content: a
    contributor's ![](https://…) would load a third-party URL in every reader's browser (the
    site's policy allows images from the site only); it shows as a link."""
    md.disable("image")
    md.validateLink = lru_cache(maxsize=URL_MEMO_SIZE)(lambda url: is_safe_url(url.strip()))


# A site's links repeat (articles link to each other, pages to the same sources): each distinct
# URL is normalised and judged once, not once per link.
URL_MEMO_SIZE = 1 << 14


def memo_urls_plugin(md: MarkdownIt) -> None:
    """Normalise each distinct link URL once (markdown-it's own normalizeLink: a pure function)."""
    md.normalizeLink = lru_cache(maxsize=URL_MEMO_SIZE)(md.normalizeLink)


def unclosed_brackets_plugin(md: MarkdownIt) -> None:
    """Take a `[` that no `]` closes as text before any rule that links tries it (see the rule).

    Use it before wikilinks_plugin, which inserts its rule just before `link` too: this rule
    then runs first, so an unclosed `[[` stays text, as it does for a link."""
    md.inline.ruler.before("link", "unclosed_brackets", _unclosed_bracket_rule)


def wikilinks_plugin(md: MarkdownIt) -> None:
    """[[id]] and [[id|label]]: a link to the entity or term that env["resolve"] finds, else the text."""
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)


def autolinks_plugin(md: MarkdownIt) -> None:
    """Write out the auto-links that render_markdown_block marked on text tokens as it escapes them."""
    md.add_render_rule("text", _render_text)


def make_markdown(allow_html: bool = False) -> MarkdownIt:
    """Build the one markdown parser every field and seed goes through."""
    md = MarkdownIt("commonmark", {"html": allow_html, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md.use(safe_links_plugin).use(memo_urls_plugin).use(unclosed_brackets_plugin).use(wikilinks_plugin).use(autolinks_plugin)


def wikilink_ids(md: MarkdownIt, text: str) -> list[tuple[str, int]]:
    """Every [[id]] in a markdown text, with the 0-based line it is on."""
    found = []
    for block in md.parse(text):
        if block.type == "inline" and block.children:
            for child in block.children:
                if child.type == "wikilink":
                    found.append((child.meta["id"], block.map[0] if block.map else 0))
    return found


class TextRun(NamedTuple):
    """A piece of a block's visible text: where it starts, and whether auto-links may go in it."""

    offset: int
    text: str
    linkable: bool


def _walk_runs(tokens: list[Token]) -> Iterator[tuple[Token, TextRun]]:
    """Yield each text-bearing inline token with its offset in the block's visible text.

    Auto-links never go inside headings, links or code, so those runs are marked not linkable.
    """
    offset = 0
    in_heading = False
    for block in tokens:
        if block.type == "heading_open":
            in_heading = True
        elif block.type == "heading_close":
            in_heading = False
        if block.type != "inline" or not block.children:
            continue
        if offset:
            offset += 1  # between two blocks (list items, a heading and its text), like a line break
        link_depth = 0
        for child in block.children:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type in ("text", "code_inline"):
                linkable = child.type == "text" and not in_heading and link_depth == 0
                yield child, TextRun(offset, child.content, linkable)
                offset += len(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                offset += 1


def visible_text(runs: list[TextRun]) -> str:
    """The text the runs come from: a line break or a block boundary between two runs (each
    counts as one character in their offsets) comes back as a newline, so every offset points
    into this text and no two list items' words run together in a snippet."""
    pieces, length = [], 0
    for run in runs:
        if run.offset > length:
            pieces.append("\n" * (run.offset - length))
        pieces.append(run.text)
        length = run.offset + len(run.text)
    return "".join(pieces)


def text_runs(md: MarkdownIt, text: str, env: dict | None = None,
              tokens: list[Token] | None = None) -> tuple[list[TextRun], list[Token]]:
    """The visible text of a markdown block as runs (for finding mentions), and its tokens (to
    render later); `tokens`, if given, are the block's already parsed (see parse_blocks)."""
    if tokens is None:
        tokens = md.parse(text, env if env is not None else {})
    return [run for _token, run in _walk_runs(tokens)], tokens


def parse_blocks(md: MarkdownIt, texts: list[str]) -> list[list[Token]] | None:
    """Parse an article's markdown paragraphs in one call and cut the tokens back into paragraphs.

    Each call to markdown-it has a fixed cost before it reads a character, large beside the
    work of linking one paragraph; one call per article pays it once instead of per paragraph. Each
    paragraph gets exactly the tokens parsing it alone would give (line numbers aside): the
    paragraphs are joined with one blank line, and the result is used only if every top-level
    block lies inside one paragraph and every paragraph has one, and no reference definition
    was read (a definition in one paragraph would resolve links in another). Otherwise None:
    the caller parses the paragraphs one by one.
    """
    env: dict = {}
    tokens = md.parse("\n\n".join(texts), env)
    if env.get("references"):
        return None
    spans, line = [], 0  # each paragraph's lines [start, end) in the joined text
    for text in texts:
        end = line + text.count("\n") + 1
        spans.append((line, end))
        line = end + 1
    blocks: list[list[Token]] = [[] for _ in texts]
    current = -1
    for token in tokens:
        if token.level == 0 and token.nesting >= 0:  # a top-level block starts
            if token.map is None:
                return None
            start, end = token.map
            while current + 1 < len(spans) and spans[current + 1][0] <= start:
                current += 1
            if current < 0 or end > spans[current][1] + 1:  # (a list's lines take in the blank one after it)
                return None  # a block reaches over a blank line into the next paragraph
        elif current < 0:
            return None
        blocks[current].append(token)
    return blocks if all(blocks) else None


class PlannedLink(NamedTuple):
    start: int  # offsets into the block's visible text (plain-text seeds: into the paragraph)
    end: int
    target: LinkTarget
    auto: bool = False  # found by the alias matcher rather than written as [[id]]


def render_plain_paragraph(text: str, links: list[PlannedLink]) -> Markup:
    """Escape a plain-text paragraph and wrap the planned links; the visible text is unchanged."""
    out, cursor = [], 0
    for link in links:
        out.append(str(escape(text[cursor:link.start])))
        out.append(f'<a {link_attrs(link.target, link.auto)}>{escape(text[link.start:link.end])}</a>')
        cursor = link.end
    out.append(str(escape(text[cursor:])))
    return Markup("".join(out))


def render_markdown_block(md: MarkdownIt, text: str, links: list[PlannedLink], env: dict,
                          tokens: list[Token] | None = None) -> Markup:
    """Render a markdown seed block with the planned auto-links wrapped around their text.

    `tokens` (from text_runs) saves a second parse; the text tokens that get links are marked
    with them (`meta["autolinks"]`), for the text rule to write the links out as it escapes them.
    """
    if tokens is None:
        tokens = md.parse(text, env)
    if links:
        pending = sorted(links, key=lambda link: link.start)
        for token, run in _walk_runs(tokens):
            if not run.linkable:
                continue
            stop = run.offset + len(run.text)
            inside = [(link.start - run.offset, link.end - run.offset, link.target, link.auto)
                      for link in pending if run.offset <= link.start and link.end <= stop]
            if inside:
                token.meta = {**token.meta, "autolinks": inside}
    return Markup(render_tokens(md, tokens, env))


def _render_text(self, tokens, idx, options, env) -> str:
    """Escape a text token (markdown-it's own rule), with any auto-links marked on it."""
    token = tokens[idx]
    links = token.meta.get("autolinks") if token.meta else None
    if not links:
        return escapeHtml(token.content)
    content, out, cursor = token.content, [], 0
    for start, end, target, auto in links:
        out.append(escapeHtml(content[cursor:start]))
        out.append(f'<a {link_attrs(target, auto)}>{escapeHtml(content[start:end])}</a>')
        cursor = end
    out.append(escapeHtml(content[cursor:]))
    return "".join(out)


SAFE_TAGS = {"a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "dfn", "em", "h2", "h3", "h4", "h5", "h6",
             "hr", "i", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
             "table", "tbody", "td", "th", "thead", "tr", "u", "ul"}


def sanitize(html: str) -> str:
    """Keep harmless markup only (with raw HTML on): no scripts, handlers, styles, frames or odd URLs."""
    import nh3

    return nh3.clean(html, tags=SAFE_TAGS, clean_content_tags={"script", "style"},
                     attributes={"a": {"href", "class", "data-card", "title"}, "*": {"lang", "title"},
                                 "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}},
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


def render_tokens(md: MarkdownIt, tokens: list[Token], env: dict) -> str:
    html = md.renderer.render(tokens, md.options, env)
    return sanitize(html) if md.options["html"] else html


class MarkdownRenderer:
    """Render content fields (descriptions, definitions, notes) once per distinct text."""

    def __init__(self, md: MarkdownIt, resolve: Resolver):
        self.md = md
        self.env = {"resolve": resolve}
        self._cache: dict[tuple[str, bool], Markup] = {}

    @property
    def size(self) -> int:
        """How many distinct texts it holds."""
        return len(self._cache)

    def block(self, text: str) -> Markup:
        return self._render(text, inline=False)

    def inline(self, text: str) -> Markup:
        """Render a one-liner without the wrapping <p>."""
        return self._render(text, inline=True)

    def _render(self, text: str, inline: bool) -> Markup:
        key = (text, inline)
        if key not in self._cache:
            env = dict(self.env)
            html = self.md.renderInline(text, env) if inline else self.md.render(text, env)
            self._cache[key] = Markup(sanitize(html) if self.md.options["html"] else html)
        return self._cache[key]
