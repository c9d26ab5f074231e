"""The library's arguments checked once, before anything reaches Whoosh.

Python callers write what reads naturally: ``tags="earn"`` (one tag, not four
letters), ``tags=None`` (no tag filter), a list or a tuple. Anything else (a wrong
type, a limit out of range, an unknown sort) is an :class:`InvalidArgumentError`
that names the argument, never a ``TypeError`` or ``AssertionError`` from deep
inside Whoosh. The defaults and bounds of result paging live here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple

from .errors import InvalidArgumentError, shown
from .schema import KEYWORD_FIELDS

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
SORTS = ("relevance", "newest", "oldest")
DEFAULT_TOP_TAGS = 20

DateArg = str | date | datetime | None


class SearchArguments(NamedTuple):
    """``Index.search``'s arguments after checking (the filters are checked by
    ``Filters`` itself)."""

    query: str
    sort: str
    limit: int
    page: int
    now: datetime | None


def check_search(query: Any, *, sort: Any, limit: Any, page: Any, now: Any) -> SearchArguments:
    """The arguments of ``Index.search`` in their one accepted form, or
    InvalidArgumentError saying which one is wrong and what it takes."""
    if sort not in SORTS:
        raise InvalidArgumentError(f"unknown sort {shown(sort)}: use relevance, newest or oldest")
    return SearchArguments(
        query="" if query is None else text("query", query),
        sort=sort,
        limit=count("limit", limit, 1, MAX_LIMIT),
        page=count("page", page, 1),
        now=moment("now", now),
    )


def text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a string, not {_kind(value)}")
    return value


def optional_text(name: str, value: Any) -> str | None:
    return None if value is None else text(name, value)


def values(name: str, value: Any) -> tuple[str, ...]:
    """Tag-like values: None (none), one string (one value), or an iterable of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (bytes, bytearray, dict)) or not isinstance(value, Iterable):
        raise InvalidArgumentError(f"{name} must be a string or a list of strings, "
                                   f"not {_kind(value)}")
    out = tuple(value)
    for item in out:
        if not isinstance(item, str):
            raise InvalidArgumentError(f"{name} must hold strings only, not {_kind(item)}")
    return out


def count(name: str, value: Any, low: int, high: int | None = None) -> int:
    """A whole number in [low, high] (bool is not a number here)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentError(f"{name} must be a whole number, not {_kind(value)}")
    if value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise InvalidArgumentError(f"{name} must be {bounds}, not {value}")
    return value


def date_bound(name: str, value: Any) -> DateArg:
    """A date given as text (parsed later, with the query language's rules), a date,
    a datetime, or None."""
    if value is None or isinstance(value, (str, date)):
        return value  # datetime is a date subclass
    raise InvalidArgumentError(f"{name} must be a date, a datetime or a string such as "
                               f"'2020-10-01', not {_kind(value)}")


def moment(name: str, value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    raise InvalidArgumentError(f"{name} must be a datetime, not {_kind(value)}")


def keyword_field(value: Any) -> str:
    """One of the keyword fields (tags, authors, source)."""
    if value not in KEYWORD_FIELDS:
        raise InvalidArgumentError(f"unknown keyword field {shown(value)}: use "
                                   + ", ".join(KEYWORD_FIELDS))
    return str(value)


def _kind(value: Any) -> str:
    return "None" if value is None else f"{type(value).__name__} {value!r}"[:80]
