"""A date token of the query language -> a date-range clause of the query plan.

The binding step for dates (``bind.py`` calls it for ``date:`` values and ranges):
``dates.py`` turns text into [start, end) spans; this reads the token's comparison
(``>=``, ``<``...) or range brackets, and says when a range is empty.
"""

from __future__ import annotations

import re
from datetime import datetime

from .. import plan
from ..errors import QuerySyntaxError
from ..schema import PUBLISHED
from .dates import COMPARISON, DATE_TRIM, TICK, date_span
from .lexer import Token

Query = plan.Node


def date_clause(t: Token, query: str, now: datetime, notes: list[str]) -> Query:
    """A date token (or a word or phrase inside ``date:( )``) -> a query on the
    published field; a bad date is a QuerySyntaxError at its position."""
    if t.kind == "RANGE":
        return _range_clause(t, query, now, notes)
    if t.kind == "DATE":
        op, value, pos = t.op, t.text, t.value_pos
    else:  # a word or phrase inside date:( ... )
        m = COMPARISON.match(t.text) if t.kind == "WORD" else None
        op = m.group() if m else ""
        value, pos = t.text[len(op):], t.pos + len(op) + (t.kind == "PHRASE")
    if value.strip() == "*" and not op:
        return plan.DateRange(PUBLISHED, None, None)
    start, end, instant = date_span(value, pos, query, now)
    if op in ("", "=") and instant:
        if value.strip().lower() == "now":
            raise _error(query, "date:now is a single moment", pos,
                         "use date:today or date:>now-1d")
        assert start is not None  # a moment is never open
        start, end = min(start, now), max(start, now) + TICK
    elif op == ">":
        if end is None:  # after the year 9999
            return plan.NOTHING
        start, end = end, None
    elif op == ">=":
        end = None
    elif op == "<":
        start, end = None, start
    elif op == "<=":
        start = None
    return _span_query(start, end, query[t.pos:t.end], notes)


def _range_clause(t: Token, query: str, now: datetime, notes: list[str]) -> Query:
    inner, base = t.text, t.value_pos
    seps = list(re.finditer(r"\s+TO\s+", inner, re.I))
    if len(seps) != 1:
        raise _error(query, "a date range needs two dates joined by TO", t.pos,
                     "write date:[2020-10-01 TO 2020-10-31] (* leaves a side open)")
    sep = seps[0]
    lo_text, hi_text = inner[:sep.start()], inner[sep.end():]
    lo_pos, hi_pos = base, base + sep.end()
    bounds: list[datetime | None] = []
    for part, pos, inclusive, is_low in ((lo_text, lo_pos, t.op[0] == "[", True),
                                          (hi_text, hi_pos, t.op[1] == "]", False)):
        lead = len(part) - len(part.lstrip(DATE_TRIM))
        part = part.strip(DATE_TRIM)
        if part == "*":
            bounds.append(None)
            continue
        if not part:
            raise _error(query, "a date range needs a date on each side of TO", t.pos,
                         "write * to leave a side open")
        start, end, _ = date_span(part, pos + lead, query, now)
        if is_low and not inclusive and end is None:  # after the year 9999
            return plan.NOTHING
        if is_low:
            bounds.append(start if inclusive else end)
        else:
            bounds.append(end if inclusive else start)
    return _span_query(bounds[0], bounds[1], query[t.pos:t.end], notes)


def _span_query(start: datetime | None, end: datetime | None, label: str,
                notes: list[str]) -> Query:
    """[start, end) on the published field; Whoosh's own ISO parsing is wrong (NOTES 2)."""
    if start is not None and end is not None and start >= end:
        notes.append(f"The date range {label} is empty.")
        return plan.NOTHING
    return plan.DateRange(PUBLISHED, start, end, end_excluded=end is not None)


def _error(query: str, message: str, pos: int, hint: str) -> QuerySyntaxError:
    return QuerySyntaxError(message, query=query, position=pos, hint=hint)
