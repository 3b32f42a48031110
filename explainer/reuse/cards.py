"""The preview cards' reuse: the last build's cards, updated for the entities that changed, and
each glossary definition's plain text by what it is made of (rendering the markdown of every
definition again would cost a save more than the rest of an entity edit)."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Entity, Term
from ..pages import PageBuilder
from .cache import StageCache

STAGE = "term-card"


@dataclass
class _Last:
    entities: tuple[Entity, ...]
    terms: tuple[Term, ...]
    base: str
    context: str
    cards: dict[str, dict]


class CardReuse:
    def __init__(self, cache: StageCache) -> None:
        self.cache = cache
        self.last: _Last | None = None

    def forget(self) -> None:
        self.last = None

    def cards(self, builder: PageBuilder, context: str) -> dict[str, dict]:
        """builder.cards(), from the last cards while the terms, the links (`context`: the link
        stage's key of aliases, names and settings) and the entities' ids are the same."""
        lib, base, last = builder.lib, builder.urls.base, self.last
        if last is not None and last.terms is lib.terms and last.base == base and last.context == context \
                and same_ids(last.entities, lib.entities):
            cards = last.cards if last.entities is lib.entities else dict(last.cards)
            for old, entity in zip(last.entities, lib.entities):
                if old is not entity:
                    cards[f"entity:{entity.id}"] = builder.entity_card(entity)
        else:
            cards = {f"entity:{entity.id}": builder.entity_card(entity) for entity in lib.entities}
            for term in lib.terms:
                key = (context, base, term.definition)  # the wikilinks in a definition read the ids and names
                definition = self.cache.get(STAGE, key)
                if definition is None:
                    definition = builder.plain_definition(term)
                    self.cache.put(STAGE, key, definition)
                cards[f"term:{term.id}"] = builder.term_card(term, definition)
            if self.cache.size(STAGE) > 2 * len(lib.terms) + 100:
                self.cache.keep(STAGE, {(context, base, term.definition) for term in lib.terms})
        self.last = _Last(lib.entities, lib.terms, base, context, cards)
        return cards


def same_ids(old: tuple[Entity, ...], new: tuple[Entity, ...]) -> bool:
    """Whether two entity tuples hold the same ids in the same order (the same objects, mostly)."""
    return old is new or len(old) == len(new) and all(a is b or a.id == b.id for a, b in zip(old, new))
