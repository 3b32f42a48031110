"""Check that the explainer never states outside facts without an outside source.

Two kinds of content say things the article cannot support, so each needs at least one external
source with a title and an https URL:

* every context note (content/notes.yaml): a note exists to say what was later disputed,
  corrected or clarified, which the article itself cannot show;
* every timeline event dated after the publication of the seeds it cites: the article cannot be
  the evidence for what happened after it was written. An event is "after" when its earliest
  possible day is later than the latest possible publication day of every seed it cites (so an
  event in the week of a seed whose day is unknown is not counted as after it).

Like test_content_coverage.py, this reads the YAML directly and never imports the generator.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from test_content_coverage import CONTENT, load_yaml, read_seed, seed_files

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?[?~%]?$")


def day_bounds(edtf: str) -> tuple[dt.date, dt.date]:
    """Earliest and latest day an EDTF date such as 2022, 2022-09, 2024-09-28~ or A/B can mean."""
    parts = str(edtf).strip().split("/")
    assert 1 <= len(parts) <= 2, f"not a date: {edtf!r}"

    def bound(part: str, first: bool) -> dt.date:
        match = _PART.match(part)
        assert match, f"not a date: {edtf!r}"
        year, month, day = (int(x) if x else None for x in match.groups())
        if day:
            return dt.date(year, month, day)
        if month:
            return dt.date(year, month, 1 if first else calendar.monthrange(year, month)[1])
        return dt.date(year, 1, 1) if first else dt.date(year, 12, 31)

    return bound(parts[0], True), bound(parts[-1], False)


def has_external_source(item: dict) -> bool:
    return any(str(s.get("title") or "").strip() and str(s.get("url") or "").startswith("https://")
               for s in item.get("sources") or [])


def unsourced(notes: list[dict], events: list[dict], published: dict[str, dt.date]) -> list[str]:
    """The notes, and the events dated after their seeds' publication, with no external https source.

    `published` maps a seed slug to the latest day it can have been published."""
    problems = [f"note {n['id']!r} has no external source (title + https URL)"
                for n in notes if not has_external_source(n)]
    for event in events:
        seeds = sorted({s["seed"] for s in event.get("sources") or [] if s.get("seed")})
        undated = [seed for seed in seeds if seed not in published]
        if undated:
            problems.append(f"event {event['id']!r} cites seeds with no published date: {undated}")
            continue
        after = [seed for seed in seeds if day_bounds(event["date"])[0] > published[seed]]
        if seeds and len(after) == len(seeds) and not has_external_source(event):
            problems.append(f"event {event['id']!r} ({event['date']}) is dated after {after} was published "
                            "but has no external source (title + https URL)")
        if not seeds and not has_external_source(event):
            problems.append(f"event {event['id']!r} cites no seed and has no external source")
    return problems


def seed_publication_days() -> dict[str, dt.date]:
    """Each seed's slug and the latest day it can have been published (seeds without a date are left out)."""
    days = {}
    for path in seed_files():
        front, _ = read_seed(path)
        slug = front.get("slug") or path.stem
        if front.get("published"):
            days[slug] = day_bounds(front["published"])[1]
    return days


def test_day_bounds():
    assert day_bounds("2024") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert day_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert day_bounds("2023-06?") == (dt.date(2023, 6, 1), dt.date(2023, 6, 30))
    assert day_bounds("2024-10-25/2024-11-04") == (dt.date(2024, 10, 25), dt.date(2024, 11, 4))


def test_the_check_catches_what_it_should():
    published = {"s": dt.date(2024, 11, 4)}
    web = {"title": "A report", "url": "https://example.org/report"}
    seed = {"seed": "s", "excerpt": "words"}
    notes = [
        {"id": "ok", "sources": [web]},
        {"id": "none"},
        {"id": "http-only", "sources": [{"title": "Old page", "url": "http://example.org/"}]},
        {"id": "no-title", "sources": [{"title": " ", "url": "https://example.org/"}]},
    ]
    events = [
        {"id": "before", "date": "2022-09", "sources": [seed]},
        {"id": "same-week", "date": "2024-10-21/2024-11-04", "sources": [seed]},
        {"id": "after-sourced", "date": "2025-01-16", "sources": [seed, web]},
        {"id": "after-seed-only", "date": "2024-11-05", "sources": [seed]},
        {"id": "after-http-only", "date": "2025", "sources": [seed, {"title": "t", "url": "http://example.org/"}]},
        {"id": "undated-seed", "date": "2020", "sources": [{"seed": "other", "excerpt": "x"}]},
    ]
    flagged = {re.search(r"'([^']+)'", line).group(1) for line in unsourced(notes, events, published)}
    assert flagged == {"none", "http-only", "no-title", "after-seed-only", "after-http-only", "undated-seed"}


def test_notes_and_later_events_have_external_sources():
    notes = load_yaml(CONTENT / "notes.yaml") or []
    events = load_yaml(CONTENT / "timeline.yaml") or []
    problems = unsourced(notes, events, seed_publication_days())
    assert not problems, "\n".join(problems)
