"""Every match of a search, streamed as CSV or JSON Lines (``searcher export``,
``/api/export``).

A search returns one page; an export walks every match, a batch of
``arguments.MAX_LIMIT`` hits at a time through the public ``batches`` (same query
language, filters and sort as ``search``: the query runs and its matches are ordered
once, each batch reads only its own articles), so memory holds one batch whatever
the number of matches, and the rows come out in the order the search ranks them. The text comes
out in chunks (header first, then a chunk per batch or per ``CHUNK_CHARS`` of
rows), ready to write to a file or an HTTP response.

With ``body`` among the fields, a batch's articles are read together
(``Searchable.articles``: ids to document numbers, stored fields in index order), not
one ``get`` per row.

One index's export reads a pinned copy (``Index.pinned``): every batch and body
comes from the commit that was newest when the export started, so a build committing
meanwhile changes nothing in it. A sharded index's batches are a cursor over the
shards; if a build commits there while an export runs, the total of a later batch
differs from the first one's, or an article of a batch is gone; the export then stops
with :class:`IndexChangedError` instead of writing rows that skip or repeat articles.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .arguments import MAX_LIMIT
from .errors import InvalidArgumentError, SearcherError, shown
from .filters import Filters
from .models import Hit
from .sanitize import clean_text, escape_controls, escape_json

if TYPE_CHECKING:
    from .searchable import Searchable

FORMATS = ("csv", "jsonl")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
# What a row can hold, in this order; `body` reads each article's stored text.
FIELDS = ("id", "title", "published", "source", "authors", "tags", "url", "path", "score",
          "rank", "body")
DEFAULT_FIELDS = ("id", "published", "title", "source", "authors", "tags", "url", "score")
LIST_SEPARATOR = "; "  # how a CSV cell holds a list (tags, authors)
# A text cell starting with one of these is a formula to Excel, LibreOffice and Google
# Sheets (OWASP, "CSV Injection"; tab, CR and LF because spreadsheets trim them; the
# full-width forms because some locales read them as the ASCII ones). In CSV, such a
# cell gets FORMULA_GUARD before it, which spreadsheets read as "this cell is text".
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
FORMULA_GUARD = "'"
CHUNK_CHARS = 1 << 20  # a chunk is written when it passes about 1 MB of text


class IndexChangedError(SearcherError):
    """A build committed while an export was running: its rows would skip or repeat."""

    def __init__(self, what: str) -> None:
        super().__init__(f"the index changed during the export ({what}): run the export "
                         "again")


def check_fields(fields: Sequence[str] | str | None) -> tuple[str, ...]:
    """The fields to export: a list or a comma-separated string of names from FIELDS
    (None or empty: DEFAULT_FIELDS); InvalidArgumentError names an unknown one."""
    if fields is None:
        return DEFAULT_FIELDS
    names = fields.split(",") if isinstance(fields, str) else list(fields)
    chosen = tuple(dict.fromkeys(n.strip() for n in names if n.strip()))
    unknown = [n for n in chosen if n not in FIELDS]
    if unknown:
        raise InvalidArgumentError(f"unknown export field {shown(unknown[0])}: use "
                                   + ", ".join(FIELDS))
    return chosen or DEFAULT_FIELDS


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"unknown export format {shown(fmt)}: use csv or jsonl")
    return fmt


class Export:
    """Every match of ``ix.search(query, filters=filters, sort=sort)`` as text chunks:
    iterate it once.

    ``total`` is known before the first row (the first batch runs at construction, so
    a bad query or argument raises here, before anything is written); ``rows`` counts
    the rows produced so far.
    """

    def __init__(self, ix: Searchable, query: str = "", *, fmt: str = "csv",
                 fields: Sequence[str] | str | None = None, sort: str = "relevance",
                 filters: Filters | None = None, batch: int = MAX_LIMIT) -> None:
        self.format = check_format(fmt)
        self.fields = check_fields(fields)
        self.content_type = CONTENT_TYPES[self.format]
        from .index import Index

        # One index: a pinned copy, closed with the export (every batch, one commit).
        self._ix: Searchable = ix.pinned() if isinstance(ix, Index) else ix
        self._owned = self._ix is not ix
        self._query = query
        self._sort = sort
        self._filters = filters
        self._batch = batch
        # Every matching article, copies of one story not collapsed (issue 21).
        self._results = self._ix.batches(self._query, filters=self._filters,
                                         sort=self._sort, batch=self._batch)
        try:
            first = next(self._results)
        except BaseException:
            self.close()
            raise
        self.total = first.total
        self._first = first.hits
        self.rows = 0

    def close(self) -> None:
        """Let go of the batches and of the pinned copy of the index (the export's
        end does it; call it for an export left unfinished)."""
        self._results.close()
        if self._owned:
            self._ix.close()

    def batches(self) -> Iterator[tuple[Hit, ...]]:
        """Every matching hit in ranked order, a batch at a time (one in memory); the
        export is closed at the end."""
        hits, page = self._first, 1
        self._first = ()
        try:
            while hits:
                yield hits
                if page * self._batch >= self.total:
                    return
                page += 1
                results = next(self._results, None)
                if results is None:
                    return
                if results.total != self.total:
                    raise IndexChangedError(f"{self.total:,} matches, then "
                                            f"{results.total:,}")
                hits = results.hits
        finally:
            self.close()

    def hits(self) -> Iterator[Hit]:
        """Every matching hit in ranked order, one batch in memory at a time."""
        for hits in self.batches():
            yield from hits

    def _bodies(self, hits: tuple[Hit, ...]) -> list[str]:
        """The batch's bodies, read together in index order (``Searchable.articles``),
        not one ``get`` per row."""
        articles = self._ix.articles([h.id for h in hits])
        for hit, article in zip(hits, articles, strict=True):
            if article is None:
                raise IndexChangedError(f"article {hit.id!r} is gone")
        return [a.body for a in articles if a is not None]

    def __iter__(self) -> Iterator[str]:
        writer = _CsvRows(self.fields) if self.format == "csv" else _JsonRows(self.fields)
        header = writer.header()
        if header:
            yield header
        buffer: list[str] = []
        size = 0
        with_body = "body" in self.fields
        for hits in self.batches():
            bodies = self._bodies(hits) if with_body else [""] * len(hits)
            for hit, body in zip(hits, bodies, strict=True):
                line = writer.row(_values(hit, self.fields, body))
                buffer.append(line)
                size += len(line)
                self.rows += 1
                if size >= CHUNK_CHARS:
                    yield "".join(buffer)
                    buffer, size = [], 0
            if buffer:  # a chunk per batch at least: the reader sees progress
                yield "".join(buffer)
                buffer, size = [], 0


def _values(hit: Hit, fields: tuple[str, ...], body: str) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in fields:
        if name == "body":
            row[name] = body
        elif name == "published":
            row[name] = hit.published.isoformat() if hit.published else None
        elif name in ("tags", "authors"):
            row[name] = list(getattr(hit, name))
        else:
            row[name] = getattr(hit, name)
    return row


class _JsonRows:
    """One JSON object per line; lists stay lists, a missing date or score is null."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields

    def header(self) -> str:
        return ""

    def row(self, values: dict[str, Any]) -> str:
        return escape_json(json.dumps(values, ensure_ascii=False)) + "\n"


