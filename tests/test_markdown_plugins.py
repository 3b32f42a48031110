"""The markdown factory's plugins (markdown.py), each through `md.use`: the HTML they write for
hand-made snippets, and the order of the inline rules that their output depends on."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from explainer.markdown import (
    _BRACKET_TOKENS, LinkTarget, PlannedLink, autolinks_plugin, make_markdown, render_markdown_block, safe_links_plugin, text_runs,
    unclosed_brackets_plugin, wikilinks_plugin,
)

ADA = LinkTarget("/entities/ada-lovelace/", "entity", "ada-lovelace", "Ada <Lovelace>")
ENGINE = LinkTarget("/glossary/engine/", "term", "engine", "Engine")
TARGETS = {"ada-lovelace": ADA, "engine": ENGINE}
ADA_LINK = '<a href="/entities/ada-lovelace/" class="xref xref-entity" data-card="entity:ada-lovelace">'


def inline(text: str, md: MarkdownIt | None = None) -> str:
    return (md or make_markdown()).renderInline(text, {"resolve": TARGETS.get})


def test_wikilinks_resolve_to_their_target_or_stay_text():
    assert inline("[[ada-lovelace]] and [[engine|the engine]]") == (
        f"{ADA_LINK}Ada &lt;Lovelace&gt;</a> and "
        '<a href="/glossary/engine/" class="xref xref-term" data-card="term:engine">the engine</a>')
    assert inline("[[no-such-id]], [[no-such-id|<Someone>]]") == "no-such-id, &lt;Someone&gt;"
    assert inline("`[[ada-lovelace]]`") == "<code>[[ada-lovelace]]</code>"


def test_safe_links_refuse_images_and_unsafe_urls():
    assert inline("![pic](https://example.com/a.png) [x](javascript:alert(1)) [ok](https://example.com/)") == (
        '!<a href="https://example.com/a.png">pic</a> [x](javascript:alert(1)) '
        '<a href="https://example.com/">ok</a>')


def test_unclosed_brackets_stay_text_and_run_before_wikilinks():
    assert inline("[ [ [ab](/x) and a [b [c] d") == '[ [ <a href="/x">ab</a> and a [b [c] d'
    # `]]` inside a code span closes nothing: the `[[` stays text, as it would before a link
    assert inline("[[ada-lovelace `]]` x") == "[[ada-lovelace <code>]]</code> x"
    rules = make_markdown().inline.ruler.get_active_rules()
    assert rules.index("unclosed_brackets") + 1 == rules.index("wikilink") == rules.index("link") - 1
    assert "image" not in rules


def test_autolinks_are_written_into_the_text_they_were_planned_on():
    md = make_markdown()
    text = "Ada met *Ada* in [Ada](/x)."
    runs, tokens = text_runs(md, text, {})
    assert [(run.offset, run.text, run.linkable) for run in runs] == [
        (0, "Ada met ", True), (8, "Ada", True), (11, " in ", True), (15, "Ada", False), (18, ".", True)]
    links = [PlannedLink(0, 3, ADA, auto=True), PlannedLink(8, 11, ADA)]
    assert render_markdown_block(md, text, links, {}, tokens) == (
        '<p><a href="/entities/ada-lovelace/" class="xref xref-entity xref-auto" data-card="entity:ada-lovelace">'
        f'Ada</a> met <em>{ADA_LINK}Ada</a></em> in <a href="/x">Ada</a>.</p>\n')


def test_each_plugin_works_on_a_plain_parser():
    md = MarkdownIt("commonmark").use(safe_links_plugin).use(unclosed_brackets_plugin).use(wikilinks_plugin)
    md.use(autolinks_plugin)
    assert inline("[ [[engine]] ![a](/b.png)", md) == (
        '[ <a href="/glossary/engine/" class="xref xref-term" data-card="term:engine">Engine</a> !<a href="/b.png">a</a>')


# Text made of the characters the link and bracket rules react to, and a few URLs.
_PIECES = st.sampled_from(["[", "]", "[[", "]]", "`", "``", "\\", "\\[", "(", ")", "a", " ", "\n", "x y", "](/p/)",
                           "](javascript:x)", "](https://example.com/a b)", "](%41/é)", "](<a>)", "[[engine]]", "*"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_unclosed_brackets_match_a_plain_scan_of_the_text(text):
    """The one-pass regex finds what a scan of every character finds (code spans by backtick runs)."""
    tokens, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            tokens.append((index, text[index:index + 2]))
            index += 2
        elif char == "`":
            end = index
            while end < len(text) and text[end] == "`":
                end += 1
            tokens.append((index, text[index:end]))
            index = end
        else:
            if char in "[]":
                tokens.append((index, char))
            index += 1
    assert [(m.start(), m.group()) for m in _BRACKET_TOKENS.finditer(text)] == tokens


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_remembered_urls_render_as_fresh_ones(text):
    """The parser that remembers normalised and judged URLs writes what one without the memo writes."""
    fresh = make_markdown()
    fresh.normalizeLink = fresh.normalizeLink.__wrapped__
    fresh.validateLink = fresh.validateLink.__wrapped__
    remembering = make_markdown()
    for _ in range(2):  # the second time from the memo
        assert inline(text, remembering) == inline(text, fresh)
        assert remembering.render(text, {"resolve": TARGETS.get}) == fresh.render(text, {"resolve": TARGETS.get})
