"""The alias matcher: whole words, longest first, possessives, one pass; linking never changes text."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from explainer.linker import AliasEntry, AliasMatcher
from explainer.markdown import LinkTarget, PlannedLink, make_markdown, render_markdown_block, render_plain_paragraph


def matcher(*aliases: tuple[str, str], fold: set[str] = frozenset()) -> AliasMatcher:
    return AliasMatcher(AliasEntry(a, t, "term" if t in fold else "entity", t not in fold) for a, t in aliases)


def found(m: AliasMatcher, text: str) -> list[tuple[str, str]]:
    return [(text[x.start:x.end], x.target) for x in m.find(text)]


def test_longest_match_wins_and_whole_words_only():
    m = matcher(("Musk", "musk"), ("Elon Musk", "musk"), ("SpaceX", "spacex"), ("Space", "space"))
    assert found(m, "Elon Musk and Muskrat at SpaceX, not Spacey") == [("Elon Musk", "musk"), ("SpaceX", "spacex")]


def test_possessives_with_both_apostrophes_link_the_name():
    m = matcher(("Musk", "musk"))
    assert found(m, "Musk’s company and Musk's rockets") == [("Musk", "musk"), ("Musk", "musk")]


def test_names_are_case_sensitive_and_terms_are_not():
    m = matcher(("Apple", "apple"), ("security clearance", "clearance"), fold={"clearance"})
    assert found(m, "an apple; Security Clearance and security clearance") == [
        ("Security Clearance", "clearance"), ("security clearance", "clearance")]


def test_overlapping_candidates_take_leftmost_then_longest():
    m = matcher(("New York", "ny"), ("York Times", "yt"), ("New York Times", "nyt"))
    assert found(m, "The New York Times") == [("New York Times", "nyt")]
    assert found(m, "New York Timesheet") == [("New York", "ny")]


def test_empty_matcher_and_empty_text():
    assert AliasMatcher([]).find("anything") == []
    assert matcher(("A1", "a")).find("") == []


def test_many_aliases_still_one_automaton():
    entries = [AliasEntry(f"Name{i} Person", f"p{i}", "entity") for i in range(5000)]
    m = AliasMatcher(entries)
    assert m.size == 5000
    assert [x.target for x in m.find("Name4999 Person met Name1 Person.")] == ["p4999", "p1"]


words = st.text(alphabet=st.sampled_from(list("abcAB’'é -.“”<>&\"")), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("abcAB ’'.,é<>&\"-\n")), max_size=200),
       aliases=st.lists(words, max_size=8))
def test_linking_never_changes_the_visible_text(text, aliases):
    """Property: for any aliases and text, the linked paragraph's text content equals the source."""
    entries = [AliasEntry(a, f"t{i}", "entity") for i, a in enumerate(aliases) if a.strip()]
    m = AliasMatcher(entries)
    matches = m.find(text)
    for a, b in zip(matches, matches[1:]):
        assert a.end <= b.start  # no overlaps
    links = [PlannedLink(x.start, x.end, LinkTarget(f"/e/{x.target}/", "entity", x.target, x.target)) for x in matches]
    html = render_plain_paragraph(text, links)
    tree = HTMLParser(f"<p>{html}</p>")
    assert tree.css_first("p").text(deep=True) == text.replace("\r", "")
    assert len(tree.css("a")) == len(matches)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("abc AB*_`[]()#\n")), max_size=80),
       aliases=st.lists(st.text(alphabet="abAB ", min_size=2, max_size=5), max_size=5))
def test_markdown_autolinks_keep_text_and_avoid_links_and_code(text, aliases):
    md = make_markdown()
    entries = [AliasEntry(a, f"t{i}", "entity") for i, a in enumerate(aliases) if a.strip()]
    m = AliasMatcher(entries)
    from explainer.markdown import text_runs
    planned = []
    for run in text_runs(md, text)[0]:
        if run.linkable:
            planned += [PlannedLink(x.start + run.offset, x.end + run.offset,
                                    LinkTarget("/x/", "entity", x.target, x.target)) for x in m.find(run.text)]
    plain = HTMLParser(f"<div>{md.render(text)}</div>").css_first("div").text(deep=True)
    linked_tree = HTMLParser(f"<div>{render_markdown_block(md, text, planned, {})}</div>")
    assert linked_tree.css_first("div").text(deep=True) == plain
    for anchor in linked_tree.css("a.xref"):
        assert anchor.parent.tag not in ("a", "code", "h1", "h2", "h3", "h4", "h5", "h6")


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.text(alphabet=st.sampled_from(list("abc AB*_`[]()")), max_size=20), min_size=1, max_size=4),
       aliases=st.lists(st.text(alphabet="abAB ", min_size=2, max_size=5), max_size=5))
