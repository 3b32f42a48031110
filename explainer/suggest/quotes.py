"""Quotations and who said them, from the attribution around each quoted span.

“…,” said David Burbach; Burbach said, “…”; a former official told Vox, “…”; according to X;
Plumb, the former assistant defense secretary, said …, “…”. A pronoun ("he added") is the last
person named before it. A quotation with no attribution of its own takes the speaker of the
nearest attributed one in the same paragraph (“…?” a former official told Vox. “…”). A
participle ("…, saying “…”") with none before it takes its sentence's subject; "the report" is
the work the paragraph introduced ("A leaked review …"); "Musk’s company" is the name the text
gives it ("Musk’s company SpaceX").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..model import Paragraph
from .text import QuotedSpan, quoted_spans

VERBS = (r"said|says|told|tells|added|adds|wrote|writes|argued|argues|explained|noted|asked|acknowledged|"
         r"replied|insisted|warned|claimed|claims|stated|recalled|declared|put it|described it|described|"
         r"assessed|believes|reported|reports|acknowledge|say|tell|write|called(?! for| on| off| up)")
_AUX = r"(?:\s+(?:also|then|later|further|has|have|had|was|were|did|does|do|would|will|once|previously))*"
# Capital letters of the Latin, Greek and Cyrillic scripts ("Žagar", "Émilie"): re has no \p{Lu}
UPPER = "[" + "".join(re.escape(chr(c)) for c in range(0x41, 0x530) if chr(c).isupper()) + "]"
_TOKEN = rf"{UPPER}[\w’'-]*(?:\.{UPPER}\.?)*"  # "Burbach", "U.S."
_NAME = rf"{_TOKEN}(?:\s+(?:{_TOKEN}|of|the|de|van|von|al))*"
_DESCRIPTION = r"(?:a|an|one|the|The)\s+(?:[\w’'-]+\s+){0,6}?[\w’'-]+"
_NOT_NOUN = r"(?!(?:has|was|is|does|also|as|this|his|its|us)\b)"
_NAMED_GROUP = rf"{_NAME}(?:\s+{_NOT_NOUN}[a-z][\w-]*){{0,2}}\s+{_NOT_NOUN}[a-z][\w-]*s"  # "US intelligence officials"
_OWNED = rf"{UPPER}[\w-]*[’']s(?:\s+{_NOT_NOUN}[a-z][\w-]*){{1,3}}"  # "SpaceX’s media relations account"
_MEMBER = rf"{_NAME}\s+of\s+(?:the\s+)?(?:[a-z]+\s+)?{_NAME}"  # "Jože Žagar of the association Pro Rail"
_WHO = rf"(?:{_MEMBER}|{_DESCRIPTION}|{_OWNED}|{_NAMED_GROUP}|{_NAME}|he|she|they|He|She|They)"
_APPOSITIVE = r"(?:,[^,“”\"]{1,90},)?"
# after the closing mark: “…,” said X / “…,” X said / “…?” a former official told Vox
_AFTER = re.compile(rf"^[,.?!]?\s*(?:[a-z][^,“”\"]{{0,60}},\s*)?(?:(?:{VERBS})\s+(?P<who1>{_WHO})|(?P<who>{_WHO}){_APPOSITIVE}{_AUX}\s+(?:{VERBS})\b)")
# before the opening mark: X said, “…” / X told Vox that … “…” / according to X, “…”
_BEFORE = re.compile(rf"(?:(?<![\w’'])(?P<who>{_WHO}){_APPOSITIVE}{_AUX}\s+(?:{VERBS})\b[^“”\".?!]{{0,200}}?"
                     rf"|according to (?P<source>{_NAME}|{_DESCRIPTION}),?\s*"
                     rf"|(?P<participle>saying|adding|calling it|describing it as)\b[^“”\".]{{0,160}}?)$")
PRONOUNS = frozenset({"he", "she", "they"})
# the subject of a sentence, after an opening phrase ("At various points, Musk’s company has …")
_SUBJECT = re.compile(rf"^(?:[A-Z][^,“”\"]{{0,60}},\s*)?(?P<who>{UPPER}[\w-]*[’']s\s+[a-z][\w-]*|{_NAME}|"
                      rf"(?:[Tt]he|[Aa]n?)\s+[a-z][\w-]*){_AUX}\s+[a-z]")
# "The publication described it as …": a work named by a description earlier in the paragraph
_WORKS = r"publication|report|analysis|study|paper|article|op-ed|editorial|newspaper|magazine|outlet|review|survey|memo"
_THE_WORK = re.compile(rf"^[Tt]he\s+(?:{_WORKS})$")
_A_WORK = re.compile(rf"\b[Aa]n?\s+(?P<work>(?:[a-z-]+\s+){{0,3}}?(?:{_WORKS}))\b")
# "Musk’s company SpaceX": a possessive description named by its apposition
_NAMED_OWNED = re.compile(rf"(?P<owned>{UPPER}[\w-]*[’']s\s+[a-z]+)\s+(?P<name>{_NAME})")


@dataclass
class QuoteFinding:
    span: QuotedSpan
    text: str  # the quotation as suggested (a fragment loses the sentence's closing period)
    speaker: str | None  # the words that name the speaker, as written
    attributed: bool  # found from this quotation's own attribution


_LEADING = re.compile(r"^(?:(?:As|But|And|So|Then|While|When|If|Also|Indeed|However|Yet|Still|Now|a|an|one|the)\s+)+")


def _clean(who: str | None) -> str | None:
    """The speaker's words without what only joins them to the sentence ("As Joshua Ian Rosenstein")."""
    if not who:
        return None
    who = re.split(r"[.?!]\s+", who.strip(" ,"))[-1]
    return _LEADING.sub("", who) or None


