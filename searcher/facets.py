"""Facet counts over a whole result set: top tags, authors, sources, a date histogram.

Counted from the index, not from stored documents: the set of matching document
numbers is intersected with each keyword value's posting list, and dates come
from the sortable column, so a facet over 20,000 matches costs milliseconds.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from . import schema
from .models import FacetCount, Facets

TOP_VALUES = 10
MONTHS_UP_TO = 36  # a date range spanning more months than this is bucketed by year


def matching_docs(s: Searcher, query: Any, filt: Any, mask: Any) -> set[int]:
    """Document numbers matching ``query`` within ``filt`` and outside ``mask``."""
    docs = set(query.docs(s))
    if filt is not None:
        docs &= set(filt.docs(s))
    if mask is not None:
        docs -= set(mask.docs(s))
    return docs


def keyword_counts(s: Searcher, field: str, docs: set[int]) -> list[tuple[str, int]]:
    """(folded value, matches) for every value of a keyword field among ``docs``."""
    reader = s.reader()
    counts: list[tuple[str, int]] = []
    for term in reader.lexicon(field):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        n = sum(1 for d in reader.postings(field, text).all_ids() if d in docs)
        if n:
            counts.append((text, n))
    counts.sort(key=lambda tc: (-tc[1], tc[0]))
    return counts


def date_histogram(s: Searcher, docs: set[int]) -> tuple[list[FacetCount], str]:
    """Matches per month (or per year over long spans), oldest first, with the unit."""
    reader = s.reader()
    if not reader.has_column(schema.NEWEST):
        return [], "month"
    column = reader.column_reader(schema.NEWEST, translate=False)
    dates: list[datetime] = [long_to_datetime(raw) for d in docs if (raw := column[d])]
    if not dates:
        return [], "month"
    first, last = min(dates), max(dates)
    months = (last.year - first.year) * 12 + last.month - first.month
    unit = "month" if months <= MONTHS_UP_TO else "year"
    label = "%Y-%m" if unit == "month" else "%Y"
    counts = Counter(d.strftime(label) for d in dates)
    return [FacetCount(k, counts[k]) for k in sorted(counts)], unit


def display_value(s: Searcher, field: str, folded: str) -> str:
    """A keyword value as an article wrote it (the index holds it folded):
    the first article carrying it says how it is spelled."""
    stored_field = {schema.TAGS: schema.TAGS_STORED, schema.AUTHORS: schema.AUTHORS_STORED,
                    schema.SOURCE: schema.SOURCE_STORED}[field]
    for docnum in s.reader().postings(field, folded).all_ids():
        values: Any = s.stored_fields(docnum).get(stored_field) or ()
        for value in [values] if isinstance(values, str) else values:
            if schema.normalize_keyword(value) == folded:
                return str(value)
        break
    return folded


def compute_facets(s: Searcher, query: Any, filt: Any, mask: Any,
                   top: int = TOP_VALUES) -> Facets:
    """All facets for the matches of ``query`` (display spellings for keyword values)."""
    docs = matching_docs(s, query, filt, mask)

    def top_values(field: str) -> tuple[FacetCount, ...]:
        return tuple(FacetCount(display_value(s, field, v), n)
                     for v, n in keyword_counts(s, field, docs)[:top])

    dates, unit = date_histogram(s, docs)
    return Facets(tags=top_values(schema.TAGS), authors=top_values(schema.AUTHORS),
                  sources=top_values(schema.SOURCE), dates=tuple(dates), date_unit=unit)
