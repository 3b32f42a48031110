"""`build.py suggest`: draft the entities, events, terms and quotes of a seed, and its drift.

Stages: prepare (sentences, words) → entities → quotes (speakers become entities too) → events →
terms → against the curated content (what is covered, unique ids) → drift. Plain rules, no model:
docs/suggest.md says why and how well they do.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from ..model import Article, Library
from .document import Document, prepare
from .drift import Drift, find_drift
from .entities import STOP, Cluster, adjectives, cluster_runs, event_runs, find_expansions, find_runs, normal_form
from .events import enclosed, find_events, statement_interval
from .jargon import jargon_terms
from .quotes import UPPER, QuoteFinding, attribute, named_descriptions
from .terms import defined_terms, quoted_terms, rare_words_and_phrases, repeated_phrases
from .text import quoted_spans

KIND_ORDER = ("person", "organization", "place", "program", "product", "publication", "event", "concept")


def slug_id(text: str) -> str:
    """An id by the rules `new` enforces: lowercase ASCII words joined by hyphens ("Kovač" → "kovac")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ident = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:72].strip("-")
    return ident or "entry"


@dataclass
class EntitySuggestion:
    id: str
    name: str
    kind: str
    aliases: list[str]
    count: int
    paragraph: int  # of the first mention
    covered_by: str | None = None  # an existing entity that already names it
    missing_aliases: list[str] = field(default_factory=list)  # forms the existing entity lacks
    ambiguous_with: list[str] = field(default_factory=list)  # a surname two people share


@dataclass
class EventSuggestion:
    id: str
    date: str
    label: str | None
    title: str
    excerpt: str
    paragraph: int
    phrase: str
    entities: list[str]


@dataclass
class UndatedStatement:
    """A statement to put on the timeline once a desk finds its date: the text alone dates it no
    closer than `date` (EDTF: `../2024-11-04` is on or before that day), or not at all (None: a
    relative date in a seed with no `published` date)."""
    phrase: str  # the date words, or what the tense says ("on or before publication")
    excerpt: str
    paragraph: int
    date: str | None = None
    entities: list[str] = field(default_factory=list)


@dataclass
class TermSuggestion:
    id: str
    term: str
    aliases: list[str]
    reason: str
    count: int
    paragraph: int
    excerpt: str | None  # the sentence of its first use, when the term is found in one
    covered_by: str | None = None


@dataclass
class QuoteSuggestion:
    speaker: str | None  # an entity id, or None when no attribution was found
    speaker_words: str | None
    text: str
    paragraph: int
    covered: bool = False


@dataclass
class Suggestions:
    article: Article
    entities: list[EntitySuggestion]
    events: list[EventSuggestion]
    undated: list[UndatedStatement]
    terms: list[TermSuggestion]
    quotes: list[QuoteSuggestion]
    drift: list[Drift]


class _Ids:
    """Hands out ids that collide neither with curated ones nor with each other."""

    def __init__(self, taken: set[str]):
        self.taken = set(taken)

    def new(self, text: str) -> str:
        base = slug_id(text)
        ident, n = base, 2
        while ident in self.taken:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        return ident


def suggest(article: Article, library: Library | None, min_count: int = 1) -> Suggestions:
    """Everything `suggest` proposes for one article, against the curated `library` (None: nothing curated)."""
    doc = prepare(article)
    clusters, mentions = _entities(doc)
    by_form = {normal_form(form): c for c in clusters for form in c.forms}
    quotes = _quotes(doc, mentions)
    speaker_clusters = _speaker_entities(quotes, by_form)
    entities_index = _EntityIndex(library)
    ids = _Ids(entities_index.ids)
    speakers = {id(entry.cluster) for entry in quotes if entry.cluster is not None}
    entity_suggestions, cluster_ids = _entity_suggestions(clusters + speaker_clusters, entities_index, ids, min_count,
                                                          speakers)
    events, undated = _events(doc, mentions, cluster_ids, library)
    terms = _terms(doc, clusters, entities_index, ids, min_count)
    quote_suggestions = []
    curated_quotes = {(q.seed, q.text) for q in library.quotes} if library else set()
    for entry in quotes:
        finding = entry.finding
        quote_suggestions.append(QuoteSuggestion(cluster_ids.get(id(entry.cluster)) if entry.cluster else None,
                                                 finding.speaker, finding.text, finding.span.paragraph,
                                                 (article.slug, finding.text) in curated_quotes))
    drift = find_drift(article, library) if library is not None else []
    return Suggestions(article, entity_suggestions, events, undated, terms, quote_suggestions, drift)


