"""Facets over a match set: keyword value counts and the date histogram, as array counts.

A keyword field (tags, authors, source) is read once per index view into two
parallel arrays over all its postings: document number and value ordinal. The
counts for any match set are then one ``bincount`` of the ordinals whose document
is in the set, and live counts (stats, ``:tags``, completion) are the same with
the live mask, so deleted articles are never counted. Dates come from the
``published`` column, bucketed with numpy's datetime64.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import schema
from .._whoosh import postings as wp
from ..models import FacetCount, Facets
from .view import IndexView

BoolArray = npt.NDArray[np.bool_]
TOP_VALUES = 10
MONTHS_UP_TO = 36  # a date range spanning more months than this is bucketed by year
_EPOCH_LONG = 62135596800 * 10**6  # Whoosh's datetime_to_long(1970-01-01): µs since year 1


@dataclass(frozen=True)
class KeywordOrdinals:
    """Every value of a keyword field (folded, sorted) and its postings as ordinals."""

    values: list[str]
    docs: npt.NDArray[np.int64]
    ordinals: npt.NDArray[np.int64]

    def counts(self, mask: BoolArray) -> npt.NDArray[np.int64]:
        """How many documents of ``mask`` carry each value."""
        return np.bincount(self.ordinals[mask[self.docs]], minlength=len(self.values))


def ordinals(view: IndexView, field: str) -> KeywordOrdinals:
    """The field's values and postings, read once per view."""
    key = ("ordinals", field)
    found: KeywordOrdinals | None = view.memo.get(key)
    if found is None:
        by_term: dict[bytes, list[int]] = {}
        if field in view.schema:  # one pass over each segment's terms (wp.field_ids)
            for reader, offset in view.segments:
                for btext, ids in wp.field_ids(reader, field):
                    found_ids = by_term.setdefault(btext, [])
                    found_ids.extend(ids if not offset else (i + offset for i in ids))
        values: list[str] = []
        docs: list[int] = []
        lengths: list[int] = []
        for btext in sorted(by_term):
            if by_term[btext]:
                docs.extend(by_term[btext])
                lengths.append(len(by_term[btext]))
                values.append(btext.decode("utf-8"))
        found = KeywordOrdinals(values, np.array(docs, dtype=np.int64), np.repeat(
            np.arange(len(values), dtype=np.int64), np.array(lengths, dtype=np.int64)))
        view.memo[key] = found
    return found


def keyword_counts(view: IndexView, field: str, mask: BoolArray | None = None,
                   prefix: str = "") -> list[tuple[str, int]]:
    """(folded value, documents) for every value in ``mask`` (default: the live
    documents) starting with ``prefix``, most used first, then by value."""
    table = ordinals(view, field)
    counts = table.counts(view.live if mask is None else mask & view.live)
    out = [(v, int(c)) for v, c in zip(table.values, counts.tolist(), strict=True)
           if c and v.startswith(prefix)]
    out.sort(key=lambda vc: (-vc[1], vc[0]))
    return out


def display_values(view: IndexView, field: str, folded: list[str]) -> list[str]:
    """Keyword values as articles wrote them (the index holds them folded): the first
    live article carrying a value says how it is spelled. Each article is read once
    for all the values it spells, and its values are folded until those are found:
    one article with 10,000 tags was read 10,000 times (``stats`` over 120 s)."""
    stored_field = {schema.TAGS: schema.TAGS_STORED, schema.AUTHORS: schema.AUTHORS_STORED,
                    schema.SOURCE: schema.SOURCE_STORED}[field]
    spelled: dict[str, str] = view.memo.setdefault(("spelled", field), {})
    out = [spelled.get(v, "") for v in folded]
    wanted: dict[int, set[str]] = {}
    for i, value in enumerate(folded):
        if out[i]:
            continue
        out[i] = value
        postings = view.term(field, value)
        if postings is not None:
            live = postings.ids[view.live[postings.ids]]
            if len(live):
                wanted.setdefault(int(live[0]), set()).add(value)
    for docnum, values in wanted.items():
        stored: Any = view.searcher.stored_fields(docnum).get(stored_field) or ()
        for raw in [stored] if isinstance(stored, str) else stored:
            key = schema.normalize_keyword(raw)
            if key in values:
                spelled[key] = str(raw)
                values.discard(key)
                if not values:
                    break
    return [spelled.get(v, v) for v in folded]


def date_histogram(view: IndexView, mask: BoolArray) -> tuple[list[FacetCount], str]:
    """Matches per month (or per year over long spans), oldest first, with the unit;
    every bucket between the first and the last, empty ones too (a timeline)."""
    return month_histogram(month_counts(view, mask))


def month_counts(view: IndexView, mask: BoolArray) -> dict[int, int]:
    """Dated live matches per month (months since 1970-01): what shards add up."""
    # The published column, not newest: newest holds 0 for undated articles, which is
    # also the value of 0001-01-01, so a year-1 date fell out of the timeline.
    column = view.column(schema.PUBLISHED)
    if column is None:
        return {}
    raw = column[mask & view.live]
    raw = raw[raw != np.uint64(view.column_missing(schema.PUBLISHED))]
    if not len(raw):
        return {}
    micros = (raw.astype(np.int64) - _EPOCH_LONG).astype("datetime64[us]")
    months, counts = np.unique(micros.astype("datetime64[M]").astype(np.int64),
                               return_counts=True)
    return dict(zip(months.tolist(), counts.tolist(), strict=True))


def month_histogram(per_month: dict[int, int]) -> tuple[list[FacetCount], str]:
    """The timeline of :func:`month_counts`: by month up to ``MONTHS_UP_TO``, else by year."""
    if not per_month:
        return [], "month"
    first, last = min(per_month), max(per_month)
    if last - first <= MONTHS_UP_TO:
        labels = [f"{1970 + m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]
        return [FacetCount(label, per_month.get(m, 0))
                for label, m in zip(labels, range(first, last + 1), strict=True)], "month"
    per_year: dict[int, int] = {}
    for m, n in per_month.items():
        per_year[m // 12] = per_year.get(m // 12, 0) + n
    y0, y1 = min(per_year), max(per_year)
    return [FacetCount(f"{1970 + y:04d}", per_year.get(y, 0)) for y in range(y0, y1 + 1)], \
        "year"
def date_range(view: IndexView) -> tuple[int, datetime | None, datetime | None]:
    """(live dated documents, earliest, latest published date): for stats."""
    column = view.column(schema.PUBLISHED)
    if column is None:
        return 0, None, None
    raw = column[view.live & (column != np.uint64(view.column_missing(schema.PUBLISHED)))]
    if not len(raw):
        return 0, None, None
    ends = (np.array([raw.min(), raw.max()]).astype(np.int64) - _EPOCH_LONG)
    first, last = (d.astype(datetime) for d in ends.astype("datetime64[us]"))
    return len(raw), first, last
def compute_facets(view: IndexView, mask: BoolArray, top: int = TOP_VALUES) -> Facets:
    """Top tags, authors and sources (display spellings) and dates over ``mask``."""

    def top_values(field: str) -> tuple[FacetCount, ...]:
        chosen = keyword_counts(view, field, mask)[:top]
        shown = display_values(view, field, [v for v, _n in chosen])
        return tuple(FacetCount(d, n) for d, (_v, n) in zip(shown, chosen, strict=True))

    dates, unit = date_histogram(view, mask)
    return Facets(tags=top_values(schema.TAGS), authors=top_values(schema.AUTHORS),
                  sources=top_values(schema.SOURCE), dates=tuple(dates), date_unit=unit)


