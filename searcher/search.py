"""The library's read side: open an index, search it, fetch articles, describe it.

Every public method returns plain dataclasses (models.py) built while the Whoosh
searcher is open; no Whoosh object escapes. Reading never blocks on a build: a
Whoosh searcher sees the last commit, and ``Index`` refreshes to the newest
commit at each call.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from . import manifest as manifest_io
from . import schema, store
from .errors import ArticleNotFoundError
from .models import Article, FacetCount, IndexStats

DEFAULT_TOP_TAGS = 20


class Index:
    """An open index. Use as a context manager, or call ``close()``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ix = store.open_existing(path)
        self._searcher: Searcher | None = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _current(self) -> Searcher:
        """A searcher on the newest commit (cheap when nothing changed)."""
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        else:
            self._searcher = self._searcher.refresh()
        return self._searcher

    def __len__(self) -> int:
        return int(self._current().doc_count())

    def get(self, article_id: str) -> Article:
        """The full article with this id (ArticleNotFoundError if there is none)."""
        stored = self._current().document(**{schema.ID: article_id})
        if stored is None:
            raise ArticleNotFoundError(article_id)
        return schema.document_to_article(stored)

    def keyword_counts(self, field: str, prefix: str = "") -> list[FacetCount]:
        """Every value of a keyword field (tags, authors, source) starting with ``prefix``
        (case-insensitive), with its number of articles, most used first."""
        s = self._current()
        reader = s.reader()
        folded_prefix = schema.normalize_keyword(prefix) if prefix.strip() else ""
        counts: list[tuple[str, int]] = []
        for term in reader.expand_prefix(field, folded_prefix):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            n = reader.doc_frequency(field, text)
            if n:
                counts.append((text, n))
        counts.sort(key=lambda tc: (-tc[1], tc[0]))
        return [FacetCount(self._display(s, field, t), n) for t, n in counts]

    def _display(self, s: Searcher, field: str, folded: str) -> str:
        """The value as an article wrote it (the index holds it folded)."""
        stored_field = {schema.TAGS: schema.TAGS_STORED, schema.AUTHORS: schema.AUTHORS_STORED,
                        schema.SOURCE: schema.SOURCE_STORED}[field]
        for docnum in s.reader().postings(field, folded).all_ids():
            values: Any = s.stored_fields(docnum).get(stored_field) or ()
            for value in [values] if isinstance(values, str) else values:
                if schema.normalize_keyword(value) == folded:
                    return str(value)
            break
        return folded

    def stats(self, top_tags: int = DEFAULT_TOP_TAGS) -> IndexStats:
        """Documents, date range, the most used tags, size and when it was built."""
        s = self._current()
        reader = s.reader()
        dates = _published_values(s)
        built = manifest_io.load(self.path, self._ix.latest_generation())
        return IndexStats(
            path=str(self.path),
            documents=int(s.doc_count()),
            earliest=min(dates) if dates else None,
            latest=max(dates) if dates else None,
            undated=int(s.doc_count()) - len(dates),
            top_tags=tuple(self.keyword_counts(schema.TAGS)[:top_tags]) if reader else (),
            index_bytes=store.size_bytes(self.path),
            last_build=built.built_at if built else None,
        )


def _published_values(s: Searcher) -> list[datetime]:
    """The published date of every live document that has one, from the sortable column."""
    field = s.schema[schema.PUBLISHED]
    missing = field.column_type.default_value(False)  # the column's "no value" sentinel
    values: list[datetime] = []
    for reader, _offset in s.reader().leaf_readers():
        if not reader.has_column(schema.PUBLISHED):
            continue
        column = reader.column_reader(schema.PUBLISHED, translate=False)
        values.extend(long_to_datetime(raw) for docnum in reader.all_doc_ids()
                      if (raw := column[docnum]) != missing)
    return values


def open_index(path: str | os.PathLike[str] | None = None) -> Index:
    """Open the index at ``path`` (default ``$SEARCHER_INDEX`` or ``index/``)."""
    return Index(store.index_path(path))