def _entities(doc: Document) -> tuple[list[Cluster], list[tuple[int, int, int, Cluster]]]:
    runs, expansions, adjective_words = [], {}, set()
    for paragraph in doc.paragraphs:
        found = doc.words[paragraph.index]
        runs += find_runs(paragraph.index, paragraph.text, found, doc.lowercase_words)
        runs += event_runs(paragraph.index, paragraph.text)
        expansions.update(find_expansions(paragraph.text))
        adjective_words |= adjectives(paragraph.text, found)
    clusters = cluster_runs(runs, expansions, {r.text for r in runs if not r.words}, adjective_words)
    by_form = {normal_form(form): c for c in clusters for form in c.forms}
    mentions = sorted(((r.paragraph, r.start, r.end, by_form[normal_form(r.text)]) for r in runs
                       if normal_form(r.text) in by_form), key=lambda mention: mention[:3])
    return clusters, mentions


_SPEAKS_AFTER = re.compile(r"^(?:,[^,“”\"]{1,90},)?(?:\s+(?:also|then|did|has|had))*\s+"
                           r"(?:said|says|told|added|acknowledged|argued|wrote|explained|noted|put it)\b")


@dataclass
class _Spoken:
    finding: QuoteFinding
    cluster: Cluster | None = None  # the entity the speaker's words name, once found


def _quotes(doc: Document, mentions) -> list[_Spoken]:
    """Every quoted span with its speaker's words. A pronoun ("he
    added") is the last person named as the subject of a verb of speech, or else the last person named."""
    texts = {p.index: p.text for p in doc.paragraphs}
    people = [(p, s, c) for p, s, _, c in mentions if c.kind == "person"]
    speaking = [(p, s, c) for p, s, e, c in mentions if c.kind == "person" and _SPEAKS_AFTER.match(texts[p][e:e + 140])]
    lookups = [([(p, s) for p, s, _ in found], found) for found in (speaking, people)]

    def person_before(paragraph: int):
        def before(offset: int) -> str | None:
            for keys, found in lookups:
                at = bisect_right(keys, (paragraph, offset)) - 1
                if at >= 0 and keys[at][0] >= paragraph - 1:  # this paragraph or the one before
                    return found[at][2].name
            return None
        return before

    named = named_descriptions(list(texts.values()))
    found = []
    for paragraph in doc.paragraphs:
        for finding in attribute(paragraph, person_before(paragraph.index)):
            finding.speaker = named.get(finding.speaker, finding.speaker)
            found.append(_Spoken(finding))
    return found


def _speaker_entities(quotes: list[_Spoken], by_form: dict) -> list[Cluster]:
    """Map each speaker's words to an entity; descriptive speakers ("a former US national security
    official") become entities of their own."""
    new: dict[str, Cluster] = {}
    for entry in quotes:
        words = entry.finding.speaker
        if not words:
            continue
        key = normal_form(re.sub(r"^The\s+", "", words))
        head = normal_form(words.partition(" of ")[0])  # "Jože Žagar of the association …": Jože Žagar
        cluster = by_form.get(key) or by_form.get(normal_form(words)) or by_form.get(head)
        if cluster is None:
            tokens = normal_form(words).split()
            spans = [" ".join(tokens[n:]) for n in range(len(tokens))] + [" ".join(tokens[:n]) for n in range(1, len(tokens))]
            inside = [by_form[span] for span in spans if span in by_form]
            people = [c for c in inside if c.kind == "person"]
            owner = re.search(rf"({UPPER}[\w-]*)[’']s\s", words)
            if people:
                cluster = people[0]
            elif owner:
                name = normal_form(owner.group(1))
                named = {id(c): c for form, c in by_form.items() if form == name or form.endswith(" " + name)}
                cluster = next(iter(named.values())) if len(named) == 1 else None  # "Tanja Zupan's office"
        if cluster is None:
            cluster = new.setdefault(words, Cluster(words, kind="person"))
            cluster.forms[words] = 1
            cluster.first = min(cluster.first, (entry.finding.span.paragraph, entry.finding.span.start))
        entry.cluster = cluster
    return list(new.values())


