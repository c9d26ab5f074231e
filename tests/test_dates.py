"""dates.py: the documented rules for ambiguous forms, plausibility, and hypothesis
round trips (formatted datetimes read back to the same moment; nothing raises)."""

from __future__ import annotations

import email.utils
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.dates import (
    REJECTED_FUTURE,
    REJECTED_PLACEHOLDER,
    REJECTED_TOO_EARLY,
    WITHOUT_DAY,
    is_ambiguous,
    naive_utc,
    parse_date,
    parse_prose_date,
    vet,
    vetted,
)
from searcher.models import Decision, Problem

NOW = datetime(2026, 1, 1)


@pytest.mark.parametrize(("text", "expected"), [
    # static-site stamp: the trailing -06 is seconds, not a UTC offset
    ("2020-08-31-20-02-06", datetime(2020, 8, 31, 20, 2, 6)),
    ("2020-08-31-20-02", datetime(2020, 8, 31, 20, 2)),
    ("Nov 19, 2019 10:02 AM EST", datetime(2019, 11, 19, 15, 2)),
    ("Nov 19, 2019 10:02 AM PDT", datetime(2019, 11, 19, 17, 2)),
    ("19/11/2019", datetime(2019, 11, 19)),  # 19 cannot be a month: day first
    ("11/19/2019", datetime(2019, 11, 19)),  # 19 cannot be a month: month first
    ("05/05/2019", datetime(2019, 5, 5)),  # both readings agree
    ("19.11.2019", datetime(2019, 11, 19)),
    ("2019-11-19T10:02:00-05:00", datetime(2019, 11, 19, 15, 2)),
    ("2019-11-19T10:02:00Z", datetime(2019, 11, 19, 10, 2)),
    ("2019-11-19 10:02:00 -0500", datetime(2019, 11, 19, 15, 2)),
    ("2019-11-19", datetime(2019, 11, 19)),
    ("Tue, 19 Nov 2019 10:02:00 -0500", datetime(2019, 11, 19, 15, 2)),  # RFC 2822
    ("Tue, 19 Nov 2019 10:02:00 GMT", datetime(2019, 11, 19, 10, 2)),
    ("1574175720", datetime(2019, 11, 19, 15, 2)),  # epoch seconds
    ("1574175720000", datetime(2019, 11, 19, 15, 2)),  # epoch milliseconds
    ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000)),  # Reuters
    ("November 19, 2019", datetime(2019, 11, 19)),
])
def test_documented_forms(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "05/06/2019",  # 5 June or May 6: refused, not guessed
    "Nov 19", "nonsense", "", "19/19/2019", "2019-02-30", "March 2019", "99999", "-5",
    "20191332", "2019-13", "12345678901",
])
def test_refused_forms(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(("value", "expected"), [
    # issue 16 class 9: these were read as seconds after 1970 (1970-01-01, 1970-08-22)
    (2020, datetime(2020, 1, 1)), ("2020", datetime(2020, 1, 1)), (2020.0, datetime(2020, 1, 1)),
    ("2020-10", datetime(2020, 10, 1)),
    (20200131, datetime(2020, 1, 31)), ("20200131", datetime(2020, 1, 31)),
    (546_000_000, datetime(1987, 4, 21, 10, 40)),  # 9 digits: seconds (1973-2001)
    (1574175720, datetime(2019, 11, 19, 15, 2)), ("1574175720", datetime(2019, 11, 19, 15, 2)),
    (1574175720000, datetime(2019, 11, 19, 15, 2)),
    (1574175720000000, datetime(2019, 11, 19, 15, 2)),
    (0, datetime(1970, 1, 1)),  # epoch zero: vet() rejects it as a placeholder
    # anything else is no date: refused (the reader says so), never a moment of 1970
    (7, None), (99999, None), (202001, None), (20201301, None), (20200230, None), (-5, None),
    (-1574175720, None), (2020.5, None), (12345678901, None), (10**20, None),
    (float("inf"), None),
])
def test_numbers_are_read_by_their_digits(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(9998, 12, 31)))
def test_years_and_compact_dates_round_trip(day: date) -> None:
    assert parse_date(day.year) == parse_date(str(day.year)) == datetime(day.year, 1, 1)
    compact = int(day.strftime("%Y%m%d"))
    assert parse_date(compact) == parse_date(str(compact)) == datetime(*day.timetuple()[:3])
    assert parse_date(day.strftime("%Y-%m")) == datetime(day.year, day.month, 1)


_DATE_DIGITS = {1, 4, 8, 9, 10, 12, 13, 15, 16}  # 1: only 0 (epoch zero) reads


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_no_other_number_is_a_date(number: int) -> None:
    digits = len(str(abs(number)))
    if number < 0 or (digits not in _DATE_DIGITS) or (digits == 1 and number):
        assert parse_date(number) is None
        assert parse_date(str(number)) is None
    elif digits != 8:
        assert parse_date(number) is not None


def test_a_year_or_month_alone_is_its_first_day_and_says_so() -> None:
    when, notes = vetted(parse_date(2020), 2020, "a.json", 3, now=NOW)
    assert when == datetime(2020, 1, 1)
    assert notes == [Decision("a.json", WITHOUT_DAY, "2020", 3)]
    assert vetted(parse_date("2020-10"), "2020-10", "a.json", now=NOW)[1] == [
        Decision("a.json", WITHOUT_DAY, "2020-10")]
    assert vetted(parse_date(20200131), 20200131, "a.json", now=NOW) == (
        datetime(2020, 1, 31), [])


