"""Glossary candidates: acronyms spelled out in lower case, phrases the article defines or sets in
quotation marks ("so-called …", "known as …", “top secret”), and jargon: the lower-case two- and
three-word phrases the article repeats, words that are rare in general English, and pairs whose
head word is (frequency.py: "jamming", "reusable booster", "sole supplier").
A desk keeps what a general reader would need explained.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .entities import STOP
from .frequency import zipf
from .text import QuotedSpan

COMMON = STOP | frozenset("""said says told like one two three very well much time year years people way even
really going get got make made take see seen think know want need new old good great big small long high low
part own same different including according percent million billion former latest recent lot lots kind sort
thing things with within without having being getting""".split())
NOUNISH = re.compile(r"(?:ion|ions|ism|ity|ities|ance|ence|ment|ing|cy|ship|ure|age|ist|ists|ogy|ics)$")
RARE_WORD = 3.4  # Zipf frequency (log10 of uses per billion words) below which a word is jargon-rare
RARE_HEAD = 4.0  # …and below which the head of a two-word phrase makes the phrase a candidate
COMMON_MODIFIER = 5.6  # a modifier more common than this ("new", "other") does not make a term
_DEFINED = re.compile(r"\b(?:so-called|known as|dubbed|termed|what is called|what are called|referred to as)\s+"
                      r"(?:the\s+|an?\s+)?(?P<term>[“\"][^”\"]{2,60}[”\"]|[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})")
_ACRONYM = re.compile(r"\b(?P<long>[a-z][\w-]*(?:\s+[a-z][\w-]*){1,5})\s+\((?P<short>[A-Z][A-Za-z]{1,9})\)")
_PHRASE_WORD = re.compile(r"[a-z][a-z-]{2,}")
_MIXED = re.compile(r"\b(?P<term>[a-z]{3,} [A-Z]{2,6}s?)\b")  # "super PACs"


@dataclass
class TermFinding:
    term: str
    reason: str  # "acronym", "defined", "quoted", "jargon", "repeated" or "rare"
    paragraph: int
    start: int
    aliases: tuple[str, ...] = ()


def quoted_terms(spans: list[QuotedSpan]) -> list[TermFinding]:
    """Scare quotes: a short quoted phrase that is not a sentence of its own."""
    found = []
    for span in spans:
        words = span.text.rstrip(".").split()
        if 1 <= len(words) <= 4 and not re.search(r"[.?!;:,]", span.text.rstrip(".")) \
                and words[0].lower() not in {"i", "we", "you", "he", "she", "they", "it"}:
            found.append(TermFinding(span.text.rstrip("."), "quoted", span.paragraph, span.start))
    return found


def defined_terms(paragraph: int, text: str) -> list[TermFinding]:
    found = []
    for match in _DEFINED.finditer(text):
        term = match.group("term").strip("“”\"")
        found.append(TermFinding(term, "defined", paragraph, match.start("term")))
    for match in _MIXED.finditer(text):
        if match.group("term").split()[0] not in COMMON:
            found.append(TermFinding(match.group("term"), "defined", paragraph, match.start("term")))
    for match in _ACRONYM.finditer(text):
        long, short = match.group("long"), match.group("short")
        words = long.split()
        for take in range(len(words), 1, -1):
            if "".join(w[0] for w in words[-take:]).lower() == short.lower().rstrip("s"):
                found.append(TermFinding(" ".join(words[-take:]), "acronym", paragraph, match.start(), (short,)))
                break
    return found


def repeated_phrases(paragraphs: dict[int, str], entity_words: set[str]) -> list[TermFinding]:
    """Lower-case two- and three-word phrases the article uses at least twice."""
    counts: Counter = Counter()
    first: dict[str, tuple[int, int]] = {}
    for index, text in paragraphs.items():
        for sentence in re.split(r"[.?!;:,“”\"()—–]", text):
            tokens = sentence.split()
            for size in (3, 2):
                for i in range(len(tokens) - size + 1):
                    gram = tokens[i:i + size]
                    if all(_PHRASE_WORD.fullmatch(w) and w not in COMMON and w not in entity_words for w in gram):
                        phrase = " ".join(gram)
                        counts[phrase] += 1
                        first.setdefault(phrase, (index, text.find(phrase)))
    repeated = {phrase: n for phrase, n in counts.items() if n >= 2}
    covered: Counter = Counter()  # a two-word phrase only ever seen inside one repeated three-word phrase
    for phrase, n in repeated.items():
        words = phrase.split()
        if len(words) == 3:
            for part in (" ".join(words[:2]), " ".join(words[1:])):
                covered[part] = max(covered[part], n)
    return [TermFinding(phrase, "repeated", *first[phrase]) for phrase, n in repeated.items() if covered[phrase] < n]


def rare_words_and_phrases(paragraphs: dict[int, str], entity_words: set[str]) -> list[TermFinding]:
    """Words rare in general English, and two-word phrases whose head is (on the Zipf scale)."""
    found: dict[str, TermFinding] = {}
    for index, text in paragraphs.items():
        for sentence_match in re.finditer(r"[^.?!;:,“”\"()—–]+", text):
            sentence, offset = sentence_match.group(), sentence_match.start()
            tokens = [(m.group(), m.start() + offset) for m in re.finditer(r"\S+", sentence)]
            for n, (word, start) in enumerate(tokens):
                if not _PHRASE_WORD.fullmatch(word) or word in COMMON or word in entity_words:
                    continue
                if len(word) >= 5 and NOUNISH.search(word) and zipf(word) < RARE_WORD:
                    found.setdefault(word, TermFinding(word, "rare", index, start))
                if n + 1 < len(tokens):
                    head = tokens[n + 1][0]
                    if _PHRASE_WORD.fullmatch(head) and head not in COMMON and head not in entity_words \
                            and not re.search(r"(?:ly|ed)$", word) and not re.search(r"(?:ly|ed|ing)$", head) \
                            and zipf(head) < RARE_HEAD and zipf(word) < COMMON_MODIFIER:
                        phrase = f"{word} {head}"
                        found.setdefault(phrase, TermFinding(phrase, "rare", index, start))
    return list(found.values())