def test_mention_offsets_point_into_the_visible_text_across_line_breaks(lines, aliases):
    """A markdown paragraph's visible text keeps its line breaks, so a mention found after one is
    cut out of the visible text exactly (entity pages show their snippets from it)."""
    from explainer.link import find_paragraph_matches
    from explainer.markdown import text_runs
    from explainer.model import Article
    md = make_markdown()
    text = "\n".join(lines)
    matcher = AliasMatcher([AliasEntry(a, f"t{i}", "entity") for i, a in enumerate(aliases) if a.strip()])
    article = Article(slug="a", title="A", path="seeds/a.md", format="md", paragraphs=(), src=None)
    visible, matches, _tokens = find_paragraph_matches(md, article, matcher, text)
    runs = text_runs(md, text)[0]
    for run in runs:
        assert visible[run.offset:run.offset + len(run.text)] == run.text
    for match in matches:
        run = next(r for r in runs if r.offset <= match.start and match.end <= r.offset + len(r.text))
        assert visible[match.start:match.end] == run.text[match.start - run.offset:match.end - run.offset]


def test_a_mention_after_a_line_break_is_cut_out_exactly():
    from explainer.link import find_paragraph_matches
    from explainer.model import Article
    md = make_markdown()
    matcher = AliasMatcher([AliasEntry("Ada Lovelace", "ada", "entity")])
    article = Article(slug="a", title="A", path="seeds/a.md", format="md", paragraphs=(), src=None)
    visible, matches, _ = find_paragraph_matches(md, article, matcher, "First line,\nthen *more*\nand Ada Lovelace.")
    assert visible == "First line,\nthen more\nand Ada Lovelace."
    assert [visible[m.start:m.end] for m in matches] == ["Ada Lovelace"]
    visible, matches, _ = find_paragraph_matches(md, article, matcher, "- one\n- two, Ada Lovelace\n\n  > three")
    assert visible == "one\ntwo, Ada Lovelace\nthree"  # list items do not run together
    assert [visible[m.start:m.end] for m in matches] == ["Ada Lovelace"]


_BLOCKS = ["Plain text with Ada Lovelace.", "# A heading", "- one\n- two", "1. first\n2. second", "> quoted\nlazy",
           "```\ncode", "```\nfenced\n```", "    indented", "| a | b |\n|---|---|\n| 1 | 2 |", "[ref]: /x",
           "[ref]: /y\nthen text",
           "see [ref] here", "Title\n===", "***", "  - nested\n    - deeper", "<div>raw</div>", "text  \nbreak",
           "*em* and **strong** [link](/a/) `code`", "- item\n\n", "Setext\n---", "2) other list", "+ plus", "~~~\nx"]


@settings(max_examples=300, deadline=None)
@given(paragraphs=st.lists(st.one_of(st.sampled_from(_BLOCKS),
                                     st.text(alphabet=st.sampled_from(list("ab *_`[]()#>-=|!<&\n")), min_size=1,
                                             max_size=30)), min_size=1, max_size=6))
def test_one_parse_per_article_gives_each_paragraph_the_tokens_of_its_own_parse(paragraphs):
    """parse_blocks parses an article's paragraphs in one call; whenever it does not give up, every
    paragraph must render and read (text runs) exactly as when parsed alone."""
    from explainer.markdown import parse_blocks, render_tokens, text_runs
    texts = ["\n".join(line.rstrip() for line in p.split("\n") if line.strip()) for p in paragraphs]
    texts = [t for t in texts if t]  # what the seed splitter makes: no blank lines inside a paragraph
    if not texts:
        return
    md = make_markdown()
    blocks = parse_blocks(md, texts)
    if blocks is None:
        return
    for text, tokens in zip(texts, blocks, strict=True):
        alone = md.parse(text, {})
        assert render_tokens(md, tokens, {}) == render_tokens(md, alone, {})
        assert text_runs(md, text, tokens=tokens)[0] == text_runs(md, text)[0]


def test_one_parse_per_article_covers_ordinary_articles_and_gives_up_where_blocks_cross():
    from explainer.markdown import parse_blocks
    md = make_markdown()
    assert parse_blocks(md, ["Text.", "## Heading", "- a\n- b", "More text."]) is not None
    assert parse_blocks(md, ["```", "code after a blank line"]) is None  # the fence runs on
    assert parse_blocks(md, ["[x]: /a\nText.", "uses [x]"]) is None  # a definition would cross paragraphs
