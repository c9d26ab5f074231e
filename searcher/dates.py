"""The one home for reading dates: archive fields, date lines in prose, and naive UTC.

Every reader (JSON, front matter, HTML meta, scraped text) and the query side share
these rules, so a date means the same thing wherever it was written:

* **Naive UTC out.** Aware values are converted; a value without an offset is taken
  as UTC, never shifted by the machine's zone (``naive_utc``).
* **Never invented.** Text lacking a year, month and day is refused, not completed
  from today (``Nov 19``, ``Published in 2019`` give None); a field holding only a year
  or a month (below) is that period's first day, and says so.
* **ISO 8601** (``2019-11-19T10:02:00-05:00``, ``...Z``, date only) and **RFC 2822**
  (``Tue, 19 Nov 2019 10:02:00 -0500``) as written.
* **``2020-08-31-20-02-06``** (static-site generators' file-name stamp) is a local
  time written with dashes, read as 20:02:06 UTC: the trailing ``-06`` is seconds,
  never a UTC offset. ``2020-08-31-20-02`` likewise.
* **Zone abbreviations** come from one table (``ZONES``; the generic ``ET``/``CT``/
  ``MT``/``PT`` follow daylight saving time for the date: the North American, European,
  Indian, East Asian and Australian ones news sites print): ``Nov 19, 2019 10:02 AM EST``
  is 15:02 UTC. ``IST`` is India (+05:30). An abbreviation not in the table is read as
  UTC (at most hours off, never days).
* **Numeric day and month**: ``19/11/2019`` is 19 November (19 cannot be a month),
  ``11/19/2019`` is 19 November too (month first when the second number cannot be a
  month); when both could be the month (``05/06/2019``) the page's language or country
  domain decides when the reader passes it (``day_first``: ``date_names.day_first``
  says which evidence counts: ``<html lang="fr">`` or a ``.de`` URL is day first,
  ``en-US`` month first); without evidence the date is refused as ambiguous rather than
  guessed, unless both readings agree (``05/05/2019``).
* **Months in words in other languages** (``date_names``): French, German, Spanish,
  Italian, Portuguese, Dutch, Scandinavian, Polish and Russian names and
  abbreviations, day first (``29 juin 2019``,
  ``3. März 2021``, ``1º de março de 2020``, ``Mardi 3 mars 2020``); the time beside it
  is read when dateutil can (``à 10h18``) and taken as UTC.
* **Numbers** (JSON numbers, YAML integers or digit strings) by their digits, so that
  none is silently read as a moment of 1970 (``number_date``): 4 digits are a year
  (``2020``) and ``YYYY-MM`` a month, read as their first day (``vetted`` counts it:
  ``date without a day``); 8 digits are a compact date (``20200131``); 9-10 digits are
  Unix seconds, 12-13 milliseconds, 15-16 microseconds (1973 to 2286, as an archive's
  timestamps are); 0 is epoch zero (a placeholder). Any other number (``99999``,
  ``-5``, ``2020.5``, an 8-digit non-date) is refused, so the reader reports it.
* Reuters' ``26-FEB-1987 15:01:01.79``.
* **Implausible values are rejected, and the reader says so** (``vet``): placeholders
  (year 1, ``1970-01-01T00:00:00`` exactly = epoch zero, ``1900-01-01T00:00:00``,
  year 9999), dates before 1800, and dates more than a day in the future.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .date_names import DAY_MONTH_YEAR_SHAPE, words_to_iso
from .models import Decision, Problem

EARLIEST_YEAR = 1800
FUTURE_SLACK = timedelta(days=1)
# Decision kinds (``models.Decision.kind``) for a value ``vet`` rejects.
REJECTED_PLACEHOLDER = "date rejected as placeholder"
REJECTED_TOO_EARLY = "date rejected as before 1800"
REJECTED_FUTURE = "date rejected as in the future"
REJECTED_AMBIGUOUS = "date rejected as ambiguous"
WITHOUT_DAY = "date without a day: its first day used"

_HOUR = 3600
ZONES: dict[str, int] = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0,
    "EST": -5 * _HOUR, "EDT": -4 * _HOUR, "CST": -6 * _HOUR, "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR, "MDT": -6 * _HOUR, "PST": -8 * _HOUR, "PDT": -7 * _HOUR,
    "AKST": -9 * _HOUR, "AKDT": -8 * _HOUR, "HST": -10 * _HOUR, "AST": -4 * _HOUR,
    "ADT": -3 * _HOUR, "NST": -3 * _HOUR - 1800, "NDT": -2 * _HOUR - 1800,
    "BST": _HOUR, "IST": 5 * _HOUR + 1800, "WEST": _HOUR, "CET": _HOUR, "CEST": 2 * _HOUR,
    "EET": 2 * _HOUR, "EEST": 3 * _HOUR, "MSK": 3 * _HOUR, "PKT": 5 * _HOUR,
    "ICT": 7 * _HOUR, "WIB": 7 * _HOUR, "SGT": 8 * _HOUR, "HKT": 8 * _HOUR,
    "PHT": 8 * _HOUR, "AWST": 8 * _HOUR, "JST": 9 * _HOUR, "KST": 9 * _HOUR,
    "ACST": 9 * _HOUR + 1800, "AEST": 10 * _HOUR, "AEDT": 11 * _HOUR,
    "NZST": 12 * _HOUR, "NZDT": 13 * _HOUR,
}

# Generic zone names news sites print: the summer/winter offset follows the date.
_REGIONS = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
            "PT": "America/Los_Angeles", "UK": "Europe/London"}


@functools.cache
def _zones() -> dict[str, Any]:
    """ZONES plus the generic region names (ET, PT...) when the system has tz data: read
    on first use (the tz files cost a search that reads no dates ~2 ms)."""
    table: dict[str, Any] = dict(ZONES)
    try:
        from zoneinfo import ZoneInfo

        table.update({name: ZoneInfo(key) for name, key in _REGIONS.items()})
    except (ImportError, KeyError, OSError, ValueError):  # no tz database: fixed offsets
        table.update({"ET": -5 * _HOUR, "CT": -6 * _HOUR, "MT": -7 * _HOUR, "PT": -8 * _HOUR})
    return table


_EPOCH = datetime(1970, 1, 1)
_PLACEHOLDERS = frozenset({_EPOCH, datetime(1900, 1, 1)})
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_REUTERS = re.compile(
    r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?")
_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:\.\d*)?")
_PERIOD = re.compile(r"(\d{4})(?:-(\d{2}))?")  # a year or a year-month, nothing else
# Digits of an epoch number -> its unit's divisor (seconds, milliseconds, microseconds):
# 9-10 digits of seconds are 1973-03-03 to 2286-11-20, and so are the others.
_EPOCH_DIGITS = {9: 1, 10: 1, 12: 1_000, 13: 1_000, 15: 1_000_000, 16: 1_000_000}
_DASHED_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[-_](\d{2})-(\d{2})(?:-(\d{2}))?")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/.-])")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# A day, month and year somewhere in prose: what a date line must contain.
DATE_SHAPE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|{DAY_MONTH_YEAR_SHAPE}|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}}|"
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+'\d{{2}}\b|\d{{1,2}}\s+{_MONTH},?\s+'\d{{2}}\b)",
    re.IGNORECASE)
# A moment on a named day, read in any zone, lies this far from its midnight in UTC.
_ZONE_SLACK = (timedelta(hours=-15), timedelta(hours=39))
_SHORT_YEAR = re.compile(r"(?<=\s)'(\d{2})\b")


class AmbiguousDate(ValueError):
    """Day and month could be swapped (``05/06/2019``): refused, not guessed."""


def naive_utc(moment: datetime) -> datetime:
    """``moment`` as naive UTC: aware values converted, naive ones taken as UTC."""
    if moment.tzinfo is None:
        return moment  # the common case, without a copy (this is on the build's hot path)
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def now_utc() -> datetime:
    """The current time as naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def parse_date(value: Any, day_first: bool | None = None) -> datetime | None:
    """A naive UTC datetime from what archives put in a date field, or None.

    Accepts the forms in the module docstring, date/datetime objects (YAML) and
    Mongo's ``{"$date": ...}``. ``day_first`` is what the page's language or domain
    says about ``05/06/2019`` (``date_names.day_first``); None refuses it as ambiguous.
    Never raises. Does not judge plausibility: ``vet`` does.
    """
    try:
        if type(value) is str:
            return _parse_text(value.strip(), day_first)
        if isinstance(value, datetime):
            return naive_utc(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            return _parse_text(value.strip(), day_first)
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return number_date(value)
        if isinstance(value, Mapping) and "$date" in value:
            return parse_date(value["$date"], day_first)
    except (ValueError, OverflowError, TypeError, AttributeError, RecursionError):
        return None
    return None


def is_ambiguous(value: Any, day_first: bool | None = None) -> bool:
    """Whether ``parse_date`` refused ``value`` because day and month could be swapped."""
    if not isinstance(value, str):
        return False
    m = _NUMERIC.search(value)
    return m is not None and _numeric_order(m, day_first) is None


def parse_prose_date(text: str, day_first: bool | None = None) -> datetime | None:
    """The date in a date line of prose (``Published 10:02 AM EST Nov 19, 2019``,
    ``Publié le mardi 29 juin 2019 à 10h18``), or None.

    The line must contain a day, month and year (``DATE_SHAPE``); words around them
    are ignored. ``day_first`` as for ``parse_date``. Never raises.
    """
    if len(text) > 200 or not DATE_SHAPE.search(text):
        return None
    try:
        text, words = words_to_iso(text)
        if words is not None:
            return _with_time(text, words)
        text = _SHORT_YEAR.sub(_full_year, text)
        iso = _numeric_as_iso(text, day_first)
        return None if iso is None else _dateutil(iso, fuzzy=True) or _english_words(text)
    except (ValueError, OverflowError, TypeError, AttributeError, RecursionError):
        return None


def _with_time(text: str, words: tuple[int, int, int]) -> datetime:
    """The day a date in words names (``words_to_iso`` rewrote it in ``text``), at the
    time of day written around it when dateutil finds one (``à 10h18``, ``14:30 Uhr``):
    a reading outside that day (widened by the largest zone offsets) took its numbers
    from elsewhere in the text and is not used. ValueError for a day the month lacks
    (``31 juin``)."""
    day = datetime(*words)
    moment = _dateutil(text, fuzzy=True)
    if moment is not None and _ZONE_SLACK[0] <= moment - day < _ZONE_SLACK[1]:
        return moment
    return day


def _full_year(m: re.Match[str]) -> str:
    """``'15`` -> ``2015``: the century that puts the year at most a year from now."""
    short = int(m.group(1))
    this_year = now_utc().year
    year = this_year - this_year % 100 + short
    return str(year - 100 if year > this_year + 1 else year)


def vet(when: datetime | None, now: datetime | None = None) -> str | None:
    """Why ``when`` (naive UTC) must not be used as a publication date, or None if it may.

    The reason is a Decision kind: a placeholder (year 1, epoch zero, 1900-01-01
    midnight, year 9999), before 1800, or more than a day after ``now``.
    """
    if when is None:
        return None
    if when.year in (1, 9999) or when in _PLACEHOLDERS:
        return REJECTED_PLACEHOLDER
    if when.year < EARLIEST_YEAR:
        return REJECTED_TOO_EARLY
    if when > (now or now_utc()) + FUTURE_SLACK:
        return REJECTED_FUTURE
    return None


def vetted(when: datetime | None, raw: Any, path: str, line: int | None = None,
           now: datetime | None = None) -> tuple[datetime | None, list[Decision | Problem]]:
    """``when`` if ``vet`` accepts it, else None with the Decision that counts the rejection
    (and, for a date before 1800 or in the future, a warning Problem: it may be a bug)."""
    reason = vet(when, now)
    if reason is None:
        if when is not None and without_day(raw):
            return when, [Decision(path, WITHOUT_DAY, str(raw).strip(), line)]
        return when, []
    shown = str(raw) if len(str(raw)) <= 60 else str(raw)[:57] + "..."
    notes: list[Decision | Problem] = [Decision(path, reason, shown, line)]
    if reason != REJECTED_PLACEHOLDER:
        notes.append(Problem(path, f"{reason} ({shown}): indexed without a date",
                             line=line, skipped=False))
    return None, notes


def number_date(number: int | float) -> datetime | None:
    """The date a number in a date field stands for, by its digits (module docstring);
    None for a number that is no date of any of those forms."""
    if not math.isfinite(number) or number < 0:
        return None
    whole = int(number)
    if whole != number:  # a fraction: only an epoch time has one
        scale = _EPOCH_DIGITS.get(len(str(whole)))
        return None if scale is None else _EPOCH + timedelta(seconds=number / scale)
    if whole == 0:
        return _EPOCH  # epoch zero: a placeholder, which vet() names as one
    digits = len(str(whole))
    if digits == 4:
        return datetime(whole, 1, 1)
    if digits == 8:
        return datetime(whole // 10_000, whole // 100 % 100, whole % 100)  # ValueError: none
    scale = _EPOCH_DIGITS.get(digits)
    if scale is None:
        return None
    seconds, rest = divmod(whole, scale)
    return _EPOCH + timedelta(seconds=seconds, microseconds=rest * 1_000_000 // scale)


def without_day(raw: Any) -> bool:
    """Whether ``raw`` names only a year or a month (``2020``, ``"2020-10"``), so that the
    date read from it is that period's first day rather than a day it states."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float)):
        return math.isfinite(raw) and raw == int(raw) and 1000 <= raw <= 9999
    if not isinstance(raw, str):
        return False
    text = raw.strip()
    if _NUMBER_TEXT.fullmatch(text) and len(text) <= 40:
        return without_day(float(text))
    return _PERIOD.fullmatch(text) is not None


def _parse_text(text: str, day_first: bool | None = None) -> datetime | None:
    if not text or len(text) > 200:
        return None
    if text[10:11] in ("-", "_") and (m := _DASHED_TIME.fullmatch(text)):
        parts = [int(p) for p in m.groups(default="0")]
        return datetime(*parts)  # type: ignore[arg-type]
    if text[0] in "0123456789+-" and _NUMBER_TEXT.fullmatch(text):
        if len(text) > 40:
            return None
        return number_date(float(text) if "." in text else int(text))
    if period := _PERIOD.fullmatch(text):
        year, month = period.groups()
        return datetime(int(year), int(month or 1), 1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return naive_utc(parsed)
    match = _REUTERS.fullmatch(text)
    if match:
        day, month, year, hour, minute, second, fraction = match.groups()
        month_number = _MONTHS.get(month.lower())
        if month_number is not None:
            return datetime(int(year), month_number, int(day), int(hour), int(minute),
                            int(second), int((fraction or "0").ljust(6, "0")))
    text, words = words_to_iso(text)
    if words is not None:
        return _with_time(text, words)
    iso = _numeric_as_iso(text, day_first)
    return None if iso is None else _dateutil(iso, fuzzy=False) or _english_words(text)


def _english_words(text: str) -> datetime | None:
    """An English day-month-year among words dateutil does not skip (``le 1 sept
    2000``), or None."""
    text, words = words_to_iso(text, english=True)
    return None if words is None else _with_time(text, words)


def _numeric_as_iso(text: str, day_first: bool | None) -> str | None:
    """``text`` with its first ``D/M/YYYY`` or ``M/D/YYYY`` date rewritten as ISO;
    None if that date is ambiguous (text without one is returned as it is)."""
    numeric = _NUMERIC.search(text)
    if not numeric:
        return text
    order = _numeric_order(numeric, day_first)
    return None if order is None else text[:numeric.start()] + order + text[numeric.end():]


def _numeric_order(m: re.Match[str], day_first: bool | None) -> str | None:
    """``D/M/YYYY`` or ``M/D/YYYY`` rewritten as ISO ``YYYY-MM-DD``; None if ambiguous
    and nothing says which comes first (``day_first`` None)."""
    first, second, year = int(m.group(1)), int(m.group(3)), m.group(4)
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first or first == second:
        day, month = second, first
    elif day_first is not None and first <= 12 and second <= 12:
        day, month = (first, second) if day_first else (second, first)
    else:
        return None
    return f"{year}-{month:02d}-{day:02d}"


def _dateutil(text: str, *, fuzzy: bool) -> datetime | None:
    """dateutil with the shared zone table; it fills gaps from a default, so parse with
    two different defaults and refuse the text if the date part changes with them."""
    from dateutil import parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown zone names: read as UTC
        try:
            first = parser.parse(text, default=datetime(2000, 1, 1), tzinfos=_zones(),
                                 fuzzy=fuzzy)
            second = parser.parse(text, default=datetime(2001, 2, 2), tzinfos=_zones(),
                                  fuzzy=fuzzy)
        except (ValueError, OverflowError, TypeError, parser.ParserError):
            return None
    if first.date() != second.date() or str(first.year) not in text:  # "0001" reads as 2001
        return None
    return naive_utc(first)


