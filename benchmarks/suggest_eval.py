"""How close `build.py suggest` comes to content curated by hand.

    .venv/bin/python benchmarks/suggest_eval.py                       # the live seed against content/
    .venv/bin/python benchmarks/suggest_eval.py --root tests/fixtures/suggest-night-train \
        tests/fixtures/suggest-night-train/seeds/night-train.md

Suggest runs as if nothing were curated (so that nothing is hidden as "already curated"), then
each suggestion is matched against the curated entries for that seed:

- entity: a suggestion matches a curated entity when one of its forms (name or alias) is the
  curated entity's name or one of its aliases ("U.S." = "US"; ’ = '). A second suggestion for
  an entity already matched counts against precision (the desk merges it, it does not keep it).
- event: a suggestion matches a curated event when its excerpt (a sentence) overlaps the curated
  excerpt in the same paragraph; its date *agrees* when the curated date lies within it (the
  suggestion is no more precise than the evidence the curator found). A statement listed as
  undated (no `published` date to resolve it) is found, but not dated.
- quote: the same text (ignoring a closing period or comma); the speaker is right when the
  suggested speaker's forms meet the curated speaker entity's name or aliases.
- term: the same words, ignoring case and a plural s, as the curated term or an alias.

Recall is the share of curated entries matched; precision the share of suggestions that match a
curated entry. That is what a desk would keep *of what this desk curated*: a suggestion the
curator chose not to include counts against precision even when it is a real name.
"""
from __future__ import annotations

import argparse
import datetime
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explainer.dates import parse_date  # noqa: E402
from explainer.suggest import Suggestions, load_inputs, suggest  # noqa: E402
from explainer.suggest.entities import normal_form  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Score:
    found: int
    total: int
    kept: int
    suggested: int

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0

    @property
    def precision(self) -> float:
        return self.kept / self.suggested if self.suggested else 1.0


def _forms(names) -> set[str]:
    return {normal_form(n) for n in names}


def _entity_forms(suggestions: Suggestions) -> list[set[str]]:
    return [_forms([e.name, *e.aliases]) for e in suggestions.entities]


def score_entities(s: Suggestions, library) -> tuple[Score, float]:
    curated = [(e, _forms([e.name, *e.aliases])) for e in library.entities]
    suggested = list(zip(s.entities, _entity_forms(s)))
    found = [c for c, forms in curated if any(forms & f for _, f in suggested)]
    kept, matched = [], set()
    for e, f in suggested:  # a second suggestion for one curated entity ("Pentagon" beside
        hit = next((c.id for c, forms in curated if f & forms and c.id not in matched), None)  # "DOD") is merged, not kept
        if hit:
            matched.add(hit)
            kept.append(e)
    right_kind = sum(1 for e, f in suggested if any(f & forms and c.kind == e.kind for c, forms in curated))
    return Score(len(found), len(curated), len(kept), len(suggested)), (right_kind / len(kept) if kept else 1.0)


def _span(article, excerpt: str):
    for p in article.paragraphs:
        at = p.text.find(excerpt)
        if at >= 0:
            return p.index, at, at + len(excerpt)
    return None


# Any word that dates a sentence, for counting the curated events the text itself dates (a plain
# test, independent of suggest's own patterns).
_DATE_WORDS = re.compile(r"\b(?:1[6-9]\d\d|20\d\d|January|February|March|April|May|June|July|August|September|"
                         r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                         r"week|month|year|years|ago|yesterday|spring|summer|autumn|fall|winter|\d\ds)\b")


def _datable(article, span) -> bool:
    """Whether the sentence around a curated excerpt holds any date word."""
    text = next(p.text for p in article.paragraphs if p.index == span[0])
    start = max(text.rfind(". ", 0, span[1]) + 1, 0)
    end = text.find(". ", span[2])
    return bool(_DATE_WORDS.search(text[start:end if end >= 0 else len(text)]))


def score_events(s: Suggestions, library) -> tuple[Score, int, int, int, Score]:
    """(anchor score, curated events found with an agreeing date, found only as undated, curated
    events whose sentence holds a date word at all, score of the statements dated by tense)."""
    article = s.article
    curated = [(e, _span(article, src.excerpt)) for e in library.events for src in e.sources if src.seed == article.slug]
    curated = [(e, span) for e, span in curated if span]
    suggested = [(e, _span(article, e.excerpt)) for e in s.events]
    undated = [(u, _span(article, u.excerpt)) for u in s.undated]

    def overlaps(a, b) -> bool:
        return a and b and a[0] == b[0] and a[1] < b[2] and b[1] < a[2]

    def statement_agrees(u, event) -> bool:  # a statement dated by tense counts only if its interval holds the date
        return u.date is not None and _within(u.date, event.date)

    found = dated = only_undated = 0
    seen = set()
    for event, span in curated:
        if event.id in seen:
            continue
        hits = [e for e, sp in suggested if overlaps(span, sp)]
        statements = [u for u, sp in undated if overlaps(span, sp)]
        if hits or any(statement_agrees(u, event) for u in statements):
            seen.add(event.id)
            found += 1
            if any(_agrees(h.date, event.date) for h in hits) or any(statement_agrees(u, event) for u in statements):
                dated += 1
        elif any(u.date is None for u in statements):
            seen.add(event.id)
            only_undated += 1
    total = len({e.id for e, _ in curated})
    datable = len({e.id for e, span in curated if _datable(article, span)})
    kept = sum(1 for e, sp in suggested if any(overlaps(span, sp) for _, span in curated))
    with_interval = [(u, sp) for u, sp in undated if u.date is not None]
    statements_found = len({c.id for c, span in curated for u, sp in with_interval
                            if overlaps(span, sp) and statement_agrees(u, c)})
    statements_kept = sum(1 for u, sp in with_interval
                          if any(overlaps(span, sp) and statement_agrees(u, c) for c, span in curated))
    return (Score(found + only_undated, total, kept, len(suggested)), dated, only_undated, datable,
            Score(statements_found, total, statements_kept, len(with_interval)))


