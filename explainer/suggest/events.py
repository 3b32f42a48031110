"""Dated and datable statements: each date expression of a sentence, resolved to an EDTF date no
more precise than the words ("September 2022" is 2022-09, never a day; "late 2022" is the year
2022 with the words kept as its label). Relative dates ("this week", "two years ago", "in
September") are resolved against the seed's `published` date, at the precision both allow; with
no `published` date they are listed as undated rather than guessed.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..dates import FuzzyDate, parse_date
from .text import MONTHS, Sentence

_M = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
     r"Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
_Y = r"(?P<year>1[6-9]\d\d|20\d\d)"
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "a": 1, "several": None, "few": None}
PATTERNS = [  # most specific first; a later pattern never claims words an earlier one took
    ("day", re.compile(rf"\b(?P<day>[0-3]?\d) {_M},? {_Y}\b")),
    ("day", re.compile(rf"\b{_M} (?P<day>[0-3]?\d)(?:st|nd|rd|th)?, {_Y}\b")),
    ("season", re.compile(rf"\b(?P<season>[Ss]pring|[Ss]ummer|[Ff]all|[Aa]utumn|[Ww]inter) (?:of )?{_Y}\b")),
    ("month", re.compile(rf"\b(?:(?P<part>early|mid|late)[- ])?{_M},? (?:of )?{_Y}\b")),
    ("part", re.compile(rf"\b(?P<part>[Ee]arly|[Mm]id|[Ll]ate|the end of|the start of)[- ]{_Y}\b")),
    ("decade", re.compile(r"\b(?:the )?(?P<decade>1[6-9]\d|20\d)0s\b")),
    ("year", re.compile(rf"(?<![$€£\d.,-])\b(?:(?:in|since|by|until|from|of|during|before|after) )?{_Y}\b(?![%\d]|\.\d|,\d)")),
    ("month-day", re.compile(rf"\b{_M} (?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b")),
    ("month-day", re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)? (?:of )?{_M}")),  # "on 2 October": the year is publication's
    ("month-alone", re.compile(rf"\b(?:in|on|since|by|until|last|this|next|early|late|mid|until) {_M}(?! [0-3]?\d| ?\d{{4}})\b")),
    ("weekday", re.compile(r"\b(?:(?P<which>[Oo]n|[Ll]ast|[Nn]ext|[Tt]his) )?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|"
                           r"Friday|Saturday|Sunday)\b")),
    ("season-relative", re.compile(r"\b(?P<which>next|last|this) (?P<season>spring|summer|fall|autumn|winter)\b",
                                   re.IGNORECASE)),
    ("relative", re.compile(r"\b(?P<rel>(?:earlier|later|so far) this year|this (?:week|month|year)|last (?:week|month|year)|"
                            r"next (?:week|month|year)|yesterday|(?P<n>one|two|three|four|five|six|seven|eight|nine|ten|\d+) "
                            r"(?P<unit>years?|months?|weeks?|days?) ago)\b", re.IGNORECASE)),
]
SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 14)}


@dataclass(frozen=True)
class EventFinding:
    sentence: Sentence
    phrase: str  # the date words as written
    date: str | None  # EDTF, or None when it needs a `published` date the seed does not give
    label: str | None  # display words where the date alone would say more or less than the text
    approximate: bool = False


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return next(n for n, month in enumerate(MONTHS, 1) if month.startswith(key[:3]))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def covering(earliest: dt.date, latest: dt.date) -> str:
    """The tightest EDTF date or range (of the shapes the site shows) that covers both days."""
    if earliest == latest:
        return earliest.isoformat()
    whole_months = earliest.day == 1 and latest == _month_end(latest.year, latest.month)
    if not whole_months:
        return f"{earliest.isoformat()}/{latest.isoformat()}"
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{earliest.year:04d}-{earliest.month:02d}"
    if earliest.month == 1 and latest.month == 12:
        return f"{earliest.year:04d}" if earliest.year == latest.year else f"{earliest.year:04d}/{latest.year:04d}"
    return f"{earliest.year:04d}-{earliest.month:02d}/{latest.year:04d}-{latest.month:02d}"


def _relative(kind: str, match: re.Match, published: FuzzyDate | None) -> tuple[str | None, bool]:
    """EDTF for a date that needs the publication date; (None, False) without one."""
    if published is None:
        return None, False
    p0, p1 = published.earliest, published.latest
    if kind == "month-day":
        month, day = _month_number(match.group("month")), int(match.group("day"))
        if p0.year != p1.year:
            return None, False
        return dt.date(p0.year, month, day).isoformat(), False  # "31 February": ValueError, not a date
    if kind == "weekday":
        if published.precision != "day":
            return None, False
        weekday = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday").index(
            match.group("weekday").lower())
        if (match.group("which") or "").lower() == "next":
            ahead = (weekday - p0.weekday()) % 7 or 7
            return (p0 + dt.timedelta(days=ahead)).isoformat(), False
        back = (p0.weekday() - weekday) % 7 or 7  # "on Tuesday" in news: the last one before publication
        return (p0 - dt.timedelta(days=back)).isoformat(), False
    if kind == "season-relative":
        if p0.year != p1.year:
            return None, False
        year = p0.year + {"next": 1, "last": -1, "this": 0}[match.group("which").lower()]
        first, last = SEASONS[match.group("season").lower()]
        end = dt.date(year + 1, last - 12, 1) if last > 12 else dt.date(year, last, 1)
        return covering(dt.date(year, first, 1), _month_end(end.year, end.month)), False
    if kind == "month-alone":
        month = _month_number(match.group("month"))
        if p0.year != p1.year:
            return None, False
        return f"{p0.year:04d}-{month:02d}", False
    rel = match.group("rel").lower()
    if match.group("unit"):
        amount = NUMBERS.get(match.group("n").lower()) if not match.group("n").isdigit() else int(match.group("n"))
        if not amount or amount > 200:
            return None, False
        unit = match.group("unit").rstrip("s")
        if unit == "year":
            return f"{p0.year - amount:04d}", True
        days = {"month": 31 * amount, "week": 7 * amount, "day": amount}[unit]
        spread = {"month": 31, "week": 7, "day": 0}[unit]
        return covering(p0 - dt.timedelta(days=days + spread), p1 - dt.timedelta(days=max(days - spread, 0))), True
    year0, year1 = p0.year, p1.year
    if rel in ("earlier this year", "so far this year", "later this year"):
        return covering(dt.date(year0, 1, 1), dt.date(year1, 12, 31)), False  # the words name the year, no part of it
    spans = {
        "this week": (p0 - dt.timedelta(days=6), p1 + dt.timedelta(days=6)),
        "last week": (p0 - dt.timedelta(days=13), p1 - dt.timedelta(days=1)),
        "next week": (p0 + dt.timedelta(days=1), p1 + dt.timedelta(days=13)),
        "this month": (p0.replace(day=1), _month_end(p1.year, p1.month)),
        "this year": (dt.date(year0, 1, 1), dt.date(year1, 12, 31)),
        "last year": (dt.date(year0 - 1, 1, 1), dt.date(year1 - 1, 12, 31)),
        "next year": (dt.date(year0 + 1, 1, 1), dt.date(year1 + 1, 12, 31)),
        "yesterday": (p0 - dt.timedelta(days=1), p1 - dt.timedelta(days=1)),
    }
    if rel == "last month":
        first = (p0.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        spans[rel] = (first, _month_end((p1.replace(day=1) - dt.timedelta(days=1)).year,
                                        (p1.replace(day=1) - dt.timedelta(days=1)).month))
    if rel == "next month":
        after = _month_end(p0.year, p0.month) + dt.timedelta(days=1)
        spans[rel] = (after, _month_end(after.year, after.month))
    earliest, latest = spans[rel]
    return covering(earliest, latest), False


def _absolute(kind: str, match: re.Match) -> tuple[str, str | None]:
    """EDTF and label for a date the words give in full."""
    g = match.groupdict()
    if kind == "day":
        month = _month_number(g["month"])
        return dt.date(int(g["year"]), month, int(g["day"])).isoformat(), None
    if kind == "season":
        first, last = SEASONS[g["season"].lower()]
        year = int(g["year"])
        end = dt.date(year + 1, last - 12, 1) if last > 12 else dt.date(year, last, 1)
        return covering(dt.date(year, first, 1), _month_end(end.year, end.month)), None
    if kind == "month":
        return f"{g['year']}-{_month_number(g['month']):02d}", (match.group() if g["part"] else None)
    if kind == "part":
        return g["year"], match.group()
    if kind == "decade":
        start = int(g["decade"]) * 10
        return f"{start}/{start + 9}", match.group()
    return g["year"], None


def find_events(sentence: Sentence, published: FuzzyDate | None) -> list[EventFinding]:
    """Every date expression in one sentence, resolved."""
    taken: list[tuple[int, int]] = []
    found = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(sentence.text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append((match.start(), match.end()))
            approximate = False
            try:
                if kind in ("month-day", "month-alone", "weekday", "season-relative", "relative"):
                    date, approximate = _relative(kind, match, published)
                    label = None
                else:
                    date, label = _absolute(kind, match)
                if date is not None:
                    parse_date(date + ("~" if approximate and "/" not in date else ""))
            except ValueError:  # "31 February 2024", a year out of range: not a date
                continue
            if date is not None and approximate and "/" not in date:
                date += "~"
            found.append(EventFinding(sentence, match.group(), date, label, approximate))
    return found


# What a sentence without a date word can still say about when: a reported or completed action
# happened on or before publication; a present state held at publication. Future and conditional
# statements ("will", "would") say nothing the desk can use.
_REPORTED = re.compile(r"\b(?:reportedly|allegedly|according to|reported|reports)\b", re.IGNORECASE)
_PERFECT = re.compile(r"\b(?:has|have|had)(?:\s+(?:not|also|already|long|just|never|since|reportedly|\w+ly))*"
                      r"\s+(?:been\s+)?[a-z]+(?:ed|en|wn|ught|ade|aid|old|ook|one|ent|ung|un|it|ld)\b")
_IRREGULAR_PAST = ("said told took made gave went came won lost led met ran began broke sold bought built sent spent "
                   "wrote held fell rose grew knew saw thought brought caught fought sought kept left paid struck "
                   "stood chose drove flew became").split()
_PAST = re.compile(r"\b(?:[a-z]{3,}(?<!e)ed|" + "|".join(_IRREGULAR_PAST) + r")\b")  # not "need", "indeed"
_PRESENT = re.compile(r"\b(?:is|are|remains?|continues?|consists?)\b")
_FUTURE = re.compile(r"\b(?:will|would|could|might|should|is due to|are due to|plans? to)\b")


def statement_interval(text: str, published: FuzzyDate) -> tuple[str, str] | None:
    """(the dates a sentence with no date words supports, in words) from its tense alone: a past,
    perfect or reported action "on or before publication" (EDTF `../2024-11-04`), a present state
    "as of publication" (the publication date); None for future and conditional statements."""
    if _FUTURE.search(text) and not _REPORTED.search(text):
        return None
    latest = published.latest.isoformat()
    if _REPORTED.search(text) or _PERFECT.search(text) or _PAST.search(text):
        return f"../{latest}", "on or before publication"
    if _PRESENT.search(text):
        return published.text, "as of publication"
    return None


_PARENTHETICAL = re.compile(r"\s*(?:which|who|whom|whose|where|when|a|an|the|[a-z]+ed|[a-z]+en)\b")


def enclosed(finding: EventFinding) -> bool:
    """A date inside a clause set off by commas that modifies a word before it ("Crimea, annexed
    by Russia in 2014, is …", "ULA, which was formed in 2006, …") dates that clause, not the
    sentence's main statement."""
    text = finding.sentence.text
    at = text.find(finding.phrase)
    before, after = text.rfind(",", 0, at), text.find(",", at + len(finding.phrase))
    return before > 0 and after > 0 and bool(_PARENTHETICAL.match(text, before + 1))
