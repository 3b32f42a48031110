"""Validation across collections (part of the validate stage): unique ids, references to ids
that exist, redirects that no two entities claim, usable aliases, and drafts left out with every
reference to them."""
from __future__ import annotations

from dataclasses import replace

from .errors import Location, Problems, did_you_mean
from .model import Entity, Term
from .yamldoc import YamlDoc

MIN_ALIAS_LENGTH = 2


def check_unique_ids(groups: list[tuple[str, list]], problems: Problems) -> None:
    """Ids are unique within a collection; entities and terms also share one namespace for [[id]] links."""
    for label, objs in groups:
        seen: dict[str, Location] = {}
        for obj in objs:
            if obj.id in seen:
                problems.error(obj.src, f"duplicate {label} id '{obj.id}'", f"first defined at {seen[obj.id]}")
            else:
                seen[obj.id] = obj.src


def raw_ids(docs: list[YamlDoc]) -> set[str] | None:
    """Ids written in a collection's files, even in entries that failed their schema; None when a
    file is not a list at all (its ids cannot be known, so references into it are not checked)."""
    if any(doc.data is not None and not isinstance(doc.data, list) for doc in docs):
        return None
    return {item["id"] for doc in docs if isinstance(doc.data, list)
            for item in doc.data if isinstance(item, dict) and isinstance(item.get("id"), str)}


def check_references(parts: dict, known: dict[str, set[str] | None], problems: Problems) -> None:
    """Every id an entry refers to must exist. `known[x]` is None when collection x could not be read:
    then references into it are not checked, rather than reported as a cascade of false errors."""
    entities = {e.id: e for e in parts["entities"]}
    terms = {t.id: t for t in parts["glossary"]}
    for term_id in set(entities) & set(terms):
        problems.error(terms[term_id].src, f"id '{term_id}' is used by both an entity and a glossary term",
                       f"[[{term_id}]] links must be unambiguous; rename one (entity at {entities[term_id].src})")

    def need(kind: str, collection: str, ident: str, where: Location) -> None:
        table = known[collection]
        if table is not None and ident not in table:
            hint = did_you_mean(ident, table) or f"no {kind} has this id"
            problems.error(where, f"unknown {kind} '{ident}'", hint)

    def need_sources(refs) -> None:
        for ref in refs:
            if ref.is_seed:
                need("seed", "seeds", ref.seed, ref.src)

    for entity in entities.values():
        for ident, where in zip(entity.related, entity.related_src):
            need("entity", "entities", ident, where)
            if ident == entity.id:
                problems.error(where, f"entity '{entity.id}' lists itself as related", "remove it from 'related'")
    check_redirects(parts["entities"], entities, problems)
    for event in parts["timeline"]:
        for ident, where in zip(event.entities, event.entities_src or [event.src] * len(event.entities)):
            need("entity", "entities", ident, where)
        need_sources(event.sources)
    for term in terms.values():
        for ident, where in zip(term.see_also, term.see_also_src or [term.src] * len(term.see_also)):
            need("glossary term", "glossary", ident, where)
            if ident == term.id:
                problems.error(where, f"term '{term.id}' lists itself in see_also", "remove it from 'see_also'")
        need_sources(term.sources)
    for quote in parts["quotes"]:
        need("entity", "entities", quote.speaker, quote.src)
        need("seed", "seeds", quote.seed, quote.src)
    for note in parts["notes"]:
        need("seed", "seeds", note.seed, note.src)
        for ident, where in zip(note.entities, note.entities_src or [note.src] * len(note.entities)):
            need("entity", "entities", ident, where)
        need_sources(note.sources)


def check_redirects(entities: list[Entity], ids: dict[str, Entity], problems: Problems) -> None:
    """Each old id in redirect_from gets a page of its own (entities/<old>/): it must not be an
    entity's id, nor claimed twice (reported at the second claim, with where the first is)."""
    claimed: dict[str, tuple[str, Location]] = {}
    for entity in entities:
        for old, where in zip(entity.redirect_from, entity.redirect_src or [entity.src] * len(entity.redirect_from)):
            if old in ids:
                problems.error(where, f"redirect_from '{old}' is the id of an existing entity",
                               "an old id must not be in use; remove it from 'redirect_from'")
            elif old in claimed:
                owner, first = claimed[old]
                same = owner == entity.id
                problems.error(where, f"redirect_from '{old}' is listed twice for '{owner}'" if same else
                               f"redirect_from '{old}' is already claimed by '{owner}'",
                               "remove the repeat" if same else
                               f"an old id can lead to one entity only (see {first})")
            else:
                claimed[old] = (entity.id, where)


