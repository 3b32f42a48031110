"""One seed prepared for the suggesters: its paragraphs cut into sentences and words once."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Article, Paragraph
from .text import Sentence, Word, sentences, words


@dataclass(frozen=True)
class Document:
    article: Article
    paragraphs: tuple[Paragraph, ...]
    sentences: dict[int, list[Sentence]]  # by paragraph index
    words: dict[int, list[Word]]
    lowercase_words: frozenset[str]  # every word the article writes in lower case

    def sentence_at(self, paragraph: int, offset: int) -> Sentence | None:
        for sentence in self.sentences[paragraph]:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None


def prepare(article: Article) -> Document:
    cut = {p.index: sentences(p) for p in article.paragraphs}
    found = {p.index: words(p.text, [s.start for s in cut[p.index]]) for p in article.paragraphs}
    lowercase = frozenset(w.text for ws in found.values() for w in ws if w.text[:1].islower())
    return Document(article, article.paragraphs, cut, found, lowercase)
