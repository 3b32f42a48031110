"""Dates at their real precision: EDTF level-1 strings parsed (with the edtf package) and displayed."""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# The shapes we display: a year, month or day, with an optional EDTF qualifier, or a range of two.
# ASCII digits only (`\d` would take "٢٠٢٢" too), and the whole string (fullmatch, not `$`).
_PART = r"(?P<{n}y>[0-9]{{4}})(?:-(?P<{n}m>[0-9]{{2}})(?:-(?P<{n}d>[0-9]{{2}}))?)?(?P<{n}q>[?~%])?"
_SHAPE = re.compile(_PART.format(n="a") + "(?:/" + _PART.format(n="b") + ")?")


class DateError(ValueError):
    """A date string that is not EDTF or not a shape this site can display."""


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A date as precise as the evidence: sorts by its earliest possible day."""

    earliest: _dt.date
    latest: _dt.date
    text: str  # the EDTF string as written
    display: str  # "September 2022", "c. 2022", "October–December 2022"
    approximate: bool
    uncertain: bool
    precision: str  # "year" | "month" | "day"

    @property
    def year(self) -> int:
        return self.earliest.year


def parse_date(value: str | int) -> FuzzyDate:
    """Parse an EDTF date such as 2014, 2022-09, 2024-09-28, 2022~ or 2022-10/2022-12."""
    text = str(value).strip()
    shape = _SHAPE.fullmatch(text)
    if not shape:
        raise DateError(f"'{text}' is not a date this site understands{_edtf_verdict(text)}")
    g = shape.groupdict()
    try:
        earliest = _bound(g["ay"], g["am"], g["ad"], first=True)
        latest = _bound(g["by"] or g["ay"], g["bm"] if g["by"] else g["am"], g["bd"] if g["by"] else g["ad"],
                        first=False)
    except ValueError:
        raise DateError(f"'{text}' is not a valid date (no such month or day)") from None
    if latest < earliest:
        raise DateError(f"'{text}' ends before it starts")
    qualifiers = (g["aq"] or "") + (g["bq"] or "")
    approximate = "~" in qualifiers or "%" in qualifiers
    uncertain = "?" in qualifiers or "%" in qualifiers
    start = _display_part(g["ay"], g["am"], g["ad"])
    if g["by"]:
        display = _display_range((g["ay"], g["am"], g["ad"]), (g["by"], g["bm"], g["bd"]))
    else:
        display = start
    if approximate:
        display = f"c. {display}"
    if uncertain:
        display = f"{display}?"
    precision = "day" if g["ad"] else "month" if g["am"] else "year"
    return FuzzyDate(earliest, latest, text, display, approximate, uncertain, precision)


def _bound(year: str, month: str | None, day: str | None, first: bool) -> _dt.date:
    """The first or last day a year, month or day can mean (the same bounds EDTF gives)."""
    y = int(year)
    if day:
        return _dt.date(y, int(month), int(day))
    if month:
        m = int(month)
        return _dt.date(y, m, 1 if first else calendar.monthrange(y, m)[1])
    return _dt.date(y, 1, 1) if first else _dt.date(y, 12, 31)


def _edtf_verdict(text: str) -> str:
    """Ask the edtf package whether an unsupported string is at least valid EDTF, to say so."""
    import edtf  # only for this message: importing its grammar would slow every build's start

    try:
        edtf.parse_edtf(text)
    except Exception:  # the edtf package raises several types for invalid input
        return ""
    return " (it is valid EDTF, but only years, months, days, ~ ? % and A/B ranges are displayed)"


def _display_part(year: str, month: str | None, day: str | None) -> str:
    if day:
        return f"{int(day)} {MONTHS[int(month) - 1]} {year}"
    if month:
        return f"{MONTHS[int(month) - 1]} {year}"
    return year


def _display_range(a: tuple, b: tuple) -> str:
    (ay, am, ad), (by, bm, bd) = a, b
    if ay == by and am and bm and not ad and not bd:
        return f"{MONTHS[int(am) - 1]}–{MONTHS[int(bm) - 1]} {ay}"
    return f"{_display_part(ay, am, ad)} – {_display_part(by, bm, bd)}"


def date_hint(text: str) -> str:
    """Suggest the right form for a date an author got wrong."""
    return "write a year (2014), a month (2022-09) or a day (2024-09-28), add ~ for approximate or ? for uncertain, or A/B for a range"
