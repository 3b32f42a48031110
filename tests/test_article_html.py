"""An article's paragraph HTML is kept compressed between linking and its page (render.ArticleHtml):
what comes out is exactly what went in, paragraph by paragraph."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from explainer.render import ArticleHtml

# any text a page can hold: UTF-8 readable, so no lone surrogates
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(st.lists(TEXT, max_size=30))
def test_paragraphs_come_back_as_they_went_in(paragraphs):
    assert ArticleHtml.of(paragraphs).paragraphs() == paragraphs


def test_it_is_smaller_than_the_html():
    paragraphs = ['<p>The <a href="/entities/spacex/" class="mention">SpaceX</a> contract, paragraph %d.</p>' % n
                  for n in range(40)]
    packed = ArticleHtml.of(paragraphs)
    assert len(packed.packed) < sum(len(p) for p in paragraphs) / 4