def _participle_subject(findings: list[QuoteFinding], text: str, at: int) -> str | None:
    """Who speaks in "…, saying “…”": the speaker of the paragraph's last attributed quotation, or
    else the subject of the sentence the participle closes."""
    spoken = [f for f in findings if f.attributed]
    if spoken:
        return spoken[-1].speaker
    sentence = re.split(r"(?<=[.?!])\s+", text[:at])[-1]
    subject = _SUBJECT.match(sentence)
    return subject.group("who") if subject else None


def named_descriptions(texts: list[str]) -> dict[str, str]:
    """What possessive descriptions the text itself names: "Musk’s company SpaceX" makes a later
    "Musk’s company" SpaceX (the first naming wins)."""
    named: dict[str, str] = {}
    for text in texts:
        for match in _NAMED_OWNED.finditer(text):
            named.setdefault(match.group("owned"), match.group("name"))
    return named


def attribute(paragraph: Paragraph, person_before: Callable[[int], str | None]) -> list[QuoteFinding]:
    """The quotations of one paragraph with their speakers. `person_before(offset)` names the last
    person mentioned before an offset of this paragraph (or in the paragraphs before it)."""
    text = paragraph.text
    findings: list[QuoteFinding] = []
    for span in quoted_spans(paragraph):
        who, pronoun = None, False
        rest = text[span.outer_end:span.outer_end + 200]
        ends_sentence = span.text[-1:] in ".?!…" and rest.lstrip()[:1].isupper()
        after = None if ends_sentence and not re.match(r"^\s*(?:said|says|added|told)\b", rest) else _AFTER.match(rest)
        if after:
            who = after.group("who1") or after.group("who")
        else:
            before = _BEFORE.search(text[max(0, span.outer_start - 320):span.outer_start])
            if before:
                who = before.group("who") or before.group("source")
                if before.group("participle"):
                    who = _participle_subject(findings, text, span.outer_start - len(before.group(0)))
                    pronoun = who is None
        if who and _THE_WORK.match(who):  # the work last introduced before it ("A recent analysis …")
            works = list(_A_WORK.finditer(text, 0, span.outer_start))
            who = works[-1].group("work") if works else who
        who = _clean(who)
        if pronoun or (who and who.lower() in PRONOUNS):
            who = person_before(span.outer_start)
        quoted = span.text
        if quoted[:1].islower():
            quoted = quoted.rstrip(".")  # “too big to fail.”: the period closes the article's sentence
        findings.append(QuoteFinding(span, quoted, who, who is not None))
    for n, finding in enumerate(findings):
        if finding.speaker is None:
            near = [f for f in reversed(findings[:n]) if f.attributed] or [f for f in findings[n + 1:] if f.attributed]
            if near:
                finding.speaker = near[0].speaker
    return findings