class _CsvRows:
    """RFC 4180 CSV (quoted where needed, CRLF line ends) with a header row; a list is
    its values joined by LIST_SEPARATOR, a missing value an empty cell, a text cell that
    would open as a formula guarded (:func:`inert`). CSV is read by people, on a terminal
    (``searcher export`` to stdout) or in a spreadsheet, so its text is cleaned as for
    display (sanitize.py: no terminal escapes, controls or bidi overrides; an id keeps
    them in the ``\x1b`` form ``searcher show`` accepts). JSON Lines are for programs and
    keep every value exact (escaped as JSON)."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self._out = io.StringIO()
        self._writer = csv.writer(self._out)

    def _line(self, cells: list[Any]) -> str:
        self._out.seek(0)
        self._out.truncate()
        self._writer.writerow(cells)
        return self._out.getvalue()

    def header(self) -> str:
        return self._line(list(self.fields))

    def row(self, values: dict[str, Any]) -> str:
        return self._line([inert(escape_controls(v) if name == "id" else clean_text(v))
                           if isinstance(v, str)
                           else inert(clean_text(LIST_SEPARATOR.join(v)))
                           if isinstance(v, list) else "" if v is None else v
                           for name, v in values.items()])


def inert(cell: str) -> str:
    """A CSV text cell a spreadsheet will not run: FORMULA_GUARD before a cell that
    starts like a formula (article text is untrusted web text); other cells as they
    are. Numbers (score, rank) are ours and never start so."""
    return FORMULA_GUARD + cell if cell[:1] in FORMULA_STARTS else cell