def test_ambiguous_numeric_dates_are_told_apart_from_unreadable_ones() -> None:
    assert is_ambiguous("05/06/2019")
    assert not is_ambiguous("19/11/2019")
    assert not is_ambiguous("nonsense")


@pytest.mark.parametrize(("value", "expected"), [
    (1574175720, datetime(2019, 11, 19, 15, 2)),
    (1574175720.5, datetime(2019, 11, 19, 15, 2, 0, 500000)),
    (1574175720000, datetime(2019, 11, 19, 15, 2)),
    (date(2019, 11, 19), datetime(2019, 11, 19)),
    (datetime(2019, 11, 19, 10, 2, tzinfo=timezone(timedelta(hours=-5))),
     datetime(2019, 11, 19, 15, 2)),
    ({"$date": "2019-11-19T15:02:00Z"}, datetime(2019, 11, 19, 15, 2)),
    (True, None), (None, None), (float("nan"), None), ([2019], None),
])
def test_non_text_values(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("Published 10:02 AM EST Nov 19, 2019", datetime(2019, 11, 19, 15, 2)),
    ("Updated: Monday, 19th of November 2019", datetime(2019, 11, 19)),
    ("October 17, 2020", datetime(2020, 10, 17)),
    ("Posted on 19/11/2019 at 10:02", datetime(2019, 11, 19, 10, 2)),
    ("Posted on 05/06/2019", None),  # ambiguous
    ("Published in 2019", None),  # no day and month
])
def test_prose_date_lines(line: str, expected: datetime | None) -> None:
    assert parse_prose_date(line) == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("0001-01-01T00:00:00Z", REJECTED_PLACEHOLDER),
    ("1970-01-01T00:00:00Z", REJECTED_PLACEHOLDER),  # epoch zero
    (0, REJECTED_PLACEHOLDER),
    ("1900-01-01T00:00:00", REJECTED_PLACEHOLDER),
    ("9999-12-31", REJECTED_PLACEHOLDER),
    ("1650-05-01", REJECTED_TOO_EARLY),
    ("2026-01-03", REJECTED_FUTURE),
    ("2026-01-01T23:00:00", None),  # within a day of now: time zones, not the future
    ("1970-01-01T00:00:01Z", None),
    ("1815-06-18", None),
])
def test_vet_rejects_placeholders_and_implausible_dates(value: object, reason: str | None) -> None:
    assert vet(parse_date(value), now=NOW) == reason


def test_vetted_counts_every_rejection_and_warns_on_the_suspicious_ones() -> None:
    when, notes = vetted(parse_date("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00Z", "a.json")
    assert when is None
    assert notes == [Decision("a.json", REJECTED_PLACEHOLDER, "0001-01-01T00:00:00Z")]
    when, notes = vetted(datetime(2099, 1, 1), "2099-01-01", "b.md", now=NOW)
    assert when is None
    assert [type(n) for n in notes] == [Decision, Problem]
    assert str(notes[1]) == ("b.md: date rejected as in the future (2099-01-01): "
                             "indexed without a date")
    assert vetted(datetime(2019, 1, 1), "2019-01-01", "c.md", now=NOW) == (datetime(2019, 1, 1), [])


moments = st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(9998, 12, 31))
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m)))


@settings(max_examples=300, deadline=None)
@given(moments)
def test_iso_round_trip(moment: datetime) -> None:
    assert parse_date(moment.isoformat()) == moment
    assert parse_date(moment.isoformat(sep=" ")) == moment


@settings(max_examples=300, deadline=None)
@given(moments, offsets)
def test_aware_iso_and_rfc2822_round_trip(moment: datetime, zone: timezone) -> None:
    aware = moment.replace(tzinfo=zone)
    try:
        expected = naive_utc(aware)
    except OverflowError:
        return
    assert parse_date(aware.isoformat()) == expected
    assert parse_date(email.utils.format_datetime(aware)) == expected.replace(microsecond=0)


@settings(max_examples=300, deadline=None)
@given(moments.map(lambda d: d.replace(microsecond=0)))
def test_formatted_forms_round_trip(moment: datetime) -> None:
    assert parse_date(moment.strftime("%Y-%m-%d-%H-%M-%S")) == moment
    assert parse_prose_date(moment.strftime("Published %B %d, %Y %H:%M")) == \
        moment.replace(second=0)
    if moment.year >= 1970:
        seconds = int((moment - datetime(1970, 1, 1)).total_seconds())
        if 10**8 <= seconds < 10**10:  # 9 to 10 digits read as seconds (then ms, µs)
            assert parse_date(str(seconds)) == moment
            assert parse_date(seconds * 1000) == moment


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=80), st.integers(), st.floats(), st.binary(max_size=20),
                 st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=2)))
def test_parsers_never_raise(value: object) -> None:
    parsed = parse_date(value)
    assert parsed is None or parsed.tzinfo is None
    if isinstance(value, str):
        prose = parse_prose_date(value)
        assert prose is None or prose.tzinfo is None
        vet(prose)
