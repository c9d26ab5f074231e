"""A :class:`Filters` value (``--tag``, ``--since``, ``--author`` ...) -> a filter and mask.

They are not part of the query text, so a bad value is an
:class:`InvalidArgumentError` naming the option; dates accept every form
``date:`` does (``dates.py``) and include their whole unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from .. import plan
from ..errors import InvalidArgumentError, QuerySyntaxError
from ..filters import Filters
from ..plan import Word
from ..sanitize import blank_for_query
from ..schema import AUTHORS, PUBLISHED, SOURCE, TAGS, normalize_keyword
from .compile import all_of, any_of
from .dates import DATE_HINT, DATE_TRIM, TICK, date_span, utc

Query = plan.Node


def build_filter(filters: Filters, *, now: datetime | None = None
                 ) -> tuple[Query | None, Query | None]:
    """``(filter, mask)`` of a :class:`Filters` value: the documents must match
    ``filter`` and must not match ``mask`` (None: no condition).

    ``tags`` must all be present, one of ``any_tags`` must be, none of
    ``exclude_tags`` may be (the mask). ``since``/``until`` include their whole
    unit: a string is parsed by :func:`parse_date_bound` (``--until 2020-10`` keeps
    October 31 at 18:00), a date is a whole day, a datetime an exact inclusive moment.
    """
    parts: list[Query] = [Word((TAGS,), v) for v in _keywords(filters.tags)]
    any_values = _keywords(filters.any_tags)
    if any_values:
        parts.append(any_of([Word((TAGS,), v) for v in any_values]))
    for fieldname, value in ((AUTHORS, filters.author), (SOURCE, filters.source)):
        folded = _keywords([value] if value else [])
        if folded:
            parts.append(Word((fieldname,), folded[0]))
    start = _bound("since", filters.since, end=False, now=now)
    stop = _bound("until", filters.until, end=True, now=now)
    if start is not None or stop is not None:
        parts.append(plan.DateRange(PUBLISHED, start, stop))
    excluded = _keywords(filters.exclude_tags)
    mask = any_of([Word((TAGS,), v) for v in excluded]) if excluded else None
    return (all_of(parts) if parts else None), mask


def parse_date_bound(text: str, *, end: bool, now: datetime | None = None) -> datetime:
    """A ``--since``/``--until`` value as an inclusive bound: the first moment of
    the unit (``end=False``) or its last microsecond (``end=True``), so
    ``--until 2020-10-31`` keeps an article published that day at 18:00.
    Accepts every form ``date:`` accepts except comparisons and ranges."""
    value = blank_for_query(text)
    lead = len(value) - len(value.lstrip(DATE_TRIM))
    value = value.strip(DATE_TRIM)
    if not value or value == "*":
        raise QuerySyntaxError("a date is missing", query=text, position=0, hint=DATE_HINT)
    start, stop, instant = date_span(value, lead, text, utc(now))
    if instant:
        assert start is not None  # a moment is never open
        return start
    if end:
        return datetime.max if stop is None else stop - TICK
    return datetime.min if start is None else start


def _keywords(values: Sequence[str]) -> list[str]:
    return [v for v in (normalize_keyword(x) for x in values) if v]


def _bound(name: str, value: str | date | datetime | None, *, end: bool,
           now: datetime | None) -> datetime | None:
    """A since/until argument as an inclusive bound; a string that is no date is an
    InvalidArgumentError naming the argument (it is not part of the query)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return utc(value)
    if isinstance(value, date):
        day = datetime(value.year, value.month, value.day)
        return day + timedelta(days=1) - TICK if end else day
    try:
        return parse_date_bound(value, end=end, now=now)
    except QuerySyntaxError as e:
        raise InvalidArgumentError(f"{name}: {e.reason} (write a date such as 2020-10-01, "
                                   "2020-10, today, \"last week\" or now-7d)") from None
