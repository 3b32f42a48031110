"""Find every alias of every entity and term in a text in one pass (Aho–Corasick automaton).

The matcher knows nothing of pages or markup: it turns text into leftmost-longest, whole-word,
non-overlapping matches. Cost is one scan of the text whatever the number of aliases.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple

import ahocorasick


class Match(NamedTuple):  # a tuple: an article makes dozens, and they sort by position
    start: int
    end: int
    target: str  # entity or term id
    kind: str  # "entity" | "term"


@dataclass(frozen=True)
class AliasEntry:
    alias: str
    target: str
    kind: str
    case_sensitive: bool = True


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _lower_same_length(text: str) -> str:
    """Lower-case text without changing its length (a few characters grow when lowered: keep those)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class AliasMatcher:
    """One automaton for case-sensitive aliases and one for case-insensitive ones."""

    def __init__(self, entries: Iterable[AliasEntry]):
        entries = tuple(entries)
        self.entries = entries  # what it was built from: a caller can tell whether it still fits
        self._exact = ahocorasick.Automaton()
        self._folded = ahocorasick.Automaton()
        self.size = 0
        for entry in entries:
            if not entry.alias:
                continue
            automaton = self._exact if entry.case_sensitive else self._folded
            key = entry.alias if entry.case_sensitive else _lower_same_length(entry.alias)
            automaton.add_word(key, (len(key), entry.target, entry.kind,
                                     _is_word(key[0]), _is_word(key[-1])))
            self.size += 1
        self._automata = []
        for automaton, fold in ((self._exact, False), (self._folded, True)):
            if len(automaton):
                automaton.make_automaton()
                self._automata.append((automaton, fold))

    def find(self, text: str, offset: int = 0) -> list[Match]:
        """Return the leftmost-longest whole-word matches in text, without overlaps (their
        positions shifted by `offset`, where the text is a piece of a longer one)."""
        if not text or not self._automata:
            return []
        candidates = []
        size = len(text)
        for automaton, fold in self._automata:
            haystack = _lower_same_length(text) if fold else text
            for end_index, (length, target, kind, word_start, word_end) in automaton.iter(haystack):
                start, end = end_index - length + 1, end_index + 1
                # (_is_word inlined: this runs for every candidate of every paragraph)
                if word_start and start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                    continue
                if word_end and end < size and (text[end].isalnum() or text[end] == "_"):
                    continue
                # case-sensitive entries win a tie with case-insensitive ones (names before terms)
                candidates.append((start, -length, fold, target, kind))
        candidates.sort()
        matches: list[Match] = []
        taken_until = 0
        for start, negative_length, _fold, target, kind in candidates:
            if start >= taken_until:
                matches.append(Match(start + offset, start - negative_length + offset, target, kind))
                taken_until = start - negative_length
        return matches
