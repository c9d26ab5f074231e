"""Dates as archives write them -> naive UTC datetimes, never invented.

Shared by the structured readers (JSON, front matter, HTML meta tags).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

_EPOCH = datetime(1970, 1, 1)
_REUTERS = re.compile(
    r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_EPOCH_TEXT = re.compile(r"-?\d{9,}(?:\.\d+)?")


def parse_date(value: Any) -> datetime | None:
    """A naive UTC datetime from what archives put in a date field, or None.

    Accepts ISO 8601, RFC 2822, Reuters' ``26-FEB-1987 15:01:01.79``, epoch seconds,
    milliseconds or microseconds (numbers or digit strings), date/datetime objects
    (YAML) and Mongo's ``{"$date": ...}``. Anything lacking a year, month and day is
    refused rather than completed: a reader never invents a date.
    """
    try:
        if type(value) is str:
            return _parse_text(value.strip())
        if isinstance(value, datetime):
            return _naive_utc(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            return _parse_text(value.strip())
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return _from_epoch(value)
        if isinstance(value, Mapping) and "$date" in value:
            return parse_date(value["$date"])
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None
    return None


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=None)
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _from_epoch(number: float) -> datetime | None:
    if not math.isfinite(number):
        return None
    size = abs(number)
    if size >= 1e17:
        return None
    scale = 1 if size < 1e11 else 1_000 if size < 1e14 else 1_000_000
    if isinstance(number, int):
        seconds, rest = divmod(number, scale)
        return _EPOCH + timedelta(seconds=seconds, microseconds=rest * 1_000_000 // scale)
    return _EPOCH + timedelta(seconds=number / scale)


def _parse_text(text: str) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return parsed if parsed.tzinfo is None else _naive_utc(parsed)
    if _EPOCH_TEXT.fullmatch(text):
        return _from_epoch(float(text) if "." in text else int(text))
    match = _REUTERS.fullmatch(text)
    if match:
        day, month, year, hour, minute, second, fraction = match.groups()
        month_number = _MONTHS.get(month.lower())
        if month_number is not None:
            return datetime(int(year), month_number, int(day), int(hour), int(minute),
                            int(second), int((fraction or "0").ljust(6, "0")))
    return _parse_lenient(text)


def _parse_lenient(text: str) -> datetime | None:
    """RFC 2822, then dateutil; dateutil fills gaps from a default, so parse with two
    different defaults and refuse the text if the date part changes with them."""
    import email.utils
    import warnings

    from dateutil import parser

    try:
        return _naive_utc(email.utils.parsedate_to_datetime(text))
    except (ValueError, TypeError, IndexError, OverflowError):
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown timezone names: read as UTC
        try:
            first = parser.parse(text, default=datetime(2000, 1, 1))
            second = parser.parse(text, default=datetime(2001, 2, 2))
        except (ValueError, OverflowError, TypeError):
            return None
    if first.date() != second.date():
        return None
    return _naive_utc(first)
