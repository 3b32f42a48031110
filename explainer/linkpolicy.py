"""Which mentions become links: a reader follows a text with a few links, not one every ten words.

A pure function of the mentions found in an article, so the rule can be tested on its own.
Every mention is still recorded (entity pages list them all); this only decides which ones are
drawn as links in the article.
"""
from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence

from .model import LinkPolicy


# When a paragraph has more candidates than room: the story's actors before its settings.
KIND_RANK = {"person": 3, "organization": 2, "program": 2, "product": 2, "publication": 1, "event": 1}


def choose_links(paragraphs: Sequence[Sequence[tuple[str, str]]], words: Sequence[int],
                 sections: Sequence[bool], policy: LinkPolicy,
                 rank: Mapping[str, int] | None = None) -> list[list[bool]]:
    """For each paragraph's mentions ((target, kind) in reading order), whether each is a link.

    - Scope: an entity or term links at its first mention per `paragraph`, per `article` (again
      after each heading: a reader who jumps to a section meets the link there), or at `all`.
    - A paragraph holds at most `max_per_paragraph` links, and the article at most one link per
      `words_per_link` words read so far, plus one (so a short opening can still link its subject);
      0 turns either limit off.
    - When a paragraph has more candidates than room, the higher `rank` wins (by target: people
      before organisations before places and terms), then the target the article mentions most,
      then the earlier; a target left out links at its next mention.
    """
    rank = rank or {}
    scopes = {"entity": policy.entities, "term": policy.terms}
    frequency = Counter(target for mentions in paragraphs for target, _kind in mentions)
    linked_in_scope: set[str] = set()  # targets already linked in the current article or section
    links_so_far = words_so_far = 0
    chosen: list[list[bool]] = []
    for mentions, word_count, starts_section in zip(paragraphs, words, sections):
        if starts_section:
            linked_in_scope.clear()
        words_so_far += word_count
        room = len(mentions)
        if policy.max_per_paragraph:
            room = min(room, policy.max_per_paragraph)
        if policy.words_per_link:
            room = min(room, max(0, words_so_far // policy.words_per_link + 1 - links_so_far))
        seen_here: set[str] = set()
        candidates = []
        for number, (target, kind) in enumerate(mentions):
            scope = scopes[kind]
            repeat = target in seen_here or (scope == "article" and target in linked_in_scope)
            if scope == "all" or not repeat:
                candidates.append(number)
            seen_here.add(target)
        picked = set(sorted(candidates, key=lambda n: (-rank.get(mentions[n][0], 0), -frequency[mentions[n][0]], n))[:room])
        # a target picked once in a paragraph takes its first eligible mention there
        flags = [number in picked for number in range(len(mentions))]
        for number in picked:
            if scopes[mentions[number][1]] != "paragraph":
                linked_in_scope.add(mentions[number][0])
        links_so_far += len(picked)
        chosen.append(flags)
    return chosen
