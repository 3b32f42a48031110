"""Sentences, words and quoted spans of a seed's paragraphs, with their offsets in the raw text.

Every later stage slices the paragraph's own text with these offsets, so what it suggests as an
excerpt is verbatim by construction.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..model import Paragraph

# An abbreviation's period does not end a sentence ("Mr. Smith", "U.S. officials", "Sept. 3").
ABBREVIATIONS = frozenset("""mr mrs ms dr st jr sr gen sen rep gov lt col sgt capt cmdr adm prof inc corp co ltd
vs etc no jan feb mar apr jun jul aug sep sept oct nov dec approx est fig dept univ ave""".split())
_BOUNDARY = re.compile(r"[.?!…]+[”\"’')\]]*\s+(?=[“\"‘'(\[]?[A-Z0-9À-Þ])")
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]")
_WORD = re.compile(r"\w+(?:[-'’.&]\w+)*", re.UNICODE)
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")


@dataclass(frozen=True)
class Sentence:
    paragraph: int  # 1-based, as the build numbers paragraphs
    start: int  # offsets into the paragraph's raw text
    end: int
    text: str


@dataclass(frozen=True)
class Word:
    start: int  # offsets into the paragraph's raw text, possessive ending excluded
    end: int
    text: str
    possessive: bool  # followed by ’s / 's (or a bare ’ after a plural s)
    sentence_start: bool  # the first word of its sentence


def sentences(paragraph: Paragraph) -> list[Sentence]:
    """Split a paragraph into sentences; each is an exact slice of the paragraph (whitespace trimmed)."""
    text = paragraph.text
    cuts = [0]
    for boundary in _BOUNDARY.finditer(text):
        before = text[:boundary.start()].rsplit(None, 1)
        last = before[-1].lower().strip("“\"‘'(") if before else ""
        if text[boundary.start()] == "." and (last in ABBREVIATIONS or re.fullmatch(r"(?:\w\.)*\w", last)):
            continue  # "Mr.", "U.S.", an initial
        cuts.append(boundary.end())
    cuts.append(len(text))
    found = []
    for start, end in zip(cuts, cuts[1:]):
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            found.append(Sentence(paragraph.index, start + lead, start + lead + len(stripped), stripped))
    return found


def words(text: str, sentence_starts: list[int]) -> list[Word]:
    """The words of a text; `sentence_starts` (sorted) are the offsets at which sentences begin."""
    found = []
    previous_sentence = -2
    for match in _WORD.finditer(text):
        start, end, token = match.start(), match.end(), match.group()
        possessive = False
        if len(token) > 2 and token[-2] in "'’" and token[-1] == "s":
            token, possessive = token[:-2], True
        elif token.endswith("s") and text[end:end + 1] in ("'", "’") and not text[end + 1:end + 2].isalnum():
            possessive = True  # "Democrats’ plans"
        if _INITIALS.fullmatch(token) and text[end:end + 1] == ".":
            token += "."  # "U.S."
        if not token:
            continue
        at = bisect_right(sentence_starts, start) - 1
        first, previous_sentence = at != previous_sentence, at  # the first word since its sentence began
        found.append(Word(start, start + len(token), token, possessive, first))
    return found


@dataclass(frozen=True)
class QuotedSpan:
    paragraph: int
    start: int  # of the text inside the marks
    end: int
    text: str
    outer_start: int  # of the opening mark
    outer_end: int  # after the closing mark


def quoted_spans(paragraph: Paragraph) -> list[QuotedSpan]:
    """Text between paired double quotes (curly “…” or straight "…") in one paragraph.

    Curly marks pair by direction; straight marks pair in order. An unpaired mark is ignored."""
    text = paragraph.text
    spans = []
    opened: int | None = None
    for match in re.finditer(r"[“”]", text):
        if match.group() == "“":
            opened = match.start()
        elif opened is not None:
            spans.append((opened, match.start()))
            opened = None
    straight = [m.start() for m in re.finditer('"', text)]
    spans += list(zip(straight[0::2], straight[1::2]))
    result = []
    for outer, close in sorted(spans):
        inner = text[outer + 1:close]
        stripped = inner.strip()
        if not stripped:
            continue
        start = outer + 1 + (len(inner) - len(inner.lstrip()))
        body = stripped.rstrip(",;: ")  # "… sources,” adding": the comma is the article's, not the speaker's
        if body:
            result.append(QuotedSpan(paragraph.index, start, start + len(body), body, outer, close + 1))
    return result
