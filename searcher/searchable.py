"""What every open index offers, one index or a sharded one: the type ``open_index``
returns.

``index.Index`` (one index) and ``cluster.search.ShardedIndex`` (shards, in this
process or on a Dask cluster) both satisfy :class:`Searchable`; code that only
searches, shows, counts, finds similar articles and exports takes a Searchable (the
command line, the prompt), and code that needs more of one index (the server) checks
for ``Index`` first (``isinstance``) and says in one line what a sharded index does
not do yet.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol

from .arguments import DateArg
from .filters import Filters
from .models import (
    Article,
    ArticleView,
    Explanation,
    FacetCount,
    IndexStats,
    SearchResults,
)


class Searchable(Protocol):
    """An open index: search it, read its articles, describe it; close it (or use
    it as a context manager)."""

    path: Path

    def __enter__(self) -> Searchable: ...
    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...
    def close(self) -> None: ...
    def __len__(self) -> int: ...
    def get(self, article_id: str) -> Article: ...
    def articles(self, article_ids: Sequence[str]) -> list[Article | None]: ...
    def show(self, article_id: str, query: str = "") -> ArticleView: ...
    def explain(self, article_id: str, query: str) -> Explanation: ...
    def stats(self, top_tags: int = ...) -> IndexStats: ...
    def keyword_values(self, field: str, prefix: str = "", *,
                       limit: int | None = None) -> list[FacetCount]: ...
    def word_values(self, prefix: str, *, limit: int = ...) -> list[FacetCount]: ...
    def similar(self, article_id: str, *, limit: int = ..., page: int = 1,
                filters: Filters | None = None, tags: str | Sequence[str] | None = ...,
                any_tags: str | Sequence[str] | None = ...,
                exclude_tags: str | Sequence[str] | None = ..., since: DateArg = None,
                until: DateArg = None, author: str | None = None,
                source: str | None = None) -> SearchResults: ...
    def batches(self, query: str = "", *, filters: Filters | None = None,
                sort: str = ..., batch: int = ...,
                now: datetime | None = None) -> Generator[SearchResults, None, None]: ...
    def search(self, query: str = "", *, filters: Filters | None = None,
               tags: str | Sequence[str] | None = ...,
               any_tags: str | Sequence[str] | None = ...,
               exclude_tags: str | Sequence[str] | None = ...,
               since: DateArg = None, until: DateArg = None, author: str | None = None,
               source: str | None = None, sort: str = ..., limit: int = ...,
               page: int = 1, facets: bool = False, snippets: bool = True,
               expand: bool = False, collapse: bool = True,
               now: datetime | None = None) -> SearchResults: ...
