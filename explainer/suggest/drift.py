"""Drift: curated excerpts, notes and quotes of a seed that no longer match it word for word
after the seed was revised, each with the build's own hint and the nearest passage now there."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..errors import Location, Problems
from ..link import locate_excerpt
from ..model import Article, Library

NEAREST_MIN_SCORE = 60  # below this, the nearest passage is not worth proposing
WIDEN = 4  # words by which each end of the aligned passage may move
_TRIM = frozenset(",;:.“”‘’\"'()[]")


@dataclass(frozen=True)
class Drift:
    where: Location
    what: str  # "excerpt of event 'x'", "quote 2", …
    excerpt: str
    hint: str  # the build's own verbatim hint
    paragraph: int | None  # where the nearest passage is
    nearest: str | None  # the nearest passage, verbatim from the revised seed
    score: float


def _curated(library: Library, slug: str):
    """(where, what, excerpt) for every verbatim claim the curated content makes about one seed."""
    for event in library.events:
        for source in event.sources:
            if source.seed == slug:
                yield source.src, f"excerpt of event '{event.id}'", source.excerpt
    for term in library.terms:
        for source in term.sources:
            if source.seed == slug:
                yield source.src, f"excerpt of term '{term.id}'", source.excerpt
    for point in library.site.key_points:
        for source in point.sources:
            if source.seed == slug:
                yield source.src, "excerpt of a key point", source.excerpt
    for note in library.notes:
        if note.seed == slug:
            yield note.src, f"excerpt of note '{note.id}'", note.excerpt
    for quote in library.quotes:
        if quote.seed == slug:
            yield quote.src, f"quote of '{quote.speaker}'", quote.text


def nearest_passage(article: Article, excerpt: str) -> tuple[int | None, str | None, float]:
    """The passage of the seed most like the excerpt: rapidfuzz's best partial alignment finds the
    paragraph and the place, then its ends move to the word boundaries that make it most like the
    excerpt (a revision that dropped a word leaves a shorter passage)."""
    best_paragraph, best_score, place = None, 0.0, (0, 0)
    for paragraph in article.paragraphs:
        found = fuzz.partial_ratio_alignment(excerpt, paragraph.text, score_cutoff=best_score)
        if found is not None and found.score > best_score:
            best_paragraph, best_score, place = paragraph, found.score, (found.dest_start, found.dest_end)
    if best_paragraph is None or best_score < NEAREST_MIN_SCORE:
        return None, None, best_score
    text = best_paragraph.text
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    ends = [m.end() for m in re.finditer(r"\S+", text)]
    near_start = min(range(len(starts)), key=lambda n: abs(starts[n] - place[0]))
    near_end = min(range(len(ends)), key=lambda n: abs(ends[n] - place[1]))
    candidates = [(fuzz.ratio(excerpt, text[starts[a]:ends[b]]), -(b - a), a, b)
                  for a in range(max(0, near_start - WIDEN), min(len(starts), near_start + WIDEN + 1))
                  for b in range(max(0, near_end - WIDEN), min(len(ends), near_end + WIDEN + 1)) if a <= b]
    score, _, a, b = max(candidates)
    start, end = starts[a], ends[b]
    while end > start and text[end - 1] in _TRIM and not excerpt.endswith(text[end - 1]):
        end -= 1  # the sentence's comma, a closing quote mark the excerpt leaves out
    while start < end and text[start] in _TRIM and not excerpt.startswith(text[start]):
        start += 1
    return best_paragraph.index, text[start:end], fuzz.ratio(excerpt, text[start:end])


def find_drift(article: Article, library: Library) -> list[Drift]:
    articles = {article.slug: article}
    drift = []
    for where, what, excerpt in _curated(library, article.slug):
        problems = Problems()
        if excerpt is None or locate_excerpt(articles, article.slug, excerpt, where, what, problems) is not None:
            continue
        hint = problems.errors[0].hint if problems.errors else ""
        paragraph, nearest, score = nearest_passage(article, excerpt)
        drift.append(Drift(where, what, excerpt, hint, paragraph, nearest, round(score, 1)))
    return drift
