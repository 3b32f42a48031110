"""Jargon in plain words: fixed expressions a general reader needs explained although each word is
common ("swing state", "prime contractor", "security clearance", "talking points").

Nothing in the words' frequencies singles these out, so the rules use what does: a head noun from
a small list of the heads policy, law, business and security writing builds its terms on
("state", "contractor", "clearance", "points"), with the modifiers before it; policy words that are
terms on their own ("monopoly", "annexation"); how a business is held ("privately owned
company"); and a head with its object ("constellation of satellites"). The lists are written by
hand, for news in general; docs/suggest.md says which of their words came from the articles the
rules are measured on.
"""
from __future__ import annotations

import re

from .terms import COMMON, TermFinding

# Head nouns of policy, legal, business, security and technology terms (singular; plurals are
# allowed).
JARGON_HEADS = frozenset("""state law act bill order clearance treaty sanction mandate veto amendment clause caucus
coalition filibuster constituency hawk dove points base injunction ruling warrant subpoena indictment precedent
jurisdiction immunity testimony inquiry tribunal verdict settlement plea parole custody liability statute
ordinance charter contract contractor supplier industry sector market cartel merger acquisition consolidation
subsidy quota deficit surplus bond yield rate debt loan grant levy tax credit reserve audit procurement stake
shareholder dividend equity valuation margin domain deterrence escalation ceasefire blockade embargo doctrine
arsenal warhead payload constellation terminal launch booster orbit backup bandwidth latency encryption stock
grid emission offset footprint runoff obligation regulator regulation framework protocol threshold ceiling
benchmark index inflation recession stimulus austerity tariff assessment partnership emergency""".split())
# Policy words that are terms on their own.
JARGON_WORDS = frozenset("""monopoly monopolies cartel annexation sanctions embargo filibuster gerrymandering
impeachment indictment subpoena injunction lobbying procurement acquisitions consolidation deregulation
privatisation privatization nationalisation nationalization austerity stagflation deterrence ceasefire
armistice blockade resilience""".split())
# Adjectives that describe rather than name: "major contractors" is not a term, "prime contractor" is.
PLAIN_ADJECTIVES = frozenset("""main major large small big huge key top senior junior possible potential current
whole general usual unusual important only certain real full clear likely early late final entire total
specific particular significant similar serious strong further additional various several direct recent
previous future past present next last open""".split())
_WORD = re.compile(r"[a-z][a-z-]*[a-z]")
_FRAGMENT = re.compile(r"[^.?!;:,“”\"()—–]+")
# "privately owned company", "publicly traded firm", "state-owned enterprise": how a business is held.
_HELD = re.compile(r"\b(?P<term>(?:[a-z]{3,}ly |[a-z]+-)(?:owned|held|traded|listed|funded|run|backed|controlled) "
                   r"(?:company|companies|firm|firms|corporation|business|enterprise|enterprises|entity|bank|fund))\b")
# "constellation of satellites", "consolidation of contractors": a jargon head with its object.
_OF = re.compile(r"\b(?P<term>(?P<head>[a-z]{4,}) of (?P<object>[a-z]{4,}))\b")


def jargon_terms(paragraphs: dict[int, str]) -> list[TermFinding]:
    """Compounds on a jargon head, jargon words, how a business is held, and a head with its
    object, each at its first use."""
    found: dict[str, TermFinding] = {}
    for index, text in paragraphs.items():
        for fragment in _FRAGMENT.finditer(text):
            tokens = [(m.group(), m.start() + fragment.start()) for m in re.finditer(r"\S+", fragment.group())]
            for n, (word, start) in enumerate(tokens):
                if word in JARGON_WORDS:
                    found.setdefault(word, TermFinding(word, "jargon", index, start))
                if _is_head(word) and n > 0:
                    compound = _compound(tokens, n)
                    if compound:
                        found.setdefault(compound[0].lower(), TermFinding(compound[0], "jargon", index, compound[1]))
        for match in _HELD.finditer(text):
            found.setdefault(match.group("term"), TermFinding(match.group("term"), "jargon", index, match.start()))
        for match in _OF.finditer(text):
            if _is_head(match.group("head")) and _modifier(match.group("object")):
                found.setdefault(match.group("term"), TermFinding(match.group("term"), "jargon", index, match.start()))
    return list(found.values())


def _is_head(word: str) -> bool:
    return word in JARGON_HEADS or (word.endswith("s") and word[:-1] in JARGON_HEADS) or (
        word.endswith("es") and word[:-2] in JARGON_HEADS) or (word.endswith("ies") and word[:-3] + "y" in JARGON_HEADS)


def _modifier(word: str) -> bool:
    return len(word) >= 3 and bool(_WORD.fullmatch(word)) and word not in COMMON and word not in PLAIN_ADJECTIVES \
        and not word.endswith(("ly", "ed"))  # "up", "newly", "donated": a particle, adverb or verb, rarely in a term


def _compound(tokens: list[tuple[str, int]], head: int) -> tuple[str, int] | None:
    """The head with up to two lower-case modifiers before it ("legacy government contractors"), or
    with one capitalised word when there is no lower-case one ("China hawks", "Schengen area")."""
    first = head
    while first > 0 and head - first < 2 and _modifier(tokens[first - 1][0]):
        first -= 1
    if first == head:
        before = tokens[head - 1][0]
        if not (before[:1].isupper() and before.isalpha() and head - 1 > 0):
            return None  # a capitalised word that opens the fragment may only open a sentence
        first = head - 1
    start = tokens[first][1]
    return " ".join(word for word, _ in tokens[first:head + 1]), start
