"""The link policy: which mentions of an article become links (explainer/linkpolicy.py)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.linkpolicy import choose_links
from explainer.model import LinkPolicy

TARGETS = [("musk", "entity"), ("spacex", "entity"), ("putin", "entity"), ("us", "entity"), ("vox", "entity"),
           ("clearance", "term"), ("satellite", "term")]
paragraph = st.lists(st.sampled_from(TARGETS), max_size=12)
article = st.lists(st.tuples(paragraph, st.integers(0, 150), st.booleans()), max_size=25)
policies = st.builds(LinkPolicy, st.sampled_from(["paragraph", "article", "all"]),
                     st.sampled_from(["paragraph", "article", "all"]), st.integers(0, 6), st.integers(0, 60))


def _choose(rows, policy):
    return choose_links([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], policy)


@settings(max_examples=300, deadline=None)
@given(article, policies)
def test_limits_hold_for_any_article(rows, policy):
    chosen = _choose(rows, policy)
    assert [len(flags) for flags in chosen] == [len(r[0]) for r in rows]
    words = links = 0
    for (mentions, count, _section), flags in zip(rows, chosen):
        words += count
        links += sum(flags)
        if policy.max_per_paragraph:
            assert sum(flags) <= policy.max_per_paragraph
        if policy.words_per_link:  # one link per words_per_link words read so far, plus one
            assert links <= words // policy.words_per_link + 1
        linked_here = [m for m, flag in zip(mentions, flags) if flag]
        if policy.entities != "all" and policy.terms != "all":
            assert len(linked_here) == len(set(linked_here)), "a target links at most once in a paragraph"


@settings(max_examples=300, deadline=None)
@given(article)
def test_article_scope_links_each_target_once_per_section_and_defers_when_full(rows):
    policy = LinkPolicy("article", "article", 4, 30)
    chosen = _choose(rows, policy)
    linked: set = set()
    for (mentions, _count, section), flags in zip(rows, chosen):
        if section:
            linked.clear()
        for mention, flag in zip(mentions, flags):
            if flag:
                assert mention not in linked
                linked.add(mention)


def test_without_limits_every_first_mention_links():
    rows = [([("musk", "entity"), ("musk", "entity"), ("us", "entity")], 10, False),
            ([("musk", "entity"), ("vox", "entity")], 10, False)]
    assert _choose(rows, LinkPolicy("article", "article", 0, 0)) == [[True, False, True], [False, True]]
    assert _choose(rows, LinkPolicy("paragraph", "article", 0, 0)) == [[True, False, True], [True, True]]


def test_a_crowded_paragraph_keeps_people_first_and_defers_the_rest():
    rows = [([("us", "entity"), ("vox", "entity"), ("musk", "entity")], 40, False),
            ([("us", "entity"), ("vox", "entity")], 40, False)]
    rank = {"musk": 3, "vox": 1}
    chosen = choose_links([r[0] for r in rows], [r[1] for r in rows], [False, False],
                          LinkPolicy("article", "article", 4, 30), rank)
    # 40 words: room for two; Musk (a person) and Vox (a publication) win, the US links next time
    assert chosen == [[False, True, True], [True, False]]