def check_aliases(entities: list[Entity], terms: list[Term], problems: Problems) -> None:
    """Aliases must be usable: not empty, not a single letter, and claimed by one entry only.

    A case-insensitive term claims every spelling of its aliases, so it collides with an entity
    alias that differs from it only in case.
    """
    exact: dict[str, tuple[str, Location]] = {}  # case-sensitive aliases
    folded: dict[str, tuple[str, Location]] = {}  # case-insensitive aliases, lower-cased
    exact_folded: dict[str, tuple[str, Location]] = {}  # case-sensitive aliases, lower-cased
    entries = ([(e, True, [(e.name, e.src, True)] + [(a, w, False) for a, w in zip(e.aliases, e.alias_src)])
                for e in entities] +
               [(t, t.case_sensitive, [(t.term, t.src, True)] + [(a, w, False) for a, w in zip(t.aliases, t.alias_src)])
                for t in terms])
    for owner, case_sensitive, forms in entries:
        own: set[str] = set()
        for form, where, is_name in forms:
            stripped = form.strip()
            if not stripped:
                problems.error(where, f"empty alias in '{owner.id}'", "remove it")
                continue
            if stripped != form:
                problems.error(where, f"alias '{form}' has spaces at its start or end", f"write '{stripped}'")
                continue
            if len(stripped) < MIN_ALIAS_LENGTH and not is_name:
                problems.error(where, f"alias '{form}' of '{owner.id}' is too short to link safely",
                               "use a longer form; only an entry's own name may be one character")
                continue
            key = form if case_sensitive else form.lower()
            if key in own:
                if not is_name and key != (forms[0][0] if case_sensitive else forms[0][0].lower()):
                    problems.error(where, f"alias '{form}' is listed twice for '{owner.id}'", "remove the repeat")
                continue  # repeating the entry's own name as an alias is harmless
            own.add(key)
            lower = form.lower()
            if case_sensitive:
                clash = (exact.get(form) if exact.get(form, (owner.id,))[0] != owner.id else None) or \
                        (folded.get(lower) if folded.get(lower, (owner.id,))[0] != owner.id else None)
            else:
                clash = (folded.get(lower) if folded.get(lower, (owner.id,))[0] != owner.id else None) or \
                        (exact_folded.get(lower) if exact_folded.get(lower, (owner.id,))[0] != owner.id else None)
            if clash:
                other, first = clash
                problems.error(where, f"alias '{form}' of '{owner.id}' is already an alias of '{other}'",
                               f"an alias can link to one entry only (see {first})")
                continue
            if case_sensitive:
                exact.setdefault(form, (owner.id, where))
                exact_folded.setdefault(lower, (owner.id, where))
            else:
                folded.setdefault(lower, (owner.id, where))


def _pruned(obj, **fields):
    """The object with some reference lists filtered, or the same object when nothing was dropped
    (the preview server recognises unchanged objects by identity)."""
    changes = {name: value for name, value in fields.items() if value != getattr(obj, name)}
    return replace(obj, **changes) if changes else obj


def drop_drafts(parts: dict) -> dict:
    """Leave out entries marked `draft: true`, and every reference to them."""
    kept = {name: [o for o in objs if not o.draft] for name, objs in parts.items()}
    entity_ids = {e.id for e in kept["entities"]}
    term_ids = {t.id for t in kept["glossary"]}
    slugs = {a.slug for a in kept["articles"]}

    def sources(refs):
        return tuple(r for r in refs if not r.is_seed or r.seed in slugs)

    kept["entities"] = [_pruned(e, related=tuple(r for r in e.related if r in entity_ids)) for e in kept["entities"]]
    kept["timeline"] = [_pruned(e, entities=tuple(i for i in e.entities if i in entity_ids), sources=sources(e.sources))
                        for e in kept["timeline"]]
    kept["glossary"] = [_pruned(t, see_also=tuple(i for i in t.see_also if i in term_ids), sources=sources(t.sources))
                        for t in kept["glossary"]]
    kept["quotes"] = [q for q in kept["quotes"] if q.speaker in entity_ids and q.seed in slugs]
    kept["notes"] = [_pruned(n, entities=tuple(i for i in n.entities if i in entity_ids))
                     for n in kept["notes"] if n.seed in slugs]
    return kept