class _EntityIndex:
    """The curated entities and terms: their ids and every name and alias, by normal form."""

    def __init__(self, library: Library | None):
        self.ids: set[str] = set()
        self.forms: dict[str, str] = {}
        self.names: dict[str, set[str]] = {}
        self.term_forms: dict[str, str] = {}
        if library is None:
            return
        for entity in library.entities:
            self.ids.add(entity.id)
            self.names[entity.id] = {entity.name, *entity.aliases}
            for form in (entity.name, *entity.aliases):
                self.forms.setdefault(normal_form(form), entity.id)
        for term in library.terms:
            self.ids.add(term.id)
            for form in (term.term, *term.aliases):
                self.term_forms.setdefault(form.lower(), term.id)


def _entity_suggestions(clusters: list[Cluster], index: _EntityIndex, ids: _Ids, min_count: int, speakers: set[int]):
    """Entities grouped by kind, most mentioned first; one that speaks a quotation is kept whatever
    its count, so that the quotation can name it."""
    suggestions, cluster_ids = [], {}
    kept = [c for c in clusters if c.count >= min_count or id(c) in speakers]
    for cluster in sorted(kept, key=lambda c: (KIND_ORDER.index(c.kind), -c.count, c.first)):
        covered = next((index.forms[normal_form(f)] for f in cluster.forms if normal_form(f) in index.forms), None) \
            or next((index.term_forms[f.lower()] for f in cluster.forms if f.lower() in index.term_forms), None)
        if covered:  # by an entity, or by a glossary term ("Cabinet")
            have = index.names.get(covered, set(cluster.forms))
            missing = [f for f in [cluster.name, *cluster.aliases] if f not in have and len(f) >= 2
                       and normal_form(f) not in index.forms]
            ident = covered
        else:
            missing, ident = [], ids.new(cluster.name)
        cluster_ids[id(cluster)] = ident
        suggestions.append(EntitySuggestion(ident, cluster.name, cluster.kind, cluster.aliases, cluster.count,
                                            cluster.first[0], covered, missing, list(cluster.ambiguous_with)))
    return suggestions, cluster_ids


def _events(doc: Document, mentions, cluster_ids: dict, library: Library | None):
    """Dated events, sorted by date; then the statements the text dates only by its tense or
    relative to a `published` date the seed lacks, in the article's order."""
    ids = _Ids({e.id for e in library.events} if library else set())
    events, undated = [], []
    by_paragraph: dict[int, list] = {}
    for mention in mentions:
        by_paragraph.setdefault(mention[0], []).append(mention)
    for index, sentences in doc.sentences.items():
        for sentence in sentences:
            inside = [c for _, s, e, c in by_paragraph.get(index, ()) if sentence.start <= s and e <= sentence.end]
            entity_ids = list(dict.fromkeys(cluster_ids[id(c)] for c in inside if id(c) in cluster_ids))
            findings = find_events(sentence, doc.article.published)
            for finding in findings:
                if finding.date is None:
                    undated.append(UndatedStatement(finding.phrase, sentence.text, index))
                else:
                    events.append(_event(ids, finding, index, entity_ids))
            statement = _statement(sentence, findings, doc.article.published, entity_ids)
            if statement:
                undated.append(statement)
    events.sort(key=lambda e: (e.date.split("/")[0].rstrip("~"), e.paragraph))
    return events, undated


