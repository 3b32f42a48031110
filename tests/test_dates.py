"""EDTF dates: parsed at their precision, sorted by earliest day, displayed as written."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from explainer.dates import DateError, parse_date


@pytest.mark.parametrize("text, display, precision, earliest", [
    ("2014", "2014", "year", dt.date(2014, 1, 1)),
    ("2022-09", "September 2022", "month", dt.date(2022, 9, 1)),
    ("2024-09-28", "28 September 2024", "day", dt.date(2024, 9, 28)),
    ("2022~", "c. 2022", "year", dt.date(2022, 1, 1)),
    ("2022-09?", "September 2022?", "month", dt.date(2022, 9, 1)),
    ("2022-10/2022-12", "October–December 2022", "month", dt.date(2022, 10, 1)),
    ("2021-11/2022-02", "November 2021 – February 2022", "month", dt.date(2021, 11, 1)),
    (2016, "2016", "year", dt.date(2016, 1, 1)),
])
def test_dates_display_at_their_precision(text, display, precision, earliest):
    date = parse_date(text)
    assert (date.display, date.precision, date.earliest) == (display, precision, earliest)


@pytest.mark.parametrize("text", ["2024-13-01", "late", "2023-02-30", "2022-12/2022-10", "", "22-09", "2022-9"])
def test_bad_dates_are_refused(text):
    with pytest.raises(DateError):
        parse_date(text)


def test_events_sort_by_earliest_possible_day():
    dates = [parse_date(t) for t in ["2022-10/2022-12", "2022", "2022-09", "2022-09-15", "2021~"]]
    assert [d.text for d in sorted(dates)] == ["2021~", "2022", "2022-09", "2022-09-15", "2022-10/2022-12"]


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_any_real_day_round_trips(day):
    parsed = parse_date(day.isoformat())
    assert parsed.earliest == parsed.latest == day


def test_valid_edtf_that_the_site_cannot_display_is_named_as_such():
    """The edtf package is imported only to word this message (its grammar is slow to import)."""
    with pytest.raises(DateError) as valid:
        parse_date("1985-04-12/..")  # an open-ended interval: EDTF level 1, not displayed here
    assert "it is valid EDTF" in str(valid.value)
    with pytest.raises(DateError) as invalid:
        parse_date("next spring")
    assert "valid EDTF" not in str(invalid.value)
