"""Dates in queries and filters: absolute (2020, 2020-10, 2020-10-05T14:30), relative
(today, "last week", "last 30 days", now-7d) -> half-open [start, end) spans in naive UTC.

Whoosh's own date parsing reads ISO ranges wrongly (WHOOSH-NOTES 2), so the query package
turns every date form into explicit spans through this module. What a moment means
(naive UTC, aware times converted) is dates.py's rule, shared with the readers: a
query date and an article date compare on the same clock.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..dates import naive_utc, now_utc
from ..errors import QuerySyntaxError, shown

if TYPE_CHECKING:
    from dateutil.relativedelta import relativedelta

DATE_HINT = ("dates look like 2020, 2020-10, 2020-10-05, today, yesterday, \"last week\", "
             "\"last 30 days\", now-7d, >=2020-10-01 or [2020-10-01 TO 2020-10-31]")
TICK = timedelta(microseconds=1)
DATE_TRIM = " \t\n\r\f\v\"“”„"
COMPARISON = re.compile(r">=|<=|>|<|=")
_ABSOLUTE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[t ](\d{1,2})(?::(\d{1,2})"
                       r"(?::(\d{1,2}))?)?)?)?)?z?", re.I)
_NOW = re.compile(r"now(?:\s*([+-])\s*(\d+)\s*([hdwmy]))?", re.I)
_LAST_N = re.compile(r"(?:last|past)\s+(\d+)\s+(hour|day|week|month|year)s?", re.I)
_CALENDAR = re.compile(r"(this|last)\s+(week|month|year)", re.I)
_UNITS = {"h": "hours", "d": "days", "w": "weeks", "m": "months", "y": "years"}


def _delta(unit: str, n: int) -> timedelta | relativedelta:
    """``n`` hours, days or weeks, or calendar months or years (dateutil, imported here:
    only a query with dates needs it)."""
    from dateutil.relativedelta import relativedelta

    if unit == "m":
        return relativedelta(months=n)
    if unit == "y":
        return relativedelta(years=n)
    return timedelta(**{_UNITS[unit]: n})


def small_int(digits: str, cap: int) -> int:
    """int() that never chokes on a thousand digits (Python refuses > 4300)."""
    return cap + 1 if len(digits) > 9 else int(digits)


def utc(moment: datetime | None) -> datetime:
    """``moment`` as naive UTC (dates.py's rule: aware times converted); None means now."""
    return now_utc() if moment is None else naive_utc(moment)


def _shift(moment: datetime, delta: timedelta | relativedelta) -> datetime | None:
    """moment + delta, or None past year 1 / 9999 (an open bound)."""
    try:
        return moment + delta
    except (OverflowError, ValueError):
        return None


def date_span(value: str, pos: int, query: str,
               now: datetime) -> tuple[datetime | None, datetime | None, bool]:
    """``(start, end, is_moment)``: the half-open span a date expression names.

    A date names its whole unit (``2020-10`` is the month). ``now-7d`` names a
    moment, returned as a one-microsecond span so that > and >= still differ."""
    v = value.strip()
    low = v.lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        if m := _ABSOLUTE.fullmatch(v):
            parts = [int(g) for g in m.groups() if g is not None]
            p = parts + [1, 1, 0, 0, 0][len(parts) - 1:]
            start = datetime(p[0], p[1], p[2], p[3], p[4], p[5])
            units: list[timedelta | relativedelta] = [
                _delta("y", 1), _delta("m", 1), timedelta(days=1),
                timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)]
            unit = units[len(parts) - 1]
            return start, _shift(start, unit), False
        if low in ("today", "yesterday", "tomorrow"):
            day = midnight + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[low])
            return day, day + timedelta(days=1), False
        if m := _CALENDAR.fullmatch(low):
            back = m.group(1) == "last"
            if m.group(2) == "week":
                first = midnight - timedelta(days=now.weekday())
                step: timedelta | relativedelta = timedelta(days=7)
            elif m.group(2) == "month":
                first, step = midnight.replace(day=1), _delta("m", 1)
            else:
                first, step = midnight.replace(month=1, day=1), _delta("y", 1)
            if back:
                return _shift(first, -step), first, False
            return first, _shift(first, step), False
        if m := _LAST_N.fullmatch(low):
            delta = _delta(m.group(2)[0], small_int(m.group(1), 10**9))
            start_n = now - delta
            return start_n, now + TICK, False
        if m := _NOW.fullmatch(low):
            moment = now
            if m.group(1):
                delta = _delta(m.group(3), small_int(m.group(2), 10**9))
                moment = now + delta if m.group(1) == "+" else now - delta
            return moment, moment + TICK, True
    except (ValueError, OverflowError) as exc:
        why = str(exc) if _ABSOLUTE.fullmatch(v) else "before year 1 or after 9999"
        raise QuerySyntaxError(f"{shown(v, False)} is not a valid date ({why})", query=query,
                               position=pos, hint=DATE_HINT) from None
    raise QuerySyntaxError(f"{shown(v, False) if v else 'nothing'} is not a date", query=query,
                           position=pos, hint=DATE_HINT)