def _event(ids: _Ids, finding, paragraph: int, entity_ids: list[str]) -> EventSuggestion:
    title = _title(finding.sentence.text)
    words = [w for w in re.findall(r"[^\W\d_]{2,}", re.sub(r"['’]s\b", "", title)) if w.lower() not in STOP][:4]
    ident = ids.new(f"{finding.date.split('/')[0][:7]} {' '.join(words)}")  # 2022-09-personally-ordered-…
    return EventSuggestion(ident, finding.date, finding.label, title, finding.sentence.text, paragraph, finding.phrase,
                           entity_ids)


def _statement(sentence, findings, published, entity_ids: list[str]) -> UndatedStatement | None:
    """A sentence about named entities whose main statement no date word dates (none, or only ones
    inside a clause set off by commas): dated by its tense, relative to publication."""
    if published is None or not entity_ids or not all(f.date and enclosed(f) for f in findings):
        return None
    if sentence.text[:1] in "“\"‘'":
        return None  # a quotation: quotes.yaml's, not the timeline's
    supported = statement_interval(sentence.text, published)
    if supported is None:
        return None
    return UndatedStatement(supported[1], sentence.text, sentence.paragraph, supported[0], entity_ids)


def _title(sentence: str) -> str:
    """A first draft of an event's title: the sentence's first words."""
    words = sentence.strip("“”\"").split()
    title = " ".join(words[:12])
    return title.rstrip(",;:") + ("…" if len(words) > 12 else "")


def _terms(doc: Document, clusters: list[Cluster], index: "_EntityIndex", ids: _Ids, min_count: int):
    findings = []
    for paragraph in doc.paragraphs:
        findings += quoted_terms(quoted_spans(paragraph))
        findings += defined_terms(paragraph.index, paragraph.text)
    entity_words = {w.lower() for c in clusters for f in c.forms for w in f.split() if w[:1].isupper()}
    texts = {p.index: p.text for p in doc.paragraphs}
    findings += jargon_terms(texts)
    findings += repeated_phrases(texts, entity_words)
    findings += rare_words_and_phrases(texts, entity_words)
    names = {f.lower() for c in clusters for f in c.forms} | {form.lower() for form in index.forms}
    whole = "\n".join(p.text for p in doc.paragraphs).lower()
    merged: dict[str, TermSuggestion] = {}
    for finding in findings:
        key = finding.term.lower()
        if key in merged or len(key) < 2 or key in names:
            continue  # a name ("SpaceX" quoted on its own) is an entity's, and an alias can link to one entry
        count = whole.count(key)
        if count < min_count:
            continue
        sentence = doc.sentence_at(finding.paragraph, finding.start)
        excerpt = sentence.text if sentence else None
        covered = index.term_forms.get(key)
        merged[key] = TermSuggestion(covered or ids.new(finding.term), finding.term, list(finding.aliases),
                                     finding.reason, count, finding.paragraph, excerpt, covered)
    order = {"acronym": 0, "defined": 1, "quoted": 2, "jargon": 3, "repeated": 4, "rare": 5}
    return sorted(merged.values(), key=lambda t: (order[t.reason], -t.count, t.paragraph))


def load_inputs(root, seed_path) -> tuple[Article, Library]:
    """The seed (in seeds/ or anywhere in the project) and the curated content, validated; every
    problem is a located ContentError, as in `build`."""
    from ..errors import ContentError, Problems
    from ..load import load_content, load_seed, relative
    from ..validate import validate, validate_seed

    problems = Problems()
    library = validate(load_content(root, problems), problems, include_drafts=True)
    problems.raise_if_errors()
    rel = relative(seed_path, root)
    article = next((a for a in library.articles if a.path == rel), None)
    if article is None:
        raw = load_seed(seed_path, root, problems)
        problems.raise_if_errors()
        article = validate_seed(raw, problems)
        problems.raise_if_errors()
        if article is None:
            raise ContentError(problems.items)
    return article, library
