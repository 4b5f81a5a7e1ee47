"""io/_dates.py: the one date parser of every reader (issue 11)."""

from __future__ import annotations

import pandas as pd
import pytest

from msdiscourse.errors import ErrorPolicy, ParseError
from msdiscourse.io._dates import DateProblem, parse_date, parse_epoch, read_date


@pytest.mark.parametrize(("text", "expected"), [
    ("2013-03-15 23:16:59", "2013-03-15 23:16:59+00:00"),
    ("2010-11-27T07:12:00.000-08:00", "2010-11-27 15:12:00+00:00"),
    ("2013-10-10T19:20:29Z", "2013-10-10 19:20:29+00:00"),
    ("  2013-10-10  ", "2013-10-10 00:00:00+00:00"),
    ("1677-09-22", "1677-09-22 00:00:00+00:00"),
    ("2262-04-11", "2262-04-11 00:00:00+00:00"),
])
def test_dates_pandas_holds(text, expected):
    assert parse_date(text) == pd.Timestamp(expected)


@pytest.mark.parametrize("text", [None, "", "   ", "0000-00-00 00:00:00"])
def test_no_date(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("9999-12-31 00:00:00", "out_of_range"),
    ("0201-05-04 10:00:00", "out_of_range"),
    ("1677-09-20", "out_of_range"),
    ("2262-04-12", "out_of_range"),
    ("0001-01-01T00:00:00+01:00", "out_of_range"),   # shifting to UTC leaves the calendar
    ("9999-12-31T23:00:00-05:00", "out_of_range"),
    ("2013-02-30", "malformed"),
    ("31/05/2010 09:00", "malformed"),
    ("yesterday", "malformed"),
])
def test_dates_that_are_not_timestamps(text, kind):
    with pytest.raises(DateProblem) as caught:
        parse_date(text)
    assert caught.value.kind == kind


def test_epochs():
    assert parse_epoch(0) == pd.Timestamp("1970-01-01", tz="UTC")
    assert parse_epoch(1331715600000, unit="ms") == pd.Timestamp("2012-03-14 09:00", tz="UTC")
    assert parse_epoch(float("nan")) is None
    for value in (1e20, -1e12, 9999999999999):
        with pytest.raises(DateProblem):
            parse_epoch(value)


def test_read_date_follows_on_error():
    strict = ErrorPolicy("x.xml")
    with pytest.raises(ParseError) as caught:
        read_date("9999-12-31", strict, line=4, what="pubDate", example="2013-03-15")
    assert str(caught.value) == (
        "x.xml, line 4: expected pubDate like 2013-03-15, between 1677 and 2262 (the dates "
        "pandas holds); found '9999-12-31' (pass on_error=\"collect\" to keep it as an unparsed row)")
    lenient, flags = ErrorPolicy("x.xml", on_error="collect"), []
    assert read_date("2013-02-30", lenient, line=5, what="pubDate", example="2013-03-15",
                     flags=flags) is None
    assert read_date(["not", "a", "date"], lenient, line=6, what="pubDate",
                     example="2013-03-15", flags=flags) is None
    assert flags == ["bad_date", "bad_date"]
    assert [(r["line_start"], r["reason"]) for r in lenient.rows] == [
        (5, "malformed pubDate"), (6, "malformed pubDate")]