def _within(interval: str, curated) -> bool:
    """Whether a curated date lies inside an interval such as `../2024-11-04` (open start) or a date."""
    start, _, end = interval.partition("/") if interval.startswith("..") else (interval, "", interval)
    earliest = datetime.date.min if start == ".." else parse_date(start).earliest
    latest = parse_date(end or start).latest
    return earliest <= curated.earliest and curated.latest <= latest


def _agrees(suggested: str, curated) -> bool:
    mine = parse_date(suggested)
    return mine.earliest <= curated.earliest and curated.latest <= mine.latest


def _same_quote(a: str, b: str) -> bool:
    return a.rstrip(".,") == b.rstrip(".,")


def score_quotes(s: Suggestions, library) -> tuple[Score, int]:
    entities = {e.id: _forms([e.name, *e.aliases]) for e in library.entities}
    by_id = {e.id: _forms([e.name, *e.aliases]) for e in s.entities}
    curated = [q for q in library.quotes if q.seed == s.article.slug]
    found = right = 0
    for quote in curated:
        hits = [q for q in s.quotes if _same_quote(q.text, quote.text)]
        if hits:
            found += 1
            speaker = entities.get(quote.speaker, set())
            if any((by_id.get(h.speaker, set()) | _forms([h.speaker_words or ""])) & speaker for h in hits):
                right += 1
    kept = sum(1 for q in s.quotes if any(_same_quote(q.text, c.text) for c in curated))
    return Score(found, len(curated), kept, len(s.quotes)), right


def _term_forms(words) -> set[str]:
    return {w.lower().rstrip("s") for w in words}


def score_terms(s: Suggestions, library) -> Score:
    curated = [_term_forms([t.term, *t.aliases]) for t in library.terms]
    suggested = [_term_forms([t.term, *t.aliases]) for t in s.terms]
    found = sum(1 for c in curated if any(c & f for f in suggested))
    kept = sum(1 for f in suggested if any(c & f for c in curated))
    return Score(found, len(curated), kept, len(suggested))


def evaluate(root: Path, seed: Path) -> dict:
    article, library = load_inputs(root, seed)
    started = time.perf_counter()
    s = suggest(article, None)
    seconds = time.perf_counter() - started
    entities, kind_accuracy = score_entities(s, library)
    events, dated, undated, datable, statements = score_events(s, library)
    quotes, right_speaker = score_quotes(s, library)
    terms = score_terms(s, library)
    return {"entities": entities, "kind_accuracy": kind_accuracy, "events": events, "events_dated": dated,
            "events_undated": undated, "events_datable": datable, "statements": statements, "quotes": quotes, "quotes_right_speaker": right_speaker, "terms": terms,
            "seconds": seconds}


def report(figures: dict) -> str:
    lines = ["| | recall | precision |", "|---|--:|--:|"]
    for name in ("entities", "events", "statements", "quotes", "terms"):
        sc: Score = figures[name]
        label = "events dated by tense alone" if name == "statements" else name
        lines.append(f"| {label} | {sc.found}/{sc.total} = {sc.recall:.0%} | {sc.kept}/{sc.suggested} = {sc.precision:.0%} |")
    ev, q = figures["events"], figures["quotes"]
    lines.append(f"\nentity kinds right: {figures['kind_accuracy']:.0%} of matched; events dated in agreement: "
                 f"{figures['events_dated']}/{ev.total}, found only as undated: {figures['events_undated']}; "
                 f"curated events whose sentence has any date word: {figures['events_datable']}; "
                 f"quotes with the right speaker: {figures['quotes_right_speaker']}/{q.total}; "
                 f"suggest ran in {figures['seconds'] * 1000:.0f} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("seed", nargs="?", type=Path, default=REPO / "seeds" / "000_5f9e32d0296bbd23.txt")
    parser.add_argument("--root", type=Path, default=REPO)
    args = parser.parse_args()
    print(report(evaluate(args.root.resolve(), args.seed.resolve())))


if __name__ == "__main__":
    main()
